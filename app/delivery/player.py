"""What the student's player shows: items without keys, passages, saved answers, time left.

Every field is copied by name from the revision into a key-less schema, so nothing else an
item holds (key, parameters, metadata) can reach the browser.
"""

from __future__ import annotations

from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.assembly.models import FormItem
from app.db import utcnow
from app.delivery import sittings
from app.delivery.models import Answer, Sitting
from app.delivery.schemas import (
    PlayerItem,
    PlayerOption,
    PlayerPassage,
    PlayerState,
    SavedAnswer,
)
from app.itembank.models import Item, ItemRevision, Passage


def state(session: Session, *, sitting: Sitting) -> PlayerState:
    """The sitting as the player needs it, from the server (so any device can resume)."""
    items = _attitude_items(session, sitting) + _test_items(session, sitting)
    passage_ids = {i.passage_id for i in items if i.passage_id is not None}
    passages: list[Passage] = list(session.scalars(
        select(Passage).where(Passage.id.in_(passage_ids)).order_by(Passage.id)))
    answers = list(session.scalars(select(Answer).where(Answer.sitting_id == sitting.id)))
    remaining = None
    if sitting.assignment.time_limit_minutes or sitting.status == "in_progress":
        remaining = max(0.0, (sittings.deadline(sitting) - utcnow()).total_seconds())
    return PlayerState(
        sitting_id=sitting.id, name=sitting.assignment.form.name, status=sitting.status,
        remaining_s=remaining, items=items,
        passages=[PlayerPassage(id=p.id, title=p.title, body_html=p.body_html)
                  for p in passages],
        answers=[SavedAnswer(item_id=a.item_id, response=a.response, flagged=a.flagged,
                             seq=a.seq) for a in answers],
        last_seq=session.scalar(select(func.max(Answer.seq)).where(
            Answer.sitting_id == sitting.id)) or 0)


def _player_item(item: Item, revision: ItemRevision, number: int,
                 section: Literal["attitude", "test"]) -> PlayerItem:
    return PlayerItem(item_id=item.id, number=number, section=section,
                      response_type=item.response_type, stem_html=revision.stem_html,
                      options=[PlayerOption(id=str(o["id"]), html=str(o["html"]))
                               for o in revision.options],
                      passage_id=item.passage_id)


def _test_items(session: Session, sitting: Sitting) -> list[PlayerItem]:
    rows = session.execute(select(FormItem.position, Item, ItemRevision)
                           .join(Item, Item.id == FormItem.item_id)
                           .join(ItemRevision, ItemRevision.id == FormItem.item_revision_id)
                           .where(FormItem.form_id == sitting.assignment.form_id)
                           .order_by(FormItem.position))
    return [_player_item(item, revision, n, "test")
            for n, (_pos, item, revision) in enumerate(rows, start=1)]


def _attitude_items(session: Session, sitting: Sitting) -> list[PlayerItem]:
    if not sitting.attitude_item_ids:
        return []
    rows = {item.id: (item, revision) for item, revision in session.execute(
        select(Item, ItemRevision).join(ItemRevision, ItemRevision.id == Item.current_revision_id)
        .where(Item.id.in_(sitting.attitude_item_ids)))}
    return [_player_item(*rows[i], n, "attitude")
            for n, i in enumerate((i for i in sitting.attitude_item_ids if i in rows), start=1)]
