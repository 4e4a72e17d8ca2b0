"""The audit trail in a school leader's words: what was done, to what, and the details.

The stored events stay machine-readable (the CSV/JSON export gives them as they are); this
module only words them for the /audit page: "Gave test ‘Week 5’ to Room 5" rather than
``POST /classes/{class_id}/assign``, and ``Shortest test: 10 → 12`` rather than JSON.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from app.people.audit_names import KINDS, Names
from app.people.models import AuditEvent

ACTIONS = {
    "assignment.create": "Gave test ‘{test}’ to {class}",
    "calibration.run": "Started calibration run #{id}",
    "calibration.approve": "Approved calibration run #{id}",
    "calibration.activate": "Made calibration #{id} the active one",
    "calibration.discard": "Discarded calibration run #{id}",
    "calibration.retry": "Started calibration run #{id} again",
    "class.passwords": "Gave every student of {class} a new password",
    "classlist.import": "Imported a class list",
    "field_trial.setting": "Changed the field-trial seeding rule for {subject}",
    "form.create": "Built test ‘{test}’",
    "form.swap": "Swapped {questions} of test ‘{test}’: {out} out, {in} in",
    "item.operational": "Made trial item {id} operational",
    "item.retire": "Retired item {id}",
    "norms.import": "Imported norms (set #{id})",
    "password.change": "Changed their own password",
    "password.reset": "Reset the password of {staff}",
    "student.delete": "Deleted a student and everything held about them",
    "student.export": "Exported everything held about {student}",
    "student.password_reset": "Gave {student} a new password",
}
"""Events the code records by name (:func:`app.people.audit.record`), by action."""

FILTERS = {
    "": "Everything", "write": "Other changes", "assignment.create": "Tests given",
    "calibration.run": "Calibration runs started",
    "calibration.approve": "Calibration runs approved",
    "calibration.activate": "Calibrations made active",
    "calibration.discard": "Calibration runs discarded",
    "calibration.retry": "Calibration runs started again",
    "class.passwords": "New passwords for a class", "classlist.import": "Class lists imported",
    "field_trial.setting": "Field-trial rule changes", "form.create": "Tests built",
    "form.swap": "Questions swapped",
    "item.operational": "Trial items made operational", "item.retire": "Items retired",
    "norms.import": "Norms imported", "password.change": "Own passwords changed",
    "password.reset": "Staff passwords reset", "student.delete": "Students deleted",
    "student.export": "Students' data exported",
    "student.password_reset": "New passwords for a student"}
"""The page's choice of which events to show: an action (as stored) and its words."""

_FORMS = {"accept": "Accepted test {form}", "swap": "Swapped a question of test {form}",
          "similar": "Built a test like {form}", "copy": "Copied test {form}"}
_RUNS = {"approve": "Approved calibration run #{run_id}",
         "retry": "Started calibration run #{run_id} again",
         "discard": "Discarded calibration run #{run_id}"}
_CLASSES = "/api/v1/classes/{class_id}"
ROUTES = {
    "POST /tests/new": "Built a test", "POST /api/v1/forms": "Built a test",
    "POST /tests/{form_id}/{action}": "Changed test {form}",  # the action's words: _FORMS
    **{f"POST /api/v1/forms/{{form_id}}/{a}": w for a, w in _FORMS.items()},
    "POST /classes/{class_id}/assign": "Gave a test to {class}",
    "POST /api/v1/assignments": "Gave a test to a class",
    "POST /assignments/{assignment_id}/paper": "Entered paper answers for {assignment}",
    "POST /api/v1/assignments/{assignment_id}/paper-responses":
        "Entered paper answers for {assignment}",
    "POST /marking/{answer_id}": "Marked an answer",
    "POST /api/v1/marking/{answer_id}": "Marked an answer",
    "PUT /api/v1/curricula": "Loaded a curriculum",
    "POST /api/v1/items": "Added an item to the bank",
    "POST /bank/{code}/edit": "Edited item {code}",
    "PATCH /api/v1/items/{code}": "Edited item {code}",
    "POST /api/v1/items/{code}/retire": "Retired item {code}",
    "POST /api/v1/import/items": "Imported items into the bank",
    "POST /api/v1/passages": "Added a passage",
    "PATCH /api/v1/passages/{code}": "Edited passage {code}",
    "POST /api/v1/calibrations": "Added a calibration",
    "POST /api/v1/calibrations/{calibration_id}/activate":
        "Made calibration #{calibration_id} the active one",
    "POST /calibration/runs": "Started a calibration run",
    "POST /api/v1/calibration-runs": "Started a calibration run",
    **{f"POST /calibration/runs/{{run_id}}/{a}": w for a, w in _RUNS.items()},
    **{f"POST /api/v1/calibration-runs/{{run_id}}/{a}": w for a, w in _RUNS.items()},
    "POST /calibration/field-trial/{code}": "Changed the field-trial seeding rule for {code}",
    "PUT /api/v1/subjects/{code}/field-trial": "Changed the field-trial seeding rule for {code}",
    "POST /norms/import": "Imported norms", "POST /api/v1/norms": "Imported norms",
    "POST /groups": "Made a group", "POST /api/v1/groups": "Made a group",
    "POST /console/targets": "Set a target",
    "POST /console/targets/{target_id}/delete": "Removed a target",
    "POST /cycles": "Planned an impact cycle", "POST /cycles/teams": "Made a team",
    "POST /cycles/{cycle_id}/reflection": "Wrote the reflection of impact cycle #{cycle_id}",
    "POST /api/v1/schools": "Added a school",
    "PATCH /api/v1/schools/{code}": "Changed school {code}",
    "POST /api/v1/staff": "Added a staff member",
    "PATCH /api/v1/staff/{staff_id}": "Changed the account of {staff}",
    "POST /api/v1/staff/{staff_id}/password-reset": "Reset the password of {staff}",
    "POST /api/v1/auth/password": "Changed their own password",
    "DELETE /api/v1/auth/token": "Logged out",
    "POST /api/v1/students": "Added a student",
    "PATCH /api/v1/students/{student_id}": "Changed the details of {student}",
    "DELETE /api/v1/students/{student_id}": "Deleted {student}",
    "POST /api/v1/students/{student_id}/password": "Gave {student} a new password",
    "POST /classes/{class_id}/students/{student_id}/password": "Gave {student} a new password",
    "POST /api/v1/classes": "Made a class", "POST /api/v1/classes/import": "Imported a class list",
    f"PATCH {_CLASSES}": "Changed class {class}", f"DELETE {_CLASSES}": "Deleted class {class}",
    f"PUT {_CLASSES}/students/{{student_id}}": "Put {student} in {class}",
    f"DELETE {_CLASSES}/students/{{student_id}}": "Took {student} out of {class}",
    f"PUT {_CLASSES}/teachers/{{staff_id}}": "Made {staff} a teacher of {class}",
    f"DELETE {_CLASSES}/teachers/{{staff_id}}": "Took {staff} off the teachers of {class}",
    f"POST {_CLASSES}/access-code": "Gave {class} a new access code",
    f"POST {_CLASSES}/login-cards": "Printed log-in cards for {class}",
    "POST /classes/{class_id}/login-cards": "Printed log-in cards for {class}",
}
"""Staff write routes (``"METHOD /path"``), worded for events recorded as plain writes."""

TABLES = {"student": "students", "item": "items", "sitting": "sittings", "answer": "answers",
          "form": "tests", "form_item": "test questions", "assignment": "tests given",
          "class_group": "classes", "class_student": "class memberships",
          "class_teacher": "class teachers", "student_group": "groups",
          "impact_cycle": "impact cycles", "item_revision": "item revisions",
          "norm_set": "norm sets", "auth_session": "log-ins", "student_session": "log-ins"}
_VERBS = {"inserted": "added", "updated": "changed", "deleted": "removed",
          "changed (bulk)": "changed"}
LABELS = {"per_test": "Trial items per test", "min_test_items": "Shortest test (scored items)",
          "target": "Responses wanted per trial item", "on_paper": "On paper too",
          "for": "For", "dropped_anchors": "Anchors left out", "sessions_ended": "Log-ins ended",
          "left_out": "Left out", "failing": "Failing gates", "operational": "Made operational",
          "time_limit_minutes": "Time limit (minutes)", "opens_at": "Opens",
          "closes_at": "Closes"}
_HIDDEN = {"test", "class", "form_id", "class_id", "questions", "out", "in"}  # said in "what"
_LONGEST_LIST = 10


@dataclass(frozen=True)
class Worded:
    """One event as the page shows it."""

    event: AuditEvent
    what: str
    details: list[str]


def describe(session: Session, events: list[AuditEvent]) -> list[Worded]:
    """The events with what happened in words and their details as short lines."""
    names = Names.load(session, events)
    return [Worded(e, what(e, names), details(e)) for e in events]


_UNNAMED = {"form": "#{}", "subject": "{}"}
"""How a row is named that no longer exists (or was never found), when not ``kind #id``."""


class _Blanks(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "?"


def _values(event: AuditEvent, names: Names) -> _Blanks:
    kind, _, key = event.target.partition(":")
    values = _Blanks(id=key)
    detail = event.detail or {}
    values.update({k: str(v) for k, v in detail.items() if isinstance(v, str | int)})
    values.update({k: str(v) for k, v in (detail.get("params") or {}).items()})
    refs = [(kind, key)] + [(KINDS[p], str(v)) for p, v in (detail.get("params") or {}).items()
                            if p in KINDS]
    for ref_kind, ref_key in refs:
        if ref_kind in ("class", "student", "staff", "school", "subject", "form", "assignment"):
            fallback = _UNNAMED.get(ref_kind, ref_kind + " #{}").format(ref_key)
            values[ref_kind] = names.of(ref_kind, ref_key) or fallback
    return values


def what(event: AuditEvent, names: Names) -> str:
    """The event as a sentence, e.g. "Put Mere Tane in Room 2"."""
    values = _values(event, names)
    if event.action == "write":
        phrase = ROUTES.get(event.target)
        if event.target == "POST /tests/{form_id}/{action}":
            phrase = _FORMS.get(values.get("action", ""), phrase)
        return phrase.format_map(values) if phrase else f"Changed data ({event.target})"
    phrase = ACTIONS.get(event.action)
    return phrase.format_map(values) if phrase else f"{event.action} {event.target}"


def details(event: AuditEvent) -> list[str]:
    """The event's details as ``Label: value`` lines (``old → new`` for a change)."""
    detail = dict(event.detail or {})
    if event.action == "write":
        return _changes(detail.get("changes") or {})
    if "before" in detail and "after" in detail:
        before, after = detail.pop("before") or {}, detail.pop("after") or {}
        changed = [f"{_label(k)}: {_value(before.get(k))} → {_value(after.get(k))}"
                   for k in after if before.get(k) != after.get(k)]
        return changed or ["No value changed"]
    return [f"{_label(k)}: {_when(v) if k.endswith('_at') else _value(v)}"
            for k, v in detail.items() if k not in _HIDDEN and v not in (None, "", [], {})]


def _changes(changes: dict[str, dict[str, int]]) -> list[str]:
    return [f"{TABLES.get(table, table.replace('_', ' '))}: "
            + ", ".join(f"{n} {_VERBS.get(verb, verb)}" for verb, n in counts.items())
            for table, counts in changes.items()]


def _label(key: str) -> str:
    return LABELS.get(key) or key.replace("_", " ").capitalize()


def _when(value: Any) -> str:
    try:
        return f"{datetime.fromisoformat(str(value)):%-d %B %Y %H:%M} (UTC)"
    except ValueError:
        return _value(value)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value is None:
        return "—"
    if isinstance(value, list):
        shown = ", ".join(_value(v) for v in value[:_LONGEST_LIST])
        more = len(value) - _LONGEST_LIST
        return shown + (f" and {more} more" if more > 0 else "")
    if isinstance(value, dict):
        return ", ".join(f"{k.replace('_', ' ')} {_value(v)}" for k, v in value.items())
    return str(value)
