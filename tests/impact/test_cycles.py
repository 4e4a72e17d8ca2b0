"""Impact cycles: a pre-test and a parallel post-test built together (no shared items,
matching information), given on the cycle's dates; who sees a cycle; the outcome once the
post-test is scored (d, gains, objectives moved, what next); the pages."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.assembly.models import FormItem
from app.delivery.models import Assignment, Result, Sitting
from app.errors import InvalidInput, NotFound
from app.impact import cycles
from app.itembank.models import Item, Objective
from app.people.dependencies import SESSION_COOKIE, Caller
from tests.delivery import builders as delivery
from tests.factories import framework
from tests.impact import builders
from tests.people import builders as people
from tests.people.conftest import cheap_hashing

__all__ = ["cheap_hashing"]


@pytest.fixture
def w(session: Session) -> builders.World:
    import app.delivery.sittings  # noqa: F401  (tests given to a class feed the builder)

    delivery.bank(session, n=120)
    tenant = people.tenant(session, "CYC-A")
    return builders.World(tenant, 0)


@pytest.fixture
def plain(session: Session) -> builders.World:
    """A framework and a school, no items: enough for plans refused before any test is built."""
    framework(session)
    return builders.World(people.tenant(session, "CYC-P"), 0)


def _plan(w: builders.World, **changes: object) -> cycles.CyclePlan:
    data = {"title": "Adding and measuring", "class_id": w.tenant.room.id, "subject": "maths",
            "objectives": ["NA3-1", "GM3-1"], "success_criteria": ["I can add.", ""],
            "starts_on": date(2026, 5, 11), "ends_on": date(2026, 8, 3),
            "duration_minutes": 8, **changes}
    return cycles.CyclePlan(**data)  # type: ignore[arg-type]


def test_a_cycle_builds_a_parallel_pair_and_gives_both(session: Session,
                                                       w: builders.World) -> None:
    cycle = cycles.create(session, caller=Caller.of_staff(w.tenant.teacher), plan=_plan(w))
    pre_items = set(session.scalars(select(FormItem.item_id).where(
        FormItem.form_id == cycle.pre_form_id)))
    post_items = set(session.scalars(select(FormItem.item_id).where(
        FormItem.form_id == cycle.post_form_id)))
    assert pre_items and post_items and not pre_items & post_items
    assert cycle.parallel["shared_items"] == [] and cycle.parallel["matched"]
    assert cycle.parallel["max_difference"] <= cycles.MATCH
    assert cycle.success_criteria == ["I can add."]
    pre = session.get(Assignment, cycle.pre_assignment_id)
    post = session.get(Assignment, cycle.post_assignment_id)
    assert pre is not None and post is not None and pre.class_id == w.tenant.room.id
    assert pre.form.status == post.form.status == "accepted"
    assert (pre.opens_at + timedelta(days=1)).date() == date(2026, 5, 11)
    assert (post.opens_at + timedelta(days=1)).date() == date(2026, 8, 3)


@pytest.mark.parametrize(("changes", "words"), [
    ({"objectives": []}, "Choose the objectives"),
    ({"objectives": ["XX9-9"]}, "Not objectives of maths: XX9-9"),
    ({"success_criteria": [" "]}, "success criterion"),
    ({"ends_on": date(2026, 5, 18)}, "at least two weeks"),
    ({"title": " "}, "title"),
])
def test_a_plan_that_cannot_work_is_refused_in_words(session: Session,
                                                     plain: builders.World, changes: dict,
                                                     words: str) -> None:
    with pytest.raises(InvalidInput, match=words):
        cycles.create(session, caller=Caller.of_staff(plain.tenant.teacher),
                      plan=_plan(plain, **changes))


def test_who_sees_a_cycle(session: Session, w: builders.World) -> None:
    t = w.tenant
    cycle = cycles.create(session, caller=Caller.of_staff(t.teacher), plan=_plan(w))
    colleague = Caller.of_staff(t.other_teacher)
    with pytest.raises(NotFound):
        cycles.get(session, caller=colleague, cycle_id=cycle.id)
    team = cycles.create_team(session, caller=Caller.of_staff(t.teacher), name="Maths team",
                              member_ids=[t.other_teacher.id])
    cycle.team_id = team.id
    session.flush()
    assert cycles.get(session, caller=colleague, cycle_id=cycle.id).id == cycle.id
    assert cycles.get(session, caller=Caller.of_staff(t.leader), cycle_id=cycle.id)
    elsewhere = people.tenant(session, "CYC-B")
    with pytest.raises(NotFound):
        cycles.get(session, caller=Caller.of_staff(elsewhere.leader), cycle_id=cycle.id)
    with pytest.raises(NotFound):  # a class they do not teach is not theirs to plan for
        cycles.create(session, caller=colleague, plan=_plan(w))


def _sit(session: Session, assignment_id: int, student_id: int, score: float,
         right: float) -> None:
    """A scored result whose items of objective NA3-1 are right in share ``right``."""
    given = session.get(Assignment, assignment_id)
    assert given is not None
    sitting = Sitting(assignment_id=given.id, student_id=student_id, status="scored",
                      year_level=6, calibration_id=given.form.calibration_id,
                      submitted_at=given.opens_at + timedelta(days=1))
    session.add(sitting)
    session.flush()
    items = session.execute(select(FormItem.position, Item.code, Objective.code).join(
        Item, Item.id == FormItem.item_id).join(Objective, Objective.id == Item.objective_id)
        .where(FormItem.form_id == given.form_id).order_by(FormItem.position)).all()
    na = [code for _, code, objective in items if objective == "NA3-1"]
    cut = round(right * len(na))
    quadrants = []
    for position, code, objective in items:
        good = objective != "NA3-1" or na.index(code) < cut
        quadrants.append({"position": position, "item": code, "objective": objective,
                          "strand": "NA", "sublevel": "3P", "depth": "surface",
                          "score": int(good), "max_score": 1, "p_correct": 0.5,
                          "difficulty": 1500.0,
                          "quadrant": "Achieved" if good else "To be achieved"})
    theta = (score - 1500) / 100
    session.add(Result(sitting_id=sitting.id, calibration_id=given.form.calibration_id,
                       theta=theta, se=0.2, scale_score=score, scale_se=20, sublevel="3P",
                       raw_score=1, max_score=len(items), quadrants=quadrants, subscores={}))
    session.flush()


def test_the_outcome_shows_d_gains_and_which_objectives_moved(session: Session,
                                                              w: builders.World) -> None:
    t = w.tenant
    cycle = cycles.create(session, caller=Caller.of_staff(t.teacher), plan=_plan(w))
    kids = builders.pupils(session, builders.World(t, 0), 12)
    assert cycle.pre_assignment_id and cycle.post_assignment_id
    waiting = cycles.outcome(session, cycle=cycle)
    assert waiting.progress is None and "Waiting for the post-test" in waiting.status
    for k, kid in enumerate(kids):
        _sit(session, cycle.pre_assignment_id, kid.id, 1440 + 8 * k, right=0.2)
        _sit(session, cycle.post_assignment_id, kid.id, 1490 + 8 * k + (k % 3) * 5, right=0.9)
    result = cycles.outcome(session, cycle=cycle)
    assert result.progress is not None and result.progress.n == 12
    assert result.progress.effect is not None and result.progress.effect.low > 0
    moved = {m.code: m for m in result.objectives}
    assert moved["NA3-1"].verdict == "moved up" and moved["NA3-1"].change > 0.5
    assert moved["GM3-1"].verdict in ("no clear change", "not on both tests")
    assert all(code != "NA3-1" for code, *_ in result.next_steps)  # achieved by most now


def test_cycle_pages(client: TestClient, session: Session, w: builders.World) -> None:
    token, csrf = people.cookie_and_csrf(session, w.tenant.teacher)
    client.cookies.set(SESSION_COOKIE, token)
    assert client.get("/cycles").status_code == 200
    form = client.get("/cycles/new", params={"subject": "maths"})
    assert form.status_code == 200 and "NA3-1" in form.text
    refused = client.post("/cycles", data={
        "csrf": csrf, "title": "Adding", "class_id": w.tenant.room.id, "subject": "maths",
        "success_criteria": "I can add.", "starts_on": "2026-05-11", "ends_on": "2026-08-03"})
    assert refused.status_code == 422 and "Choose the objectives" in refused.text
    made = client.post("/cycles", data={
        "csrf": csrf, "title": "Adding", "class_id": w.tenant.room.id, "subject": "maths",
        "objectives": ["NA3-1", "GM3-1"], "success_criteria": "I can add.\nI can measure.",
        "starts_on": "2026-05-11", "ends_on": "2026-08-03", "duration_minutes": "8"},
        follow_redirects=False)
    assert made.status_code == 303, made.text
    page = client.get(made.headers["location"])
    assert page.status_code == 200 and "Before teaching" in page.text
    assert (f'<p role="status" class="notice">Cycle ‘Adding’ planned: its pre-test and a '
            f"parallel post-test are built and given to {w.tenant.room.name}, for 11 May 2026 "
            "and 3 August 2026.</p>") in page.text
    assert "planned:" not in client.get(made.headers["location"]).text  # once
    assert "no item in common" in page.text and "Waiting for the post-test" in page.text
    assert "class's range (scale scores " in page.text and "θ" not in page.text
    assert client.get(made.headers["location"], params={"format": "pdf"}).content[:4] == b"%PDF"
    noted = client.post(made.headers["location"] + "/reflection",
                        data={"csrf": csrf, "reflection": "Next: fractions."},
                        follow_redirects=False)
    assert noted.status_code == 303
    noted_page = client.get(made.headers["location"]).text
    assert "Next: fractions." in noted_page and (
        "Notes saved: your colleagues see them on this cycle.") in noted_page
    # a colleague in the team sees it beside their own; one outside the team does not
    cycle = session.scalars(select(cycles.ImpactCycle)).one()
    team = cycles.create_team(session, caller=Caller.of_staff(w.tenant.teacher),
                              name="Team A", member_ids=[w.tenant.other_teacher.id])
    cycle.team_id = team.id
    session.flush()
    client.cookies.set(SESSION_COOKIE, people.cookie(session, w.tenant.other_teacher))
    shared = client.get("/cycles")
    assert shared.status_code == 200 and "Team: Team A" in shared.text and "Adding" in shared.text
    assert client.get(made.headers["location"]).status_code == 200
