"""Import/export: lossless round trips, all-or-nothing imports with row-level problems, fuzzing."""

from __future__ import annotations

import csv
import io
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.errors import InvalidInput
from app.itembank.models import Item, ItemRevision
from app.itembank.transfer import CSV_COLUMNS, export_bank, import_bank
from tests.factories import framework, item_data

PASSAGE = {"code": "P1", "subject": "maths", "title": "Shop", "body_html": "<p>Apples $2</p>",
           "sublevel": "3P", "word_count": 2}


def _bundle() -> dict:
    return {"passages": [PASSAGE],
            "families": [{"code": "facts", "enemies": False, "note": "separate facts"}],
            "items": [
        item_data("MA-1", family="add"),
        item_data("MA-2", response_type="numeric", options=[], key={"value": 12, "tolerance": 0},
                  passage="P1", enemy_group="E1", family="facts", metadata={"template": "add"}),
        item_data("MA-3", response_type="multiple_choice", max_score=2, family="facts",
                  key={"correct": ["A", "C"], "partial_credit": True}, status="trial"),
        item_data("MA-4", response_type="short_text", options=[],
                  key={"accepted": ["twelve", "12"], "case_sensitive": False},
                  stem_html="<p>Write <math><mn>7</mn><mo>+</mo><mn>5</mn></math> in words.</p>"),
        item_data("AT-1", kind="attitude", response_type="likert", strand=None, objective=None,
                  sublevel=None, solo=None, max_score=3, attitude_scale="enjoyment",
                  options=[{"id": x, "html": x} for x in "ABCD"],
                  key={"scores": {"A": 3, "B": 2, "C": 1, "D": 0}}),
    ]}


def _count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Item)) or 0


def test_json_round_trip_is_lossless(session: Session) -> None:
    framework(session)
    first = import_bank(session, json.dumps(_bundle()).encode(), fmt="json")
    assert first.counts() == {"families_created": 1, "items_created": 5, "passages_created": 1}
    exported, _ = export_bank(session, fmt="json")
    assert json.loads(exported)["families"] == _bundle()["families"]  # "add" keeps the rule
    again = import_bank(session, exported.encode(), fmt="json")
    assert again.counts() == {"families_unchanged": 1, "items_unchanged": 5,
                              "passages_unchanged": 1}
    assert json.loads(export_bank(session, fmt="json")[0]) == json.loads(exported)
    assert {i["code"]: i for i in json.loads(exported)["items"]}["MA-2"]["metadata"] == {
        "template": "add"}


def test_csv_round_trip_is_lossless(session: Session) -> None:
    framework(session)
    import_bank(session, json.dumps(_bundle()).encode(), fmt="json")
    exported, media = export_bank(session, fmt="csv")
    assert media == "text/csv" and exported.splitlines()[0] == ",".join(CSV_COLUMNS)
    assert import_bank(session, exported.encode(), fmt="csv").counts() == {"items_unchanged": 5}
    assert export_bank(session, fmt="csv")[0] == exported


def test_reimport_with_changed_content_makes_a_revision(session: Session) -> None:
    framework(session)
    import_bank(session, json.dumps(_bundle()).encode(), fmt="json")
    bundle = _bundle()
    bundle["items"][0]["stem_html"] = "<p>What is 5 + 7?</p>"
    assert import_bank(session, json.dumps(bundle).encode(), fmt="json").counts()[
        "items_updated"] == 1
    revisions = session.scalars(select(ItemRevision.number).join(
        Item, Item.id == ItemRevision.item_id).where(Item.code == "MA-1")).all()
    assert sorted(revisions) == [1, 2]


def test_bad_file_lists_every_problem_and_writes_nothing(session: Session) -> None:
    framework(session)
    bundle = _bundle()
    bundle["items"][1]["strand"] = "XX"
    bundle["items"][2]["key"] = {"correct": ["Z"]}
    bundle["items"][3]["code"] = "MA-1"
    bundle["items"][4]["passage"] = "NOPE"
    with pytest.raises(InvalidInput) as caught:
        import_bank(session, json.dumps(bundle).encode(), fmt="json")
    rows = {(p["row"], p["field"]) for p in caught.value.problems}
    assert ("items[1]", "strand") in rows and ("items[3]", "code") in rows
    assert ("items[4]", "passage") in rows and any(r == "items[2]" for r, _ in rows)
    assert _count(session) == 0


def test_csv_problems_name_the_line(session: Session) -> None:
    framework(session)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    good = {**item_data("MA-1"), "options": json.dumps(item_data()["options"]),
            "key": json.dumps({"correct": "B"}), "metadata": "{}"}
    writer.writerow({k: good.get(k, "") for k in CSV_COLUMNS})
    writer.writerow({**{k: good.get(k, "") for k in CSV_COLUMNS}, "code": "MA-2",
                     "key": "{oops", "max_score": "lots"})
    with pytest.raises(InvalidInput) as caught:
        import_bank(session, out.getvalue().encode(), fmt="csv")
    problems = {(p["row"], p["field"]) for p in caught.value.problems}
    assert ("line 3", "key") in problems and ("line 3", "max_score") in problems
    assert _count(session) == 0


def test_missing_header_columns_are_reported(session: Session) -> None:
    with pytest.raises(InvalidInput) as caught:
        import_bank(session, b"code,subject\nA,maths\n", fmt="csv")
    assert caught.value.problems[0]["row"] == "line 1"
    assert "response_type" in caught.value.problems[0]["field"]


_cells = st.one_of(st.text(max_size=30), st.integers().map(str), st.just(""), st.just("{}"),
                   st.just("[]"), st.just('{"correct": "B"}'), st.just("null"))


@settings(max_examples=60, deadline=None, suppress_health_check=[
    HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.fixed_dictionaries({c: _cells for c in CSV_COLUMNS}), min_size=1,
                     max_size=4))
def test_fuzzed_csv_rows_are_rejected_cleanly(session: Session, rows: list[dict]) -> None:
    """Arbitrary malformed rows give InvalidInput with problems, never a crash or a write."""
    framework(session)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    before = _count(session)
    try:
        import_bank(session, out.getvalue().encode(), fmt="csv")
    except InvalidInput as exc:
        assert exc.problems and all(p["row"].startswith("line ") for p in exc.problems)
        assert _count(session) == before


@settings(max_examples=60, deadline=None, suppress_health_check=[
    HealthCheck.function_scoped_fixture])
@given(mutation=st.fixed_dictionaries({}, optional={
    "max_score": st.one_of(st.integers(-5, 50), st.text(max_size=5), st.none()),
    "options": st.one_of(st.lists(st.dictionaries(st.sampled_from(["id", "html"]),
                                                  st.text(max_size=5)), max_size=3), st.text()),
    "key": st.one_of(st.none(), st.dictionaries(st.text(max_size=8), st.text(max_size=3))),
    "response_type": st.text(max_size=12), "sublevel": st.text(max_size=3),
    "expected_time_s": st.integers(-10, 10_000)}))
def test_fuzzed_json_items_are_rejected_cleanly(session: Session, mutation: dict) -> None:
    framework(session)
    data = json.dumps({"items": [item_data("MA-9"), {**item_data("MA-10"), **mutation}]})
    before = _count(session)
    try:
        report = import_bank(session, data.encode(), fmt="json")
    except InvalidInput as exc:
        assert exc.problems and _count(session) == before
    else:
        assert sum(report.counts().values()) == 2


def test_non_utf8_and_non_json_files_are_refused(session: Session) -> None:
    for data, fmt in ((b"\xff\xfe\x00bad", "csv"), (b"{nope", "json"), (b"42", "json")):
        with pytest.raises(InvalidInput):
            import_bank(session, data, fmt=fmt)
