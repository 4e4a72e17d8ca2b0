"""Turning item rows into read schemas (with active parameters), in bulk."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.itembank.models import Item
from app.itembank.parameters import active_parameters
from app.itembank.schemas import ItemStaffRead, ParameterRead
from app.itembank.service import export_dict


def staff_reads(session: Session, items: list[Item]) -> list[ItemStaffRead]:
    """Items with keys and active-calibration parameters, one query for all parameters."""
    params = active_parameters(session, item_ids=[i.id for i in items])
    out = []
    for item in items:
        p = params.get(item.id)
        assert item.current_revision is not None
        out.append(ItemStaffRead(
            **export_dict(item), depth=item.depth, revision=item.current_revision.number,
            needs_recalibration=item.needs_recalibration, updated_at=item.updated_at,
            parameters=None if p is None else ParameterRead(
                model=p.model, a=p.a, b=p.b, c=p.c, steps=p.steps,
                calibration_id=p.calibration_id)))
    return out
