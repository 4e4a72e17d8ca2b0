"""Norms as data: the school-year clock, interpolation through the year and across years,
the illustrative norms and what they assume, and the CSV import (all or nothing)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from app.calibration import norm_sets, norms
from app.calibration import service as calibration
from tests.factories import framework, staff_token

HEADER = "subject,year_level,term,week,mean,sd,n,source\n"
SOURCE = "Example national sample 2025 (n = 12,000)"


def _norm_file(rows: list[str]) -> bytes:
    return (HEADER + "\n".join(rows) + "\n").encode()


GOOD = _norm_file([f"maths,{y},{t},,{1400 + 20 * (y - 4) + 5 * (t - 1)},{60 + t},{300 + y},"
                   f'"{SOURCE}"' for y in (4, 5, 6) for t in (1, 2, 3, 4)])


def test_school_year_clock() -> None:
    assert norms.school_year(date(2026, 1, 20)) == 2025
    assert norms.school_year(date(2026, 2, 1)) == 2026
    assert norms.school_week(date(2026, 2, 1)) == 1 and norms.school_week(date(2026, 2, 8)) == 2
    assert [norms.term_of(d) for d in (date(2026, 2, 16), date(2026, 5, 20),
                                       date(2026, 8, 10), date(2026, 10, 20),
                                       date(2027, 1, 10))] == [1, 2, 3, 4, 4]
    start, end = norms.term_window(2026, 2)
    assert norms.term_of(start) == 2 and norms.term_of(end) == 3
    assert norms.norm_time(5, date(2026, 2, 1)) == 5.0
    assert norms.norm_time(5, date(2027, 1, 31)) == pytest.approx(5 + 364 / 365.25)


def _table(points: list[norms.NormPoint]) -> norms.NormTable:
    return norms.NormTable("maths", "test", False, "", tuple(points))


def test_norms_interpolate_within_the_year_and_across_years() -> None:
    table = _table([norms.NormPoint(5, 5, 1400, 50), norms.NormPoint(5, 42, 1430, 54),
                    norms.NormPoint(6, 5, 1440, 56)])
    t1 = norms.week_time(5, 5)
    assert table.at_time(5, t1) == norms.NormCell(1400, 50)
    middle = (t1 + norms.week_time(5, 42)) / 2
    cell = table.at_time(5, middle)
    assert cell is not None and cell.mean == pytest.approx(1415) and cell.sd == pytest.approx(52)
    # Over the summer the line runs from Year 5 Term 4 to Year 6 Term 1.
    summer = table.at(5, date(2027, 1, 15))
    assert summer is not None and 1430 < summer.mean < 1440
    # Before the first point it continues along the first segment.
    early = table.at(5, date(2026, 2, 2))
    assert early is not None and early.mean < 1400
    assert table.at(7, date(2026, 3, 1)) is None  # no points for Year 7
    # A year's growth on one student's path: Year 5 Term 1 → Year 6 Term 1.
    assert table.growth((5, date(2026, 3, 2)), (6, date(2027, 3, 2))) == pytest.approx(
        40, abs=0.2)


def test_illustrative_norms_follow_the_calibration_and_say_so() -> None:
    table = norms.illustrative("mathematics", 1500.0, 75.0)
    assert table.illustrative and "not a national sample" in table.label
    assert "Years 4–10" in table.assumptions and "0.40 on average" in table.assumptions
    assert {p.term for p in table.points} == {1, 2, 3, 4} and table.year_levels == list(
        range(4, 11))
    within = table.points[0].sd
    assert all(p.sd == within for p in table.points)
    # Growth slows from 0.55 SD a year (Year 4) to 0.25 (Year 10); being linear in time, a
    # year's growth is the rate at the year's midpoint: Year 5 Mar → Year 6 Mar (t 5.08–6.08).
    t = norms.norm_time(5, date(2026, 3, 2))
    growth = table.growth((5, date(2026, 3, 2)), (6, date(2027, 3, 2)))
    assert growth == pytest.approx(within * norms.growth_rate(t + 0.5), abs=0.2)
    assert norms.growth_rate(4.0) == pytest.approx(0.55) and norms.growth_rate(11.0) == \
        pytest.approx(0.25) and norms.growth_rate(7.5) == pytest.approx(0.40)
    five = table.growth((5, date(2026, 3, 2)), (5, date(2026, 11, 2)))
    six = table.growth((6, date(2026, 3, 2)), (6, date(2026, 11, 2)))
    assert five is not None and six is not None and five > six  # not a flat figure
    # Students spread evenly over Years 4–10 keep the reference mean and SD.
    times = [4 + (k + 0.5) / 100 for k in range(700)]
    means = [table.at_time(int(t), t).mean for t in times]  # type: ignore[union-attr]
    centre = sum(means) / len(means)
    spread = sum((m - centre) ** 2 for m in means) / len(means)
    assert centre == pytest.approx(1500, abs=0.5)
    assert (within**2 + spread) ** 0.5 == pytest.approx(75, abs=0.5)


@pytest.fixture
def maths(session: Session) -> int:
    subject = framework(session)
    calibration.set_scale(session, subject=subject, name="Maths", intercept=1500, slope=100,
                          cuts={"3B": 1450})
    return subject.id


def test_without_imported_norms_reports_get_illustrative_ones(session: Session,
                                                              maths: int) -> None:
    table = norm_sets.table(session, subject_id=maths)
    assert table is not None and table.illustrative and table.subject == "maths"


def test_import_makes_the_norms_active_and_names_their_source(session: Session,
                                                              maths: int) -> None:
    made = norm_sets.import_csv(session, GOOD, imported_by="psy")
    assert len(made) == 1 and len(made[0].norms) == 12
    table = norm_sets.table(session, subject_id=maths)
    assert table is not None and not table.illustrative and table.label == f"Norms: {SOURCE}."
    cell = table.at(5, date(2026, 3, 1))  # the first day of week 5, Term 1's middle week
    assert cell is not None and cell.mean == pytest.approx(1420) and cell.sd == 61
    assert {p.week for p in table.points} == set(norms.TERM_WEEKS.values())
    # Importing again replaces them; the earlier set is kept, inactive.
    norm_sets.import_csv(session, GOOD.replace(SOURCE.encode(), b"Second source"))
    again = norm_sets.table(session, subject_id=maths)
    assert again is not None and again.source == "Second source"


@pytest.mark.parametrize(("row", "field"), [
    ("physics,5,1,,1400,60,100,S", "subject"),
    ("maths,five,1,,1400,60,100,S", "year_level"),
    ("maths,5,1,,1400,0,100,S", "sd"),
    ("maths,5,1,,nan,60,100,S", "mean"),
    ("maths,5,5,,1400,60,100,S", "term"),
    ("maths,5,1,3,1400,60,100,S", "term"),
    ("maths,5,,,1400,60,100,S", "term"),
    ("maths,5,1,,1400,60,,S", "n"),
    ("maths,5,1,,1400,60,100,", "source"),
    ("maths,5,1,,200,60,100,S", "mean"),  # far off this scale (1500 ± 8 × 100)
])
def test_a_bad_row_imports_nothing(session: Session, maths: int, row: str, field: str) -> None:
    good = "maths,4,1,,1400,60,100,S"
    with pytest.raises(Exception) as caught:
        norm_sets.import_csv(session, _norm_file([good, row]))
    problems = caught.value.problems  # type: ignore[attr-defined]
    assert [(p["row"], p["field"]) for p in problems] == [(3, field)]
    assert norm_sets.table(session, subject_id=maths).illustrative  # type: ignore[union-attr]


def test_a_row_with_too_many_fields_is_refused(session: Session, maths: int) -> None:
    with pytest.raises(Exception) as caught:
        norm_sets.import_csv(session, _norm_file(["maths,4,1,,1400,60,100,Survey, 2025"]))
    assert "quotes" in caught.value.problems[0]["message"]  # type: ignore[attr-defined]


def test_repeated_points_and_mixed_sources_are_refused(session: Session, maths: int) -> None:
    with pytest.raises(Exception) as caught:
        norm_sets.import_csv(session, _norm_file([
            "maths,4,1,,1400,60,100,S", "maths,4,,5,1400,60,100,S", "maths,5,1,,1400,60,100,T"]))
    messages = [p["message"] for p in caught.value.problems]  # type: ignore[attr-defined]
    assert any("repeats row 2" in m for m in messages)
    assert any("one source" in m for m in messages)


def test_a_header_without_the_columns_is_refused(session: Session, maths: int) -> None:
    with pytest.raises(Exception, match="header"):
        norm_sets.import_csv(session, b"subject,year,mean\nmaths,5,1400\n")


def test_norms_api_and_page(client: TestClient, session: Session, maths: int) -> None:
    psy = staff_token(client, session)
    listed = client.get("/api/v1/norms", headers=psy)
    assert listed.status_code == 200 and listed.json()[0]["illustrative"] is True
    sent = client.post("/api/v1/norms", headers=psy,
                       files={"file": ("norms.csv", GOOD, "text/csv")})
    assert sent.status_code == 201, sent.text
    assert sent.json()[0]["source"] == SOURCE and len(sent.json()[0]["points"]) == 12
    bad = client.post("/api/v1/norms", headers=psy,
                      files={"file": ("n.csv", _norm_file(["maths,5,1,,1400,-1,1,S"]))})
    assert bad.status_code == 422 and bad.json()["problems"][0]["field"] == "sd"
    teacher = staff_token(client, session, role="teacher", email="t@example.org")
    assert client.post("/api/v1/norms", headers=teacher,
                       files={"file": ("n.csv", GOOD)}).status_code == 403


def test_kete_norms_import_export_list(tmp_path: Path, session: Session, maths: int,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from contextlib import contextmanager

    import app.cli as cli_module

    @contextmanager
    def _same_session():  # type: ignore[no-untyped-def]
        yield session

    monkeypatch.setattr(cli_module, "_session", _same_session)
    source = tmp_path / "norms.csv"
    source.write_bytes(GOOD)
    runner = CliRunner()
    done = runner.invoke(cli_module.cli, ["norms", "import", str(source)])
    assert done.exit_code == 0, done.output
    assert f"maths: 12 norms from '{SOURCE}' are now active" in done.output
    out = tmp_path / "out.csv"
    assert runner.invoke(cli_module.cli, ["norms", "export", "--subject", "maths", "--out",
                                          str(out)]).exit_code == 0
    assert out.read_text().splitlines()[1].startswith("maths,4,1,,1400,61,304,")
    listed = runner.invoke(cli_module.cli, ["norms", "list"])
    assert f"maths: {SOURCE} (imported; 12 points, Years 4-6)" in listed.output


def test_norms_page_labels_illustrative_and_imported_norms(client: TestClient, session: Session,
                                                           maths: int) -> None:
    from app.people.dependencies import SESSION_COOKIE
    from tests.people import builders

    teacher = builders.staff(session, "teacher", at=builders.school(session))
    client.cookies.set(SESSION_COOKIE, builders.cookie(session, teacher))
    page = client.get("/norms")
    assert page.status_code == 200 and "Illustrative" in page.text
    assert "not a national sample" in page.text and "Import norms" not in page.text
    norm_sets.import_csv(session, GOOD)
    page = client.get("/norms")
    assert SOURCE in page.text and "Term 4" in page.text and "1455" in page.text


def test_curriculum_expectation_rises_a_level_every_two_years() -> None:
    assert [norms.expected_sublevel(y, date(2026, 12, 15)) for y in (2, 4, 6, 8, 10)] == [
        "1A", "2A", "3A", "4A", "5A"]
    assert norms.expected_sublevel(6, date(2027, 1, 20)) == "3A"  # the summer holidays
    assert norms.expected_sublevel(6, date(2026, 11, 20)) == "3P"  # not yet the year's end
    assert norms.expected_sublevel(5, date(2026, 3, 1)) == "2A"
    assert norms.expected_sublevel(6, date(2026, 3, 1)) == "3B"
    assert norms.expected_sublevel(7, date(2026, 3, 1)) == "3A"
