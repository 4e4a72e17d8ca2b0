"""Item bank HTTP API under ``/api/v1``: thin handlers over the services."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, File, Query, Response, UploadFile

from app.config import get_settings
from app.db import SessionDep, StepRoute
from app.itembank import curricula, passages, service
from app.itembank.curricula import Framework, SubjectIn
from app.itembank.schemas import (
    ItemCreate,
    ItemFilters,
    ItemPage,
    ItemStaffRead,
    ItemUpdate,
    PassageCreate,
    PassageRead,
    PassageUpdate,
    RevisionRead,
)
from app.itembank.views import staff_reads
from app.people import audit
from app.people.dependencies import Caller
from app.people.policy import require

router = APIRouter(prefix="/api/v1", tags=["item bank"], route_class=StepRoute)
ReadItems = Annotated[Caller, require("items:read")]
WriteItems = Annotated[Caller, require("items:write")]


@router.get("/subjects", response_model=list[SubjectIn], summary="List subjects")
def list_subjects(session: SessionDep, _caller: ReadItems) -> list[SubjectIn]:
    return [SubjectIn(code=s.code, name=s.name) for s in curricula.get_all_subjects(session)]


@router.put("/curricula", response_model=SubjectIn, summary="Load a curriculum framework")
def load_framework(body: Framework, session: SessionDep,
                   _caller: Annotated[Caller, require("curricula:write")]) -> SubjectIn:
    """Create or update a subject's sublevels, strands and objectives (idempotent)."""
    subject = curricula.load_framework(session, body)
    return SubjectIn(code=subject.code, name=subject.name)


@router.get("/subjects/{code}/framework", response_model=Framework,
            summary="A subject's curriculum framework")
def get_framework(code: str, session: SessionDep, _caller: ReadItems) -> Framework:
    return curricula.framework_of(session, code=code)


@router.get("/items", response_model=ItemPage, summary="List and filter items")
def list_items(
    session: SessionDep,
    _caller: ReadItems,
    filters: Annotated[ItemFilters, Query()],
    page: Annotated[int, Query(ge=1, description="1-based page number.")] = 1,
    page_size: Annotated[int, Query(ge=1, le=get_settings().page_size_max)] = 50,
) -> ItemPage:
    """Filters: subject, strand, objective, sublevel range (`level_min`, `level_max`), SOLO,
    depth (surface/deep), status, response type, kind, passage, difficulty range (θ of the
    active calibration) and `q` (text in the stem or code)."""
    items, total = service.get_all(session, filters=filters, page=page, page_size=page_size)
    return ItemPage(items=staff_reads(session, items), total=total, page=page,
                    page_size=page_size)


@router.post("/items", response_model=ItemStaffRead, status_code=201, summary="Create an item")
def create_item(body: ItemCreate, session: SessionDep, _caller: WriteItems) -> ItemStaffRead:
    return staff_reads(session, [service.create(session, data=body)])[0]


@router.get("/items/{code}", response_model=ItemStaffRead, summary="One item, with its key")
def get_item(code: str, session: SessionDep, _caller: ReadItems) -> ItemStaffRead:
    return staff_reads(session, [service.get(session, code=code)])[0]


@router.patch("/items/{code}", response_model=ItemStaffRead, summary="Edit an item")
def update_item(code: str, body: ItemUpdate, session: SessionDep,
                caller: WriteItems) -> ItemStaffRead:
    """Content changes create a new revision; an operational item so changed is marked for
    recalibration. Status follows draft → trial → operational → retired."""
    item = service.get(session, code=code)
    was = item.status
    item = service.update(session, item=item, data=body)
    if item.status == "retired" and was != "retired":
        audit.record(session, actor=caller, action="item.retire", target=f"item:{code}")
    return staff_reads(session, [item])[0]


@router.post("/items/{code}/retire", response_model=ItemStaffRead, summary="Retire an item")
def retire_item(code: str, session: SessionDep, caller: WriteItems) -> ItemStaffRead:
    item = service.retire(session, item=service.get(session, code=code))
    audit.record(session, actor=caller, action="item.retire", target=f"item:{code}")
    return staff_reads(session, [item])[0]


@router.get("/items/{code}/revisions", response_model=list[RevisionRead],
            summary="An item's revision history")
def item_revisions(code: str, session: SessionDep, _caller: ReadItems) -> list[RevisionRead]:
    item = service.get(session, code=code)
    return [RevisionRead.model_validate(r) for r in service.revisions(session, item=item)]


@router.get("/passages", response_model=list[PassageRead], summary="List passages")
def list_passages(session: SessionDep, _caller: ReadItems,
                  subject: str | None = None) -> list[PassageRead]:
    counts = passages.item_counts(session)
    return [passages.to_read(p, counts.get(p.id, 0))
            for p in passages.get_all(session, subject=subject)]


@router.post("/passages", response_model=PassageRead, status_code=201, summary="Create a passage")
def create_passage(body: PassageCreate, session: SessionDep,
                   _caller: WriteItems) -> PassageRead:
    return passages.to_read(passages.create(session, data=body))


@router.get("/passages/{code}", response_model=PassageRead, summary="One passage")
def get_passage(code: str, session: SessionDep, _caller: ReadItems) -> PassageRead:
    passage = passages.get_passage(session, code=code)
    return passages.to_read(passage, passages.item_counts(session).get(passage.id, 0))


@router.patch("/passages/{code}", response_model=PassageRead, summary="Edit a passage")
def update_passage(code: str, body: PassageUpdate, session: SessionDep,
                   _caller: WriteItems) -> PassageRead:
    passage = passages.update(session, passage=passages.get_passage(session, code=code), data=body)
    return passages.to_read(passage)


@router.get("/export/items", summary="Export items (and passages) as JSON or CSV",
            response_class=Response, responses={200: {
                "description": "A JSON bundle, or CSV with `format=csv`.",
                "content": {"application/json": {"schema": {"type": "object"}},
                            "text/csv": {"schema": {"type": "string"}}}}})
def export_items(session: SessionDep, _caller: ReadItems,
                 format: Literal["json", "csv"] = "json", subject: str | None = None) -> Response:
    from app.itembank import transfer

    body, media = transfer.export_bank(session, fmt=format, subject=subject)
    return Response(body, media_type=media)


@router.post("/import/items", summary="Import items (all or nothing)")
def import_items(file: Annotated[UploadFile, File(description="The file to import.")],
                 session: SessionDep, _caller: WriteItems,
                 format: Literal["json", "csv"] = "json") -> dict[str, int]:
    """Upload a JSON bundle (`{"passages": [...], "items": [...]}`) or an items CSV. A file with
    any bad row is rejected (422) with every problem listed by row and field; nothing is written."""
    from app.itembank import transfer

    return transfer.import_bank(session, file.file, fmt=format).counts()
