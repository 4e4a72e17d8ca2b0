"""Linking two calibrations through their common (anchor) items.

A calibration "from" is placed on the scale of a calibration "to" by the linear map
``θ_to = A·θ_from + B``. Item parameters follow: ``a → a/A``, ``b → A·b + B``, every GPCM step
or GRM threshold ``b_k → A·b_k + B``, ``c`` unchanged; standard errors of ``a`` scale by ``1/A``,
those of locations by ``A``.

Methods (Kolen & Brennan, *Test Equating, Scaling, and Linking*, ch. 6):

* ``mean-mean``: ``A = mean(a_from)/mean(a_to)``, ``B = mean(β_to) − A·mean(β_from)``;
* ``mean-sigma``: ``A = sd(β_to)/sd(β_from)``, same ``B``;

  where β runs over the dichotomous ``b`` and every polytomous step/threshold of the common items.
* ``haebara``: minimise ``Σ_q w_q Σ_i Σ_k [P_ik(θ_q; to) − P_ik(θ_q; from*)]²``;
* ``stocking-lord``: minimise ``Σ_q w_q [Σ_i E_i(θ_q; to) − Σ_i E_i(θ_q; from*)]²``;

  with ``from*`` the transformed from-parameters, ``θ_q`` an equally spaced grid on the to-scale
  and ``w_q`` N(0, 1) weights (the reference population, DESIGN.md §3). The polytomous extension
  sums over categories (Haebara) or uses expected item scores (Stocking–Lord), as in Kim & Lee
  (2006). Both criteria are minimised with Nelder–Mead from the mean/sigma solution.

When every common item is Rasch-family (``rasch``/``pcm``) in both calibrations the slope is
fixed at ``A = 1`` (Rasch calibrations identify the unit; only the origin moves) unless
``fix_slope=False``. A Rasch/PCM item transformed with ``A ≠ 1`` becomes 2PL/GPCM.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize, minimize_scalar

from app.irt.models import category_probabilities
from app.irt.parameters import ItemParameters

LINKING_METHODS = ("stocking-lord", "haebara", "mean-sigma", "mean-mean")
_RASCH_FAMILY = ("rasch", "pcm")


@dataclass(frozen=True)
class LinkResult:
    """A fitted link ``θ_to = A·θ_from + B``.

    Attributes:
        A: slope; B: intercept; method: the method used.
        common_items: ids of the anchor items used, in from-order.
        transformed: every item of the from-calibration expressed on the to-scale.
    """

    A: float
    B: float
    method: str
    common_items: list[str]
    transformed: ItemParameters


def transform(params: ItemParameters, A: float, B: float) -> ItemParameters:
    """Item parameters on the new scale ``θ* = A·θ + B`` (see the module docstring)."""
    out = params.subset(np.arange(params.n_items))
    out.a, out.b, out.steps = params.a / A, A * params.b + B, A * params.steps + B
    if A != 1.0:
        out.model = np.array([{"rasch": "2pl", "pcm": "gpcm"}.get(m, m) for m in params.model],
                             dtype=object)
    scale = {"a": 1.0 / A, "b": A, "steps": A, "c": 1.0}
    out.se = {k: v * scale.get(k, 1.0) for k, v in params.se.items()}
    return out


def transform_abilities(theta: np.ndarray, se: np.ndarray, A: float,
                        B: float) -> tuple[np.ndarray, np.ndarray]:
    """``(A·θ + B, A·se)`` — abilities from the from-scale on the to-scale."""
    return A * np.asarray(theta) + B, A * np.asarray(se)


def common_items(source: ItemParameters, target: ItemParameters,
                 exclude: Iterable[str] = ()) -> tuple[np.ndarray, np.ndarray]:
    """Positions ``(in source, in target)`` of the items both calibrations share.

    Raises:
        ValueError: a shared item has different numbers of score categories in the two.
    """
    skip = set(exclude)
    where = {item: j for j, item in enumerate(target.item_ids)}
    pairs = [(i, where[item]) for i, item in enumerate(source.item_ids)
             if item in where and item not in skip]
    src = np.array([p[0] for p in pairs], dtype=int)
    tgt = np.array([p[1] for p in pairs], dtype=int)
    clash = source.n_categories[src] != target.n_categories[tgt]
    if clash.any():
        names = ", ".join(source.item_ids[i] for i in src[clash])
        raise ValueError(f"common items with different numbers of categories: {names}")
    return src, tgt


def _locations(params: ItemParameters) -> np.ndarray:
    """All location parameters: dichotomous ``b`` and every polytomous step, flattened."""
    values = np.concatenate([params.b[~params.is_polytomous],
                             params.steps[params.is_polytomous].ravel()])
    return values[~np.isnan(values)]


def _moments(source: ItemParameters, target: ItemParameters, method: str,
             fix_slope: bool) -> tuple[float, float]:
    beta_s, beta_t = _locations(source), _locations(target)
    if fix_slope:
        A = 1.0
    elif method == "mean-mean":
        A = float(np.mean(source.a) / np.mean(target.a))
    else:
        sd_s = float(np.std(beta_s))
        A = float(np.std(beta_t)) / sd_s if sd_s > 0 else 1.0
    return A, float(np.mean(beta_t) - A * np.mean(beta_s))


def _curve_loss(source: ItemParameters, target: ItemParameters,
                method: str) -> Callable[[np.ndarray], float]:
    """The characteristic-curve criterion as a function of ``(A, B)``."""
    z = np.linspace(-4.0, 4.0, 41)
    w = np.exp(-0.5 * z**2)
    w /= w.sum()
    p_target = category_probabilities(target, z)
    k = np.arange(p_target.shape[2], dtype=float)

    def loss(x: np.ndarray) -> float:
        A, B = float(x[0]), float(x[1])
        if A <= 0:
            return np.inf
        # P(θ; a/A, A·b + B) = P((θ − B)/A; a, b) for every model.
        p = category_probabilities(source, (z - B) / A)
        if method == "haebara":
            return float(w @ np.sum((p_target - p) ** 2, axis=(1, 2)))
        gap = (p_target - p) @ k  # (n_theta, n_items): expected-score differences
        return float(w @ gap.sum(axis=1) ** 2)

    return loss


def link(source: ItemParameters, target: ItemParameters, method: str = "stocking-lord", *,
         exclude: Iterable[str] = (), fix_slope: bool | None = None) -> LinkResult:
    """Link ``source`` (from) onto the scale of ``target`` (to) through their common items.

    Args:
        source, target: the two calibrations.
        method: one of :data:`LINKING_METHODS`.
        exclude: anchor ids to leave out (e.g. drifting items, see :mod:`app.irt.drift`).
        fix_slope: force ``A = 1``; default: only when all anchors are Rasch/PCM in both.

    Raises:
        ValueError: unknown method, or fewer than two usable common items.
    """
    if method not in LINKING_METHODS:
        raise ValueError(f"unknown linking method {method!r}; choose from {LINKING_METHODS}")
    src, tgt = common_items(source, target, exclude)
    if src.size < 2:
        raise ValueError(f"linking needs at least 2 common items, found {src.size}")
    s, t = source.subset(src), target.subset(tgt)
    if fix_slope is None:
        fix_slope = bool(np.isin(s.model, _RASCH_FAMILY).all()
                         and np.isin(t.model, _RASCH_FAMILY).all())
    A, B = _moments(s, t, method, fix_slope)
    if method in ("haebara", "stocking-lord"):
        A, B = _minimise(s, t, method, A, B, fix_slope)
    return LinkResult(A, B, method, s.item_ids, transform(source, A, B))


def _minimise(s: ItemParameters, t: ItemParameters, method: str, A: float, B: float,
              fix_slope: bool) -> tuple[float, float]:
    loss = _curve_loss(s, t, method)
    if fix_slope:
        res = minimize_scalar(lambda b: loss(np.array([1.0, b])), bracket=(B - 1.0, B + 1.0),
                              tol=1e-12)
        return 1.0, float(res.x)
    res = minimize(loss, np.array([A, B]), method="Nelder-Mead",
                   options={"xatol": 1e-10, "fatol": 1e-15, "maxiter": 4000})
    return float(res.x[0]), float(res.x[1])
