"""Entering answers from paper: one row per student, one cell per question, saved by row.

A cell holds what the student wrote: the letter of a ticked box (``AC`` for several), the
number or words on a line, ``1``–``4`` for an attitude statement (1 = the first box). A row is
checked whole before anything is written; a row with a bad cell writes nothing and every bad
cell is named ("Q7: 'E' is not an option (A–C)"). Saving a row creates or updates the
student's sitting, hands it in, and scores it with :mod:`app.delivery.scoring`; answers no key
can mark wait in the marking queue. Blank cells are unanswered (they score 0).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.assembly.models import FormItem
from app.db import utcnow
from app.delivery import paper, scoring, sittings
from app.delivery.models import Answer, Assignment, Result, ScoredResponse, Sitting
from app.delivery.paper import Question
from app.errors import Conflict, InvalidInput, NotPermitted
from app.people import policy
from app.people.dependencies import Caller
from app.people.models import ClassGroup, Student

TEXT_MAX = 500
_THOUSANDS = re.compile(r"^[-+]?\d{1,3}(,\d{3})+(\.\d+)?$")
_FRACTION = re.compile(r"^([-+]?\d+)\s*/\s*(\d+)$")


def writable(session: Session, *, caller: Caller, assignment_id: int
             ) -> tuple[Assignment, ClassGroup]:
    """A paper assignment of the caller's school whose class the caller may write to."""
    assignment = sittings.get_assignment(session, caller=caller, assignment_id=assignment_id)
    group = session.get(ClassGroup, assignment.class_id)
    assert group is not None  # the assignment's class cascades with it
    if not policy.may_write_class(caller, group):
        raise NotPermitted("Only the class's teachers (or a leader) enter its answers.")
    if assignment.mode != "paper":
        raise Conflict("This test is sat on screen; only paper tests take typed answers.")
    return assignment, group


def questions(session: Session, assignment: Assignment) -> list[Question]:
    """The grid's columns: attitude statements, then the test's questions."""
    form = assignment.form
    return (paper.attitude_questions(session, sittings.attitude_item_ids(session, form))
            + paper.form_questions(session, form))


def name_of(q: Question) -> str:
    """How a cell's question is named to a teacher: ``Q7`` or ``A2``."""
    return q.label if q.section == "attitude" else f"Q{q.label}"


def parse_cell(q: Question, raw: Any) -> Any:
    """The stored response for what was typed (None: blank), or ValueError saying why not."""
    if raw is None or (isinstance(raw, str | list) and not raw):
        return None
    if isinstance(raw, list):
        raw = "".join(str(r) for r in raw)
    text = str(raw).strip()
    if not text:
        return None
    ids = [oid for oid, _ in q.options]
    if q.response_type == "single_choice":
        return _option(text.upper(), ids, raw)
    if q.response_type == "multiple_choice":
        picked = {_option(c, ids, raw) for c in re.sub(r"[\s,;]", "", text.upper())}
        return [oid for oid in ids if oid in picked]
    if q.response_type == "likert":
        if not text.isdigit() or not 1 <= int(text) <= len(ids):
            raise ValueError(f"'{raw}' is not 1–{len(ids)}")
        return ids[int(text) - 1]
    if q.response_type == "numeric":
        return _number(text)
    if len(text) > TEXT_MAX:
        raise ValueError(f"the answer is longer than {TEXT_MAX} characters")
    return " ".join(text.split())


def _option(letter: str, ids: list[str], raw: Any) -> str:
    if letter not in ids:
        span = f"{ids[0]}–{ids[-1]}" if ids else "none"
        raise ValueError(f"'{raw}' is not an option ({span})")
    return letter


def _number(text: str) -> str:
    """A number as the player stores it: ``12``, ``0.5`` (``1,000`` and ``1/2`` accepted)."""
    compact = text.replace(" ", "")
    if _THOUSANDS.match(compact):
        compact = compact.replace(",", "")
    fraction = _FRACTION.match(compact)
    try:
        value = (int(fraction.group(1)) / int(fraction.group(2)) if fraction
                 else float(compact))
    except (ValueError, ZeroDivisionError):
        raise ValueError(f"'{text}' is not a number") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(f"'{text}' is not a number")
    return str(int(value)) if value.is_integer() else repr(value)


def check_row(columns: list[Question], cells: Mapping[str, Any], *, row: str
              ) -> dict[int, Any]:
    """Responses by item id for one student's cells keyed by label (``7``, ``A2``), or
    InvalidInput listing every bad cell; labels left out are unanswered."""
    by_label = {q.label: q for q in columns}
    problems = [{"row": row, "field": str(label),
                 "message": f"{label} is not a question of this test"}
                for label in cells if str(label) not in by_label]
    responses: dict[int, Any] = {}
    for q in columns:
        try:
            responses[q.item_id] = parse_cell(q, cells.get(q.label))
        except ValueError as exc:
            problems.append({"row": row, "field": q.label, "message": f"{name_of(q)}: {exc}"})
    if problems:
        raise InvalidInput(f"{len(problems)} answer(s) for {row} need fixing; nothing was "
                           "saved for this student.", problems=problems)
    if all(v is None for v in responses.values()):
        raise InvalidInput(f"No answers were entered for {row}; a blank row is not saved.",
                           problems=[{"row": row, "field": "", "message":
                                      f"No answers were entered for {row}."}])
    return responses


def save_row(session: Session, *, caller: Caller, assignment_id: int, student_id: int,
             cells: Mapping[str, Any]) -> Sitting:
    """Check one student's cells, then store, hand in and score their sitting (all or none)."""
    assignment, group = writable(session, caller=caller, assignment_id=assignment_id)
    student = next((s for s in group.students if s.id == student_id), None)
    if student is None:
        raise InvalidInput(f"Student {student_id} is not in this class.", problems=[
            {"row": str(student_id), "field": "student_id", "message": "not in this class"}])
    columns = questions(session, assignment)
    responses = check_row(columns, cells, row=f"{student.first_name} {student.last_name}")
    with session.begin_nested():
        sitting = _store(session, assignment, student, columns, responses)
        scoring.finish(session, sitting=sitting)
    return sitting


def _store(session: Session, assignment: Assignment, student: Student,
           columns: list[Question], responses: dict[int, Any]) -> Sitting:
    """Write the row's answers; changed answers lose their old mark; the result is redone."""
    now = utcnow()
    sitting = session.scalar(select(Sitting).where(Sitting.assignment_id == assignment.id,
                                                   Sitting.student_id == student.id))
    if sitting is None:
        sitting = Sitting(assignment_id=assignment.id, student_id=student.id,
                          year_level=student.year_level,
                          calibration_id=assignment.form.calibration_id, started_at=now,
                          attitude_item_ids=[q.item_id for q in columns
                                             if q.section == "attitude"])
        session.add(sitting)
        session.flush()
    form_items: dict[int, int] = {item_id: fi_id for item_id, fi_id in session.execute(
        select(FormItem.item_id, FormItem.id).where(FormItem.form_id == assignment.form_id))}
    stored = {a.item_id: a for a in session.scalars(
        select(Answer).where(Answer.sitting_id == sitting.id))}
    for q in columns:
        value, answer = responses[q.item_id], stored.get(q.item_id)
        if answer is None:
            session.add(Answer(sitting_id=sitting.id, item_id=q.item_id,
                               item_revision_id=q.revision_id,
                               form_item_id=form_items.get(q.item_id), response=value, seq=1,
                               client_id=f"paper-{q.label}", answered_at=now, saved_at=now))
        elif answer.response != value:
            answer.response, answer.seq, answer.saved_at = value, answer.seq + 1, now
            answer.score = answer.marked_by_id = answer.marked_at = None
    session.execute(delete(Result).where(Result.sitting_id == sitting.id))
    session.execute(delete(ScoredResponse).where(
        ScoredResponse.person_key == f"sitting:{sitting.id}"))
    sitting.status, sitting.submitted_at = "submitted", now
    session.flush()
    return sitting


def shown(q: Question, response: Any) -> str:
    """A stored response as it is typed in the grid (the inverse of :func:`parse_cell`)."""
    if response is None:
        return ""
    if q.response_type == "likert":
        ids = [oid for oid, _ in q.options]
        return str(ids.index(response) + 1) if response in ids else ""
    if isinstance(response, list):
        return "".join(str(r) for r in response)
    return str(response)


def grid_rows(session: Session, assignment: Assignment, group: ClassGroup,
              columns: list[Question]) -> list[dict[str, Any]]:
    """One row per student of the class: their saved cells and how far their sitting got."""
    by_student = {s.student_id: s for s in sittings.sittings_of(session, assignment=assignment)}
    results = {r.sitting_id: r for r in session.scalars(select(Result).where(
        Result.sitting_id.in_([s.id for s in by_student.values()])))}
    answers: dict[int, dict[int, Any]] = {}
    for a in session.scalars(select(Answer).where(
            Answer.sitting_id.in_([s.id for s in by_student.values()]))):
        answers.setdefault(a.sitting_id, {})[a.item_id] = a.response
    rows = []
    for student in group.students:
        sitting = by_student.get(student.id)
        saved = answers.get(sitting.id, {}) if sitting else {}
        result = results.get(sitting.id) if sitting else None
        status = ("" if sitting is None else f"scored {result.raw_score}/{result.max_score}"
                  if result else "waiting for marking")
        rows.append({"id": student.id, "name": f"{student.first_name} {student.last_name}",
                     "cells": {q.label: shown(q, saved.get(q.item_id)) for q in columns},
                     "status": status})
    return rows
