"""A student's record across calibrations (through the stored links) and years; the results
export's columns and scope (a teacher gets only their classes); kete results export."""

from __future__ import annotations

import csv
import io
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from app.calibration.links import compose_to_reference
from app.impact import record, scope
from app.people.dependencies import Caller
from tests.impact import builders
from tests.people import builders as people
from tests.people.conftest import cheap_hashing

__all__ = ["cheap_hashing"]
HEADER = ("student_number,first_name,last_name,year_level,class_id,class_name,assignment_id,"
          "test_name,subject,sat_on,scale_score,se,sublevel")


@pytest.fixture
def w(session: Session) -> builders.World:
    return builders.world(session)


def test_links_compose_up_the_chain() -> None:
    # 3 → 2 → 1: θ_2 = 1.1·θ_3 + 0.2 was applied by scoring; θ_1 = 0.9·θ_2 − 0.1.
    chain = {1: (None, 1.0, 0.0), 2: (1, 0.9, -0.1), 3: (2, 1.1, 0.2)}
    assert compose_to_reference(chain, 1) == (1.0, 0.0)
    assert compose_to_reference(chain, 2) == (1.0, 0.0)
    a, b = compose_to_reference(chain, 3)
    assert (a, b) == pytest.approx((0.9, -0.1))
    assert compose_to_reference({1: (2, 1.0, 0.0), 2: (1, 2.0, 1.0)}, 1) == (2.0, 1.0)  # cycle


def test_record_puts_results_of_every_calibration_on_one_scale(session: Session,
                                                               w: builders.World) -> None:
    anchored = builders.recalibrated(session, w)
    kid = w.tenant.students[0]
    t = w.tenant
    old = builders.given(session, teacher=t.teacher, room=t.room, on=builders.at(2025, 3, 2),
                         name="2025 maths")
    new = builders.given(session, teacher=t.teacher, room=t.room, on=builders.at(2026, 3, 2),
                         name="2026 maths")
    builders.scored(session, old, kid, 1450, se=20, year_level=5)
    # Scored on the anchored calibration: its θ is on the free calibration's metric; the
    # free calibration's link takes it to the bank's: 0.8·θ + 0.3.
    result = builders.scored(session, new, kid, 1500, se=20, calibration_id=anchored)
    student = scope.get_student(session, caller=Caller.of_staff(t.teacher), student_id=kid.id)
    rec = record.build(session, student=student)
    (maths,) = rec.subjects
    first, second = maths.points
    assert first.result.scale_score == 1450 and first.result.year_level == 5
    assert second.result.scale_score == pytest.approx(1500 + 100 * (0.8 * result.theta + 0.3))
    assert second.result.se == pytest.approx(0.8 * 20)
    assert second.result.year_level == 6 and second.result.sublevel == "3P"  # 1530
    assert first.norm is not None and second.norm is not None
    assert second.norm.mean > first.norm.mean  # Year 6 in 2026 against Year 5 in 2025
    assert (first.expected, second.expected) == ("2A", "3B")
    assert maths.growth is not None and maths.growth.gain == pytest.approx(80.0)
    assert maths.growth.expected is not None and maths.growth.expected > 0


def test_record_api_and_its_scope(client: TestClient, session: Session,
                                  w: builders.World) -> None:
    t = w.tenant
    a = builders.given(session, teacher=t.teacher, room=t.room, on=builders.at(2026, 3, 2))
    builders.scored(session, a, t.students[0], 1480)
    url = f"/api/v1/students/{t.students[0].id}/record"
    body = client.get(url, headers=people.bearer(session, t.teacher)).json()
    assert body["subjects"][0]["results"][0]["scale_score"] == 1480
    assert body["subjects"][0]["norms"]["illustrative"] is True
    assert client.get(url, headers=people.bearer(session, t.other_teacher)).status_code == 404
    assert client.get(url, headers=people.bearer(session, t.leader)).status_code == 200
    pupil = people.student_bearer(session, t.students[0], t.room)
    assert client.get(url, headers=pupil).status_code == 403


def _export_world(session: Session, w: builders.World) -> None:
    t = w.tenant
    mine = builders.given(session, teacher=t.teacher, room=t.room, on=builders.at(2026, 3, 2),
                          name="=HYPERLINK(\"x\")")
    for k, kid in enumerate(t.students):
        builders.scored(session, mine, kid, 1450 + 10 * k, attitude=2.25)
    other_kid = people.student(session, t.school, "O-1", first="Other", last="Kid")
    t.other_room.students.append(other_kid)
    theirs = builders.given(session, teacher=t.other_teacher, room=t.other_room,
                            on=builders.at(2026, 3, 3), name="Room 2 maths")
    builders.scored(session, theirs, other_kid, 1500)


def test_results_csv_columns_and_scope(client: TestClient, session: Session,
                                       w: builders.World) -> None:
    _export_world(session, w)
    t = w.tenant
    answer = client.get("/api/v1/results.csv", headers=people.bearer(session, t.teacher))
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    lines = answer.text.splitlines()
    assert lines[0] == HEADER + ",strand_GM,strand_NA,surface,deep,attitude"
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert sorted(r["student_number"] for r in rows) == ["IMP-A-1", "IMP-A-2"]  # not Room 2's
    first = next(r for r in rows if r["student_number"] == "IMP-A-1")
    assert first["test_name"] == "'=HYPERLINK(\"x\")"  # never a live formula
    assert first["subject"] == "maths" and first["sat_on"] == "2026-03-03"
    assert first["scale_score"] == "1450.0" and first["se"] == "20.0"
    assert first["sublevel"] == "3B" and first["year_level"] == "6"
    assert first["strand_NA"] == "1460.0" and first["deep"] == "1455.0"
    assert first["attitude"] == "2.25" and first["class_name"] == "Room 1"
    everything = client.get("/api/v1/results.csv", headers=people.bearer(session, t.leader))
    assert len(everything.text.splitlines()) == 4  # header + 3 results
    elsewhere = people.tenant(session, "IMP-B")
    assert len(client.get("/api/v1/results.csv", headers=people.bearer(
        session, elsewhere.leader)).text.splitlines()) == 1
    psy = people.bearer(session, people.staff(session, "psychometrician"))
    assert client.get("/api/v1/results.csv", headers=psy).status_code == 403


def test_kete_results_export(tmp_path: Path, session: Session, w: builders.World,
                             monkeypatch: pytest.MonkeyPatch) -> None:
    import app.cli as cli_module

    _export_world(session, w)

    @contextmanager
    def _same_session():  # type: ignore[no-untyped-def]
        yield session

    monkeypatch.setattr(cli_module, "_session", _same_session)
    out = tmp_path / "results.csv"
    runner = CliRunner()
    done = runner.invoke(cli_module.cli, ["results", "export", "--out", str(out)])
    assert done.exit_code == 0, done.output
    assert "wrote 3 results of IMP-A" in done.output
    assert out.read_text().startswith(HEADER)
    people.tenant(session, "IMP-B")
    refused = runner.invoke(cli_module.cli, ["results", "export", "--out", str(out)])
    assert refused.exit_code == 1 and "--school" in refused.output
    chosen = runner.invoke(cli_module.cli, ["results", "export", "--out", str(out),
                                            "--school", "imp-b"])
    assert chosen.exit_code == 0 and "wrote 0 results of IMP-B" in chosen.output
