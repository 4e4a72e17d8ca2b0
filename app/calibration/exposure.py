"""How often a run's items were seen in the window: a compact exposure summary for review.

Sittings come from the scored responses with source ``sitting`` (calibration's table). Most
are Kete's own sittings; some are a file's responses imported as sittings (``kete responses
import --source sitting``, the demo's simulated classes), and some are sittings of students
since deleted (their responses cut loose from the sitting). Tests (distinct forms) are known
only for Kete's own: delivery, which builds on calibration, tells them apart and counts the
tests through :func:`answer_provenance_with` when it is imported, as it answers assembly's
"items this class has seen". An item seen only in imported sittings has no test count ("—",
not 0). Computed once, when the run finishes, and kept in the run's report.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from statistics import median
from typing import Any

from sqlalchemy import ColumnElement, distinct, func, select
from sqlalchemy.orm import Session

from app.calibration.models import CalibrationRun
from app.calibration.responses import ScoredResponse
from app.itembank.models import Item

HIGH_RATE = 0.25
"""An item seen in more than this share of the window's sittings is listed as highly exposed
(a hint that its content may be travelling between classes, not a quality gate)."""
TOP = 10

@dataclass(frozen=True)
class Provenance:
    """Where the window's sittings of some items came from, as delivery knows it."""

    tests: dict[int, int]
    """Item id → distinct tests (forms) of Kete's own sittings that presented it."""
    sat: dict[int, int]
    """Item id → Kete's own sittings that presented it."""
    deleted: dict[int, int]
    """Item id → sittings of students since deleted that presented it."""
    sat_total: int
    deleted_total: int


ProvenanceSource = Callable[[Session, Sequence[int], datetime | None, datetime | None],
                            Provenance]
_provenance: list[ProvenanceSource] = []


def answer_provenance_with(source: ProvenanceSource) -> None:
    """Plug in who knows which sittings were Kete's and their tests (delivery registers)."""
    _provenance[:] = [source]


def summary(session: Session, *, run: CalibrationRun, codes: Sequence[str],
            anchors: set[str]) -> dict[str, Any]:
    """Sittings and tests per item of ``codes`` over the run's window, with the share of the
    window's sittings each was seen in; the most exposed first (``TOP`` of them)."""
    ids = dict(session.execute(select(Item.id, Item.code).where(Item.code.in_(list(codes)))).all())
    where = [ScoredResponse.source == "sitting", ScoredResponse.item_id.in_(list(ids)),
             *_window(run.window_start, run.window_end)]
    total = int(session.scalar(select(func.count(distinct(ScoredResponse.person_key)))
                               .where(*where)) or 0)
    seen = dict(session.execute(select(ScoredResponse.item_id, func.count()).where(*where)
                                .group_by(ScoredResponse.item_id)).all())
    known = (_provenance[0](session, list(ids), run.window_start, run.window_end)
             if _provenance else None)
    rates = sorted(((int(seen.get(i, 0)), i) for i in ids), reverse=True)
    share = [n / total if total else 0.0 for n, _ in rates]
    return {
        "sittings": total, "items": len(ids), "unseen": sum(1 for n, _ in rates if n == 0),
        "median_rate": median(share) if share else 0.0, "max_rate": max(share, default=0.0),
        "high": sum(1 for s in share if s > HIGH_RATE), "high_rate": HIGH_RATE,
        "tests_known": known is not None,
        **_origins(total, known),
        "top": [{"item_id": ids[i], "anchor": ids[i] in anchors, "sittings": n,
                 "rate": n / total if total else 0.0, **_item_origins(i, n, known)}
                for n, i in rates[:TOP] if n]}


def _origins(total: int, known: Provenance | None) -> dict[str, int | None]:
    """How many of the window's sittings were imported or of deleted students."""
    if known is None:
        return {"imported": None, "deleted": None}
    return {"imported": total - known.sat_total - known.deleted_total,
            "deleted": known.deleted_total}


def _item_origins(item: int, seen: int, known: Provenance | None) -> dict[str, int | None]:
    """One item's tests (None when none of its sittings is Kete's own: not known, not 0) and
    its imported sittings and sittings of deleted students."""
    if known is None:
        return {"tests": None, "imported": None, "deleted": None}
    sat, deleted = known.sat.get(item, 0), known.deleted.get(item, 0)
    return {"tests": known.tests.get(item, 0) if sat else None,
            "imported": seen - sat - deleted, "deleted": deleted}


def _window(start: datetime | None, end: datetime | None) -> list[ColumnElement[bool]]:
    out = []
    if start is not None:
        out.append(ScoredResponse.observed_at >= start)
    if end is not None:
        out.append(ScoredResponse.observed_at <= end)
    return out
