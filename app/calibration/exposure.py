"""How often a run's items were seen in the window: a compact exposure summary for review.

Sittings come from the scored responses Kete's own sittings recorded (calibration's table;
imported and simulated trial responses are not sittings). Tests (distinct forms) are known to
delivery, which builds on calibration: it answers through :func:`answer_form_counts_with` when
it is imported, as it answers assembly's "items this class has seen". A sitting of a student
since deleted still counts as a sitting, but no longer as a test (its responses were cut loose
from the sitting). Computed once, when the run finishes, and kept in the run's report.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
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

FormCounts = Callable[[Session, Sequence[int], datetime | None, datetime | None],
                      dict[int, int]]
"""Item id → distinct tests (forms) whose scored sittings in the window presented it."""
_form_counts: list[FormCounts] = []


def answer_form_counts_with(source: FormCounts) -> None:
    """Plug in who knows which test each sitting was (delivery registers when imported)."""
    _form_counts[:] = [source]


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
    tests = (_form_counts[0](session, list(ids), run.window_start, run.window_end)
             if _form_counts else None)
    rates = sorted(((int(seen.get(i, 0)), i) for i in ids), reverse=True)
    share = [n / total if total else 0.0 for n, _ in rates]
    return {
        "sittings": total, "items": len(ids), "unseen": sum(1 for n, _ in rates if n == 0),
        "median_rate": median(share) if share else 0.0, "max_rate": max(share, default=0.0),
        "high": sum(1 for s in share if s > HIGH_RATE), "high_rate": HIGH_RATE,
        "tests_known": tests is not None,
        "top": [{"item_id": ids[i], "anchor": ids[i] in anchors, "sittings": n,
                 "tests": None if tests is None else int(tests.get(i, 0)),
                 "rate": n / total if total else 0.0} for n, i in rates[:TOP] if n]}


def _window(start: datetime | None, end: datetime | None) -> list[ColumnElement[bool]]:
    out = []
    if start is not None:
        out.append(ScoredResponse.observed_at >= start)
    if end is not None:
        out.append(ScoredResponse.observed_at <= end)
    return out
