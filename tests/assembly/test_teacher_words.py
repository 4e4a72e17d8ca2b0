"""What a teacher reads about a test: where it differs from the request, whether the class can
do it, and why an impossible request is impossible — in the wizard's words and units."""

from __future__ import annotations

import dataclasses

from app.assembly.explain import Conflict, Explanation
from app.assembly.mismatch import compare
from app.assembly.phrasing import Fix
from app.assembly.request import TeacherRequest, build_request_spec
from app.assembly.synthetic import sublevel_theta, synthetic_bank
from app.assembly.wording import describe_fix, teacher_lines

BANK = [r for r in synthetic_bank(600, 10, seed=3) if not r["passage"]]
NAMES = {"Finding information": "Finding information", "Knowledge": "Knowledge"}


def _request(**changes: object) -> TeacherRequest:
    base = TeacherRequest(levels={"3": "most", "4": "some"},
                          strands={"Finding information": "most", "Knowledge": "some"},
                          expected_level="mostly 3P", sublevel_theta=sublevel_theta(),
                          duration_minutes=30, deep_share=0.3)
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def _surface_level_3(request_spec, n: int) -> list[int]:  # type: ignore[no-untyped-def]
    return [i for i, r in enumerate(request_spec.records)
            if r["depth"] == "surface" and r["sublevel"][0] == "3"][:n]


def test_every_difference_from_the_request_is_said() -> None:
    request_spec = build_request_spec(BANK, _request())
    items = _surface_level_3(request_spec, 20)
    said = compare(request_spec, items, total_time_s=20 * 60, expected_score=10,
                   max_score=20, se_theta=0.4)
    text = " ".join(said.differences)
    assert "Deep items: you asked for 30%; this test has 0% (0 of 20)" in text
    assert "Level 4 (some): you asked for about 33% of the items; this test has 0%" in text
    assert "Time: 30 minutes asked for; these 20 items take about 20 minutes" in text
    assert not said.warnings  # half marks: the class can do it


def test_a_request_the_class_cannot_do_is_warned_about() -> None:
    request_spec = build_request_spec(BANK, _request(expected_level="mostly 2B"))
    items = _surface_level_3(request_spec, 25)
    said = compare(request_spec, items, total_time_s=30 * 60, expected_score=1.2,
                   max_score=25, se_theta=0.83, se_points=83)
    text = " ".join(said.warnings)
    assert "Too hard for this class: a class at mostly 2B would score about 1.2 of 25" in text
    assert "not among the levels chosen (Level 3)" in text
    assert "± 83 scale points" in text
    easy = compare(request_spec, items, total_time_s=30 * 60, expected_score=24,
                   max_score=25, se_theta=0.3)
    assert easy.warnings and easy.warnings[0].startswith("Too easy")


def test_strand_notes_never_promise_more_strands_than_were_chosen() -> None:
    request_spec = build_request_spec(BANK, _request(duration_minutes=45))
    assert not any("strand(s)" in n or "up to" in n for n in request_spec.notes)
    short = build_request_spec(BANK, _request(duration_minutes=8))
    assert any(n.startswith("Not reported separately: Knowledge.") for n in short.notes)


def test_impossible_requests_are_explained_in_minutes_percentages_and_names() -> None:
    request = _request(duration_minutes=120, strands={"GM": "some", "NA": "most"},
                       strand_names={"GM": "Geometry and Measurement"})
    fill = describe_fix(Fix("time", "time (expected time within 120 minutes)",
                            "lower_minimum", 6120, 2980, "lower time's minimum from 6120 to "
                            "2980"), request)
    assert fill == ("the bank's questions that fit the rest of the request fill only about "
                    "50 of the 120 minutes (a test should fill at least 85% of its time)",
                    "choose 58 minutes, or more levels or strands")
    longer = describe_fix(Fix("time", "time", "raise_maximum", 1800, 2010, ""),
                          _request())
    assert longer[1] == "allow 34 minutes"  # whole minutes, rounded up: never 510 seconds
    share = describe_fix(Fix("strand GM", "strand GM", "raise_maximum", 0.43, 0.5, ""),
                         request)
    assert share == ("Geometry and Measurement (some) should be at most 43% of the questions, "
                     "but 50% is the fewest possible with the rest of the request",
                     "weight Geometry and Measurement most")
    seen = describe_fix(Fix("seen recently", "seen recently (45 items)", "drop", 0, 12, ""),
                        request)
    assert "12 of them would be needed again" in seen[0] and "45 items" not in seen[0]


def test_the_teachers_choices_come_first_and_bank_rules_are_said_once() -> None:
    def conflict(cid: str, action: str, current: float, suggested: float) -> Conflict:
        fix = Fix(cid, cid, action, current, suggested, "")
        return Conflict(cid, cid, "", (), fix, ())

    explanation = Explanation("", conflicts=(
        conflict("family F1", "drop", 1, 2), conflict("family F2", "drop", 1, 2),
        conflict("surface/deep", "lower_minimum", 0.9, 0.74)))
    lines = teacher_lines(explanation, _request(deep_share=1.0))
    assert lines[0].startswith("You asked for about 100% deep questions (at least 90%), but "
                               "74% is the most")
    assert len(lines) == 2 and "give each other away" in lines[1]


def test_shares_that_round_alike_get_a_decimal() -> None:
    problem, _ = describe_fix(Fix("strand Knowledge", "", "raise_maximum", 0.4333, 0.4349, ""),
                              _request())
    assert "at most 43.3% of the questions, but 43.5% is the fewest" in problem
