"""Teachers' pages: the test builder wizard, the preview with swap/accept/similar."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from app.assembly import service
from app.assembly.schemas import FormCreate
from app.db import SessionDep, StepRoute, in_step
from app.errors import AppError
from app.itembank import curricula
from app.people import classes
from app.people.dependencies import Caller
from app.people.models import AuthSession
from app.people.policy import check_csrf, require_page
from app.ui import flash
from app.ui.templates import templates

router = APIRouter(include_in_schema=False, route_class=StepRoute)
ReaderPage = Annotated[AuthSession, require_page("forms:read")]
WriterPage = Annotated[AuthSession, require_page("forms:write")]
WEIGHTS = ("none", "some", "most")


def _wizard(request: Request, session: SessionDep, login: AuthSession, *,
            values: dict, errors: list[str], status_code: int = 200) -> Response:
    subjects = [curricula.get_subject(session, code=s.code)
                for s in curricula.get_all_subjects(session)]
    rooms = classes.get_all(session, caller=Caller.of_staff(login.staff),
                            mine=login.staff.role == "teacher")
    attitude = {s.code: service.attitude_scales(session, s) for s in subjects}
    return templates.TemplateResponse(request, "tests_new.html", {
        "login": login, "subjects": subjects, "values": values, "errors": errors, "rooms": rooms,
        "weights": WEIGHTS, "attitude": attitude}, status_code=status_code)


@router.get("/tests/new", response_class=HTMLResponse)
def new_test(request: Request, session: SessionDep, login: WriterPage) -> Response:
    defaults = {"name": "", "subject": "mathematics", "duration_minutes": "30",
                "expected_level": "mostly 3P", "deep_share": "30", "mode": "screen",
                "kind": "linear", "panels": "2", "se_stop": "", "mathematics.level_3": "most"}
    return _wizard(request, session, login, values=defaults, errors=[])


@router.post("/tests/new")
async def create_test(request: Request, session: SessionDep, login: WriterPage) -> Response:
    form = await request.form()
    values = {k: str(v) for k, v in form.items()}
    check_csrf(login, values.get("csrf", ""))
    # the solve is CPU work: a worker thread, never the event loop
    return await in_step(session, _create_test, request, session, login, values)


def _create_test(request: Request, session: Session, login: AuthSession,
                 values: dict[str, str]) -> Response:
    try:
        data = FormCreate.model_validate(_in_logits(session, _request_from_form(values)))
        built = service.build(session, data=data, staff=login.staff)
    except ValidationError as exc:
        errors = [_field_error(e) for e in exc.errors()]
        return _wizard(request, session, login, values=values, errors=errors, status_code=422)
    except AppError as exc:
        advice = [p["advice"] for p in exc.problems if p.get("advice")]
        errors = advice or [exc.detail, *(p.get("message", "") for p in exc.problems)]
        return _wizard(request, session, login, values=values, errors=errors,
                       status_code=exc.status_code)
    return RedirectResponse(f"/tests/{built.id}", status_code=303)


_FIELDS = {"name": "Test name", "duration_minutes": "Time available",
           "expected_level": "How the class will find it", "deep_share": "Deep items",
           "levels": "Curriculum levels", "strands": "Strands", "panels": "Versions",
           "se_stop": "Stop early at"}


def _field_error(error: Any) -> str:
    """A validation error in the wizard's words: the field's label and what it takes."""
    field = str(error["loc"][0]) if error["loc"] else ""
    label = _FIELDS.get(field)
    message = str(error["msg"]).removeprefix("Value error, ")
    if field == "duration_minutes":
        message = "choose between 8 and 120 minutes"
    if "duration_minutes or item_count" in message:
        return "Time available: give it in minutes."
    if error["type"] == "missing" or error["type"] == "string_too_short":
        message = "fill this in"
    return f"{label}: {message}" if label else message[0].upper() + message[1:]


def _request_from_form(values: dict[str, str]) -> dict:
    # each subject's choices are named "<subject>.level_3", "<subject>.strand_NA" (radio
    # groups must not be shared between subjects); only the chosen subject's count
    mine = f"{values.get('subject', '')}."
    chosen = {k.removeprefix(mine): v for k, v in values.items() if k.startswith(mine)}
    levels = {k.removeprefix("level_"): v for k, v in chosen.items()
              if k.startswith("level_") and v != "none"}
    strands = {k.removeprefix("strand_"): v for k, v in chosen.items()
               if k.startswith("strand_") and v != "none"}
    deep = values.get("deep_share", "").strip()
    return {"name": values.get("name", ""), "subject": values.get("subject", ""),
            "class_id": int(values["class_id"]) if values.get("class_id", "").isdigit() else None,
            "duration_minutes": values.get("duration_minutes") or None, "levels": levels,
            "strands": strands, "deep_share": float(deep) / 100 if deep else None,
            "expected_level": values.get("expected_level", ""),
            "attitude_scale": values.get("attitude_scale") or None,
            "mode": values.get("mode", "screen"), **_adaptive_fields(values)}


def _in_logits(session: Session, request: dict) -> dict:
    """The wizard asks for the stopping error in scale points; the request takes logits."""
    stop = request.get("se_stop")
    if stop is None:
        return request
    try:
        points = float(stop)
    except ValueError:
        return request  # validation says what the field takes
    subject = next((s for s in curricula.get_all_subjects(session)
                    if s.code == request.get("subject")), None)
    scale = None if subject is None else service.scale_of_subject(session, subject.id)
    return request if scale is None else {**request, "se_stop": points / abs(scale.slope)}


def _adaptive_fields(values: dict[str, str]) -> dict:
    """The wizard's kind of test, and its panels (MST) or SE to stop at (CAT)."""
    kind = values.get("kind", "linear")
    out: dict = {"kind": kind}
    if kind == "mst" and values.get("panels", "").strip().isdigit():
        out["panels"] = int(values["panels"])
    stop = values.get("se_stop", "").strip()
    if kind == "cat" and stop:
        out["se_stop"] = stop
    return out


@router.get("/tests", response_class=HTMLResponse)
def test_list(request: Request, session: SessionDep, login: ReaderPage) -> Response:
    forms = [service.to_read(session, f) for f in
             service.get_all(session, caller=Caller.of_staff(login.staff))]
    return templates.TemplateResponse(request, "tests_list.html",
                                      {"login": login, "forms": forms})


@router.get("/tests/{form_id}", response_class=HTMLResponse)
def test_preview(form_id: int, request: Request, session: SessionDep,
                 login: ReaderPage) -> Response:
    try:
        form = service.get(session, form_id=form_id)
        if not service.visible(form, Caller.of_staff(login.staff)):
            raise AppError("not yours")
    except AppError:
        return templates.TemplateResponse(request, "not_found.html", {
            "login": login, "what": f"test {form_id}",
            "back": ("/tests", "Back to the tests")}, status_code=404)
    caller = Caller.of_staff(login.staff)
    rooms = [r for r in classes.get_all(session, caller=caller,
                                        mine=login.staff.role == "teacher")
             if r.school_id == form.school_id]
    latest = max((r.period for r in rooms), default=None)
    rooms = [r for r in rooms if r.period == latest]
    return templates.TemplateResponse(request, "tests_preview.html", {
        "login": login, "form": service.to_read(session, form),
        "may_edit": service.may_edit(form, caller), "rooms": rooms,
        "may_give": bool(rooms),
        **_questions(service.preview_items(session, form) if form.kind == "linear" else []),
        "attitude_count": service.attitude_count(session, form),
        "scale": service.scale_of_subject(session, form.subject_id)})


def _questions(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The scored questions by code (beside the summary's rows) and the unscored trial ones."""
    return {"questions": {q["code"]: q for q in rows if not q["trial"]},
            "trial_questions": [q for q in rows if q["trial"]],
            "scored_passages": {q["passage_code"] for q in rows
                                if q["passage_code"] and not q["trial"]}}


@router.post("/tests/{form_id}/{action}")
def test_action(form_id: int, action: str, session: SessionDep, login: WriterPage,
                csrf: Annotated[str, Form(max_length=100)],
                item: Annotated[str, Form(max_length=40)] = "") -> Response:
    check_csrf(login, csrf)
    form = service.get(session, form_id=form_id)
    if not service.visible(form, Caller.of_staff(login.staff)):
        return RedirectResponse("/tests", status_code=303)
    target, message = form_id, ""
    try:
        if action == "swap":
            swapped = service.swap(session, form=form, item_code=item, staff=login.staff)
            message = _swap_message(swapped.summary.get("last_swap", {}))
        elif action == "accept":
            service.accept(session, form=form, staff=login.staff)
            message = "Accepted: this test can now be assigned."
        elif action == "similar":
            target = service.similar(session, form=form, staff=login.staff).id
            message = "A similar test with no items in common."
        elif action == "copy":
            target = service.copy(session, form=form, staff=login.staff).id
            message = "Your own copy: change it as you like."
    except AppError as exc:
        message = exc.detail
    return flash.redirect(f"/tests/{target}", message)


def _swap_message(swap: dict) -> str:
    """What went out and what came in, where; e.g. "Swapped: out of question 4, NA-012 (NA,
    3P, surface); in, as question 4, NA-044 (NA, 3A, deep). …"."""
    def said(r: dict) -> str:
        about = ", ".join(str(v) for v in (r["strand"], r["sublevel"], r.get("depth")) if v)
        return f"{r['code']} ({about})"

    out = "; ".join(f"out of question {r['position']}, {said(r)}" for r in swap.get("out", []))
    came = "; ".join(f"in, as question {r['position']}, {said(r)}" for r in swap.get("in", []))
    return (f"Swapped: {out}; {came or 'nothing in'}. The other questions keep their places.")
