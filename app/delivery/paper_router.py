"""Tests on paper over HTTP: booklet and marking guide PDFs, and typed-in paper answers."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter
from fastapi.responses import Response
from sqlalchemy.orm import Session

from app.assembly import service as assembly
from app.assembly.models import Form
from app.db import SessionDep, StepRoute
from app.delivery import paper, paper_entry, sittings
from app.delivery.paper_schemas import PaperResponsesCreate, PaperRowRead
from app.errors import NotFound
from app.people.dependencies import Caller
from app.people.policy import require

router = APIRouter(prefix="/api/v1", tags=["tests on paper"], route_class=StepRoute)
FormReader = Annotated[Caller, require("forms:read")]
ClassReader = Annotated[Caller, require("classes:read")]
Marker = Annotated[Caller, require("classes:write")]
PDF: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/pdf": {}}, "description": "An A4 PDF."}}


def _own(session: Session, form_id: int, caller: Caller) -> Form:
    form = assembly.get(session, form_id=form_id)
    if not assembly.visible(form, caller):
        raise NotFound(f"No form {form_id}.")  # other schools' forms do not exist for you
    return form


def _pdf(data: bytes, filename: str) -> Response:
    return Response(data, media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{filename}"'})


@router.get("/forms/{form_id}/booklet.pdf", response_class=Response, responses=PDF,
            summary="Printable test booklet")
def form_booklet(form_id: int, session: SessionDep, caller: FormReader) -> Response:
    """The students' booklet of an accepted test: cover, attitude statements, then every
    question in order with its passage and answer spaces. It holds no keys."""
    booklet = paper.paper_of(session, _own(session, form_id, caller))
    return _pdf(paper.render_booklet_pdf(booklet), f"test-{form_id}-booklet.pdf")


@router.get("/forms/{form_id}/marking-guide.pdf", response_class=Response, responses=PDF,
            summary="Marking guide for a test on paper")
def form_marking_guide(form_id: int, session: SessionDep, caller: FormReader) -> Response:
    """For teachers: each question's item, key, marking rule, marks, strand and level."""
    booklet = paper.paper_of(session, _own(session, form_id, caller))
    return _pdf(paper.render_guide_pdf(session, booklet), f"test-{form_id}-marking-guide.pdf")


@router.get("/assignments/{assignment_id}/booklet.pdf", response_class=Response,
            responses=PDF, summary="Printable booklet of an assignment")
def assignment_booklet(assignment_id: int, session: SessionDep,
                       caller: ClassReader) -> Response:
    """The booklet with the class's name and the assignment's time limit on its cover."""
    assignment = sittings.get_assignment(session, caller=caller, assignment_id=assignment_id)
    booklet = paper.paper_of(session, assignment.form, assignment)
    return _pdf(paper.render_booklet_pdf(booklet), f"assignment-{assignment_id}-booklet.pdf")


@router.post("/assignments/{assignment_id}/paper-responses", response_model=PaperRowRead,
             summary="Enter one student's paper answers")
def enter_paper_responses(assignment_id: int, body: PaperResponsesCreate,
                          session: SessionDep, caller: Marker) -> PaperRowRead:
    """Creates or updates the student's sitting, hands it in and scores it; open answers
    wait in the marking queue. A bad cell gives 422 with every problem and writes nothing."""
    sitting = paper_entry.save_row(session, caller=caller, assignment_id=assignment_id,
                                   student_id=body.student_id, cells=body.answers)
    return PaperRowRead(sitting_id=sitting.id, student_id=body.student_id,
                        status=sitting.status)
