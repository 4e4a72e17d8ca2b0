"""The bench's check against the server's database: every acknowledged save is there (or a
later one of the same answer), no answer holds an older save than one acknowledged, no answer
is stored twice, and every handed-in sitting is scored."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import create_engine, func, select

from app.delivery.models import Answer, Result, Sitting
from app.loadtest.student import Outcome


@dataclass
class Check:
    """What the database holds against what the server acknowledged."""

    acknowledged: int = 0
    lost: int = 0
    older_kept: int = 0
    mismatched: int = 0
    duplicated: int = 0
    unscored: int = 0
    to_scored: list[float] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not (self.lost or self.older_kept or self.mismatched or self.duplicated)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def check(database_url: str, outcomes: list[Outcome]) -> Check:
    """Compare the students' acknowledged saves and hand-ins with the database."""
    ids = [o.sitting_id for o in outcomes if o.sitting_id is not None]
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(select(Answer.sitting_id, Answer.item_id, Answer.seq,
                                       Answer.response).where(Answer.sitting_id.in_(ids))).all()
            scored = conn.execute(select(Sitting.id, Sitting.submitted_at, Result.scored_at)
                                  .outerjoin(Result, Result.sitting_id == Sitting.id)
                                  .where(Sitting.id.in_(ids))).all()
    finally:
        engine.dispose()
    result = Check()
    _check_answers(result, outcomes, rows)
    handed_in = {o.sitting_id for o in outcomes if o.handed_in}
    for sitting_id, submitted_at, scored_at in scored:
        if sitting_id not in handed_in:
            continue
        if scored_at is None or submitted_at is None:
            result.unscored += 1
        else:
            result.to_scored.append((_aware(scored_at) - _aware(submitted_at)).total_seconds())
    return result


def _check_answers(result: Check, outcomes: list[Outcome], rows: Sequence[Any]) -> None:
    stored = {(s, i): (seq, response) for s, i, seq, response in rows}
    copies = Counter((s, i) for s, i, _, _ in rows)
    result.duplicated = sum(n - 1 for n in copies.values() if n > 1)
    for outcome in outcomes:
        sent = {(s.item_id, s.seq): s.response for s in outcome.saves}
        for save in outcome.saves:
            if not save.acked:
                continue
            result.acknowledged += 1
            key = (outcome.sitting_id, save.item_id)
            if key not in stored:
                result.lost += 1
                _example(result, f"sitting {key[0]} item {key[1]}: acknowledged seq {save.seq} "
                         "is missing")
                continue
            seq, response = stored[key]
            if seq < save.seq:
                result.older_kept += 1
                _example(result, f"sitting {key[0]} item {key[1]}: holds seq {seq} although "
                         f"seq {save.seq} was acknowledged")
            elif (save.item_id, seq) in sent and sent[(save.item_id, seq)] != response:
                result.mismatched += 1
                _example(result, f"sitting {key[0]} item {key[1]}: seq {seq} holds "
                         f"{response!r}, not the {sent[(save.item_id, seq)]!r} sent")


def _example(result: Check, text: str) -> None:
    if len(result.examples) < 5:
        result.examples.append(text)


def count_scored(database_url: str, sitting_ids: list[int]) -> int:
    """How many of these sittings have a result (for progress while waiting)."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            return int(conn.scalar(select(func.count()).select_from(Result).where(
                Result.sitting_id.in_(sitting_ids))) or 0)
    finally:
        engine.dispose()
