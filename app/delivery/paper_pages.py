"""The paper response entry grid: a teacher types each student's paper answers, row by row.

The grid is one form; every row has its own Save button (``save`` = the student's id) and
"Save all rows" saves every row with something typed in it. Each row is checked and saved on
its own, so one bad cell holds back only its own row; the page comes back with every typed
value kept and each bad cell named and linked.
"""

from __future__ import annotations

import functools
from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from app.db import SessionDep, StepRoute, in_step
from app.delivery import paper_entry
from app.errors import InvalidInput
from app.people.dependencies import Caller
from app.people.models import AuthSession
from app.people.policy import check_csrf, require_page
from app.ui.templates import templates

router = APIRouter(include_in_schema=False, route_class=StepRoute)
EntryPage = Annotated[AuthSession, require_page("classes:write")]


def _page(request: Request, session: SessionDep, login: AuthSession, assignment_id: int, *,
          typed: dict[int, dict[str, str]] | None = None, problems: list[dict[str, Any]]
          | None = None, message: str = "") -> Response:
    caller = Caller.of_staff(login.staff)
    assignment, group = paper_entry.writable(session, caller=caller, assignment_id=assignment_id)
    columns = paper_entry.questions(session, assignment)
    rows = paper_entry.grid_rows(session, assignment, group, columns)
    for row in rows:
        row["cells"].update((typed or {}).get(row["id"], {}))
    bad = {(p["student_id"], p["field"]): p for p in problems or []}
    return templates.TemplateResponse(request, "paper_entry.html", {
        "login": login, "assignment": assignment, "group": group, "columns": columns,
        "rows": rows, "problems": problems or [], "bad": bad, "message": message},
        status_code=422 if problems else 200)


@router.get("/assignments/{assignment_id}/paper", response_class=HTMLResponse)
def entry_grid(assignment_id: int, request: Request, session: SessionDep,
               login: EntryPage) -> Response:
    return _page(request, session, login, assignment_id)


def _typed(form: FormData) -> dict[int, dict[str, str]]:
    """Cells named ``r<student id>.<question label>`` grouped by student."""
    out: dict[int, dict[str, str]] = {}
    for name, value in form.multi_items():
        student, _, label = name.removeprefix("r").partition(".")
        if name.startswith("r") and student.isdigit() and label and isinstance(value, str):
            out.setdefault(int(student), {})[label] = value[:600]
    return out


def _save(session: SessionDep, login: AuthSession, assignment_id: int,
          typed: dict[int, dict[str, str]], which: str) -> tuple[set[int], list[dict[str, Any]]]:
    """Save the chosen row (or every non-blank row); returns (students saved, problems)."""
    chosen = [int(which)] if which.isdigit() else [
        sid for sid, cells in typed.items() if any(v.strip() for v in cells.values())]
    saved: set[int] = set()
    problems: list[dict[str, Any]] = []
    for student_id in chosen:
        try:
            paper_entry.save_row(session, caller=Caller.of_staff(login.staff),
                                 assignment_id=assignment_id, student_id=student_id,
                                 cells=typed.get(student_id, {}))
            saved.add(student_id)
        except InvalidInput as exc:
            problems += [{**p, "student_id": student_id} for p in exc.problems]
    return saved, problems


@router.post("/assignments/{assignment_id}/paper")
async def save_grid(assignment_id: int, request: Request, session: SessionDep,
                    login: EntryPage) -> Response:
    form = await request.form()
    check_csrf(login, str(form.get("csrf", "")))
    typed, which = _typed(form), str(form.get("save", "all"))
    saved, problems = await in_step(session, _save, session, login, assignment_id, typed,
                                    which)
    message = f"Saved {len(saved)} row{'' if len(saved) == 1 else 's'}." if saved else ""
    unsaved = {sid: cells for sid, cells in typed.items() if sid not in saved}
    return await in_step(session, functools.partial(
        _page, request, session, login, assignment_id, typed=unsaved, problems=problems,
        message=message))
