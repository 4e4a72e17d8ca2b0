"""Response functions and information for Rasch, 2PL, 3PL, GPCM/PCM and GRM (logistic, D = 1).

Shapes: ``theta`` is ``(n_theta,)``; results are ``(n_theta, n_items)`` or, for category
probabilities, ``(n_theta, n_items, n_cat)`` where ``n_cat = max categories`` over the items and
categories an item does not have get probability 0.
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit, log_softmax

from app.irt.parameters import ItemParameters

_EPS = 1e-12


def p_dichotomous(theta: np.ndarray, a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """P(X = 1 | θ) = c + (1 − c)·logistic(a(θ − b)); returns ``(n_theta, n_items)``."""
    z = np.outer(np.asarray(theta, dtype=float), a) - a * b
    return c + (1.0 - c) * expit(z)


def gpcm_probabilities(theta: np.ndarray, a: np.ndarray, steps: np.ndarray) -> np.ndarray:
    """GPCM category probabilities ``(n_theta, n_items, n_steps + 1)``.

    ``steps`` is ``(n_items, n_steps)``, NaN-padded; padded categories get probability 0.
    """
    theta = np.asarray(theta, dtype=float)
    valid = ~np.isnan(steps)
    # cumulative sums of a(θ − b_v) over v ≤ k; category 0 has the empty sum.
    terms = a[None, :, None] * (theta[:, None, None] - np.where(valid, steps, 0.0)[None])
    z = np.concatenate([np.zeros(terms.shape[:2] + (1,)), np.cumsum(terms, axis=2)], axis=2)
    mask = np.concatenate([np.ones((steps.shape[0], 1), bool), valid], axis=1)
    z = np.where(mask[None], z, -np.inf)
    return np.exp(log_softmax(z, axis=2))


def grm_probabilities(theta: np.ndarray, a: np.ndarray, steps: np.ndarray) -> np.ndarray:
    """Graded response category probabilities ``(n_theta, n_items, n_steps + 1)``."""
    theta = np.asarray(theta, dtype=float)
    valid = ~np.isnan(steps)
    star = expit(a[None, :, None] * (theta[:, None, None] - np.where(valid, steps, 0.0)[None]))
    star = np.where(valid[None], star, 0.0)  # P(X ≥ k) is 0 beyond the top category
    upper = np.concatenate([np.ones(star.shape[:2] + (1,)), star], axis=2)
    lower = np.concatenate([star, np.zeros(star.shape[:2] + (1,))], axis=2)
    return np.clip(upper - lower, 0.0, 1.0)


def category_probabilities(params: ItemParameters, theta: np.ndarray) -> np.ndarray:
    """P(X = k | θ) for every item, ``(n_theta, n_items, n_cat)``; ``n_cat``: most categories."""
    theta = np.atleast_1d(np.asarray(theta, dtype=float))
    n_cat = int(params.n_categories.max(initial=2))
    out = np.zeros((theta.size, params.n_items, n_cat))
    dich = ~params.is_polytomous
    if dich.any():
        p = p_dichotomous(theta, params.a[dich], params.b[dich], params.c[dich])
        out[:, dich, 0] = 1.0 - p
        out[:, dich, 1] = p
    for name, fn in (("gpcm", gpcm_probabilities), ("grm", grm_probabilities)):
        sel = np.isin(params.model, ["gpcm", "pcm"] if name == "gpcm" else ["grm"])
        if sel.any():
            probs = fn(theta, params.a[sel], params.steps[sel])
            k = min(probs.shape[2], n_cat)  # beyond an item's top category all are 0
            out[:, sel, :k] = probs[:, :, :k]
    return out


def expected_score(params: ItemParameters, theta: np.ndarray) -> np.ndarray:
    """Expected item score E[X | θ], ``(n_theta, n_items)`` (P(θ) for dichotomous items)."""
    probs = category_probabilities(params, theta)
    return probs @ np.arange(probs.shape[2], dtype=float)


def item_information(params: ItemParameters, theta: np.ndarray) -> np.ndarray:
    """Fisher information of each item at each θ, ``(n_theta, n_items)``.

    3PL: ``a²·(P − c)²/(1 − c)²·Q/P``; GPCM: ``a²·Var(X | θ)``;
    GRM: ``Σ_k (P*'_k − P*'_{k+1})² / P_k`` with ``P*'_k = a·P*_k(1 − P*_k)``.
    """
    theta = np.atleast_1d(np.asarray(theta, dtype=float))
    info = np.zeros((theta.size, params.n_items))
    dich = ~params.is_polytomous
    if dich.any():
        a, c = params.a[dich], params.c[dich]
        p = np.clip(p_dichotomous(theta, a, params.b[dich], c), _EPS, 1 - _EPS)
        info[:, dich] = a**2 * ((p - c) / (1.0 - c)) ** 2 * (1.0 - p) / p
    gp = np.isin(params.model, ["gpcm", "pcm"])
    if gp.any():
        probs = gpcm_probabilities(theta, params.a[gp], params.steps[gp])
        k = np.arange(probs.shape[2], dtype=float)
        mean = probs @ k
        var = probs @ k**2 - mean**2
        info[:, gp] = params.a[gp] ** 2 * var
    gr = params.model == "grm"
    if gr.any():
        info[:, gr] = _grm_information(theta, params.a[gr], params.steps[gr])
    return info


def _grm_information(theta: np.ndarray, a: np.ndarray, steps: np.ndarray) -> np.ndarray:
    valid = ~np.isnan(steps)
    star = expit(a[None, :, None] * (theta[:, None, None] - np.where(valid, steps, 0.0)[None]))
    dstar = np.where(valid[None], a[None, :, None] * star * (1.0 - star), 0.0)
    d_upper = np.concatenate([np.zeros(dstar.shape[:2] + (1,)), dstar], axis=2)
    d_lower = np.concatenate([dstar, np.zeros(dstar.shape[:2] + (1,))], axis=2)
    probs = grm_probabilities(theta, a, steps)
    return np.sum((d_upper - d_lower) ** 2 / np.maximum(probs, _EPS), axis=2)


def test_information(params: ItemParameters, theta: np.ndarray) -> np.ndarray:
    """Test information ``(n_theta,)``: the sum of item information."""
    return item_information(params, theta).sum(axis=1)


test_information.__test__ = False  # type: ignore[attr-defined]  # not a pytest test


def standard_error(params: ItemParameters, theta: np.ndarray) -> np.ndarray:
    """Conditional SE of measurement ``1/√I(θ)``, ``(n_theta,)``."""
    return 1.0 / np.sqrt(np.maximum(test_information(params, theta), _EPS))
