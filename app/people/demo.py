"""The demo school: staff, three classes of 25 students (Years 5–8) with their passwords.

Loading is idempotent: accounts are found by e-mail, classes by name and period, students by
student number; nothing is changed or duplicated when it is loaded again. All the people
are made up. Demo students get *known* passwords (the same for every load, from the seed),
so the demo's output can say how to log in as them; a real school's come from log-in cards.
"""

from __future__ import annotations

import random

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.db import utcnow
from app.people import classes, service, student_passwords
from app.people.demo_names import COMMUNITIES
from app.people.models import ClassGroup, School, Staff, Student
from app.people.security import hash_student_password, verify_password
from app.people.student_passwords import WORDS

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
    words = random.Random(seed + 1)
    rooms = []
    for name, teacher, years, first_number in CLASSES:
        room = _class(session, school, name, staff[teacher])
        for number, row in enumerate(_roster(rng, years, seen), start=first_number):
            _enrol(session, school, room, str(number), row, demo_password(words))
        rooms.append(room)
    session.flush()
    return _lines(school, rooms, seed)


def demo_password(rng: random.Random) -> str:
    """A known demo password in the students' format (``frog moon 47``)."""
    return f"{rng.choice(WORDS)} {rng.choice(WORDS)} {rng.randrange(10, 100)}"


def demo_passwords(seed: int = 2026) -> dict[str, str]:
    """Every demo student's known password, by student number."""
    words, out = random.Random(seed + 1), {}
    for *_rest, first_number in CLASSES:
        for number in range(first_number, first_number + CLASS_SIZE):
            out[str(number)] = demo_password(words)
    return out


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


def _enrol(session: Session, school: School, room: ClassGroup, number: str, row: dict,
           password: str) -> None:
    student = session.scalar(select(Student).where(Student.school_id == school.id,
                                                   Student.student_number == number))
    if student is None:
        student = Student(school=school, student_number=number, language="English", **row)
        student.password_hash = hash_student_password(student_passwords.normalise(password))
        student.password_set_at = utcnow()
        session.add(student)
    if student not in room.students:
        room.students.append(student)


def _lines(school: School, rooms: list[ClassGroup], seed: int) -> list[str]:
    lines = [f"Demo school {school.code} ({school.name}) staff, at /login:"]
    lines += [f"  {role:<16} {email:<30} password: {password}"
              for email, _name, role, password in STAFF]
    lines.append(f"Students log in at /student/login with school code {school.code}, their "
                 "student number and their own password, for example:")
    known = demo_passwords(seed)
    for room in rooms:
        teacher = ", ".join(t.name for t in room.teachers)
        shown = [f"{s.student_number} / {known[s.student_number]}"
                 for s in sorted(room.students, key=lambda s: s.student_number)[:8]
                 if s.student_number in known and s.password_hash
                 and verify_password(s.password_hash, student_passwords.normalise(
                     known[s.student_number]))][:2]
        lines.append(f"  {room.name:<18} ({teacher}): {'; '.join(shown) or 'passwords changed'}")
    lines.append("  (each student has their own; a teacher prints the class's log-in cards "
                 "on its class page)")
    return lines
