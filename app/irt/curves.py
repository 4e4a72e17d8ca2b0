"""Category probabilities with their first and second derivatives in θ (logistic, D = 1).

Person scoring (Newton steps, Warm's correction, posterior curvature) needs ``∂P/∂θ`` and
``∂²P/∂θ²``. Shapes follow :mod:`app.irt.models`: ``theta`` is ``(n_theta,)`` and every array is
``(n_theta, n_items, n_cat)``, zero for categories an item does not have.

* Dichotomous, ``s = logistic(a(θ − b))``, ``P₁ = c + (1 − c)s``:
  ``P₁' = a(1 − c)s(1 − s)``, ``P₁'' = a²(1 − c)s(1 − s)(1 − 2s)``, ``P₀ = 1 − P₁``.
* GPCM with ``E = Σ_k k P_k`` and ``V = Σ_k (k − E)² P_k``:
  ``P_k' = a P_k (k − E)``, ``P_k'' = a² P_k ((k − E)² − V)``.
* GRM with boundary curves ``P*_k`` (``P*_0 = 1``, ``P*_{m+1} = 0``), ``P_k = P*_k − P*_{k+1}``:
  ``P*' = a P*(1 − P*)``, ``P*'' = a² P*(1 − P*)(1 − 2P*)``, differenced likewise.
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit

from app.irt.models import gpcm_probabilities
from app.irt.parameters import ItemParameters

Curves = tuple[np.ndarray, np.ndarray, np.ndarray]


def category_curves(params: ItemParameters, theta: np.ndarray) -> Curves:
    """``(P, P', P'')``, each ``(n_theta, n_items, n_cat)`` with ``n_cat`` = max categories."""
    theta = np.atleast_1d(np.asarray(theta, dtype=float))
    n_cat = int(params.n_categories.max(initial=2))
    out = [np.zeros((theta.size, params.n_items, n_cat)) for _ in range(3)]
    groups = (
        (~params.is_polytomous, _dichotomous),
        (np.isin(params.model, ["gpcm", "pcm"]), _gpcm),
        (params.model == "grm", _grm),
    )
    for sel, fn in groups:
        if sel.any():
            for full, part in zip(out, fn(params, sel, theta), strict=True):
                full[:, sel, : part.shape[2]] = part
    return out[0], out[1], out[2]


def _dichotomous(params: ItemParameters, sel: np.ndarray, theta: np.ndarray) -> Curves:
    a, b, c = params.a[sel], params.b[sel], params.c[sel]
    s = expit(np.outer(theta, a) - a * b)
    p1 = c + (1.0 - c) * s
    d1 = a * (1.0 - c) * s * (1.0 - s)
    d2 = d1 * a * (1.0 - 2.0 * s)
    return (np.stack([1.0 - p1, p1], axis=2), np.stack([-d1, d1], axis=2),
            np.stack([-d2, d2], axis=2))


def _gpcm(params: ItemParameters, sel: np.ndarray, theta: np.ndarray) -> Curves:
    a = params.a[sel][None, :, None]
    probs = gpcm_probabilities(theta, params.a[sel], params.steps[sel])
    k = np.arange(probs.shape[2], dtype=float)
    mean = (probs @ k)[..., None]
    var = (probs @ k**2)[..., None] - mean**2
    return probs, a * probs * (k - mean), a**2 * probs * ((k - mean) ** 2 - var)


def _grm(params: ItemParameters, sel: np.ndarray, theta: np.ndarray) -> Curves:
    a, steps = params.a[sel][None, :, None], params.steps[sel]
    valid = ~np.isnan(steps)[None]
    star = expit(a * (theta[:, None, None] - np.where(valid, steps[None], 0.0)))
    star = np.where(valid, star, 0.0)
    d1 = np.where(valid, a * star * (1.0 - star), 0.0)
    d2 = np.where(valid, a * d1 * (1.0 - 2.0 * star), 0.0)

    def difference(x: np.ndarray, top: float) -> np.ndarray:
        upper = np.concatenate([np.full(x.shape[:2] + (1,), top), x], axis=2)
        lower = np.concatenate([x, np.zeros(x.shape[:2] + (1,))], axis=2)
        return upper - lower

    probs = np.clip(difference(star, 1.0), 0.0, 1.0)
    return probs, difference(d1, 0.0), difference(d2, 0.0)
