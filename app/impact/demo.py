"""The demo school's history and impact work, so every impact page has real content.

On top of the 2026 Term 1 and Term 4 maths tests (:mod:`app.delivery.demo`), on the same
students' abilities:

- **2025**: the students' previous classes (one year younger) sat Term 1 and Term 4 maths —
  the console's earlier year, and two years on each student's record;
- **impact cycles** in the team "Years 5–8 maths": Mere's (fractions, decimals and place value,
  Room 5, Terms 2–3) and Losa's (reading data, Room 7), each with a pre-test and a parallel
  post-test built together and sat by the class, and Daniel's (averages and probability)
  planned for 2027;
- a **reading** test for Room 5 in Term 3 (a second subject on the record and the console);
- Mere's teaching group "Extension maths", and the leader's 2026 **targets**.

Everything is found before it is made, so loading again changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.delivery import demo as sittings_demo
from app.delivery.models import Assignment
from app.impact import cycles, results, school, service
from app.impact.models import ImpactCycle, StudentGroup, Team
from app.itembank.curricula import get_subject
from app.itembank.models import Item, Objective
from app.people import classes
from app.people.demo import PERIOD, SCHOOL
from app.people.dependencies import Caller
from app.people.models import ClassGroup, School, Staff

HISTORY = (  # (2025 class, its teacher, the 2026 class its students are in now)
    ("Room 4 Tōtara", "losa.teacher@demo.kete.nz", "Room 5 Kōwhai"),
    ("Room 6 Rimu", "daniel.teacher@demo.kete.nz", "Room 7 Pōhutukawa"),
    ("Room 8 Mataī", "teacher@demo.kete.nz", "Room 9 Kauri"),
)
TERMS_2025 = (("Term 1 maths 2025", datetime(2025, 2, 17, 21, tzinfo=UTC)),
              ("Term 4 maths 2025", datetime(2025, 10, 13, 20, tzinfo=UTC)))
READING = ("Term 3 reading", datetime(2026, 8, 24, 20, tzinfo=UTC), "Room 5 Kōwhai",
           "teacher@demo.kete.nz")
TEAM = "Years 5–8 maths"
GROUP = ("Extension maths", "teacher@demo.kete.nz", "Room 5 Kōwhai", 6)
TARGETS = ((6, "at_expected", 0.80, "Four in five Year 6 students at 3A or above by December."),
           (8, "at_expected", 0.75, ""),
           (None, "mean_d", 0.40, "At least a year's growth for a year's input."))


@dataclass(frozen=True)
class DemoCycle:
    """A cycle the demo plans (and, when ``boost`` is set, teaches and tests)."""

    teacher: str
    room: str
    title: str
    objectives: tuple[str, ...]
    criteria: tuple[str, ...]
    starts: date
    ends: date
    boost: float | None
    """Extra θ on the cycle's objectives at the post-test: what the teaching achieved."""
    minutes: int = 20
    extra: dict[str, Any] = field(default_factory=dict)


STATISTICS_MINUTES = 12
"""The demo bank's statistics items at Levels 3–4 come from few templates, and items of one
template are enemies: about 12 minutes of one-per-template items, so a 20-minute statistics
pre-test cannot be built (``kete demo`` failed with a Conflict)."""

CYCLES = (
    DemoCycle("teacher@demo.kete.nz", "Room 5 Kōwhai", "Fractions, decimals and place value",
              ("NA3-3", "NA3-4", "NA4-2", "NA4-3"),
              ("I can say what each digit is worth, to two decimal places.",
               "I can find a fraction of an amount and spot equal fractions.",
               "I can order, round, add and subtract decimals."),
              date(2026, 5, 11), date(2026, 8, 3), boost=0.7),
    DemoCycle("losa.teacher@demo.kete.nz", "Room 7 Pōhutukawa",
              "Reading data: graphs, tables and averages", ("ST3-1", "ST3-2", "ST4-1", "ST4-3"),
              ("I can read a graph or table to compare groups.",
               "I can find the mean, median, mode and range, and say what they tell us."),
              date(2026, 5, 18), date(2026, 8, 10), boost=0.2, minutes=STATISTICS_MINUTES),
    DemoCycle("daniel.teacher@demo.kete.nz", "Room 9 Kauri", "Averages and probability",
              ("ST4-1", "ST4-2", "ST4-3"),
              ("I can find and compare the mean, median, mode and range.",
               "I can give the probability of an outcome as a fraction."),
              date(2027, 2, 15), date(2027, 4, 26), boost=None, minutes=STATISTICS_MINUTES),
)


def load_demo_impact(session: Session, seed: int = 2026,
                     echo: Callable[[str], Any] = print) -> None:
    """Earlier years, cycles, a reading test, a group and targets (idempotent)."""
    demo_school = session.scalar(select(School).where(School.code == SCHOOL[0]))
    if demo_school is None:
        return
    rooms = {r.name: r for r in session.scalars(select(ClassGroup).options(
        selectinload(ClassGroup.students), selectinload(ClassGroup.teachers)).where(
        ClassGroup.school_id == demo_school.id))}
    staff = {s.email: s for s in session.scalars(select(Staff).where(
        Staff.school_id == demo_school.id))}
    ability = {sid: a for name in sittings_demo.CLASS_GROWTH if name in rooms
               for sid, a in sittings_demo.abilities(rooms[name], seed).items()}
    rng = np.random.default_rng([seed, 13])
    _history(session, demo_school, rooms, staff, ability, rng)
    echo("demo history: 2025 maths for every student")
    _reading(session, rooms, staff, ability, rng)
    team = _team(session, demo_school, staff)
    for plan in CYCLES:
        _cycle(session, plan, rooms, staff, ability, team, rng)
    echo("demo impact cycles: " + ", ".join(p.title for p in CYCLES))
    _group(session, rooms, staff)
    _targets(session, staff)
    session.flush()


def _history(session: Session, at: School, rooms: dict[str, ClassGroup],
             staff: dict[str, Staff], ability: dict[int, Any], rng: np.random.Generator
             ) -> None:
    for name, email, now_in in HISTORY:
        current = rooms.get(now_in)
        teacher = staff.get(email)
        if current is None or teacher is None:
            continue
        old = rooms.get(name) or _old_class(session, at, name, teacher, current)
        rooms[name] = old
        first_year = min(s.year_level for s in current.students) - 1
        for label, opens in TERMS_2025:
            form = sittings_demo.form_for(session, teacher, f"{label} ({name})",
                                          sittings_demo.LEVELS[max(first_year, 4)])
            given = sittings_demo.assignment_for(session, form, old, teacher, opens)
            sittings_demo.sit_class(session, given, [
                (s, ability[s.id].at(opens.date()), s.year_level - 1)
                for s in current.students if s.id in ability], rng)


def _old_class(session: Session, at: School, name: str, teacher: Staff,
               current: ClassGroup) -> ClassGroup:
    found = session.scalar(select(ClassGroup).options(selectinload(ClassGroup.students))
                           .where(ClassGroup.school_id == at.id, ClassGroup.name == name,
                                  ClassGroup.period == "2025"))
    if found is not None:
        return found
    old = ClassGroup(school=at, name=name, period="2025",
                     access_code=classes.new_access_code(session))
    old.teachers.append(teacher)
    old.students.extend(current.students)
    session.add(old)
    session.flush()
    return old


def _reading(session: Session, rooms: dict[str, ClassGroup], staff: dict[str, Staff],
             ability: dict[int, Any], rng: np.random.Generator) -> None:
    label, opens, room_name, email = READING
    room, teacher = rooms.get(room_name), staff.get(email)
    if room is None or teacher is None:
        return
    form = sittings_demo.form_for(
        session, teacher, f"{label} ({room_name})", {"3": "most", "4": "some"},
        subject="reading", strands={"FI": "most", "UN": "most", "KN": "some", "CO": "some"},
        attitude="reading")
    given = sittings_demo.assignment_for(session, form, room, teacher, opens)
    offset = {s.id: float(np.random.default_rng([int(s.student_number), 5]).normal(0, 0.5))
              for s in room.students}
    sittings_demo.sit_class(session, given, [
        (s, ability[s.id].at(opens.date()) + offset[s.id], s.year_level)
        for s in room.students if s.id in ability], rng)


def _team(session: Session, at: School, staff: dict[str, Staff]) -> Team | None:
    team = session.scalar(select(Team).where(Team.school_id == at.id, Team.name == TEAM))
    if team is not None:
        return team
    members = [staff[p.teacher] for p in CYCLES if p.teacher in staff]
    if not members:
        return None
    return cycles.create_team(session, caller=Caller.of_staff(members[0]), name=TEAM,
                              member_ids=[m.id for m in members])


def _cycle(session: Session, plan: DemoCycle, rooms: dict[str, ClassGroup],
           staff: dict[str, Staff], ability: dict[int, Any], team: Team | None,
           rng: np.random.Generator) -> None:
    room, teacher = rooms.get(plan.room), staff.get(plan.teacher)
    if room is None or teacher is None:
        return
    cycle = session.scalar(select(ImpactCycle).where(ImpactCycle.class_id == room.id,
                                                     ImpactCycle.title == plan.title))
    if cycle is None:
        cycle = cycles.create(session, caller=Caller.of_staff(teacher), plan=cycles.CyclePlan(
            title=plan.title, class_id=room.id, subject="mathematics",
            objectives=list(plan.objectives), success_criteria=list(plan.criteria),
            starts_on=plan.starts, ends_on=plan.ends, duration_minutes=plan.minutes,
            team_id=team.id if team else None))
    if plan.boost is None or cycle.pre_assignment_id is None or cycle.post_assignment_id is None:
        return
    taught = set(session.scalars(select(Item.id).join(Objective, Objective.id ==
                                                      Item.objective_id)
                                 .where(Objective.code.in_(plan.objectives))))
    for assignment_id, boost in ((cycle.pre_assignment_id, 0.0),
                                 (cycle.post_assignment_id, plan.boost)):
        given = session.get(Assignment, assignment_id)
        assert given is not None
        when = given.opens_at.date()
        sittings_demo.sit_class(session, given, [
            (s, ability[s.id].at(when), s.year_level) for s in room.students
            if s.id in ability], rng, boosts={item: boost for item in taught})
    if not cycle.reflection:
        cycle.reflection = _REFLECTIONS.get(plan.title, "")


_REFLECTIONS = {
    "Fractions, decimals and place value": "Decimal place value moved most after the "
    "place-value mats and daily number talks. Next: fractions of amounts with the group who "
    "still show gaps; try the same warm-ups in Room 7.",
    "Reading data: graphs, tables and averages": "Graph reading improved; averages less so. "
    "Next cycle: mean and median through our own class data, and visit Room 5's number talks.",
}


def _group(session: Session, rooms: dict[str, ClassGroup], staff: dict[str, Staff]) -> None:
    name, email, room_name, size = GROUP
    room, teacher = rooms.get(room_name), staff.get(email)
    if room is None or teacher is None or session.scalar(select(StudentGroup.id).where(
            StudentGroup.owner_id == teacher.id, StudentGroup.name == name)):
        return
    first = sittings_demo.WINDOWS[0][1]
    rows = results.rows(session, Assignment.class_id == room.id,
                        Assignment.opens_at == first)
    top = sorted(rows, key=lambda r: -r.scale_score)[:size]
    service.create_group(session, caller=Caller.of_staff(teacher), name=name,
                         student_ids=[r.student_id for r in top])


def _targets(session: Session, staff: dict[str, Staff]) -> None:
    leader = next((s for s in staff.values() if s.role == "leader"), None)
    if leader is None:
        return
    maths = get_subject(session, code="mathematics")
    for year_level, kind, value, note in TARGETS:
        school.set_target(session, caller=Caller.of_staff(leader), subject=maths,
                          year=int(PERIOD), year_level=year_level, kind=kind, value=value,
                          note=note)

