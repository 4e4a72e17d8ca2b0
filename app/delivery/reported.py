"""A stored result as it is reported: on the subject's one reporting scale.

Scoring puts a result's θ on its calibration's parent's metric (the calibration's own link
applied). When that parent is itself linked to its parent (an anchored run on a free one), the
stored θ is not yet on the reference metric; reading follows the chain of stored links
(:func:`app.calibration.links.reference_links`) so that one sitting shows one score on every
page, report and API answer. The stored row is never changed.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.calibration import service as calibration
from app.calibration.links import IDENTITY, Link, reference_links
from app.calibration.models import Calibration
from app.calibration.scale import Scale
from app.delivery.results import ScoredResult, SubScore


def reported(session: Session, scored: ScoredResult) -> ScoredResult:
    """``scored`` on its subject's reporting scale (unchanged without a scale or a link)."""
    cal = session.get(Calibration, scored.calibration_id)
    scale = None if cal is None else calibration.scale_of(session, subject_id=cal.subject_id)
    if cal is None or scale is None:
        return scored
    link = reference_links(session, subject_id=cal.subject_id).get(cal.id, IDENTITY)
    return on_reference(scored, link, scale)


def on_reference(scored: ScoredResult, link: Link, scale: Scale) -> ScoredResult:
    """``scored`` with θ, SE, scale scores, sub-scores and item difficulties taken through
    ``link`` (the composed links from its calibration's parent to the reference calibration,
    :func:`app.calibration.links.reference_links`) onto the reporting scale."""
    a, b = link
    if (a, b) == IDENTITY:
        return scored
    theta, se = a * scored.theta + b, abs(a) * scored.se
    score = round(scale.score(theta), 1)

    def sub(s: SubScore) -> SubScore:
        t, e = a * s.theta + b, abs(a) * s.se
        return s.model_copy(update={"theta": t, "se": e, "scale_score": round(scale.score(t), 1),
                                    "scale_se": round(scale.score_se(e), 1)})

    subscores = scored.subscores.model_copy(update={
        "strand": {k: sub(v) for k, v in scored.subscores.strand.items()},
        "depth": {k: sub(v) for k, v in scored.subscores.depth.items()}})
    quadrants = tuple(q if q.difficulty is None else q.model_copy(update={
        "difficulty": round(scale.score(a * scale.theta(q.difficulty) + b), 1)})
        for q in scored.quadrants)
    return scored.model_copy(update={
        "theta": theta, "se": se, "scale_score": score,
        "scale_se": round(scale.score_se(se), 1), "sublevel": scale.sublevel(score) or None,
        "subscores": subscores, "quadrants": quadrants})
