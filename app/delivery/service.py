"""Recording scored responses (from sittings, trials and imports)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.calibration.files import ResponseTable
from app.delivery.models import RESPONSE_SOURCES, ScoredResponse
from app.errors import InvalidInput
from app.itembank.models import Item, ItemRevision


def record_table(session: Session, *, table: ResponseTable, subject_id: int, source: str,
                 observed_at: datetime, person_prefix: str = "",
                 groups: Mapping[str, dict[str, str]] | None = None) -> int:
    """Store a long-form response table whose item ids are item codes; returns rows written.

    Every item must be in the subject and every score within the item's range; otherwise
    nothing is written and every problem is listed. ``groups`` maps a person id to their
    group labels for DIF (e.g. ``{"gender": "F"}``).
    """
    if source not in RESPONSE_SOURCES:
        raise InvalidInput(f"Unknown response source {source!r}.")
    items = {code: (item_id, rev_id) for code, item_id, rev_id in session.execute(
        select(Item.code, Item.id, Item.current_revision_id).where(
            Item.code.in_(table.item_ids), Item.subject_id == subject_id))}
    missing = [c for c in table.item_ids if c not in items]
    if missing:
        raise InvalidInput(f"{len(missing)} item(s) are not in this subject's bank: "
                           f"{', '.join(missing[:10])}")
    _check_scores(session, table, [items[c][1] for c in table.item_ids])
    rows = [{"person_key": f"{person_prefix}{table.person_ids[p]}",
             "item_id": items[table.item_ids[i]][0],
             "item_revision_id": items[table.item_ids[i]][1], "score": int(s),
             "source": source, "observed_at": observed_at,
             "groups": (groups or {}).get(table.person_ids[p])}
            for p, i, s in zip(table.person_index, table.item_index, table.scores, strict=True)]
    try:
        with session.begin_nested():
            for start in range(0, len(rows), 5000):
                session.execute(insert(ScoredResponse), rows[start:start + 5000])
    except IntegrityError as exc:
        raise InvalidInput("Some of these responses are already recorded (same person and "
                           "item); nothing was written.") from exc
    return len(rows)


def _check_scores(session: Session, table: ResponseTable,
                  revision_ids: Sequence[int | None]) -> None:
    max_score = {r.id: r.max_score for r in session.scalars(
        select(ItemRevision).where(ItemRevision.id.in_([r for r in revision_ids if r])))}
    limits = [max_score.get(r or 0, 1) for r in revision_ids]
    problems = [{"row": f"person {table.person_ids[p]}", "field": table.item_ids[i],
                 "message": f"score {s} is above the item's maximum {limits[i]}"}
                for p, i, s in zip(table.person_index, table.item_index, table.scores,
                                   strict=True) if s > limits[i]]
    if problems:
        raise InvalidInput(f"{len(problems)} score(s) are out of range.", problems=problems[:50])
