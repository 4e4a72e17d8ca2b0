"""Trial items of passages reach students: beside their passage when the test has it, or as a
trial passage group (the passage and its trial items, one block) when the test is long enough
and at the passage's level; never splitting a passage's run, within the trial time share, and
with their time added to the time limit a teacher is offered, never to the test's estimate."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.assembly import service as assembly
from app.assembly.models import Form
from app.calibration import field_trial, trial_units
from app.calibration.models import FieldTrialSetting
from app.calibration.trial_units import reading_seconds
from app.db import utcnow
from app.delivery import paper, player, sittings
from app.delivery.models import ScoredResponse
from app.delivery.schemas import AnswerSave, AssignmentCreate
from app.itembank import passages
from app.itembank import service as items
from app.itembank.models import Item
from app.itembank.schemas import ItemCreate, PassageCreate, PassageUpdate
from app.people.dependencies import SESSION_COOKIE, Caller
from tests.delivery import builders
from tests.factories import item_data
from tests.people import builders as people

BODY = "<p>" + " ".join(["word"] * 240) + "</p>"


@pytest.fixture
def world(session: Session) -> people.Tenant:
    """The small bank (30 items, 30 s each) with passage PX (3 operational items, trial PX-T1
    and PX-T2, an enemy of PX-1), trial passage PN (240 words: 120 s to read; 3 trial items)
    and the standalone trial item TR0, all at 3P."""
    builders.bank(session)
    for code in ("PX", "PN"):
        passages.create(session, data=PassageCreate(
            code=code, subject="maths", title=f"Text {code}", body_html=BODY, sublevel="3P"))
    made = [("PX-1", "operational", "PX", "EG-X"), ("PX-2", "operational", "PX", None),
            ("PX-3", "operational", "PX", None), ("PX-T1", "trial", "PX", None),
            ("PX-T2", "trial", "PX", "EG-X"), ("PN-T1", "trial", "PN", None),
            ("PN-T2", "trial", "PN", None), ("PN-T3", "trial", "PN", None),
            ("TR0", "trial", None, None)]
    for code, status, passage, enemy in made:
        items.create(session, data=ItemCreate.model_validate(item_data(
            code, status=status, passage=passage, enemy_group=enemy)))
    return people.tenant(session, "PSG")


def _responses(session: Session, code: str, n: int) -> None:
    item = session.scalar(select(Item).where(Item.code == code))
    assert item is not None
    session.add_all(ScoredResponse(person_key=f"{code}:{k}", item_id=item.id, score=1,
                                   item_revision_id=item.current_revision_id, source="trial",
                                   observed_at=utcnow()) for k in range(n))
    session.flush()


def _accepted(session: Session, world: people.Tenant, codes: list[str],
              minutes: int | None = None) -> Form:
    form = builders.form(session, staff=world.teacher, codes=codes, status="draft")
    form.summary = {  # as the assembler writes it (the preview reads every part)
        "items": [{"position": k, "code": c, "strand": "NA", "sublevel": "3P",
                   "depth": "surface", "passage": None, "expected_time_s": 30.0,
                   "difficulty": 0.0} for k, c in enumerate(codes, start=1)],
        "total_time_s": 30.0 * len(codes), "by_depth": {"surface": len(codes)},
        "by_level": {"3P": len(codes)}, "by_strand": {"NA": len(codes)},
        "expected_score": len(codes) / 2, "max_score": len(codes), "notes": [],
        "reported_strands": [], "se_at_class_level": 0.5, "se_scale_points": 50}
    form.request = {"duration_minutes": minutes} if minutes else None
    assembly.accept(session, form=form, staff=world.teacher)
    session.refresh(form)
    return form


def _layout(form: Form) -> list[str]:
    return [fi.item.code + ("*" if fi.trial else "") for fi in form.items]


def test_trial_items_join_their_passage_already_in_the_test(session: Session,
                                                           world: people.Tenant) -> None:
    _responses(session, "TR0", 5)
    form = _accepted(session, world, builders.codes(10) + ["PX-1", "PX-2", "PX-3"]
                     + builders.codes(20)[10:])
    layout = _layout(form)
    # PX-T1 (no responses, no extra reading) right after PX's items; PX-T2 is PX-1's enemy;
    # trial passage PN (120 s reading + 30 s) does not fit 20% of 23 × 30 s beside PX-T1;
    # TR0 (5 responses) takes the second place
    assert layout[10:14] == ["PX-1", "PX-2", "PX-3", "PX-T1*"]
    assert sorted(c for c in layout if c.endswith("*")) == ["PX-T1*", "TR0*"]
    assert not layout[0].endswith("*") and not layout[-1].endswith("*")
    assert [fi.position for fi in form.items] == list(range(1, 26))
    assert form.summary["total_time_s"] == 690.0  # the scored items' estimate, unchanged
    assert form.summary["trial_time_s"] == 60.0


def test_a_trial_passage_comes_as_one_block_when_the_test_is_long_enough(
        session: Session, world: people.Tenant) -> None:
    _responses(session, "TR0", 5)
    _responses(session, "PN-T3", 1)
    short = _accepted(session, world, builders.codes(20))  # 120 s allowed: no room for PN
    assert [c for c in _layout(short) if c.endswith("*")] == ["TR0*"]
    form = _accepted(session, world, builders.codes(30), minutes=30)  # 180 s allowed
    layout = _layout(form)
    trial = [k for k, c in enumerate(layout) if c.endswith("*")]
    assert [layout[k] for k in trial] == ["PN-T1*", "PN-T2*"]  # fewest responses first
    assert trial[1] == trial[0] + 1 and trial[0] > 0 and trial[1] < len(layout) - 1
    assert reading_seconds(form.items[trial[0]].item.passage) == 120.0
    assert form.summary["trial_time_s"] == 180.0 and form.summary["total_time_s"] == 900.0


def test_one_trial_passage_per_test_and_the_time_share_caps_the_count(
        session: Session, world: people.Tenant) -> None:
    subject_id = session.scalar(select(Item.subject_id).where(Item.code == "TR0"))
    session.add(FieldTrialSetting(subject_id=subject_id, per_test=5, min_test_items=20,
                                  target=300, on_paper=False))
    _responses(session, "TR0", 5)
    form = _accepted(session, world, builders.codes(30))
    # PN (by code before PX) with two items fills the 180 s; PX would be a second trial
    # passage, PN-T3 and TR0 would go over the time share: 2 trial items, not 5
    assert [c for c in _layout(form) if c.endswith("*")] == ["PN-T1*", "PN-T2*"]


def test_a_trial_passage_off_the_tests_levels_stays_out(
        session: Session, world: people.Tenant, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(trial_units, "TRIAL_TIME_SHARE", 1.0)  # time is not the question here
    subject_id = session.scalar(select(Item.subject_id).where(Item.code == "TR0"))
    session.add(FieldTrialSetting(subject_id=subject_id, per_test=2, min_test_items=10,
                                  target=300, on_paper=False))
    _responses(session, "TR0", 5)
    upper = [c for k, c in enumerate(builders.codes(30)) if builders.LEVELS[k % 9][0] != "2"]
    at_3p = _accepted(session, world, upper)  # levels 3 and 4
    assert [c for c in _layout(at_3p) if c.endswith("*")][:1] == ["PN-T1*"]
    for code in ("PN", "PX"):
        passages.update(session, passage=passages.get_passage(session, code=code),
                        data=PassageUpdate(sublevel="2B"))
    below = _accepted(session, world, upper)
    assert [c for c in _layout(below) if c.endswith("*")] == ["TR0*"]


def test_students_see_the_trial_passage_with_its_items_and_their_answers_count_nowhere(
        session: Session, world: people.Tenant) -> None:
    _responses(session, "TR0", 5)
    form = _accepted(session, world, builders.codes(30), minutes=30)
    now = utcnow()
    assignment = sittings.assign(session, caller=Caller.of_staff(world.teacher),
                                 data=AssignmentCreate(form_id=form.id, class_id=world.room.id,
                                                       opens_at=now - timedelta(hours=1),
                                                       closes_at=now + timedelta(days=1)))
    sitting = sittings.start(session, student=world.students[0], assignment_id=assignment.id)
    shown = player.state(session, sitting=sitting)
    pn = passages.get_passage(session, code="PN")
    beside = [i.item_id for i in shown.items if i.passage_id == pn.id]
    assert beside == [fi.item_id for fi in form.items if fi.trial]
    assert [p.title for p in shown.passages] == ["Text PN"]
    for seq, fi in enumerate(form.items, start=1):
        sittings.save_answer(session, sitting=sitting, data=AnswerSave.model_validate(
            {"client_id": f"c{seq}", "seq": seq, "item_id": fi.item_id, "response": "B",
             "time_s": 20}))
    sittings.submit(session, sitting=sitting)
    progress = {p.code: p.responses for p in field_trial.progress(
        session, subject_id=form.subject_id)}
    assert progress["PN-T1"] == progress["PN-T2"] == 1 and progress["PN-T3"] == 0


def test_the_teacher_is_offered_the_trial_minutes_and_sees_the_trial_passage(
        client: TestClient, session: Session, world: people.Tenant) -> None:
    _responses(session, "TR0", 5)
    form = _accepted(session, world, builders.codes(30), minutes=30)
    token, _csrf = people.cookie_and_csrf(session, world.teacher)
    client.cookies.set(SESSION_COOKIE, token)
    room = client.get(f"/classes/{world.room.id}?form_id={form.id}")
    assert room.status_code == 200, room.text
    assert f'value="{form.id}" data-minutes="33"' in room.text  # 30 asked + 3 for trial
    preview = client.get(f"/tests/{form.id}")
    assert "(plus about 3 for 2 trial questions, not scored)" in preview.text
    assert "Passage: Text PN (a trial passage: students read it for these questions)" in (
        preview.text)


def test_a_booklet_with_the_trial_questions_allows_their_time(session: Session,
                                                              world: people.Tenant) -> None:
    _responses(session, "TR0", 5)
    form = _accepted(session, world, builders.codes(30), minutes=30)
    form.status = "accepted"
    assert paper.paper_of(session, form).minutes == 30  # on screen only: not in the booklet
    session.add(FieldTrialSetting(subject_id=form.subject_id, per_test=2, min_test_items=20,
                                  target=300, on_paper=True))
    session.flush()
    booklet = paper.paper_of(session, form)
    assert len(booklet.questions) == 32 and booklet.minutes == 33
