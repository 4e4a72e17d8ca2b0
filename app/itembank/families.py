"""Item families: items written from one template count as enemies unless the family says not.

An item names its family (``Item.family``, usually the template that wrote it). A test holds at
most one item of a family, because two variants of one question give each other away; a
family whose items are independent (separate number facts, say) is declared with
``enemies=False`` in :class:`~app.itembank.models.ItemFamily`.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.itembank.models import ItemFamily
from app.itembank.schemas import FamilyCreate


def upsert(session: Session, *, data: FamilyCreate) -> tuple[ItemFamily, str]:
    """Create or update the family ``data.code``; says which (or ``unchanged``)."""
    family = session.scalar(select(ItemFamily).where(ItemFamily.code == data.code))
    if family is None:
        family = ItemFamily(code=data.code, enemies=data.enemies, note=data.note)
        session.add(family)
        session.flush()
        return family, "created"
    if (family.enemies, family.note) == (data.enemies, data.note):
        return family, "unchanged"
    family.enemies, family.note = data.enemies, data.note
    session.flush()
    return family, "updated"


def independent(session: Session) -> set[str]:
    """Codes of the families whose items are not enemies."""
    return set(session.scalars(select(ItemFamily.code).where(ItemFamily.enemies.is_(False))))


def get_all(session: Session, *, codes: set[str] | None = None) -> list[ItemFamily]:
    """Declared families (those among ``codes`` if given), by code."""
    query = select(ItemFamily).order_by(ItemFamily.code)
    if codes is not None:
        query = query.where(ItemFamily.code.in_(sorted(codes)))
    return list(session.scalars(query))


def to_dict(family: ItemFamily) -> dict:
    """The family in the import/export format (``FamilyCreate``)."""
    return {"code": family.code, "enemies": family.enemies, "note": family.note}
