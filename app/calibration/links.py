"""Scores from different calibrations on one scale, through the links stored between them.

Scoring puts a θ on its calibration's parent's metric with the calibration's own link
(``θ_parent = A·θ + B``, see :mod:`app.delivery.estimates`). A calibration's parent may itself
be linked to *its* parent, so reading old and new results side by side means following the
chain of stored links up to the subject's reference calibration (the one without a parent).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.calibration.models import Calibration

Link = tuple[float, float]
IDENTITY: Link = (1.0, 0.0)


def compose_to_reference(chain: dict[int, tuple[int | None, float, float]],
                         calibration_id: int) -> Link:
    """(A, B) taking a θ scored on ``calibration_id`` (its own link already applied) to the
    reference metric: the links of its parent, grandparent, … applied in turn.

    ``chain`` maps calibration id → (parent id, link A, link B).
    """
    a, b = IDENTITY
    seen = {calibration_id}
    parent = chain.get(calibration_id, (None, 1.0, 1.0))[0]
    while parent is not None and parent not in seen:
        seen.add(parent)
        next_parent, link_a, link_b = chain[parent]
        a, b = link_a * a, link_a * b + link_b
        parent = next_parent
    return a, b


def reference_links(session: Session, *, subject_id: int) -> dict[int, Link]:
    """For every calibration of a subject, the (A, B) of :func:`compose_to_reference`."""
    chain = {cid: (parent, a, b) for cid, parent, a, b in session.execute(
        select(Calibration.id, Calibration.parent_id, Calibration.link_a, Calibration.link_b)
        .where(Calibration.subject_id == subject_id))}
    return {cid: compose_to_reference(chain, cid) for cid in chain}
