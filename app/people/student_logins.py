"""Students' own passwords, handed out by the teachers of their class.

A teacher of a class prints log-in cards (one per student, with cut lines) or downloads
``student_number,password`` for the school's systems; both set fresh passwords, because only
hashes are kept. A teacher of one of a student's classes can also reset that one student's
password. Setting a password ends the student's log-ins and lifts any throttling. Who may
do this is :func:`app.people.policy.may_see_logins`: the class's teachers, nobody else.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.db import utcnow
from app.errors import NotPermitted
from app.people import audit, classes, logins, policy, ratelimit, student_passwords
from app.people.dependencies import Caller
from app.people.models import ClassGroup, Student
from app.people.security import hash_student_password
from app.ui.pdf import render_pdf
from app.ui.templates import render


@dataclass(frozen=True)
class StudentLogin:
    """One student's fresh log-in, shown once (on a card, in a CSV, on a page)."""

    student: Student
    password: str


def set_password(session: Session, *, student: Student) -> StudentLogin:
    """Give ``student`` a fresh password; their log-ins end and throttling lifts."""
    password = student_passwords.new_password()
    student.password_hash = hash_student_password(student_passwords.normalise(password))
    student.password_set_at = utcnow()
    logins.end_student_sessions(session, student=student)
    ratelimit.clear(session, key=ratelimit.account_key(
        "student", logins.student_account(student.school.code, student.student_number)))
    return StudentLogin(student, password)


def set_class_passwords(session: Session, *, caller: Caller, group: ClassGroup,
                        purpose: str) -> list[StudentLogin]:
    """Fresh passwords for every student of the class (its teachers only), by name."""
    classes.ensure_may_see_logins(caller, group)
    fresh = [set_password(session, student=s) for s in
             sorted(group.students, key=lambda s: (s.last_name, s.first_name, s.id))]
    audit.record(session, actor=caller, action="class.passwords", target=f"class:{group.id}",
                 detail={"students": len(fresh), "for": purpose}, school_id=group.school_id)
    session.flush()
    return fresh


def reset_student(session: Session, *, caller: Caller, student: Student) -> StudentLogin:
    """A fresh password for one student, by a teacher of one of their classes."""
    if not any(policy.may_see_logins(caller, g) for g in student.classes):
        raise NotPermitted("Only a teacher of one of this student's classes can give them a "
                           "new password.")
    fresh = set_password(session, student=student)
    audit.record(session, actor=caller, action="student.password_reset",
                 target=f"student:{student.id}", school_id=student.school_id)
    session.flush()
    return fresh


def as_csv(rows: list[StudentLogin]) -> str:
    """``student_number,password`` lines for a school's systems."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["student_number", "password"])
    writer.writerows([r.student.student_number, r.password] for r in rows)
    return out.getvalue()


def cards_html(group: ClassGroup, rows: list[StudentLogin], *, login_url: str) -> str:
    """The log-in cards of a class as HTML for print (one card per student)."""
    return render("people/login_cards.html", group=group, rows=rows, login_url=login_url,
                  school=group.school)


def cards_pdf(group: ClassGroup, rows: list[StudentLogin], *, login_url: str) -> bytes:
    """The log-in cards as an A4 PDF: eight to a page, dashed lines to cut along."""
    return render_pdf(cards_html(group, rows, login_url=login_url))
