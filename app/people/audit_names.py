"""What the ids in audit events are called, looked up once for a page of events.

The trail stores ids (``class:12``, a route's ``{form_id}``); a school leader reads names.
Tests, assignments and subjects belong to domains that import this one, so their rows are
read through the shared table metadata rather than their models (see tests/test_architecture).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from app.db import Base
from app.people.models import AuditEvent, ClassGroup, School, Staff, Student

KINDS = {"class_id": "class", "form_id": "form", "student_id": "student", "staff_id": "staff",
         "assignment_id": "assignment"}
"""A route parameter that names a row, and the kind of row it names."""


def _table(name: str) -> Table:
    return Base.metadata.tables[name]


@dataclass
class Names:
    """Names by kind and id (``names.of("class", "12") == "Room 5"``)."""

    found: dict[str, dict[str, str]] = field(default_factory=dict)

    def of(self, kind: str, key: str) -> str | None:
        return self.found.get(kind, {}).get(str(key))

    @classmethod
    def load(cls, session: Session, events: Iterable[AuditEvent]) -> Names:
        wanted: dict[str, set[Any]] = {}
        for event in events:
            kind, _, key = event.target.partition(":")
            if kind in ("class", "student", "staff", "school") and key.isdigit():
                wanted.setdefault(kind, set()).add(int(key))
            elif kind == "subject":
                wanted.setdefault("subject", set()).add(key)
            for name, value in ((event.detail or {}).get("params") or {}).items():
                if name in KINDS and str(value).isdigit():
                    wanted.setdefault(KINDS[name], set()).add(int(value))
        names = cls()
        for kind, keys in wanted.items():
            names.found[kind] = {str(k): v for k, v in _LOOKUPS[kind](session, keys)}
        return names


def _classes(session: Session, ids: set[Any]) -> list[tuple[int, str]]:
    rows = session.execute(select(ClassGroup.id, ClassGroup.name).where(ClassGroup.id.in_(ids)))
    return [(i, n) for i, n in rows]


def _students(session: Session, ids: set[Any]) -> list[tuple[int, str]]:
    rows = session.execute(select(Student.id, Student.first_name, Student.last_name)
                           .where(Student.id.in_(ids)))
    return [(i, f"{first} {last}") for i, first, last in rows]


def _staff(session: Session, ids: set[Any]) -> list[tuple[int, str]]:
    rows = session.execute(select(Staff.id, Staff.name).where(Staff.id.in_(ids)))
    return [(i, n) for i, n in rows]


def _schools(session: Session, ids: set[Any]) -> list[tuple[int, str]]:
    rows = session.execute(select(School.id, School.name).where(School.id.in_(ids)))
    return [(i, n) for i, n in rows]


def _forms(session: Session, ids: set[Any]) -> list[tuple[int, str]]:
    form = _table("form")
    return [(i, f"‘{n}’") for i, n in session.execute(
        select(form.c.id, form.c.name).where(form.c.id.in_(ids)))]


def _assignments(session: Session, ids: set[Any]) -> list[tuple[int, str]]:
    given, form = _table("assignment"), _table("form")
    rows = session.execute(select(given.c.id, form.c.name, ClassGroup.name)
                           .join(form, form.c.id == given.c.form_id)
                           .join(ClassGroup, ClassGroup.id == given.c.class_id)
                           .where(given.c.id.in_(ids)))
    return [(i, f"test ‘{test}’ given to {room}") for i, test, room in rows]


def _subjects(session: Session, codes: set[Any]) -> list[tuple[str, str]]:
    subject = _table("subject")
    return [(c, n) for c, n in session.execute(
        select(subject.c.code, subject.c.name).where(subject.c.code.in_(codes)))]


Lookup = Callable[[Session, set[Any]], list[tuple[Any, str]]]
_LOOKUPS: dict[str, Lookup] = {
    "class": _classes, "student": _students, "staff": _staff, "school": _schools,
    "form": _forms, "assignment": _assignments, "subject": _subjects}
