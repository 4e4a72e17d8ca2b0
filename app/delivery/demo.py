"""Demo sittings: every demo class sat two maths tests, in February and October 2026.

Each class teacher builds and accepts two tests with the test builder, assigns them months
apart, and every student sits both: answers are simulated from a true θ that depends on the
student's year level, and grows by about a year's progress (≈ 0.5 SD, with spread) between
the sittings. Everything is submitted and scored, so every report has data on first launch.
Loading again changes nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.assembly import service as assembly
from app.assembly.models import Form, FormItem
from app.assembly.schemas import FormCreate
from app.calibration import service as calibration
from app.calibration.convert import to_item_parameters
from app.calibration.models import ItemParameter
from app.delivery import sittings
from app.delivery.models import Answer, Assignment, Sitting
from app.irt.simulate import simulate_responses
from app.itembank.models import ItemRevision
from app.people.demo import CLASSES, PERIOD, SCHOOL
from app.people.models import ClassGroup, School, Staff, Student

WINDOWS = (("Term 1 maths", datetime(2026, 2, 16, 21, tzinfo=UTC)),  # 9 am NZDT, 17 Feb
           ("Term 4 maths", datetime(2026, 10, 12, 20, tzinfo=UTC)))
GROWTH = (0.5, 0.25)  # mean and SD of a year's growth in θ (logits ≈ SD units)
LEVELS = {5: {"3": "most", "4": "some"}, 6: {"3": "some", "4": "most"},
          7: {"4": "most", "5": "some"}}


def load_demo_sittings(session: Session, seed: int = 2026) -> None:
    """Two scored maths sittings for every demo student (idempotent)."""
    school = session.scalar(select(School).where(School.code == SCHOOL[0]))
    if school is None:
        return
    for index, (name, teacher_email, years, _first) in enumerate(CLASSES):
        room = session.scalar(select(ClassGroup).options(selectinload(ClassGroup.students))
                              .where(ClassGroup.school_id == school.id,
                                     ClassGroup.name == name, ClassGroup.period == PERIOD))
        teacher = session.scalar(select(Staff).where(Staff.email == teacher_email))
        if room is None or teacher is None:
            continue
        rng = np.random.default_rng([seed, index])
        start = {s.id: _true_theta(rng, s.year_level) for s in room.students}
        growth = {s.id: float(rng.normal(*GROWTH)) for s in room.students}
        for when, (label, opens) in enumerate(WINDOWS):
            form = _form(session, teacher, f"{label} ({name})", LEVELS[years[0]])
            assignment = _assignment(session, form, room, teacher, opens)
            for student in room.students:
                theta = start[student.id] + (growth[student.id] if when else 0.0)
                _sit(session, assignment, student, theta, rng)
    session.flush()


def _true_theta(rng: np.random.Generator, year_level: int) -> float:
    """Year 5 centred near 3A, each year about half a logit higher, SD 0.9."""
    return float(-0.9 + 0.45 * (year_level - 5) + rng.normal(0.0, 0.9))


def _form(session: Session, teacher: Staff, name: str, levels: dict[str, Any]) -> Form:
    found = session.scalar(select(Form).where(Form.name == name,
                                              Form.created_by_id == teacher.id))
    if found is not None:
        return found
    data = FormCreate.model_validate({
        "name": name, "subject": "mathematics", "duration_minutes": 30, "levels": levels,
        "strands": {"NA": "most", "GM": "some", "ST": "some"}, "deep_share": 0.3,
        "expected_level": f"mostly {next(k for k, v in levels.items() if v == 'most')}P",
        "attitude_scale": "maths"})
    form = assembly.build(session, data=data, staff=teacher)
    return assembly.accept(session, form=form, staff=teacher)


def _assignment(session: Session, form: Form, room: ClassGroup, teacher: Staff,
                opens: datetime) -> Assignment:
    found = session.scalar(select(Assignment).where(Assignment.form_id == form.id,
                                                    Assignment.class_id == room.id))
    if found is not None:
        return found
    row = Assignment(form_id=form.id, class_id=room.id, school_id=room.school_id,
                     opens_at=opens, closes_at=opens + timedelta(days=11),
                     time_limit_minutes=40, mode="screen", created_by_id=teacher.id)
    session.add(row)
    session.flush()
    return row


def _sit(session: Session, assignment: Assignment, student: Student, theta: float,
         rng: np.random.Generator) -> None:
    if session.scalar(select(Sitting.id).where(Sitting.assignment_id == assignment.id,
                                               Sitting.student_id == student.id)):
        return
    started = assignment.opens_at + timedelta(
        days=int(rng.integers(0, 5)), minutes=15)
    sitting = Sitting(assignment_id=assignment.id, student_id=student.id, status="in_progress",
                      year_level=student.year_level,
                      calibration_id=assignment.form.calibration_id, started_at=started,
                      attitude_item_ids=sittings.attitude_item_ids(session, assignment.form),
                      time_used_s=0.0)
    session.add(sitting)
    session.flush()
    seq = _answer_attitude(session, sitting, rng, started)
    seq = _answer_test(session, sitting, theta, rng, started, seq)
    session.flush()
    sittings.submit(session, sitting=sitting,
                    now=started + timedelta(seconds=float(rng.uniform(900, 2100))))


def _answer_attitude(session: Session, sitting: Sitting, rng: np.random.Generator,
                     at: datetime) -> int:
    seq = 0
    for item_id in sitting.attitude_item_ids:
        revision_id = session.scalar(select(ItemRevision.id).where(
            ItemRevision.item_id == item_id).order_by(ItemRevision.number.desc()))
        assert revision_id is not None
        seq += 1
        choice = str(rng.choice(["A", "B", "C", "D"], p=[0.1, 0.2, 0.4, 0.3]))
        session.add(Answer(sitting_id=sitting.id, item_id=item_id, item_revision_id=revision_id,
                           response=choice, seq=seq, client_id=f"demo-{seq}",
                           time_s=float(rng.uniform(4, 12)), answered_at=at, saved_at=at))
    return seq


def _answer_test(session: Session, sitting: Sitting, theta: float, rng: np.random.Generator,
                 at: datetime, seq: int) -> int:
    form_items = list(session.scalars(select(FormItem).where(
        FormItem.form_id == sitting.assignment.form_id).order_by(FormItem.position)))
    params = {p.item_id: p for p in session.scalars(select(ItemParameter).where(
        ItemParameter.calibration_id == sitting.calibration_id,
        ItemParameter.item_id.in_([fi.item_id for fi in form_items])))}
    for fi in form_items:
        p = params.get(fi.item_id)
        revision = session.get(ItemRevision, fi.item_revision_id)
        if p is None or revision is None or revision.key is None:
            continue
        one = to_item_parameters([calibration.parameter_out(p, str(fi.item_id))])
        score = int(simulate_responses(one, np.array([theta]), rng)[0, 0])
        seq += 1
        session.add(Answer(
            sitting_id=sitting.id, item_id=fi.item_id, item_revision_id=revision.id,
            form_item_id=fi.id, seq=seq, client_id=f"demo-{seq}",
            response=_response(fi.item.response_type, revision, score),
            time_s=float(rng.uniform(15, 90)), answered_at=at, saved_at=at))
    return seq


def _response(response_type: str, revision: ItemRevision, score: int) -> Any:
    """An answer the key gives ``score`` (partial credit: that many right options)."""
    key = revision.key or {}
    ids = [str(o["id"]) for o in revision.options]
    right = score > 0
    if response_type == "single_choice":
        return key["correct"] if right else next(i for i in ids if i != key["correct"])
    if response_type == "multiple_choice":
        correct = list(key["correct"])
        if score >= revision.max_score:
            return correct
        return correct[:score] if right else [i for i in ids if i not in correct][:1]
    if response_type == "numeric":
        return str(key["value"]) if right else str(float(key["value"]) + 1007)
    if response_type == "short_text":
        return key["accepted"][0] if right else "not sure"
    return ids[0]
