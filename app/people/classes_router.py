"""Classes under ``/api/v1/classes``: CRUD, membership, access codes, class-list import."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Query, Request, UploadFile
from fastapi.responses import Response

from app.db import SessionDep, StepRoute
from app.errors import NotPermitted
from app.people import classes, classlist, student_logins, students
from app.people.dependencies import CSRF_HEADER, Caller
from app.people.policy import require
from app.people.security import same
from app.people.student_schemas import ClassCreate, ClassRead, ClassUpdate, ImportCounts

router = APIRouter(prefix="/api/v1/classes", tags=["classes"], route_class=StepRoute)
ReadClasses = Annotated[Caller, require("classes:read")]
WriteClasses = Annotated[Caller, require("classes:write")]
Membership = Annotated[Caller, require("classes:membership")]
Logins = Annotated[Caller, require("classes:logins")]
NO_STORE = {"Cache-Control": "no-store"}


@router.get("", response_model=list[ClassRead], summary="List classes and groups")
def list_classes(session: SessionDep, caller: ReadClasses,
                 mine: Annotated[bool, Query(description="Only classes I teach.")] = False,
                 period: Annotated[str | None, Query(max_length=40,
                                                     description="Only this period.")] = None,
                 ) -> list[ClassRead]:
    found = classes.get_all(session, caller=caller, mine=mine, period=period)
    return [classes.to_read(caller, g) for g in found]


@router.post("", response_model=ClassRead, status_code=201, summary="Create a class or group")
def create_class(body: ClassCreate, session: SessionDep, caller: WriteClasses) -> ClassRead:
    """A teacher who creates a class teaches it. It gets a fresh access code."""
    school = students.school_for(session, caller=caller, code=body.school)
    return classes.to_read(caller, classes.create(session, caller=caller, school=school,
                                                  data=body))


@router.post("/import", response_model=ImportCounts, summary="Import a class list (CSV)")
def import_class_list(
    file: Annotated[UploadFile, File(description="CSV exported by the school's system.")],
    session: SessionDep, caller: Annotated[Caller, require("classlists:import")],
    period: Annotated[str, Query(min_length=1, max_length=40,
                                 description="Year or term label of the classes.")],
    school: Annotated[str | None, Query(max_length=20,
                                        description="School code (admins only).")] = None,
) -> ImportCounts:
    """Columns `student_number,first_name,last_name,year_level,gender,ethnicity,language,
    class,teacher_email`. All or nothing: any bad row rejects the file (422) with every
    problem listed as `{row, field, message}`. Re-importing updates; nothing is duplicated."""
    target = students.school_for(session, caller=caller, code=school)
    return ImportCounts(counts=classlist.import_class_list(
        session, file.file, caller=caller, school=target, period=period))


@router.get("/{class_id}", response_model=ClassRead, summary="One class, with its students")
def get_class(class_id: int, session: SessionDep, caller: ReadClasses) -> ClassRead:
    return classes.to_read(caller, classes.get(session, caller=caller, class_id=class_id))


@router.patch("/{class_id}", response_model=ClassRead, summary="Rename a class")
def update_class(class_id: int, body: ClassUpdate, session: SessionDep,
                 caller: WriteClasses) -> ClassRead:
    group = classes.get(session, caller=caller, class_id=class_id)
    return classes.to_read(caller, classes.update(session, caller=caller, group=group, data=body))


@router.delete("/{class_id}", status_code=204, summary="Delete a class (its students stay)")
def delete_class(class_id: int, session: SessionDep, caller: WriteClasses) -> None:
    group = classes.get(session, caller=caller, class_id=class_id)
    classes.remove(session, caller=caller, group=group)


@router.put("/{class_id}/students/{student_id}", response_model=ClassRead,
            summary="Put a student in a class")
def add_student(class_id: int, student_id: int, session: SessionDep,
                caller: Membership) -> ClassRead:
    """School leaders only: putting a student in a class moves them between teachers."""
    group = classes.get(session, caller=caller, class_id=class_id)
    student = students.get(session, caller=caller, student_id=student_id)
    return classes.to_read(caller, classes.add_student(session, caller=caller, group=group,
                                                       student=student))


@router.delete("/{class_id}/students/{student_id}", response_model=ClassRead,
               summary="Take a student out of a class")
def remove_student(class_id: int, student_id: int, session: SessionDep,
                   caller: Membership) -> ClassRead:
    """School leaders only."""
    group = classes.get(session, caller=caller, class_id=class_id)
    student = students.get(session, caller=caller, student_id=student_id)
    return classes.to_read(caller, classes.remove_student(session, caller=caller, group=group,
                                                          student=student))


@router.put("/{class_id}/teachers/{staff_id}", response_model=ClassRead,
            summary="Add a teacher to a class")
def add_teacher(class_id: int, staff_id: int, session: SessionDep,
                caller: Membership) -> ClassRead:
    """School leaders only."""
    group = classes.get(session, caller=caller, class_id=class_id)
    teacher = classes.get_teacher(session, caller=caller, staff_id=staff_id)
    return classes.to_read(caller, classes.add_teacher(session, caller=caller, group=group,
                                                       staff=teacher))


@router.delete("/{class_id}/teachers/{staff_id}", response_model=ClassRead,
               summary="Remove a teacher from a class")
def remove_teacher(class_id: int, staff_id: int, session: SessionDep,
                   caller: Membership) -> ClassRead:
    """School leaders only."""
    group = classes.get(session, caller=caller, class_id=class_id)
    teacher = classes.get_teacher(session, caller=caller, staff_id=staff_id)
    return classes.to_read(caller, classes.remove_teacher(session, caller=caller, group=group,
                                                          staff=teacher))


@router.post("/{class_id}/access-code", response_model=ClassRead,
             summary="Give a class a new access code")
def regenerate_access_code(class_id: int, session: SessionDep, caller: Logins) -> ClassRead:
    """The class's teachers only. The code only opens a log-in page naming the class (it
    never logged anyone in); the old one stops doing so."""
    group = classes.get(session, caller=caller, class_id=class_id)
    return classes.to_read(caller, classes.regenerate_code(session, caller=caller, group=group))


@router.get("/{class_id}/logins.csv", summary="Fresh passwords for the class (CSV)",
            response_class=Response,
            responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}},
                             "description": "`student_number,password`, one line a student."}})
def class_logins_csv(class_id: int, request: Request, session: SessionDep,
                     caller: Logins) -> Response:
    """**Sets** a fresh password for every student of the class and returns them once as
    `student_number,password` for the school's systems (old passwords stop working and the
    students' log-ins end). The class's teachers only; a browser log-in must send the
    `X-CSRF-Token` header even though this is a GET, because it changes passwords."""
    if caller.via_cookie and not same(request.headers.get(CSRF_HEADER, ""),
                                      caller.login.csrf_token if caller.login else ""):
        raise NotPermitted(f"Send the {CSRF_HEADER} header: this sets new passwords.")
    group = classes.get(session, caller=caller, class_id=class_id)
    rows = student_logins.set_class_passwords(session, caller=caller, group=group,
                                              purpose="csv")
    return Response(student_logins.as_csv(rows), media_type="text/csv", headers={
        **NO_STORE, "Content-Disposition": f'attachment; filename="logins-{class_id}.csv"'})


@router.post("/{class_id}/login-cards", summary="Print log-in cards (PDF, fresh passwords)",
             response_class=Response,
             responses={200: {"content": {"application/pdf": {"schema": {
                 "type": "string", "format": "binary"}}},
                 "description": "One card per student with cut lines (A4)."}})
def class_login_cards(class_id: int, request: Request, session: SessionDep,
                      caller: Logins) -> Response:
    """**Sets** a fresh password for every student of the class and returns their log-in
    cards as a PDF. The class's teachers only."""
    group = classes.get(session, caller=caller, class_id=class_id)
    rows = student_logins.set_class_passwords(session, caller=caller, group=group,
                                              purpose="cards")
    pdf = student_logins.cards_pdf(group, rows, login_url=login_url(request))
    return Response(pdf, media_type="application/pdf", headers={
        **NO_STORE, "Content-Disposition": f'inline; filename="login-cards-{class_id}.pdf"'})


def login_url(request: Request) -> str:
    """Where students log in, as printed on their cards."""
    return str(request.base_url).rstrip("/") + "/student/login"
