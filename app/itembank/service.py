"""Item rules: create, read, update (with revisions), retire, list with filters."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, aliased, selectinload

from app.errors import Conflict, InvalidInput, NotFound
from app.itembank.curricula import Codebook, get_subject
from app.itembank.models import DEEP_SOLO, SURFACE_SOLO, CurriculumLevel, Item, ItemRevision
from app.itembank.parameters import active_location_subquery
from app.itembank.passages import get_passage
from app.itembank.schemas import ItemCreate, ItemFilters, ItemUpdate

CONTENT_FIELDS = ("stem_html", "options", "key", "max_score", "expected_time_s", "metadata")
TRANSITIONS = {
    "draft": {"trial", "operational", "retired"},
    "trial": {"draft", "operational", "retired"},
    "operational": {"retired"},
    "retired": {"trial"},
}


def eager_options() -> list:
    """Loader options that bring an item's subject, curriculum, passage and revision along."""
    return [selectinload(Item.subject), selectinload(Item.strand), selectinload(Item.objective),
            selectinload(Item.level), selectinload(Item.passage),
            selectinload(Item.current_revision)]


def get(session: Session, *, code: str) -> Item:
    """The item with ``code``, or NotFound."""
    item = session.scalar(select(Item).options(*eager_options()).where(Item.code == code))
    if item is None:
        raise NotFound(f"No item with code {code!r}.")
    return item


def create(session: Session, *, data: ItemCreate, book: Codebook | None = None) -> Item:
    """A new item with its first revision."""
    if session.scalar(select(Item.id).where(Item.code == data.code)) is not None:
        raise Conflict(f"An item with code {data.code!r} already exists.")
    book = book or Codebook.load(session, get_subject(session, code=data.subject))
    item = Item(code=data.code, subject_id=book.subject.id, response_type=data.response_type)
    _apply_fields(session, item, data, book)
    session.add(item)
    session.flush()
    _new_revision(session, item, data.model_dump(include=set(CONTENT_FIELDS)), note="created")
    return item


def update(session: Session, *, item: Item, data: ItemUpdate) -> Item:
    """Change an item. Changed content makes a new revision; an operational item so changed
    is marked for recalibration. Status changes follow :data:`TRANSITIONS`."""
    changes = data.model_dump(exclude_unset=True, exclude={"cosmetic"})
    if "status" in changes and changes["status"] != item.status:
        _check_transition(item.status, changes["status"])
    book = Codebook.load(session, item.subject)
    merged = ItemCreate.model_validate({**export_dict(item), **changes})
    content_changed = _apply_fields(session, item, merged, book, content_of=item)
    if content_changed:
        content = merged.model_dump(include=set(CONTENT_FIELDS))
        note = data.note or "edited"
        _new_revision(session, item, content, note=f"{note} (cosmetic)" if data.cosmetic else note)
        if item.status == "operational" and not data.cosmetic:
            item.needs_recalibration = True
    session.flush()
    return item


def retire(session: Session, *, item: Item) -> Item:
    """Take an item out of use; its history and parameters stay."""
    _check_transition(item.status, "retired")
    item.status = "retired"
    session.flush()
    return item


def upsert(session: Session, *, data: ItemCreate, book: Codebook) -> tuple[Item, str]:
    """Create or bring an existing item in line with ``data`` (imports); says which."""
    item = session.scalar(select(Item).options(*eager_options()).where(Item.code == data.code))
    if item is None:
        return create(session, data=data, book=book), "created"
    if item.subject_id != book.subject.id:
        raise InvalidInput(f"Item {data.code} belongs to another subject.")
    changed = _apply_fields(session, item, data, book, content_of=item)
    if changed:
        _new_revision(session, item, data.model_dump(include=set(CONTENT_FIELDS)), note="imported")
    return item, "updated" if changed else "unchanged"


def get_all(session: Session, *, filters: ItemFilters, page: int, page_size: int
            ) -> tuple[list[Item], int]:
    """One page of items matching ``filters`` (ordered by code) and the total count."""
    query = _filtered(session, filters)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.options(*eager_options()).order_by(Item.code)
                           .offset((page - 1) * page_size).limit(page_size))
    return list(rows), total


def _filtered(session: Session, f: ItemFilters) -> Select[Item]:
    query = select(Item)
    if f.subject:
        query = query.where(Item.subject_id == get_subject(session, code=f.subject).id)
    query = _where_codes(query, f)
    if f.level_min or f.level_max:
        level = aliased(CurriculumLevel)
        query = query.join(level, Item.level_id == level.id)
        if f.level_min:
            query = query.where(level.rank >= _rank(session, f.level_min))
        if f.level_max:
            query = query.where(level.rank <= _rank(session, f.level_max))
    if f.depth:
        query = query.where(Item.solo.in_(SURFACE_SOLO if f.depth == "surface" else DEEP_SOLO))
    if f.difficulty_min is not None or f.difficulty_max is not None:
        loc = active_location_subquery()
        query = query.join(loc, loc.c.item_id == Item.id)
        if f.difficulty_min is not None:
            query = query.where(loc.c.location >= f.difficulty_min)
        if f.difficulty_max is not None:
            query = query.where(loc.c.location <= f.difficulty_max)
    if f.q:
        rev = aliased(ItemRevision)
        pattern = f"%{f.q.lower()}%"
        query = query.join(rev, Item.current_revision_id == rev.id).where(
            or_(func.lower(rev.stem_html).like(pattern), func.lower(Item.code).like(pattern)))
    return query


def _where_codes(query: Select[Item], f: ItemFilters) -> Select[Item]:
    from app.itembank.models import Objective, Passage, Strand

    if f.strand:
        query = query.where(Item.strand_id.in_(select(Strand.id).where(Strand.code == f.strand)))
    if f.objective:
        query = query.where(
            Item.objective_id.in_(select(Objective.id).where(Objective.code == f.objective)))
    if f.passage:
        query = query.where(
            Item.passage_id.in_(select(Passage.id).where(Passage.code == f.passage)))
    for name in ("solo", "status", "response_type", "kind"):
        value = getattr(f, name)
        if value:
            query = query.where(getattr(Item, name) == value)
    return query


def _rank(session: Session, code: str) -> int:
    rank = session.scalar(
        select(func.min(CurriculumLevel.rank)).where(CurriculumLevel.code == code))
    if rank is None:
        raise InvalidInput(f"Unknown curriculum sublevel {code!r}.")
    return rank


def put_on_scale(session: Session, *, subject_id: int, codes: list[str]) -> list[str]:
    """Trial items an approved calibration has estimated become operational (they are on the
    scale, so new tests may use them); returns their codes. Other statuses are left alone."""
    found = list(session.scalars(select(Item).where(
        Item.subject_id == subject_id, Item.code.in_(codes), Item.status == "trial")))
    for item in found:
        _check_transition(item.status, "operational")
        item.status = "operational"
    session.flush()
    return sorted(item.code for item in found)


def _check_transition(old: str, new: str) -> None:
    if new not in TRANSITIONS.get(old, set()):
        raise Conflict(f"An item cannot go from {old} to {new}.")


def _apply_fields(session: Session, item: Item, data: ItemCreate, book: Codebook,
                  content_of: Item | None = None) -> bool:
    """Set descriptive fields from ``data``; return whether the content differs."""
    item.kind, item.solo, item.status = data.kind, data.solo, data.status
    item.response_type = data.response_type
    item.enemy_group, item.attitude_scale = data.enemy_group, data.attitude_scale
    item.family = data.family
    item.strand = _lookup(book.strands, data.strand, "strand")
    item.objective = _lookup(book.objectives, data.objective, "objective")
    item.level = _lookup(book.levels, data.sublevel, "sublevel")
    if item.objective is not None and item.strand is not None and (
            item.objective.strand_id != item.strand.id):
        raise InvalidInput(f"Objective {data.objective} is not in strand {data.strand}.")
    item.passage = get_passage(session, code=data.passage) if data.passage else None
    if item.passage is not None and item.passage.subject_id != book.subject.id:
        raise InvalidInput(f"Passage {data.passage} belongs to another subject.")
    if content_of is None or content_of.current_revision is None:
        return True
    current = revision_content(content_of.current_revision)
    return current != data.model_dump(include=set(CONTENT_FIELDS))


def _lookup(table: dict[str, Any], code: str | None, what: str) -> Any:
    if code is None:
        return None
    if code not in table:
        raise InvalidInput(f"Unknown {what} {code!r} for this subject.")
    return table[code]


def _new_revision(session: Session, item: Item, content: dict, *, note: str) -> ItemRevision:
    number = 1 + (session.scalar(
        select(func.max(ItemRevision.number)).where(ItemRevision.item_id == item.id)) or 0)
    revision = ItemRevision(
        item_id=item.id, number=number, stem_html=content["stem_html"],
        options=content["options"], key=content["key"], max_score=content["max_score"],
        expected_time_s=content["expected_time_s"], item_metadata=content["metadata"], note=note)
    session.add(revision)
    session.flush()
    item.current_revision = revision
    return revision


def revision_content(revision: ItemRevision) -> dict:
    """A revision's content in the shape of ``ItemCreate``'s content fields."""
    return {"stem_html": revision.stem_html, "options": revision.options, "key": revision.key,
            "max_score": revision.max_score, "expected_time_s": revision.expected_time_s,
            "metadata": revision.item_metadata}


def export_dict(item: Item) -> dict:
    """The item in the import/export format (``ItemCreate``), key included."""
    assert item.current_revision is not None
    return {
        "code": item.code, "subject": item.subject.code, "kind": item.kind,
        "strand": item.strand.code if item.strand else None,
        "objective": item.objective.code if item.objective else None,
        "sublevel": item.level.code if item.level else None, "solo": item.solo,
        "response_type": item.response_type, "status": item.status,
        "passage": item.passage.code if item.passage else None,
        "enemy_group": item.enemy_group, "family": item.family,
        "attitude_scale": item.attitude_scale,
        **revision_content(item.current_revision),
    }


def revisions(session: Session, *, item: Item) -> list[ItemRevision]:
    return list(session.scalars(
        select(ItemRevision).where(ItemRevision.item_id == item.id).order_by(ItemRevision.number)))
