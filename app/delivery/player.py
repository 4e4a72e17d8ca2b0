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
from app.delivery import adaptive, sittings
from app.delivery.models import Answer, Sitting
from app.delivery.schemas import (
    AdaptiveProgress,
    PlayerItem,
    PlayerOption,
    PlayerPassage,
    PlayerState,
    SavedAnswer,
)
from app.itembank.models import Item, ItemRevision, Passage


def state(session: Session, *, sitting: Sitting) -> PlayerState:
    """The sitting as the player needs it, from the server (so any device can resume).

    An adaptive sitting shows its current stage only (and the attitude items in the first):
    earlier stages are closed, later ones not chosen yet."""
    progress = None
    if sitting.assignment.form.kind == "linear":
        items = _attitude_items(session, sitting) + _test_items(session, sitting)
    else:
        progress, test_items = _stage_items(session, sitting)
        items = (_attitude_items(session, sitting) if progress.stage == 1 else []) + test_items
    passage_ids = {i.passage_id for i in items if i.passage_id is not None}
    passages: list[Passage] = list(session.scalars(
        select(Passage).where(Passage.id.in_(passage_ids)).order_by(Passage.id)))
    shown = {i.item_id for i in items}
    answers = [a for a in session.scalars(select(Answer).where(Answer.sitting_id == sitting.id))
               if progress is None or a.item_id in shown]
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
            Answer.sitting_id == sitting.id)) or 0, adaptive=progress)


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


def _stage_items(session: Session, sitting: Sitting
                 ) -> tuple[AdaptiveProgress, list[PlayerItem]]:
    """The current stage's items, numbered on from the earlier stages'."""
    route = adaptive.begin(session, sitting=sitting)  # a sitting started before its route
    current = adaptive.current_items(route)
    rows = {item.id: (item, revision) for item, revision in session.execute(
        select(Item, ItemRevision).join(FormItem, FormItem.item_id == Item.id)
        .join(ItemRevision, ItemRevision.id == FormItem.item_revision_id)
        .where(FormItem.form_id == sitting.assignment.form_id, Item.id.in_(current)))}
    earlier = len(adaptive.given_items(route)) - len(current)
    design = sitting.assignment.form.design or {}
    kind = "mst" if route.kind == "mst" else "cat"
    total = (len(design["panels"][route.panel or 0]["stages"]) if kind == "mst"
             else int(design.get("length", 0)))
    given = earlier + len(current)  # a CAT at its length has no next question to ask for
    progress = AdaptiveProgress(kind=kind, stage=route.stage, stages=total, earlier=earlier,
                                last=route.finished or (kind == "cat" and given >= total))
    return progress, [_player_item(*rows[i], earlier + n, "test")
                      for n, i in enumerate(current, start=1)]


def _attitude_items(session: Session, sitting: Sitting) -> list[PlayerItem]:
    if not sitting.attitude_item_ids:
        return []
    rows = {item.id: (item, revision) for item, revision in session.execute(
        select(Item, ItemRevision).join(ItemRevision, ItemRevision.id == Item.current_revision_id)
        .where(Item.id.in_(sitting.attitude_item_ids)))}
    return [_player_item(*rows[i], n, "attitude")
            for n, i in enumerate((i for i in sitting.attitude_item_ids if i in rows), start=1)]
