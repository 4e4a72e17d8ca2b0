"""Teachers' test builder under ``/api/v1/forms``: build, swap, accept, make similar."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter
from sqlalchemy.orm import Session

from app.assembly import service
from app.assembly.models import Form
from app.assembly.schemas import FormCreate, FormRead, SwapRequest
from app.db import SessionDep, StepRoute
from app.people.dependencies import Caller
from app.people.models import Staff
from app.people.policy import require

router = APIRouter(prefix="/api/v1/forms", tags=["test builder"], route_class=StepRoute)
Reader = Annotated[Caller, require("forms:read")]
Writer = Annotated[Caller, require("forms:write")]


def _own(session: Session, form_id: int, caller: Caller) -> Form:
    return service.get(session, form_id=form_id, caller=caller)


def _staff(caller: Caller) -> Staff:
    assert caller.staff is not None  # forms:* are staff permissions
    return caller.staff


@router.post("", response_model=FormRead, status_code=201, summary="Build a test")
def build_form(body: FormCreate, session: SessionDep, caller: Writer) -> FormRead:
    """The best test the bank allows for the request. When no test meets every requirement
    the answer is 409 with the requirements that conflict and the smallest relaxations."""
    return service.to_read(session, service.build(session, data=body, staff=_staff(caller)))


@router.get("", response_model=list[FormRead], summary="Tests of your school")
def list_forms(session: SessionDep, caller: Reader) -> list[FormRead]:
    return [service.to_read(session, f) for f in service.get_all(session, caller=caller)]


@router.get("/{form_id}", response_model=FormRead, summary="One test and its summary")
def get_form(form_id: int, session: SessionDep, caller: Reader) -> FormRead:
    return service.to_read(session, _own(session, form_id, caller))


@router.post("/{form_id}/swap", response_model=FormRead, summary="Swap one item")
def swap_item(form_id: int, body: SwapRequest, session: SessionDep,
              caller: Writer) -> FormRead:
    """Replace the item by the best alternative that keeps every requirement. Its author (or
    a leader of its school) only."""
    form = service.swap(session, form=_own(session, form_id, caller), item_code=body.item,
                        staff=_staff(caller))
    return service.to_read(session, form)


@router.post("/{form_id}/accept", response_model=FormRead, summary="Accept a test")
def accept_form(form_id: int, session: SessionDep, caller: Writer) -> FormRead:
    """Its author (or a leader of its school) only: a colleague's test is copied instead."""
    form = service.accept(session, form=_own(session, form_id, caller), staff=_staff(caller))
    return service.to_read(session, form)


@router.post("/{form_id}/copy", response_model=FormRead, status_code=201,
             summary="Copy a test to change it")
def copy_form(form_id: int, session: SessionDep, caller: Writer) -> FormRead:
    """A draft copy with the same items that you own: how to build on a colleague's test,
    which you may read and give to your classes but not change."""
    form = service.copy(session, form=_own(session, form_id, caller), staff=_staff(caller))
    return service.to_read(session, form)


@router.post("/{form_id}/similar", response_model=FormRead, status_code=201,
             summary="Create a similar test")
def similar_form(form_id: int, session: SessionDep, caller: Writer) -> FormRead:
    """A parallel test with no item in common and matching information."""
    form = service.similar(session, form=_own(session, form_id, caller), staff=_staff(caller))
    return service.to_read(session, form)
