"""What approving a run would shift: the school's past sittings rescored under its calibration.

Approval never rescores anything (every stored result keeps the calibration it was made
with); this only tells the psychometrician how far the same answers would move, so a change
of scale is seen before it reaches the reports. Each sitting's scored responses are scored by
EAP twice — active parameters and population, then the run's (linked onto the active metric
when the run was free) — over the items both calibrations have.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.calibration import service
from app.calibration.convert import to_item_parameters
from app.calibration.models import Calibration
from app.calibration.responses import ScoredResponse
from app.irt.scoring import score_eap
from app.itembank.models import Item

MAX_SITTINGS = 20_000
"""The most recent sittings rescored (enough for mean, SD and largest shift)."""


def shift(session: Session, *, active: Calibration | None, new: Calibration
          ) -> dict[str, Any] | None:
    """Mean, SD and largest shift of past sittings' scores (θ and scale points) from
    ``active`` to ``new``, or None. Computed once, when the run finishes (it reads every
    sitting's responses), and kept in the run's report."""
    if active is None or active.id == new.id:
        return None
    old_rows = {p.item: p for p in service.parameters(session, calibration=active)}
    new_rows = {p.item: p for p in service.parameters(session, calibration=new)}
    codes = sorted(set(old_rows) & set(new_rows))
    dense = _sittings(session, new.subject_id, codes)
    if dense is None:
        return None
    before = _eap(active, [old_rows[c] for c in codes], dense)
    after = _eap(new, [new_rows[c] for c in codes], dense)
    if new.parent_id == active.id:  # a free run's θ, put on the active metric
        after = new.link_a * after + new.link_b
    moved = after - before
    scale = service.scale_of(session, subject_id=new.subject_id)
    slope = scale.slope if scale is not None else None
    largest = float(moved[np.argmax(np.abs(moved))])
    return {"active": active.id, "sittings": int(moved.size), "mean": float(moved.mean()),
            "sd": float(moved.std()), "largest": largest, "scale_slope": slope}


def _sittings(session: Session, subject_id: int, codes: list[str]) -> np.ndarray | None:
    ids = dict(session.execute(select(Item.id, Item.code).where(
        Item.subject_id == subject_id, Item.code.in_(codes))).all())
    column = {code: j for j, code in enumerate(codes)}
    rows = session.execute(select(ScoredResponse.person_key, ScoredResponse.item_id,
                                  ScoredResponse.score)
                           .where(ScoredResponse.item_id.in_(list(ids)),
                                  ScoredResponse.source == "sitting")
                           .order_by(ScoredResponse.id.desc())).all()
    persons: dict[str, int] = {}
    cells = []
    for key, item_id, score in rows:
        if key not in persons and len(persons) >= MAX_SITTINGS:
            continue
        cells.append((persons.setdefault(key, len(persons)), column[ids[item_id]], score))
    if not cells:
        return None
    dense = np.full((len(persons), len(codes)), np.nan)
    p, j, s = (np.array(v) for v in zip(*cells, strict=True))
    dense[p, j] = s
    return dense


def _eap(calibration: Calibration, rows: list[service.ParameterOut],
         dense: np.ndarray) -> np.ndarray:
    params = to_item_parameters(rows)
    return score_eap(params, dense, prior_mean=calibration.population_mean,
                     prior_sd=calibration.population_sd).theta
