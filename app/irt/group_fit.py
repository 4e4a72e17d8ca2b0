"""Item fit over θ groups, and the false discovery rate across many items.

* **θ-group χ²** (Yen's Q1, generalised to polytomous items by expected scores): the persons
  who answered item ``i`` are sorted by their θ estimate and cut into ``g`` groups of equal
  size; with ``O_g`` the group's mean score, ``E_g`` and ``V_g`` the means of ``E[X|θ]`` and
  ``Var(X|θ)`` over its persons, ``Q1 = Σ_g N_g (O_g − E_g)² / V_g`` with
  ``df = g − free parameters``. It needs no common set of items, so it is the fit statistic
  for booklet and classroom data where every student sat a different test and S-X² (which
  groups by summed score within one booklet) cannot be formed. θ estimates are EAPs, so it is
  an approximation (slightly conservative), as in Yen (1981) and BILOG's χ².
* **Benjamini–Hochberg**: q-values controlling the false discovery rate across items, so that
  flagging every item with ``q < .05`` expects 5% of the flags — not 5% of the items — to be
  false (with 672 items, p < .05 alone flags ~34 by chance).

``responses`` is ``(n_persons, n_items)`` float with NaN = not presented.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import chi2

from app.irt.fit import free_parameters
from app.irt.models import category_probabilities
from app.irt.parameters import ItemParameters


@dataclass(frozen=True)
class GroupFit:
    """Per item ``(n_items,)``: statistic, degrees of freedom (0: not computed), p-value."""

    statistic: np.ndarray
    df: np.ndarray
    p_value: np.ndarray


def theta_group_fit(params: ItemParameters, responses: np.ndarray, theta: np.ndarray, *,
                    n_groups: int = 10, min_per_group: int = 20,
                    estimated: bool = True) -> GroupFit:
    """Q1 per item with up to ``n_groups`` groups of at least ``min_per_group`` persons;
    items whose groups leave no degrees of freedom get df 0 and p NaN (not computed)."""
    x = np.asarray(responses, dtype=float)
    stat, df = np.full(params.n_items, np.nan), np.zeros(params.n_items, dtype=int)
    spent = free_parameters(params) * estimated
    for i in range(params.n_items):
        seen = np.flatnonzero(~np.isnan(x[:, i]) & np.isfinite(theta))
        groups = min(n_groups, seen.size // min_per_group)
        if groups - spent[i] < 1:
            continue
        order = seen[np.argsort(theta[seen], kind="stable")]
        probs = category_probabilities(params.subset([i]), theta[order])[:, 0, :]
        cats = np.arange(probs.shape[1])
        e = probs @ cats
        v = probs @ cats ** 2 - e ** 2
        parts = np.array_split(np.arange(order.size), groups)
        stat[i] = sum(p.size * (x[order[p], i].mean() - e[p].mean()) ** 2
                      / max(v[p].mean(), 1e-12) for p in parts)
        df[i] = groups - spent[i]
    with np.errstate(invalid="ignore"):
        p_value = np.where(df > 0, chi2.sf(stat, np.maximum(df, 1)), np.nan)
    return GroupFit(stat, df, p_value)


def benjamini_hochberg(p_values: np.ndarray) -> np.ndarray:
    """BH q-values (adjusted p-values), NaN where ``p_values`` is NaN (not computed)."""
    p = np.asarray(p_values, dtype=float)
    q = np.full(p.shape, np.nan)
    known = np.flatnonzero(~np.isnan(p))
    if known.size == 0:
        return q
    order = known[np.argsort(p[known], kind="stable")]
    m = known.size
    scaled = p[order] * m / np.arange(1, m + 1)
    q[order] = np.minimum(np.minimum.accumulate(scaled[::-1])[::-1], 1.0)
    return q
