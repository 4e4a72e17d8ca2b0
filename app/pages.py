"""Server-rendered staff pages: log-in, the bank overview and the item browser.

The bank's pages are composed here, in the shell, not in :mod:`app.itembank`: a trial item's
field-trial progress (responses against its subject's target) is calibration's to know
(:func:`app.calibration.field_trial.progress_of`), and the item bank may not import
calibration (calibration builds on the bank).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup
from pydantic import ValidationError
from sqlalchemy.orm import Session

from app.calibration import field_trial
from app.calibration import service as calibration
from app.config import get_settings
from app.db import SessionDep, StepRoute, end_step
from app.errors import AppError, NotAuthenticated
from app.itembank import curricula, keys, passages, service
from app.itembank.html import sanitise
from app.itembank.models import Item
from app.itembank.schemas import ItemFilters, ItemUpdate
from app.itembank.views import staff_reads
from app.people import logins
from app.people import service as people
from app.people.dependencies import SESSION_COOKIE
from app.people.models import AuthSession
from app.people.network import client_address
from app.people.policy import allowed, check_csrf, require, require_page
from app.people.ratelimit import LockedOut
from app.people.security import new_token, same
from app.ui import flash
from app.ui.templates import templates

router = APIRouter(include_in_schema=False, route_class=StepRoute)
LOGIN_CSRF_COOKIE = "kete_login_csrf"


def page_login(request: Request, session: SessionDep) -> AuthSession | None:
    token = request.cookies.get(SESSION_COOKIE)
    login = people.resolve(session, token=token, kind="cookie") if token else None
    end_step(session)  # a short read of its own; the handler runs in another thread
    return login


PageLogin = Annotated[AuthSession | None, Depends(page_login)]
"""The log-in without a policy: routes must declare one with ``policy.require_page`` instead."""
StaffPage = Annotated[AuthSession, require_page("account:self")]
BankPage = Annotated[AuthSession, require_page("items:read")]
BankEditPage = Annotated[AuthSession, require_page("items:write")]


def _to_login() -> RedirectResponse:
    return RedirectResponse("/login", status_code=303)


@router.get("/login", response_class=HTMLResponse, dependencies=[require("public")])
def login_form(request: Request,
               error: Annotated[str | None, Query(max_length=20)] = None,
               until: Annotated[str | None, Query(pattern=r"^\d\d:\d\d(:\d\d)?$")] = None
               ) -> Response:
    csrf = new_token()
    response = templates.TemplateResponse(request, "login.html",
                                          {"csrf": csrf, "error": error, "until": until})
    response.set_cookie(LOGIN_CSRF_COOKIE, csrf, httponly=True, samesite="strict")
    return response


@router.post("/login", dependencies=[require("public")])
def login(request: Request, session: SessionDep, email: Annotated[str, Form(max_length=254)],
          password: Annotated[str, Form(max_length=500)],
          csrf: Annotated[str, Form(max_length=100)]) -> Response:
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not cookie or not same(cookie, csrf):
        return RedirectResponse("/login?error=expired", status_code=303)
    try:
        staff = logins.staff_login(session, email=email, password=password,
                                   address=client_address(request))
    except LockedOut as exc:
        return RedirectResponse(f"/login?error=locked&until={exc.retry_at:%H:%M:%S}", 303)
    except NotAuthenticated:
        return RedirectResponse("/login?error=credentials", status_code=303)
    token, _ = people.start_session(session, staff=staff, kind="cookie")
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="lax",
                        secure=get_settings().environment == "production",
                        max_age=get_settings().session_hours * 3600)
    response.delete_cookie(LOGIN_CSRF_COOKIE)
    return response


@router.post("/logout", dependencies=[require("public")])
def logout(request: Request, session: SessionDep, login: PageLogin,
           csrf: Annotated[str, Form(max_length=100)]) -> Response:
    """End the log-in on the server, then forget the cookie. A log-out without the page's
    CSRF token (e.g. forged by another site) changes nothing."""
    if login is not None:
        check_csrf(login, csrf)
        people.end_login(session, login=login)
    response = _to_login()
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/", response_class=HTMLResponse)
def home(request: Request, session: SessionDep, login: StaffPage) -> Response:
    subjects = [{"code": subject.code, "name": subject.name,
                 "item_count": calibration.scaled_item_count(session, subject=subject)}
                for subject in curricula.get_all_subjects(session)]
    return templates.TemplateResponse(request, "home.html",
                                      {"login": login, "subjects": subjects})


@router.get("/bank", response_class=HTMLResponse)
def bank(request: Request, session: SessionDep, login: BankPage,
         filters: Annotated[ItemFilters, Query()], page: Annotated[int, Query(ge=1)] = 1,
         ) -> Response:
    try:
        items, total = service.get_all(session, filters=filters, page=page, page_size=50)
        error = None
    except AppError as exc:
        items, total, error = [], 0, exc.detail
    context = {"login": login, "items": staff_reads(session, items), "total": total,
               "trials": field_trial.progress_of(session, codes=[i.code for i in items]),
               "page": page, "pages": max(1, -(-total // 50)), "filters": filters,
               "subjects": curricula.get_all_subjects(session), "error": error}
    return templates.TemplateResponse(request, "bank.html", context)


@router.get("/bank/{code}", response_class=HTMLResponse)
def item_page(code: str, request: Request, session: SessionDep, login: BankPage) -> Response:
    try:
        item = staff_reads(session, [service.get(session, code=code)])[0]
    except AppError:
        return templates.TemplateResponse(request, "not_found.html", {"login": login,
                                          "what": f"item {code}"}, status_code=404)
    passage = passages.get_passage(session, code=item.passage) if item.passage else None
    trial = field_trial.progress_of(session, codes=[item.code]).get(item.code)
    options = {str(o.id): Markup(sanitise(o.html)) for o in item.options}
    answer, rule = keys.describe_key(item.response_type, options, item.key or {})
    subject = next((s.name for s in curricula.get_all_subjects(session)
                    if s.code == item.subject), item.subject)
    return templates.TemplateResponse(request, "item.html", {
        "login": login, "item": item, "passage": passage, "trial": trial,
        "answer": answer, "rule": rule, "subject_name": subject,
        "may_edit": allowed(login.staff.role, "items:write")})



@router.get("/bank/{code}/edit", response_class=HTMLResponse)
def item_edit_form(code: str, request: Request, session: SessionDep,
                   login: BankEditPage) -> Response:
    """An item's content to revise, with the choice of a cosmetic revision."""
    return _edit_page(request, session, login, code)


@router.post("/bank/{code}/edit")
def item_edit(code: str, request: Request, session: SessionDep, login: BankEditPage,
              csrf: Annotated[str, Form(max_length=100)],
              stem_html: Annotated[str, Form(max_length=100_000)] = "",
              option_id: Annotated[list[str] | None, Form()] = None,
              option_html: Annotated[list[str] | None, Form()] = None,
              note: Annotated[str, Form(max_length=300)] = "",
              cosmetic: Annotated[str, Form(max_length=5)] = "") -> Response:
    """Save the content as a new revision if it changed; a revision that cannot be saved is
    shown again with why. Unless marked cosmetic, an operational item so changed is out of
    new tests until a calibration run re-estimates it (:func:`service.update`)."""
    check_csrf(login, csrf)
    sent: dict[str, Any] = {"stem_html": _lines(stem_html), "note": note,
                            "cosmetic": cosmetic == "on"}
    if option_id:
        sent["options"] = [{"id": i, "html": _lines(h)}
                           for i, h in zip(option_id, option_html or [], strict=False)]
    try:
        item = service.get(session, code=code)
        before = item.current_revision_id
        item = service.update(session, item=item, data=ItemUpdate.model_validate(sent))
    except (AppError, ValidationError) as exc:
        return _edit_page(request, session, login, code, error=_sentence(exc), sent=sent)
    changed = item.current_revision_id != before
    return flash.redirect(f"/bank/{code}",
                          _saved(session, item, changed=changed, cosmetic=sent["cosmetic"]))


def _saved(session: Session, item: Item, *, changed: bool, cosmetic: bool) -> str:
    """What the item page says once after a revision was sent."""
    if not changed:
        return "Nothing changed, so no new revision was made."
    number = staff_reads(session, [item])[0].revision
    if cosmetic:
        return (f"Saved as cosmetic revision {number}: the item keeps its calibration and "
                "stays in new tests.")
    return f"Saved as revision {number}." + (
        " The item is out of new tests until a calibration run re-estimates it from responses "
        "to this revision." if item.needs_recalibration else "")


def _lines(text: str) -> str:
    """Browsers send a textarea's line breaks as CRLF; the stored content has LF."""
    return text.replace("\r\n", "\n")


def _edit_page(request: Request, session: Session, login: AuthSession, code: str,
               error: str | None = None, sent: dict[str, Any] | None = None) -> Response:
    try:
        item = staff_reads(session, [service.get(session, code=code)])[0]
    except AppError:
        return templates.TemplateResponse(request, "not_found.html", {"login": login,
                                          "what": f"item {code}"}, status_code=404)
    shown = sent or {"stem_html": item.stem_html, "note": "", "cosmetic": False,
                     "options": [o.model_dump() for o in item.options or []]}
    return templates.TemplateResponse(
        request, "item_edit.html", {"login": login, "item": item, "sent": shown, "error": error},
        status_code=422 if error else 200)


_EDIT_FIELDS = {"stem_html": "Question", "options": "Option", "note": "Why"}


def _sentence(exc: Exception) -> str:
    """A refusal in words: the error's detail, or each invalid field with what is wrong."""
    if isinstance(exc, ValidationError):
        return " ".join(f"{_EDIT_FIELDS.get(str(e['loc'][0]), 'Form') if e['loc'] else 'Form'}"
                        f": {e['msg']}." for e in exc.errors())
    return str(getattr(exc, "detail", exc))
