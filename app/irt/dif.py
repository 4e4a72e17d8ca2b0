"""Differential item functioning: Mantel–Haenszel (dichotomous) and Mantel / SMD (polytomous).

Persons of a *reference* and a *focal* group are matched on a score — the total over their
presented items (``matching="total"``, Holland & Thayer's recommendation: the studied item is
included) or the rest score without the studied item (``"rest"``). With booklet or sparse
data a stratum is one (pattern of presented items, score) pair, so only persons who sat the same
items are compared. Where nearly every pattern is unique (adaptive tests), pass ``matching`` as
an array of stratum labels ``(n_persons,)`` instead, e.g. deciles of θ estimates.
``responses`` is ``(n_persons, n_items)``, NaN = not presented.

**Dichotomous items** (Holland & Thayer, 1988). In stratum k, with A/B the reference right/wrong,
C/D the focal right/wrong counts and T their sum:

* common odds ratio ``α_MH = Σ(A·D/T) / Σ(B·C/T)``; ``MH D-DIF = Δ = −2.35·ln α_MH``
  (ETS delta metric; **Δ < 0: the item is harder for the focal group** than for reference
  persons of the same score);
* ``MH χ² = (|ΣA − ΣE(A)| − ½)² / ΣVar(A)`` with ``E(A) = n_R·m₁/T`` and
  ``Var(A) = n_R·n_F·m₁·m₀ / (T²(T − 1))``, 1 df;
* ``SE(ln α)`` by Robins, Breslow & Greenland (1986); ``SE(Δ) = 2.35·SE(ln α)``.

ETS categories (Dorans & Holland, 1993; Zwick, 2012, ETS RR-12-08), at α = .05:

* **A** (negligible): the MH χ² is not significant, or ``|Δ| < 1``;
* **C** (large): ``|Δ| ≥ 1.5`` and ``|Δ|`` significantly greater than 1, i.e. the one-sided test
  of ``H₀: |Δ| ≤ 1``, ``(|Δ| − 1)/SE(Δ) > 1.645`` (Paek & Holland, 2015);
* **B** (moderate): every other item.

**Polytomous items**: Mantel's (1963) χ² for ordered scores (Zwick, Donoghue & Grima, 1993),
``(ΣF − ΣE(F))² / ΣVar(F)`` with ``F`` the focal score sum in a stratum, and the standardised
mean difference ``SMD = Σ_k (n_Fk/n_F)(ȳ_Fk − ȳ_Rk)`` (Dorans & Schmitt, 1991), reported also as
the effect size ``ES = SMD / SD(item score)``. ETS categories (Zwick, Thayer & Mazzeo, 1997):
**AA** when Mantel p ≥ .05 or ``|ES| ≤ .17``; **CC** when p < .05 and ``|ES| > .25``; else **BB**.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import chi2 as chi2_dist
from scipy.stats import norm

ALPHA = 0.05
Matching = str | np.ndarray
_DELTA_SCALE = 2.35


@dataclass(frozen=True)
class MantelHaenszel:
    """MH DIF per item, arrays ``(n_items,)``; ``category`` holds ``"A"``, ``"B"`` or ``"C"``."""

    n_reference: np.ndarray
    n_focal: np.ndarray
    alpha: np.ndarray
    delta: np.ndarray
    delta_se: np.ndarray
    chi2: np.ndarray
    p_value: np.ndarray
    category: np.ndarray


@dataclass(frozen=True)
class PolytomousDIF:
    """Mantel χ² / SMD DIF per item, arrays ``(n_items,)``; ``category``: AA, BB or CC."""

    n_reference: np.ndarray
    n_focal: np.ndarray
    smd: np.ndarray
    effect_size: np.ndarray
    chi2: np.ndarray
    p_value: np.ndarray
    category: np.ndarray


def ets_category(delta: np.ndarray, delta_se: np.ndarray, p_value: np.ndarray) -> np.ndarray:
    """ETS A/B/C from MH D-DIF, its SE and the MH χ² p-value (rules in the module docstring)."""
    size = np.abs(np.asarray(delta, dtype=float))
    with np.errstate(divide="ignore", invalid="ignore"):
        beyond_one = (size - 1.0) / np.asarray(delta_se) > norm.ppf(1 - ALPHA)
    negligible = ~(np.asarray(p_value) < ALPHA) | (size < 1.0)
    large = (size >= 1.5) & beyond_one
    return np.where(negligible, "A", np.where(large, "C", "B"))


def ets_polytomous_category(effect_size: np.ndarray, p_value: np.ndarray) -> np.ndarray:
    """ETS AA/BB/CC from the SMD effect size and Mantel's p-value."""
    size = np.abs(np.asarray(effect_size, dtype=float))
    negligible = ~(np.asarray(p_value) < ALPHA) | ~(size > 0.17)
    return np.where(negligible, "AA", np.where(size > 0.25, "CC", "BB"))


def _strata(x: np.ndarray, item: int, in_group: np.ndarray, matching: Matching,
            pattern: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows that saw ``item`` and belong to a group, and their stratum index (0..n_strata−1).

    ``pattern`` ``(n_persons,)`` numbers each distinct set of presented items.
    """
    rows = np.flatnonzero(~np.isnan(x[:, item]) & in_group)
    if not isinstance(matching, str):
        return rows, np.unique(matching[rows], return_inverse=True)[1].ravel()
    score = np.nansum(x[rows], axis=1) - (x[rows, item] if matching == "rest" else 0.0)
    key = pattern[rows] * (np.nanmax(x, initial=0) * x.shape[1] + 1) + score
    return rows, np.unique(key, return_inverse=True)[1].ravel()


def _patterns(x: np.ndarray) -> np.ndarray:
    """Index of each person's pattern of presented items, ``(n_persons,)``."""
    return np.unique(~np.isnan(x), axis=0, return_inverse=True)[1].ravel()


def _by_stratum(stratum: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Sum of ``values`` per stratum, ``(n_strata,)``."""
    return np.bincount(stratum, weights=values.astype(float), minlength=int(stratum.max()) + 1)


def _groups(group: np.ndarray, reference: object, focal: object,
            matching: Matching) -> tuple[np.ndarray, np.ndarray]:
    if isinstance(matching, str) and matching not in ("total", "rest"):
        raise ValueError(f"matching must be 'total' or 'rest', not {matching!r}")
    g = np.asarray(group)
    is_ref, is_foc = g == reference, g == focal
    if not is_ref.any() or not is_foc.any():
        raise ValueError(f"both groups need persons: reference {reference!r} has "
                         f"{int(is_ref.sum())}, focal {focal!r} has {int(is_foc.sum())}")
    return is_ref, is_foc


def mantel_haenszel(responses: np.ndarray, group: np.ndarray, reference: object,
                    focal: object, *, matching: Matching = "total") -> MantelHaenszel:
    """Mantel–Haenszel DIF for every (dichotomous, 0/1) item; ``group`` is ``(n_persons,)``."""
    x = np.asarray(responses, dtype=float)
    is_ref, is_foc = _groups(group, reference, focal, matching)
    out, pattern = np.full((5, x.shape[1]), np.nan), _patterns(x)
    for i in range(x.shape[1]):
        rows, stratum = _strata(x, i, is_ref | is_foc, matching, pattern)
        if rows.size == 0:
            continue
        right, ref = x[rows, i] == 1, is_ref[rows]
        a, b = _by_stratum(stratum, ref & right), _by_stratum(stratum, ref & ~right)
        c, d = _by_stratum(stratum, ~ref & right), _by_stratum(stratum, ~ref & ~right)
        out[:, i] = _mh_item(a, b, c, d)
    n_ref = np.sum(~np.isnan(x) & is_ref[:, None], axis=0)
    n_foc = np.sum(~np.isnan(x) & is_foc[:, None], axis=0)
    alpha, delta, se, stat, p = out
    return MantelHaenszel(n_ref, n_foc, alpha, delta, se, stat, p, ets_category(delta, se, p))


def _mh_item(a: np.ndarray, b: np.ndarray, c: np.ndarray, d: np.ndarray) -> np.ndarray:
    """``[α_MH, Δ, SE(Δ), χ², p]`` from per-stratum 2×2 counts, each ``(n_strata,)``."""
    t = a + b + c + d
    keep = ((a + b) > 0) & ((c + d) > 0) & (t > 1)  # strata with both groups
    a, b, c, d, t = a[keep], b[keep], c[keep], d[keep], t[keep]
    r, s = a * d / t, b * c / t
    sum_r, sum_s = r.sum(), s.sum()
    if sum_r == 0 or sum_s == 0:
        return np.full(5, np.nan)
    alpha = sum_r / sum_s
    p, q = (a + d) / t, (b + c) / t
    var_log = (np.sum(p * r) / (2 * sum_r**2) + np.sum(p * s + q * r) / (2 * sum_r * sum_s)
               + np.sum(q * s) / (2 * sum_s**2))
    n_r, n_f, m1, m0 = a + b, c + d, a + c, b + d
    var_a = np.sum(n_r * n_f * m1 * m0 / (t**2 * (t - 1)))
    stat = (abs(a.sum() - np.sum(n_r * m1 / t)) - 0.5) ** 2 / var_a if var_a > 0 else np.nan
    delta = -_DELTA_SCALE * np.log(alpha)
    return np.array([alpha, delta, _DELTA_SCALE * np.sqrt(var_log), stat,
                     chi2_dist.sf(stat, 1)])


def polytomous_dif(responses: np.ndarray, group: np.ndarray, reference: object, focal: object,
                   *, matching: Matching = "total") -> PolytomousDIF:
    """Mantel χ² and SMD for every item (dichotomous items work too: SMD is then a P-DIF)."""
    x = np.asarray(responses, dtype=float)
    is_ref, is_foc = _groups(group, reference, focal, matching)
    out, pattern = np.full((4, x.shape[1]), np.nan), _patterns(x)
    for i in range(x.shape[1]):
        rows, stratum = _strata(x, i, is_ref | is_foc, matching, pattern)
        if rows.size == 0:
            continue
        y, foc = x[rows, i], is_foc[rows]
        n_all, n_f = _by_stratum(stratum, np.ones_like(y)), _by_stratum(stratum, foc)
        n_r = n_all - n_f
        sum_y, sum_y2 = _by_stratum(stratum, y), _by_stratum(stratum, y**2)
        sum_f = _by_stratum(stratum, np.where(foc, y, 0.0))
        keep = (n_f > 0) & (n_r > 0) & (n_all > 1)
        expected = n_f / np.maximum(n_all, 1) * sum_y
        var = n_r * n_f * (n_all * sum_y2 - sum_y**2) / (n_all**2 * np.maximum(n_all - 1, 1))
        stat = (np.sum((sum_f - expected)[keep]) ** 2 / var[keep].sum()
                if var[keep].sum() > 0 else np.nan)
        diff = sum_f / np.maximum(n_f, 1) - (sum_y - sum_f) / np.maximum(n_r, 1)
        smd = np.sum((n_f * diff)[keep]) / max(n_f[keep].sum(), 1)
        out[:, i] = [smd, smd / np.std(y) if np.std(y) > 0 else np.nan, stat,
                     chi2_dist.sf(stat, 1)]
    n_ref = np.sum(~np.isnan(x) & is_ref[:, None], axis=0)
    n_foc = np.sum(~np.isnan(x) & is_foc[:, None], axis=0)
    smd, es, stat, p = out
    return PolytomousDIF(n_ref, n_foc, smd, es, stat, p, ets_polytomous_category(es, p))
