"""Progress between two chosen tests: d and its interval from the database's results, the
refusals in plain words, groups, cohorts and who may ask."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.calibration import norms
from app.errors import NotFound
from app.impact import service, stats
from app.impact.progress import ProgressRefused
from app.people.dependencies import Caller
from tests.impact import builders
from tests.people import builders as people
from tests.people.conftest import cheap_hashing

__all__ = ["cheap_hashing"]
PRE = [1420.0, 1440, 1455, 1470, 1480, 1490, 1500, 1515, 1530, 1550]
GAIN = [30.0, 10, 45, 20, 25, 5, 40, 15, 35, 22]


@pytest.fixture
def w(session: Session) -> builders.World:
    return builders.world(session)


def _two_tests(session: Session, w: builders.World) -> tuple[int, int, list]:
    kids = builders.pupils(session, w, len(PRE))
    teacher, room = w.tenant.teacher, w.tenant.room
    first = builders.given(session, teacher=teacher, room=room, on=builders.at(2026, 2, 16),
                           name="Term 1 maths")
    second = builders.given(session, teacher=teacher, room=room, on=builders.at(2026, 10, 12),
                            name="Term 4 maths")
    for kid, pre, gain in zip(kids, PRE, GAIN, strict=True):
        builders.scored(session, first, kid, pre)
        builders.scored(session, second, kid, pre + gain)
    late = builders.pupils(session, w, 1, prefix="L")[0]  # sat only the second test
    builders.scored(session, second, late, 1500)
    return first.id, second.id, kids


def test_progress_between_two_tests_matches_the_statistics(session: Session,
                                                           w: builders.World) -> None:
    first, second, _ = _two_tests(session, w)
    p = service.progress_between(session, caller=Caller.of_staff(w.tenant.teacher),
                                 from_assignment=first, to_assignment=second)
    truth = stats.effect_size(PRE, [a + b for a, b in zip(PRE, GAIN, strict=True)])
    assert truth is not None and p.effect is not None
    assert p.n == 10 and p.effect.d == pytest.approx(truth.d)
    assert p.effect.interval == pytest.approx(truth.interval)
    assert p.unmatched == ("Kid0 L",)
    assert p.weeks == pytest.approx(34.0)  # 16 Feb → 12 Oct
    # Illustrative norms: growth is linear in time, so over 17 Feb → 13 Oct (238 days) a
    # Year 6 student is expected to grow the rate at the midpoint times 238/365.25 SDs.
    t1 = norms.norm_time(6, date(2026, 2, 17))
    t2 = norms.norm_time(6, date(2026, 10, 13))
    in_sds = norms.growth_rate((t1 + t2) / 2) * (t2 - t1)
    table = norms.illustrative("maths", 1500, 100)
    assert p.expected_d == pytest.approx(in_sds, abs=0.002)
    assert p.expected_growth == pytest.approx(in_sds * table.points[0].sd, abs=0.2)
    assert 0.40 * 34 / stats.WEEKS_PER_YEAR < p.expected_d < 0.55 * 34 / stats.WEEKS_PER_YEAR
    assert p.norms_illustrative and "not a national sample" in p.norms_label
    assert f"{truth.low:.2f} to {truth.high:.2f}" in p.verdict
    # Each gain (SE √(20² + 20²) ≈ 28) is judged against expected growth beyond 1.96 SE.
    top = p.students[0]
    assert top.gain.gain == 45 and top.gain.verdict == "as expected"
    assert p.counts["as expected"] == 10


def test_more_than_expected_needs_a_gain_beyond_error(session: Session,
                                                       w: builders.World) -> None:
    kids = builders.pupils(session, w, 3)
    a = builders.given(session, teacher=w.tenant.teacher, room=w.tenant.room,
                       on=builders.at(2026, 2, 16))
    b = builders.given(session, teacher=w.tenant.teacher, room=w.tenant.room,
                       on=builders.at(2026, 10, 12))
    for kid, (pre, post) in zip(kids, [(1400, 1520), (1450, 1400), (1500, 1530)], strict=True):
        builders.scored(session, a, kid, pre, se=15)
        builders.scored(session, b, kid, post, se=15)
    p = service.progress_between(session, caller=Caller.of_staff(w.tenant.teacher),
                                 from_assignment=a.id, to_assignment=b.id)
    verdicts = {s.pre.scale_score: s.gain.verdict for s in p.students}
    assert verdicts == {1400: "more than expected", 1450: "less than expected",
                        1500: "as expected"}
    quadrant = {s.pre.scale_score: s.quadrant for s in p.students}
    assert quadrant[1400] == "Above their norm, more progress than expected"


def test_different_subjects_and_reversed_dates_are_refused_in_plain_words(
        session: Session, w: builders.World) -> None:
    builders.reading(session)
    first, second, _ = _two_tests(session, w)
    story = builders.given(session, teacher=w.tenant.teacher, room=w.tenant.room,
                           on=builders.at(2026, 11, 2), name="Reading check",
                           subject="reading")
    caller = Caller.of_staff(w.tenant.teacher)
    with pytest.raises(ProgressRefused, match="is a maths test and “Reading check” is a "
                                              "reading test"):
        service.progress_between(session, caller=caller, from_assignment=first,
                                 to_assignment=story.id)
    with pytest.raises(ProgressRefused, match=r"was given after .* choose the earlier test "
                                              r"first"):
        service.progress_between(session, caller=caller, from_assignment=second,
                                 to_assignment=first)
    with pytest.raises(ProgressRefused, match="two different tests"):
        service.progress_between(session, caller=caller, from_assignment=first,
                                 to_assignment=first)


def test_progress_of_a_teachers_group(session: Session, w: builders.World) -> None:
    first, second, kids = _two_tests(session, w)
    caller = Caller.of_staff(w.tenant.teacher)
    group = service.create_group(session, caller=caller, name="Extension",
                                 student_ids=[k.id for k in kids[-4:]])
    p = service.progress_between(session, caller=caller, from_assignment=first,
                                 to_assignment=second, group_id=group.id)
    truth = stats.effect_size(PRE[-4:], [a + b for a, b in zip(PRE[-4:], GAIN[-4:],
                                                                strict=True)])
    assert p.n == 4 and p.effect is not None and truth is not None
    assert p.effect.d == pytest.approx(truth.d) and p.title.startswith("Extension: ")
    # another teacher can neither use the group nor add students they do not teach
    other = Caller.of_staff(w.tenant.other_teacher)
    with pytest.raises(NotFound):
        service.get_group(session, caller=other, group_id=group.id)
    with pytest.raises(NotFound):
        service.create_group(session, caller=other, name="Mine", student_ids=[kids[0].id])


def test_a_teacher_reads_only_the_classes_they_teach(session: Session,
                                                     w: builders.World) -> None:
    first, second, _ = _two_tests(session, w)
    with pytest.raises(NotFound):
        service.progress_between(session, caller=Caller.of_staff(w.tenant.other_teacher),
                                 from_assignment=first, to_assignment=second)
    p = service.progress_between(session, caller=Caller.of_staff(w.tenant.leader),
                                 from_assignment=first, to_assignment=second)
    assert p.n == 10
    elsewhere = people.tenant(session, "IMP-B")
    with pytest.raises(NotFound):
        service.progress_between(session, caller=Caller.of_staff(elsewhere.leader),
                                 from_assignment=first, to_assignment=second)


def test_cohort_progress_by_year_level_between_terms(session: Session,
                                                     w: builders.World) -> None:
    _two_tests(session, w)
    fives = builders.pupils(session, w, 4, year=5, room=w.tenant.other_room, prefix="F")
    a = builders.given(session, teacher=w.tenant.other_teacher, room=w.tenant.other_room,
                       on=builders.at(2026, 3, 2))
    b = builders.given(session, teacher=w.tenant.other_teacher, room=w.tenant.other_room,
                       on=builders.at(2026, 11, 2))
    for k, kid in enumerate(fives):
        builders.scored(session, a, kid, 1400 + 10 * k)
        builders.scored(session, b, kid, 1430 + 12 * k)
    from app.itembank.curricula import get_subject

    maths = get_subject(session, code="maths")
    leader = Caller.of_staff(w.tenant.leader)
    six = service.cohort_progress(session, caller=leader, subject=maths, year_level=6,
                                  start=(2026, 1), end=(2026, 4))
    five = service.cohort_progress(session, caller=leader, subject=maths, year_level=5,
                                   start=(2026, 1), end=(2026, 4))
    assert six.n == 10 and five.n == 4
    with pytest.raises(ProgressRefused):
        service.cohort_progress(session, caller=leader, subject=maths, year_level=5,
                                start=(2026, 4), end=(2026, 1))


def test_progress_api(client: TestClient, session: Session, w: builders.World) -> None:
    first, second, _ = _two_tests(session, w)
    headers = people.bearer(session, w.tenant.teacher)
    answer = client.get("/api/v1/progress", headers=headers,
                        params={"from_assignment": first, "to_assignment": second})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["n"] == 10 and len(body["d_ci"]) == 2
    assert body["d_ci"][0] < body["d"] < body["d_ci"][1]
    assert body["weeks_between"] == 34.0 and body["expected_growth"] > 0
    assert body["hinge"] == 0.4 and "analytic" in body["d_ci_method"]
    assert {"student_id", "pre", "post", "gain", "gain_se", "expected_growth",
            "verdict"} <= set(body["students"][0])
    refused = client.get("/api/v1/progress", headers=headers,
                         params={"from_assignment": second, "to_assignment": first})
    assert refused.status_code == 422 and "earlier test first" in refused.json()["detail"]
    other = people.bearer(session, w.tenant.other_teacher)
    assert client.get("/api/v1/progress", headers=other, params={
        "from_assignment": first, "to_assignment": second}).status_code == 404
    cohort = client.get("/api/v1/progress/cohort", headers=headers, params={
        "subject": "maths", "from_term": "2026-1", "to_term": "2026-4"})
    assert cohort.status_code == 403  # a leader's view
    cohort = client.get("/api/v1/progress/cohort",
                        headers=people.bearer(session, w.tenant.leader),
                        params={"subject": "maths", "from_term": "2026-1",
                                "to_term": "2026-4", "year_level": 6})
    assert cohort.status_code == 200 and cohort.json()["n"] == 10


def test_a_gain_is_reported_to_a_tenth_of_a_point() -> None:
    """1445.4 − 1365.8 is 79.6 in the API, not 79.60000000000014."""
    from types import SimpleNamespace

    from app.impact import stats
    from app.impact.schemas import StudentProgressRead

    row = SimpleNamespace(
        student_id=6, name="Yui Sato", year_level=5, achievement=-13.7,
        achievement_side="within error", quadrant=None,
        pre=SimpleNamespace(scale_score=1365.8, se=21.2),
        post=SimpleNamespace(scale_score=1445.4, se=17.6),
        gain=stats.gain(1365.8, 21.2, 1445.4, 17.6, 18.5))
    assert StudentProgressRead.of(row).gain == 79.6  # type: ignore[arg-type]
