"""How well a simulated test measured: recovery of true θ, exposure and overlap rates."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Recovery:
    """``rmse = √mean((θ̂ − θ)²)``, ``bias = mean(θ̂ − θ)``, and ``coverage``: the share of
    persons whose true θ lies within θ̂ ± 1.96·SE."""

    rmse: float
    bias: float
    coverage: float
    n: int


def recovery(true_theta: np.ndarray, theta_hat: np.ndarray, se: np.ndarray) -> Recovery:
    """Compare estimates with the truth (persons with a NaN true θ are left out)."""
    t, e, s = (np.asarray(v, dtype=float) for v in (true_theta, theta_hat, se))
    ok = ~np.isnan(t)
    err = e[ok] - t[ok]
    if err.size == 0:
        return Recovery(float("nan"), float("nan"), float("nan"), 0)
    return Recovery(float(np.sqrt(np.mean(err**2))), float(np.mean(err)),
                    float(np.mean(np.abs(err) <= 1.96 * s[ok])), int(err.size))


def exposure_rates(given: Sequence[np.ndarray] | np.ndarray, n_items: int) -> np.ndarray:
    """Share of persons who saw each item, ``(n_items,)``, from per-person item positions
    or a boolean ``(n_persons, n_items)`` mask."""
    if isinstance(given, np.ndarray) and given.dtype == bool:
        return given.mean(axis=0)
    counts = np.zeros(n_items)
    for items in given:
        counts[np.asarray(items, dtype=int)] += 1
    return counts / max(len(given), 1)


def overlap_rate(exposure: np.ndarray, n_persons: int, mean_length: float) -> float:
    """Expected share of a person's items that another, randomly chosen, person also saw.

    With ``c_i = r_i · N`` persons seeing item i, two distinct persons share on average
    ``Σ c_i (c_i − 1) / (N (N − 1))`` items; divided by the mean test length.
    """
    if n_persons < 2 or mean_length <= 0:
        return float("nan")
    c = np.asarray(exposure, dtype=float) * n_persons
    shared = float(np.sum(c * (c - 1)) / (n_persons * (n_persons - 1)))
    return shared / mean_length
