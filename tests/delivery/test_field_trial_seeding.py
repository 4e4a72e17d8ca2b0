"""Field-test seeding: an accepted fixed test of 20+ items carries its subject's trial items,
spread among the others; students answer them; they count in nothing but calibration."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.assembly import service as assembly
from app.assembly.models import Form, FormItem
from app.calibration import field_trial
from app.calibration.models import FieldTrialSetting
from app.db import utcnow
from app.delivery import paper, player, result_store, sittings
from app.delivery.models import ScoredResponse, Sitting
from app.delivery.results import ScoredResult
from app.delivery.schemas import AnswerSave, AssignmentCreate
from app.itembank import service as items
from app.itembank.models import CurriculumLevel, Item
from app.itembank.schemas import ItemCreate
from app.people.dependencies import SESSION_COOKIE, Caller
from app.reports import sources
from app.reports.individual import build_individual, render_individual_html
from tests.delivery import builders
from tests.factories import item_data
from tests.people import builders as people

TRIALS = ["TR0", "TR1", "TR2", "TR3"]


@pytest.fixture
def world(session: Session) -> people.Tenant:
    builders.bank(session)
    for k, code in enumerate(TRIALS):  # TR1 shares an enemy group with Q03; TR3 is at level 5
        items.create(session, data=ItemCreate.model_validate(item_data(
            code, status="trial", enemy_group="EG-3" if k == 1 else None)))
    q03, tr3 = (session.scalar(select(Item).where(Item.code == c)) for c in ("Q03", "TR3"))
    assert q03 is not None and tr3 is not None
    q03.enemy_group = "EG-3"
    tr3.level = CurriculumLevel(subject_id=tr3.subject_id, code="5P", level=5, sublevel="P",
                                rank=99)
    session.flush()
    return people.tenant(session, "TRIAL")


def _accepted(session: Session, world: people.Tenant, n: int, mode: str = "screen") -> Form:
    form = builders.form(session, staff=world.teacher, codes=builders.codes(n), status="draft")
    form.mode, form.summary = mode, {"total_time_s": 600.0}
    assembly.accept(session, form=form, staff=world.teacher)
    session.refresh(form)
    return form


def _trial_codes(form: Form) -> list[str]:
    return [fi.item.code for fi in form.items if fi.trial]


def test_a_long_test_gets_two_trial_items_among_the_others(session: Session,
                                                          world: people.Tenant) -> None:
    form = _accepted(session, world, 20)
    # TR1 is Q03's enemy and TR3 is at no level of the test; TR0, TR2 have no responses yet
    assert _trial_codes(form) == ["TR0", "TR2"]
    positions = [fi.position for fi in form.items]
    assert positions == list(range(1, 23))
    trial_at = [fi.position for fi in form.items if fi.trial]
    assert 1 < trial_at[0] < trial_at[1] < 22 and trial_at[1] - trial_at[0] > 2
    assert form.summary["total_time_s"] == 600.0  # the time estimate is the scored items'


def test_fewest_responses_first_and_short_or_paper_tests_get_none(session: Session,
                                                                 world: people.Tenant) -> None:
    tr0 = session.scalar(select(Item).where(Item.code == "TR0"))
    assert tr0 is not None and tr0.current_revision_id is not None
    session.add_all(ScoredResponse(person_key=f"p{k}", item_id=tr0.id, score=1,
                                   item_revision_id=tr0.current_revision_id, source="trial",
                                   observed_at=utcnow()) for k in range(3))
    session.flush()
    assert [p.code for p in field_trial.progress(session, subject_id=tr0.subject_id)
            if p.responses] == ["TR0"]
    assert _trial_codes(_accepted(session, world, 19)) == []
    assert _trial_codes(_accepted(session, world, 25, mode="paper")) == []
    assert _trial_codes(_accepted(session, world, 25)) == ["TR2", "TR0"]  # TR2 has fewer
    session.add(FieldTrialSetting(subject_id=tr0.subject_id, per_test=1, min_test_items=10,
                                  target=300, on_paper=True))
    session.flush()
    # TR2 now rides in one accepted test already, TR0 has responses: TR2 again (fewest
    # responses decide; tests already carrying an item only break ties)
    assert _trial_codes(_accepted(session, world, 12, mode="paper")) == ["TR2"]


def _sit(session: Session, world: people.Tenant, form: Form, pupil: int,
         trial_answer: str | None) -> tuple[Sitting, ScoredResult]:
    now = utcnow()
    assignment = sittings.assign(session, caller=Caller.of_staff(world.teacher),
                                 data=AssignmentCreate(form_id=form.id, class_id=world.room.id,
                                                       opens_at=now - timedelta(hours=1),
                                                       closes_at=now + timedelta(days=1)))
    sitting = sittings.start(session, student=world.students[pupil],
                             assignment_id=assignment.id)
    shown = [i.item_id for i in player.state(session, sitting=sitting).items]
    assert [fi.item_id for fi in form.items] == shown[-len(form.items):]  # as placed
    for seq, fi in enumerate(form.items, start=1):
        answer = trial_answer if fi.trial else ("B" if seq % 3 else "A")
        if answer is not None:
            sittings.save_answer(session, sitting=sitting, data=AnswerSave.model_validate(
                {"client_id": f"c{seq}", "seq": seq, "item_id": fi.item_id, "response": answer,
                 "time_s": 5 if fi.trial else 30}))
    sittings.submit(session, sitting=sitting)
    result = result_store.get(session, sitting=sitting)
    assert result is not None
    return sitting, result


def test_trial_answers_change_no_score_and_reach_calibration(session: Session,
                                                             world: people.Tenant) -> None:
    form = _accepted(session, world, 24)
    trial = {fi.item_id: fi.item.code for fi in form.items if fi.trial}
    assert len(trial) == 2
    with_trial, scored = _sit(session, world, form, 0, "B")
    without, plain = _sit(session, world, form, 1, None)
    keep = {"theta", "se", "scale_score", "scale_se", "sublevel", "raw_score", "max_score",
            "subscores", "flags", "quadrants"}
    assert scored.model_dump(include=keep) == plain.model_dump(include=keep)
    assert scored.max_score == 24 and len(scored.quadrants) == 24
    assert not {q.item for q in scored.quadrants} & set(trial.values())
    stored = {i: score for i, score in session.execute(select(
        ScoredResponse.item_id, ScoredResponse.score).where(
        ScoredResponse.person_key == f"sitting:{with_trial.id}"))}
    assert len(stored) == 26 and {stored[i] for i in trial} == {1}
    unanswered = session.scalars(select(ScoredResponse.item_id).where(
        ScoredResponse.person_key == f"sitting:{without.id}")).all()
    assert len(unanswered) == 24 and not set(unanswered) & set(trial)
    progress = {p.code: p.responses for p in field_trial.progress(
        session, subject_id=form.subject_id)}
    assert all(progress[c] == 1 for c in trial.values())

    scale = sources.scale_of(session, form.subject_id)
    report = sources.student_result(session, with_trial, scale)
    assert report is not None
    view = build_individual(report, scale, sources.norms_of(session, form.subject_id, scale))
    assert view.items_total == 24  # the report counts and lists the scored items only
    html = render_individual_html(view)
    assert "<small>of 24</small>" in html
    assert not any(code in html for code in trial.values())


def test_paper_booklets_leave_trial_items_out_unless_asked(session: Session,
                                                          world: people.Tenant) -> None:
    form = _accepted(session, world, 20)
    assert len(paper.form_questions(session, form)) == 20
    session.add(FieldTrialSetting(subject_id=form.subject_id, on_paper=True, per_test=2,
                                  min_test_items=20, target=300))
    session.flush()
    assert len(paper.form_questions(session, form)) == 22


def test_a_copy_leaves_the_trial_items_behind(session: Session, world: people.Tenant) -> None:
    form = _accepted(session, world, 20)
    copy = assembly.copy(session, form=form, staff=world.teacher)
    session.refresh(copy)
    rows = session.scalars(select(FormItem).where(FormItem.form_id == copy.id)).all()
    assert len(rows) == 20 and not any(r.trial for r in rows)
    assert sorted(r.position for r in rows) == list(range(1, 21))


def test_the_preview_shows_trial_questions_apart_and_numbers_them_as_placed(
        client: TestClient, session: Session, world: people.Tenant) -> None:
    form = builders.form(session, staff=world.teacher, codes=builders.codes(20), status="draft")
    rows = [{"position": k, "code": f"Q{k - 1:02d}", "strand": "NA", "sublevel": "3P",
             "depth": "surface", "passage": None, "expected_time_s": 30.0, "difficulty": 0.0}
            for k in range(1, 21)]
    form.summary = {"items": rows, "total_time_s": 600, "by_depth": {"surface": 20},
                    "by_level": {"3P": 20}, "by_strand": {"NA": 20}, "expected_score": 10,
                    "max_score": 20, "notes": [], "reported_strands": [],
                    "se_at_class_level": 0.5, "se_scale_points": 50}
    assembly.accept(session, form=form, staff=world.teacher)
    session.refresh(form)
    placed = {fi.item.code: fi.position for fi in form.items}
    assert [r["position"] for r in form.summary["items"]] == [
        placed[r["code"]] for r in rows]  # the balance rows keep the students' numbering
    assert form.summary["by_level"] == {"3P": 20} and form.summary["total_time_s"] == 600
    token, _csrf = people.cookie_and_csrf(session, world.teacher)
    client.cookies.set(SESSION_COOKIE, token)
    page = client.get(f"/tests/{form.id}")
    assert page.status_code == 200, page.text
    assert "Trial questions (not scored)" in page.text
    assert page.text.count("trial, not scored") == 2 == sum(fi.trial for fi in form.items)
