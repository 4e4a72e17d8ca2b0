"""Demo sittings: every demo class sat two maths tests, in February and October 2026.

Each class teacher builds and accepts two tests with the test builder, assigns them months
apart, and every student sits both: answers are simulated from the student's true ability
(:func:`abilities`), which depends on their year level and grows steadily at a rate that
differs between classes (one class grows fast, one slowly). Everything is submitted and
scored, so every report has data on first launch. Loading again changes nothing. The
impact demo (:mod:`app.impact.demo`) adds earlier years and more tests on the same abilities.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
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
from app.itembank.models import Item, ItemRevision
from app.people.demo import CLASSES, PERIOD, SCHOOL
from app.people.models import ClassGroup, School, Staff, Student

WINDOWS = (("Term 1 maths", datetime(2026, 2, 16, 21, tzinfo=UTC)),  # 9 am NZDT, 17 Feb
           ("Term 4 maths", datetime(2026, 10, 12, 20, tzinfo=UTC)))
ORIGIN = date(2026, 2, 1)
"""Abilities are given at the start of the 2026 school year."""
CLASS_GROWTH = {"Room 5 Kōwhai": 0.9, "Room 7 Pōhutukawa": 0.45, "Room 9 Kauri": 0.25}
"""Mean growth in θ a year of each 2026 class's students (SD 0.2 around it)."""
LEVELS = {4: {"2": "some", "3": "most"}, 5: {"3": "most", "4": "some"},
          6: {"3": "some", "4": "most"}, 7: {"4": "most", "5": "some"}}


@dataclass(frozen=True)
class Ability:
    """A demo student's true θ: ``base`` on 1 February 2026, growing ``rate`` a year."""

    base: float
    rate: float

    def at(self, on: date) -> float:
        return self.base + self.rate * (on - ORIGIN).days / 365.25


def abilities(room: ClassGroup, seed: int = 2026) -> dict[int, Ability]:
    """Each student's ability, the same on every load (seeded by their student number):
    Year 5 centred near 3A, each year about half a logit higher, SD 0.9."""
    out = {}
    for student in room.students:
        rng = np.random.default_rng([seed, int(student.student_number)])
        base = -0.9 + 0.45 * (student.year_level - 5) + float(rng.normal(0.0, 0.9))
        out[student.id] = Ability(base, float(rng.normal(CLASS_GROWTH.get(room.name, 0.4),
                                                         0.2)))
    return out


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
        ability = abilities(room, seed)
        for label, opens in WINDOWS:
            form = form_for(session, teacher, f"{label} ({name})", LEVELS[years[0]])
            assignment = assignment_for(session, form, room, teacher, opens)
            sit_class(session, assignment, [(s, ability[s.id].at(opens.date()),
                                             s.year_level) for s in room.students], rng)
    session.flush()


def form_for(session: Session, teacher: Staff, name: str, levels: dict[str, Any], *,
             subject: str = "mathematics", strands: dict[str, str] | None = None,
             attitude: str = "maths") -> Form:
    """The teacher's accepted test of that name, built with the test builder once."""
    found = session.scalar(select(Form).where(Form.name == name,
                                              Form.created_by_id == teacher.id))
    if found is not None:
        return found
    data = FormCreate.model_validate({
        "name": name, "subject": subject, "duration_minutes": 30, "levels": levels,
        "strands": strands or {"NA": "most", "GM": "some", "ST": "some"}, "deep_share": 0.3,
        "expected_level": f"mostly {next(k for k, v in levels.items() if v == 'most')}P",
        "attitude_scale": attitude})
    form = assembly.build(session, data=data, staff=teacher)
    return assembly.accept(session, form=form, staff=teacher)


def assignment_for(session: Session, form: Form, room: ClassGroup, teacher: Staff,
                   opens: datetime) -> Assignment:
    """The form given to the class, opening ``opens`` for 11 days (once)."""
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


@dataclass
class _Paper:
    """A form's answerable items with their parameters, loaded once for a whole class."""

    items: list[tuple[FormItem, Item, ItemRevision]]
    params: Any
    attitude: list[tuple[int, int]]


def _paper(session: Session, assignment: Assignment) -> _Paper:
    rows = session.execute(select(FormItem, Item, ItemRevision)
                           .join(Item, Item.id == FormItem.item_id)
                           .join(ItemRevision, ItemRevision.id == FormItem.item_revision_id)
                           .where(FormItem.form_id == assignment.form_id)
                           .order_by(FormItem.position)).all()
    params = {p.item_id: p for p in session.scalars(select(ItemParameter).where(
        ItemParameter.calibration_id == assignment.form.calibration_id,
        ItemParameter.item_id.in_([fi.item_id for fi, _, _ in rows])))}
    usable = [(fi, item, rev) for fi, item, rev in rows  # the demo leaves trial items alone
              if fi.item_id in params and rev.key is not None and not fi.trial]
    attitude = []
    for item_id in sittings.attitude_item_ids(session, assignment.form):
        revision_id = session.scalar(select(ItemRevision.id).where(
            ItemRevision.item_id == item_id).order_by(ItemRevision.number.desc()))
        assert revision_id is not None
        attitude.append((item_id, revision_id))
    return _Paper(usable, to_item_parameters([calibration.parameter_out(
        params[fi.item_id], str(fi.item_id)) for fi, _, _ in usable]), attitude)


def sit_class(session: Session, assignment: Assignment,
              takers: Sequence[tuple[Student, float, int]], rng: np.random.Generator, *,
              boosts: dict[int, float] | None = None) -> None:
    """Each (student, true θ, year level then) sits the assignment and hands it in; answers
    are simulated from θ (plus ``boosts[item_id]`` on items taught in a cycle)."""
    paper = _paper(session, assignment)
    done = set(session.scalars(select(Sitting.student_id).where(
        Sitting.assignment_id == assignment.id)))
    takers = [t for t in takers if t[0].id not in done]
    if not takers or not paper.items:
        return
    thetas = np.array([theta for _, theta, _ in takers])
    extra = np.array([(boosts or {}).get(fi.item_id, 0.0) for fi, _, _ in paper.items])
    scores = _simulated(paper.params, thetas, extra, rng)
    for (student, _theta, level), row in zip(takers, scores, strict=True):
        _hand_in(session, assignment, student, level, paper, row, rng)


def _simulated(params: Any, thetas: np.ndarray, extra: np.ndarray,
               rng: np.random.Generator) -> np.ndarray:
    """Item scores ``(n_persons, n_items)`` with item j answered at θ + extra[j]."""
    out = np.zeros((thetas.size, extra.size), dtype=int)
    for shift in np.unique(extra):
        chosen = extra == shift
        out[:, chosen] = simulate_responses(params, thetas + shift, rng)[:, chosen]
    return out


def _hand_in(session: Session, assignment: Assignment, student: Student, level: int,
             paper: _Paper, scores: np.ndarray, rng: np.random.Generator) -> None:
    started = assignment.opens_at + timedelta(days=int(rng.integers(0, 5)), minutes=15)
    sitting = Sitting(assignment_id=assignment.id, student_id=student.id, status="in_progress",
                      year_level=level, calibration_id=assignment.form.calibration_id,
                      started_at=started, attitude_item_ids=[i for i, _ in paper.attitude],
                      time_used_s=0.0)
    session.add(sitting)
    session.flush()
    answers = []
    for seq, (item_id, revision_id) in enumerate(paper.attitude, start=1):
        answers.append(Answer(
            sitting_id=sitting.id, item_id=item_id, item_revision_id=revision_id,
            response=str(rng.choice(["A", "B", "C", "D"], p=[0.1, 0.2, 0.4, 0.3])), seq=seq,
            client_id=f"demo-{seq}", time_s=float(rng.uniform(4, 12)), answered_at=started,
            saved_at=started))
    for seq, ((fi, item, revision), score) in enumerate(
            zip(paper.items, scores, strict=True), start=len(answers) + 1):
        answers.append(Answer(
            sitting_id=sitting.id, item_id=fi.item_id, item_revision_id=revision.id,
            form_item_id=fi.id, seq=seq, client_id=f"demo-{seq}",
            response=_response(item.response_type, revision, int(score)),
            time_s=float(rng.uniform(15, 90)), answered_at=started, saved_at=started))
    session.add_all(answers)
    session.flush()
    sittings.submit(session, sitting=sitting,
                    now=started + timedelta(seconds=float(rng.uniform(900, 2100))))


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
