"""The numbers of one scored sitting, from item parameters and item scores (no database).

θ is estimated by EAP under the calibration's population N(mean, sd²) and then put on the
reference scale through the calibration's link ``θ_ref = A·θ + B`` (SE·|A|). Quadrants compare
each item with the student's own θ on the calibration's metric: an item is *easier* when the
expected share of its marks at θ̂ is at least one half (for a right/wrong item, P(correct | θ̂)
≥ 0.5), and it was *correct* when the student earned at least half its marks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from statistics import median

import numpy as np

from app.irt.models import expected_score
from app.irt.parameters import ItemParameters
from app.irt.scoring import score_eap

RAPID_SECONDS = 5.0
QUADRANTS = {(True, True): "Achieved", (False, True): "Strengths",
             (True, False): "Gaps", (False, False): "To be achieved"}


@dataclass(frozen=True)
class Metric:
    """The calibration's population (EAP prior) and link to the reference scale."""

    mean: float = 0.0
    sd: float = 1.0
    link_a: float = 1.0
    link_b: float = 0.0


@dataclass(frozen=True)
class Scale:
    """``score = intercept + slope·θ`` and the cut scores ``[(sublevel, score), …]``."""

    intercept: float
    slope: float
    cuts: Sequence[tuple[str, float]] = field(default_factory=tuple)

    def score(self, theta: float, se: float) -> tuple[float, float]:
        return self.intercept + self.slope * theta, abs(self.slope) * se

    def sublevel(self, score: float) -> str | None:
        """The highest sublevel whose cut is at or below ``score`` (None below them all)."""
        below = [(cut, code) for code, cut in self.cuts if cut <= score]
        return max(below)[1] if below else None


def estimate(params: ItemParameters, scores: np.ndarray, metric: Metric
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """EAP θ and SE of ``scores`` ``(n_persons, n_items)`` on the reference scale, plus θ on
    the calibration's own metric (for the quadrants), each ``(n_persons,)``."""
    est = score_eap(params, scores, prior_mean=metric.mean, prior_sd=metric.sd)
    return (metric.link_a * est.theta + metric.link_b, abs(metric.link_a) * est.se,
            est.theta)


def subscores(params: ItemParameters, scores: np.ndarray, groups: dict[str, list[bool]],
              metric: Metric, scale: Scale | None) -> dict[str, dict[str, float | int | None]]:
    """θ, SE, scale score and SE, items, raw and max for each group of items (one person)."""
    out: dict[str, dict[str, float | int | None]] = {}
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
        scaled = scale.score(theta, se) if scale else (None, None)
        out[name] = {"theta": round(theta, 4), "se": round(se, 4),
                     "scale_score": _round(scaled[0]), "scale_se": _round(scaled[1]),
                     "n_items": int(chosen.sum()), "raw": int(np.nansum(scores[chosen])),
                     "max": int(params.max_score[chosen].sum())}
    return out


def quadrant_of(p_expected: float, score: float, max_score: int) -> str:
    """Achieved, Strengths, Gaps or To be achieved (see the module notes)."""
    return QUADRANTS[(p_expected >= 0.5, score >= max_score / 2)]


def expected_shares(params: ItemParameters, theta_own: float) -> np.ndarray:
    """Expected share of each item's marks at θ (P(correct | θ) for right/wrong items)."""
    return expected_score(params, np.array([theta_own]))[0] / params.max_score


def flags(scores: np.ndarray, max_scores: np.ndarray, times: Sequence[float]) -> list[str]:
    """Reasons to read a score with care; the score is still reported."""
    correct = int(np.sum(scores >= max_scores))
    out = []
    if correct < 3:
        out.append("fewer than 3 correct")
    if correct == len(scores) and len(scores):
        out.append("all correct")
    timed = [t for t in times if t > 0]
    if timed and median(timed) < RAPID_SECONDS:
        out.append("rapid guessing")
    return out


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)
