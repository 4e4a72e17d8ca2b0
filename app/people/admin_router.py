"""Schools (admins), staff accounts (admins; leaders for their school), resets and the audit."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from app.db import SessionDep, StepRoute
from app.people import audit, service, staff
from app.people.dependencies import Caller
from app.people.policy import require
from app.people.schemas import (
    AuditRead,
    PasswordResetRead,
    SchoolCreate,
    SchoolRead,
    SchoolUpdate,
    StaffCreate,
    StaffRead,
    StaffUpdate,
)

router = APIRouter(prefix="/api/v1", route_class=StepRoute)
ManageSchools = Annotated[Caller, require("schools:manage")]


@router.get("/schools", response_model=list[SchoolRead], tags=["schools"],
            summary="List schools")
def list_schools(session: SessionDep, _caller: ManageSchools) -> list[SchoolRead]:
    return [SchoolRead.model_validate(s) for s in service.get_all_schools(session)]


@router.post("/schools", response_model=SchoolRead, status_code=201, tags=["schools"],
             summary="Add a school")
def create_school(body: SchoolCreate, session: SessionDep, _caller: ManageSchools) -> SchoolRead:
    school = service.create_school(session, code=body.code, name=body.name)
    return SchoolRead.model_validate(school)


@router.get("/schools/{code}", response_model=SchoolRead, tags=["schools"], summary="One school")
def get_school(code: str, session: SessionDep, _caller: ManageSchools) -> SchoolRead:
    return SchoolRead.model_validate(service.get_school(session, code=code))


@router.patch("/schools/{code}", response_model=SchoolRead, tags=["schools"],
              summary="Rename a school")
def update_school(code: str, body: SchoolUpdate, session: SessionDep,
                  _caller: ManageSchools) -> SchoolRead:
    school = service.update_school(session, school=service.get_school(session, code=code),
                                   name=body.name)
    return SchoolRead.model_validate(school)


@router.get("/staff", response_model=list[StaffRead], tags=["staff"],
            summary="List staff accounts (leaders: their school's)")
def list_staff(session: SessionDep,
               caller: Annotated[Caller, require("staff:read")]) -> list[StaffRead]:
    return [StaffRead.of(s) for s in staff.get_all(session, caller=caller)]


@router.post("/staff", response_model=StaffRead, status_code=201, tags=["staff"],
             summary="Create a staff account")
def create_staff(body: StaffCreate, session: SessionDep,
                 caller: Annotated[Caller, require("staff:manage")]) -> StaffRead:
    """Admins create any account; leaders create leader and teacher accounts in their school."""
    return StaffRead.of(staff.create(session, caller=caller, data=body))


@router.get("/staff/{staff_id}", response_model=StaffRead, tags=["staff"],
            summary="One staff account")
def get_staff(staff_id: int, session: SessionDep,
              caller: Annotated[Caller, require("staff:read")]) -> StaffRead:
    return StaffRead.of(staff.get(session, caller=caller, staff_id=staff_id))


@router.patch("/staff/{staff_id}", response_model=StaffRead, tags=["staff"],
              summary="Rename, change role or deactivate a staff account")
def update_staff(staff_id: int, body: StaffUpdate, session: SessionDep,
                 caller: Annotated[Caller, require("staff:manage")]) -> StaffRead:
    member = staff.get(session, caller=caller, staff_id=staff_id)
    return StaffRead.of(staff.update(session, caller=caller, staff=member, data=body))


@router.post("/staff/{staff_id}/password-reset", response_model=PasswordResetRead,
             tags=["staff"], summary="Reset a staff member's password")
def reset_password(staff_id: int, session: SessionDep,
                   caller: Annotated[Caller, require("passwords:reset")]) -> PasswordResetRead:
    """A new random password (shown once); the account's log-ins end and any lock-out lifts.
    Leaders reset the passwords of their own school's staff; admins anyone's. Audited."""
    member = staff.get(session, caller=caller, staff_id=staff_id)
    password, ended = staff.reset_password(session, caller=caller, staff=member)
    return PasswordResetRead(email=member.email, temporary_password=password,
                             sessions_ended=ended)


@router.get("/audit", response_model=list[AuditRead], tags=["audit"],
            summary="The audit trail, newest first (leaders: their school's)")
def list_audit(session: SessionDep, caller: Annotated[Caller, require("audit:read")],
               action: Annotated[str | None, Query(max_length=60,
                                                   description="Only this action.")] = None,
               since: Annotated[datetime | None, Query(description="Only from then.")] = None,
               limit: Annotated[int, Query(ge=1, le=1000, description="At most so many.")] = 100,
               ) -> list[AuditRead]:
    events = audit.get_all(session, caller=caller, action=action, since=since, limit=limit)
    return [AuditRead.model_validate(e) for e in events]


@router.get("/audit.csv", tags=["audit"], response_class=Response,
            summary="The audit trail as CSV (leaders: their school's)",
            responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}},
                             "description": "id,occurred_at,actor,actor_role,address,"
                             "action,target,detail (JSON)"}})
def export_audit(session: SessionDep, caller: Annotated[Caller, require("audit:read")],
                 action: Annotated[str | None, Query(max_length=60,
                                                     description="Only this action.")] = None,
                 since: Annotated[datetime | None, Query(description="Only from then.")] = None,
                 ) -> Response:
    """Every event the caller may read (at most 100,000), newest first."""
    events = audit.get_all(session, caller=caller, action=action, since=since, limit=100_000)
    return Response(audit.as_csv(events), media_type="text/csv", headers={
        "Content-Disposition": 'attachment; filename="kete-audit.csv"'})
