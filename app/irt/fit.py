"""Item statistics and item fit: classical p-values and point-biserials, infit/outfit, S-X².

``responses`` is ``(n_persons, n_items)`` float with NaN = not presented.

* **Classical**: ``p = mean score / max score`` over the persons who saw the item; the corrected
  point-biserial is the Pearson correlation of the item score with the *rest* score (the sum of
  the person's other presented items), so the item does not correlate with itself.
* **Mean squares** (Wright & Masters, 1982), given θ: with ``E = E[X|θ]``, ``W = Var(X|θ)``,
  ``C = E[(X − E)⁴|θ]`` per response, ``outfit = mean((x − E)²/W)``,
  ``infit = Σ(x − E)² / ΣW``; both ≈ 1 under the model. Standardised by the Wilson–Hilferty
  cube root: ``t = (MS^{1/3} − 1)(3/q) + q/3`` with ``q²_out = Σ(C/W²)/N² − 1/N`` and
  ``q²_in = Σ(C − W²)/(ΣW)²``.
* **S-X²** (Orlando & Thissen, 2000; polytomous: Kang & Chen, 2008): persons are grouped by
  summed score ``s``; the observed proportion in each category ``c`` is compared with
  ``E_sc = ∫ P_ic(θ) f*_i(s − c | θ) φ(θ) dθ / ∫ f(s | θ) φ(θ) dθ``, where ``f`` and ``f*_i``
  (without item i) are summed-score distributions from the Lord–Wingersky recursion. Extreme
  scores are left out and adjacent score groups are merged until every expected count is at
  least ``min_expected``. ``df = Σ groups·(categories − 1) − free parameters``.

  Summed scores only mean something within one set of items, so with sparse or booklet data
  S-X² is computed per *booklet* — each distinct pattern of presented items seen by at least
  ``min_persons`` persons — and the χ² values and group counts of an item are added across
  booklets (the parameters are subtracted once, as they were estimated once). Persons on rarer
  patterns are left out; ``n_persons`` reports how many were used.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import chi2

from app.irt.models import category_probabilities
from app.irt.parameters import ItemParameters
from app.irt.scoring import normal_quadrature


@dataclass(frozen=True)
class ClassicalStatistics:
    """Per item, ``(n_items,)``: persons who saw it, mean score, p-value, corrected r_pbis."""

    n: np.ndarray
    mean: np.ndarray
    p_value: np.ndarray
    point_biserial: np.ndarray


def classical_statistics(responses: np.ndarray, max_score: np.ndarray,
                         criterion: np.ndarray | None = None) -> ClassicalStatistics:
    """Classical item statistics; ``criterion`` ``(n_persons,)`` replaces the rest score.

    Pass θ estimates as ``criterion`` for booklet designs, where rest scores from different
    booklets are not comparable.
    """
    x = np.asarray(responses, dtype=float)
    seen = ~np.isnan(x)
    n = seen.sum(axis=0)
    mean = np.nansum(x, axis=0) / np.maximum(n, 1)
    r = np.full(x.shape[1], np.nan)
    total = np.nansum(x, axis=1)
    for i in range(x.shape[1]):
        rows = seen[:, i]
        other = criterion[rows] if criterion is not None else total[rows] - x[rows, i]
        if rows.sum() > 2 and np.std(x[rows, i]) > 0 and np.std(other) > 0:
            r[i] = np.corrcoef(x[rows, i], other)[0, 1]
    return ClassicalStatistics(n, mean, mean / np.asarray(max_score, dtype=float), r)


@dataclass(frozen=True)
class MeanSquareFit:
    """Infit/outfit mean squares and their t statistics, each ``(n_items,)``."""

    infit: np.ndarray
    outfit: np.ndarray
    infit_t: np.ndarray
    outfit_t: np.ndarray


def mean_squares(params: ItemParameters, responses: np.ndarray,
                 theta: np.ndarray) -> MeanSquareFit:
    """Infit and outfit of each item given ability estimates ``theta`` ``(n_persons,)``."""
    x = np.asarray(responses, dtype=float)
    use = ~np.isnan(x) & ~np.isnan(theta)[:, None]
    probs = category_probabilities(params, np.nan_to_num(np.asarray(theta, dtype=float)))
    k = np.arange(probs.shape[2], dtype=float)
    expect = probs @ k
    dev = k - expect[..., None]
    var = np.maximum(np.sum(probs * dev**2, axis=2), 1e-12)
    kurt = np.sum(probs * dev**4, axis=2)
    resid2 = np.where(use, (np.nan_to_num(x) - expect) ** 2, 0.0)
    n = np.maximum(use.sum(axis=0), 1)
    w_sum = np.sum(np.where(use, var, 0.0), axis=0)
    outfit = np.sum(resid2 / var, axis=0) / n
    infit = resid2.sum(axis=0) / w_sum
    q_out = np.sqrt(np.maximum(np.sum(np.where(use, kurt / var**2, 0), axis=0) / n**2 - 1 / n,
                               1e-12))
    q_in = np.sqrt(np.maximum(np.sum(np.where(use, kurt - var**2, 0), axis=0) / w_sum**2, 1e-12))
    return MeanSquareFit(infit, outfit, _wilson_hilferty(infit, q_in),
                         _wilson_hilferty(outfit, q_out))


def _wilson_hilferty(ms: np.ndarray, q: np.ndarray) -> np.ndarray:
    return (np.cbrt(ms) - 1.0) * (3.0 / q) + q / 3.0


@dataclass(frozen=True)
class ItemFit:
    """S-X² per item, ``(n_items,)``: statistic, degrees of freedom, p-value, persons used."""

    item_ids: list[str]
    statistic: np.ndarray
    df: np.ndarray
    p_value: np.ndarray
    n_persons: np.ndarray


def lord_wingersky(probs: np.ndarray, n_categories: np.ndarray) -> np.ndarray:
    """Summed-score distribution ``f(s | θ_q)``, ``(n_theta, max total + 1)``.

    ``probs`` is ``(n_theta, n_items, n_cat)``; item ``i`` has ``n_categories[i]`` scores.
    """
    f = np.ones((probs.shape[0], 1))
    for i, m in enumerate(n_categories):
        new = np.zeros((f.shape[0], f.shape[1] + m - 1))
        for c in range(m):
            new[:, c:c + f.shape[1]] += f * probs[:, i, c:c + 1]
        f = new
    return f


def free_parameters(params: ItemParameters) -> np.ndarray:
    """Number of estimated parameters per item, ``(n_items,)``."""
    steps = params.n_categories - 1
    base = {"rasch": 1, "2pl": 2, "3pl": 3}
    return np.array([base[m] if m in base else s + (m != "pcm")
                     for m, s in zip(params.model, steps, strict=True)], dtype=int)


def sx2(params: ItemParameters, responses: np.ndarray, *, prior_mean: float = 0.0,
        prior_sd: float = 1.0, n_points: int = 41, min_expected: float = 1.0,
        min_persons: int = 100, estimated: bool = True) -> ItemFit:
    """Orlando–Thissen S-X² item fit for any mix of models (see the module docstring).

    ``estimated=False`` when the parameters were not estimated from these responses (bank
    parameters checked against new data, or simulations from known parameters): then no degrees
    of freedom are spent on them.
    """
    x = np.asarray(responses, dtype=float)
    nodes, weights = normal_quadrature(prior_mean, prior_sd, n_points, bound=5.0)
    stat, groups = np.zeros(params.n_items), np.zeros(params.n_items, dtype=int)
    used = np.zeros(params.n_items, dtype=int)
    patterns, booklet = np.unique(~np.isnan(x), axis=0, return_inverse=True)
    for b, pattern in enumerate(patterns):
        rows = np.flatnonzero(booklet.ravel() == b)
        items = np.flatnonzero(pattern)
        if rows.size < min_persons or items.size < 2:
            continue
        s, g = _booklet_sx2(params.subset(items), x[np.ix_(rows, items)], nodes, weights,
                            min_expected)
        stat[items] += s
        groups[items] += g
        used[items] += rows.size
    df = groups - free_parameters(params) * estimated
    with np.errstate(invalid="ignore"):
        p = np.where(df > 0, chi2.sf(stat, np.maximum(df, 1)), np.nan)
    return ItemFit(list(params.item_ids), stat, df, p, used)


def _booklet_sx2(params: ItemParameters, x: np.ndarray, nodes: np.ndarray, weights: np.ndarray,
                 min_expected: float) -> tuple[np.ndarray, np.ndarray]:
    """χ² and number of (category − 1)-weighted cells per item for one complete booklet."""
    probs = category_probabilities(params, nodes)
    n_cat = params.n_categories
    total = x.sum(axis=1).astype(int)
    top = int(n_cat.sum() - n_cat.size)
    marginal = weights @ lord_wingersky(probs, n_cat)  # P(s), (top + 1,)
    counts = np.bincount(total, minlength=top + 1)[1:top]  # persons per score 1..top−1
    stat, cells = np.zeros(params.n_items), np.zeros(params.n_items, dtype=int)
    for i in range(params.n_items):
        others = np.delete(np.arange(params.n_items), i)
        rest = lord_wingersky(probs[:, others], n_cat[others])  # (n_theta, top − m_i + 1)
        m = n_cat[i]
        joint = np.zeros((top + 1, m))  # ∫ P_ic f*_i(s − c) φ, by score s and category c
        for c in range(m):
            joint[c:c + rest.shape[1], c] = weights @ (probs[:, i, c:c + 1] * rest)
        expected = (joint / np.maximum(marginal, 1e-300)[:, None])[1:top] * counts[:, None]
        observed = np.zeros((top + 1, m))
        np.add.at(observed, (total, x[:, i].astype(int)), 1.0)
        stat[i], groups = _collapsed_chi2(observed[1:top], expected, min_expected)
        cells[i] = groups * (m - 1)
    return stat, cells


def _collapsed_chi2(observed: np.ndarray, expected: np.ndarray,
                    min_expected: float) -> tuple[float, int]:
    """Pearson χ² over score groups (rows) merged left to right until each expected ≥ minimum."""
    merged_o, merged_e = [], []
    acc_o, acc_e = np.zeros(observed.shape[1]), np.zeros(observed.shape[1])
    for o, e in zip(observed, expected, strict=True):
        acc_o, acc_e = acc_o + o, acc_e + e
        if acc_e.min() >= min_expected:
            merged_o.append(acc_o)
            merged_e.append(acc_e)
            acc_o, acc_e = np.zeros_like(acc_o), np.zeros_like(acc_e)
    if merged_o and acc_e.sum() > 0:  # a thin tail joins the last full group
        merged_o[-1], merged_e[-1] = merged_o[-1] + acc_o, merged_e[-1] + acc_e
    if not merged_o:
        return 0.0, 0
    o, e = np.array(merged_o), np.array(merged_e)
    return float(np.sum((o - e) ** 2 / e)), len(merged_o)
