"""The demo school: staff, three classes of 25 students (Years 5–8) and their access codes.

Loading is idempotent: accounts are found by e-mail, classes by name and period, students by
student number; nothing is changed or duplicated when it is loaded again. All the people
are made up.
"""

from __future__ import annotations

import random

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.people import classes, service
from app.people.demo_names import COMMUNITIES
from app.people.models import ClassGroup, School, Staff, Student

SCHOOL = ("KETE-DEMO", "Te Kura o Kete (demo school)")
PERIOD = "2026"
STAFF = [  # (email, name, role, password)
    ("leader@demo.kete.nz", "Hemi Principal", "leader", "kete-leader-demo"),
    ("teacher@demo.kete.nz", "Mere Teacher", "teacher", "kete-teacher-demo"),
    ("psychometrician@demo.kete.nz", "Sam Psychometrician", "psychometrician",
     "kete-psych-demo"),
    ("losa.teacher@demo.kete.nz", "Losa Fonoti", "teacher", "kete-teacher2-demo"),
    ("daniel.teacher@demo.kete.nz", "Daniel Kim", "teacher", "kete-teacher3-demo"),
]
CLASSES = [  # (name, teacher e-mail, year levels, first student number)
    ("Room 5 Kōwhai", "teacher@demo.kete.nz", (5, 6), 26001),
    ("Room 7 Pōhutukawa", "losa.teacher@demo.kete.nz", (6, 7), 26101),
    ("Room 9 Kauri", "daniel.teacher@demo.kete.nz", (7, 8), 26201),
]
CLASS_SIZE = 25


def load_demo_school(session: Session, seed: int = 2026) -> list[str]:
    """Create (or find) the demo school's people; return log-in lines to print."""
    school = service.get_or_create_school(session, code=SCHOOL[0], name=SCHOOL[1])
    staff = {email: _staff(session, school, email, name, role, password)
             for email, name, role, password in STAFF}
    rng, seen = random.Random(seed), set[tuple[str, str]]()
    rooms = []
    for name, teacher, years, first_number in CLASSES:
        room = _class(session, school, name, staff[teacher])
        for number, row in enumerate(_roster(rng, years, seen), start=first_number):
            _enrol(session, school, room, str(number), row)
        rooms.append(room)
    session.flush()
    return _lines(school, rooms)


def _staff(session: Session, school: School, email: str, name: str, role: str,
           password: str) -> Staff:
    found = session.scalar(select(Staff).where(Staff.email == email))
    if found is not None:
        return found
    return service.create_staff(session, email=email, name=name, role=role, password=password,
                                school=school if role in ("leader", "teacher") else None)


def _class(session: Session, school: School, name: str, teacher: Staff) -> ClassGroup:
    room = session.scalar(select(ClassGroup).options(
        selectinload(ClassGroup.teachers), selectinload(ClassGroup.students)).where(
        ClassGroup.school_id == school.id, ClassGroup.name == name,
        ClassGroup.period == PERIOD))
    if room is None:
        room = ClassGroup(school=school, name=name, period=PERIOD,
                          access_code=classes.new_access_code(session))
        session.add(room)
    if teacher not in room.teachers:
        room.teachers.append(teacher)
    return room


def _roster(rng: random.Random, years: tuple[int, int], seen: set[tuple[str, str]]
            ) -> list[dict]:
    """``CLASS_SIZE`` made-up students with names not ``seen`` yet (same seed, same roster)."""
    weights = [c["weight"] for c in COMMUNITIES]
    out: list[dict] = []
    while len(out) < CLASS_SIZE:
        community = rng.choices(COMMUNITIES, weights=weights)[0]
        gender = rng.choice(("F", "M"))
        first = rng.choice(community["female" if gender == "F" else "male"])
        last = rng.choice(community["families"])
        if (first, last) in seen:
            continue
        seen.add((first, last))
        out.append({"first_name": first, "last_name": last, "gender": gender,
                    "ethnicity": community["ethnicity"], "year_level": rng.choice(years)})
    return out


def _enrol(session: Session, school: School, room: ClassGroup, number: str, row: dict) -> None:
    student = session.scalar(select(Student).where(Student.school_id == school.id,
                                                   Student.student_number == number))
    if student is None:
        student = Student(school=school, student_number=number, language="English", **row)
        session.add(student)
    if student not in room.students:
        room.students.append(student)


def _lines(school: School, rooms: list[ClassGroup]) -> list[str]:
    lines = [f"Demo school {school.code} ({school.name}) staff, at /login:"]
    lines += [f"  {role:<16} {email:<30} password: {password}"
              for email, _name, role, password in STAFF]
    lines.append(f"Students log in at /student/login with school code {school.code}, "
                 "their student number and their class code:")
    for room in rooms:
        numbers = sorted(s.student_number for s in room.students)[:2]
        teacher = ", ".join(t.name for t in room.teachers)
        lines.append(f"  {room.name:<18} class code {room.access_code}  ({teacher}; "
                     f"e.g. student numbers {' and '.join(numbers)})")
    return lines
