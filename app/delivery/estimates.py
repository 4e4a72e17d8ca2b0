"""The numbers of one scored sitting, from item parameters and item scores (no database).

θ is estimated by EAP under the calibration's population N(mean, sd²) and then put on the
reference scale through the calibration's link ``θ_ref = A·θ + B`` (SE·|A|). Quadrants compare
each item with the student's own θ on the calibration's metric: an item is *easier* when the
expected share of its marks at θ̂ is at least one half (for a right/wrong item, P(correct | θ̂)
≥ 0.5), and it was *correct* when the student earned at least half its marks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from statistics import median

import numpy as np

from app.calibration.scale import Scale
from app.delivery.results import Flag, Quadrant, SubScore
from app.irt.models import expected_score
from app.irt.parameters import ItemParameters
from app.irt.scoring import score_eap

RAPID_SECONDS = 5.0


@dataclass(frozen=True)
class Metric:
    """The calibration's population (EAP prior) and link to the reference scale."""

    mean: float = 0.0
    sd: float = 1.0
    link_a: float = 1.0
    link_b: float = 0.0


def estimate(params: ItemParameters, scores: np.ndarray, metric: Metric
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """EAP θ and SE of ``scores`` ``(n_persons, n_items)`` on the reference scale, plus θ on
    the calibration's own metric (for the quadrants), each ``(n_persons,)``."""
    est = score_eap(params, scores, prior_mean=metric.mean, prior_sd=metric.sd)
    return (metric.link_a * est.theta + metric.link_b, abs(metric.link_a) * est.se,
            est.theta)


def subscores(params: ItemParameters, scores: np.ndarray, groups: dict[str, list[bool]],
              metric: Metric, scale: Scale | None) -> dict[str, SubScore]:
    """θ, SE, scale score and SE, items, raw and max for each group of items (one person)."""
    out: dict[str, SubScore] = {}
    for name, mask in sorted(groups.items()):
        chosen = np.asarray(mask, dtype=bool)
        if not chosen.any():
            continue
        # The other items count as not presented (NaN). Not irt.scoring.subscore: its
        # ItemParameters.subset keeps the full set's step width, which breaks mixed GPCM sets.
        masked = np.where(chosen, scores, np.nan)[None, :]
        est = score_eap(params, masked, prior_mean=metric.mean, prior_sd=metric.sd)
        theta = float(metric.link_a * est.theta[0] + metric.link_b)
        se = float(abs(metric.link_a) * est.se[0])
        out[name] = SubScore(
            theta=round(theta, 4), se=round(se, 4),
            scale_score=round(scale.score(theta), 1) if scale else None,
            scale_se=round(scale.score_se(se), 1) if scale else None,
            n_items=int(chosen.sum()), raw=int(np.nansum(scores[chosen])),
            max=int(params.max_score[chosen].sum()))
    return out


def quadrant_of(p_expected: float, score: float, max_score: int) -> Quadrant:
    """Achieved, Strengths, Gaps or To be achieved (see the module notes)."""
    return Quadrant.of(easier=p_expected >= 0.5, correct=2 * score >= max_score)


def expected_shares(params: ItemParameters, theta_own: float) -> np.ndarray:
    """Expected share of each item's marks at θ (P(correct | θ) for right/wrong items)."""
    return expected_score(params, np.array([theta_own]))[0] / params.max_score


def half_marks_theta(params: ItemParameters, low: float = -8.0, high: float = 8.0
                     ) -> np.ndarray:
    """For each item, the θ at which the expected share of its marks is one half
    ``(n_items,)``: the item's place on the scale that matches the quadrants' "easier" rule
    (for a 3PL item with c > 0 it lies below b). Bisection, clipped to ``[low, high]``."""
    lo = np.full(params.n_items, low)
    hi = np.full(params.n_items, high)
    for _ in range(40):  # (high − low)/2⁴⁰: far below any reporting precision
        mid = (lo + hi) / 2
        share = np.diagonal(expected_score(params, mid)) / params.max_score
        above = share >= 0.5
        hi = np.where(above, mid, hi)
        lo = np.where(above, lo, mid)
    return (lo + hi) / 2


def flags(scores: np.ndarray, max_scores: np.ndarray, times: Sequence[float]) -> list[Flag]:
    """Reasons to read a score with care; the score is still reported. An item counts as
    right with at least half its marks, as in the quadrants."""
    correct = int(np.sum(2 * scores >= max_scores))
    out = []
    if correct < 3:
        out.append(Flag.FEW_CORRECT)
    if correct == len(scores) and len(scores):
        out.append(Flag.ALL_CORRECT)
    timed = [t for t in times if t > 0]
    if timed and median(timed) < RAPID_SECONDS:
        out.append(Flag.RAPID_GUESSING)
    return out
