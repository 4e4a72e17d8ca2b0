"""Person ability estimates (EAP, MAP, MLE, WLE) for mixed-model tests with missing responses.

``responses`` is ``(n_persons, n_items)`` float: the score ``0..max_score`` of each item, NaN where
the item was not presented. Everything is vectorised over persons. With ``L(θ) = Π_i P_i(x_i | θ)``
over the presented items and a normal prior ``φ(θ; μ, σ)``:

* **EAP**: ``θ̂ = ∫ θ L φ dθ / ∫ L φ dθ`` on a quadrature grid; SE = posterior SD.
* **MAP**: root of ``∂ log L/∂θ − (θ − μ)/σ² = 0``; SE = ``1/√(−∂² log L/∂θ² + 1/σ²)``.
* **MLE**: root of ``∂ log L/∂θ = 0``; SE = ``1/√I(θ̂)``.
* **WLE** (Warm, 1989): root of ``∂ log L/∂θ + J(θ)/(2 I(θ)) = 0`` with
  ``J = Σ_i Σ_k P'_ik P''_ik / P_ik``; SE = ``1/√I(θ̂)``.

Roots are found by safeguarded Newton–Fisher scoring: steps ``f/I`` capped at 1 logit, and a
bisection fallback inside the bracket ``[−bound, bound]`` that every iteration narrows.

Patterns that carry no location information, and what each method does with them:

* **No item presented** (flag ``NO_RESPONSES``): EAP and MAP return the prior (mean, SD);
  MLE and WLE return NaN for θ and SE.
* **Every presented item at its lowest/highest score** (``LOWEST_SCORES`` / ``HIGHEST_SCORES``):
  the likelihood is monotone, so the MLE is ∓∞. MLE returns ``∓bound`` (default ±6) with the flag
  ``AT_BOUND`` and SE = ``1/√I(±bound)`` — a report should show these as "below/above the range
  of this test", not as a precise score. WLE is finite for these patterns (Warm's correction
  pulls it in; checked for 2PL and 3PL tests), though its SE is large; should it still reach the
  bound it too is flagged ``AT_BOUND``. EAP and MAP are always finite (the prior regularises).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import IntFlag

import numpy as np
from scipy.special import logsumexp

from app.irt.curves import category_curves
from app.irt.models import category_probabilities
from app.irt.parameters import ItemParameters

_TINY = 1e-300


class ScoreFlag(IntFlag):
    """Bit flags describing each person's estimate (combine with ``|``)."""

    NONE = 0
    NO_RESPONSES = 1
    LOWEST_SCORES = 2
    HIGHEST_SCORES = 4
    AT_BOUND = 8
    NOT_CONVERGED = 16


@dataclass(frozen=True)
class AbilityEstimates:
    """Ability estimates of ``n_persons`` persons.

    Attributes:
        theta: estimates, ``(n_persons,)`` (NaN when no estimate exists, see the module notes).
        se: standard errors, ``(n_persons,)``.
        flags: :class:`ScoreFlag` bits per person, int ``(n_persons,)``.
        method: ``"eap"``, ``"map"``, ``"mle"`` or ``"wle"``.
    """

    theta: np.ndarray
    se: np.ndarray
    flags: np.ndarray
    method: str

    def has(self, flag: ScoreFlag) -> np.ndarray:
        """Boolean ``(n_persons,)``: which persons carry ``flag``."""
        return (self.flags & int(flag)) != 0


def check_responses(params: ItemParameters, responses: np.ndarray) -> np.ndarray:
    """Validate a ``(n_persons, n_items)`` score matrix against the items; return it as float.

    Raises:
        ValueError: wrong number of columns, or scores that are not whole numbers in
            ``0..max_score`` (the message names the offending items).
    """
    x = np.atleast_2d(np.asarray(responses, dtype=float))
    if x.shape[1] != params.n_items:
        raise ValueError(f"responses have {x.shape[1]} items, parameters have {params.n_items}")
    seen = ~np.isnan(x)
    ok = ~seen | ((x >= 0) & (x <= params.max_score[None, :]) & (np.round(x) == x))
    bad = np.flatnonzero(~ok.all(axis=0))
    if bad.size:
        names = ", ".join(params.item_ids[i] for i in bad[:20])
        raise ValueError(f"scores outside 0..max_score (or not whole numbers) for items: {names}")
    return x


def log_likelihood(params: ItemParameters, responses: np.ndarray, theta: np.ndarray) -> np.ndarray:
    """``log L(θ_q)`` of each person's pattern at each grid point, ``(n_persons, n_theta)``."""
    x = check_responses(params, responses)
    logp = np.log(np.maximum(category_probabilities(params, theta), _TINY))  # (q, items, cat)
    out = np.zeros((x.shape[0], logp.shape[0]))
    for k in range(logp.shape[2]):
        out += (x == k).astype(float) @ logp[:, :, k].T
    return out


def normal_quadrature(mean: float = 0.0, sd: float = 1.0, n_points: int = 81,
                      bound: float = 6.0) -> tuple[np.ndarray, np.ndarray]:
    """Equally spaced nodes on ``mean ± bound·sd`` with normalised N(mean, sd²) weights."""
    z = np.linspace(-bound, bound, n_points)
    w = np.exp(-0.5 * z**2)
    return mean + sd * z, w / w.sum()


def score_eap(params: ItemParameters, responses: np.ndarray, *, prior_mean: float = 0.0,
              prior_sd: float = 1.0, n_points: int = 81,
              quadrature: tuple[np.ndarray, np.ndarray] | None = None) -> AbilityEstimates:
    """Expected a posteriori θ with the posterior SD as SE.

    ``quadrature = (nodes, prior_weights)`` overrides the N(prior_mean, prior_sd) grid of
    ``n_points`` nodes (e.g. to use a calibration's estimated latent distribution).
    """
    nodes, weights = quadrature or normal_quadrature(prior_mean, prior_sd, n_points)
    log_post = log_likelihood(params, responses, nodes) + np.log(np.maximum(weights, _TINY))
    post = np.exp(log_post - logsumexp(log_post, axis=1, keepdims=True))
    theta = post @ nodes
    se = np.sqrt(np.maximum(post @ nodes**2 - theta**2, 0.0))
    return AbilityEstimates(theta, se, _pattern_flags(params, responses), "eap")


@dataclass
class _Derivatives:
    score: np.ndarray  # ∂ log L/∂θ, (n,)
    curvature: np.ndarray  # ∂² log L/∂θ², (n,)
    info: np.ndarray  # test information over presented items, (n,)
    warm: np.ndarray  # J(θ), (n,)


def _derivatives(params: ItemParameters, x: np.ndarray, theta: np.ndarray) -> _Derivatives:
    """Log-likelihood derivatives of each person's pattern ``x`` ``(n, items)`` at their θ."""
    p, d1, d2 = category_curves(params, theta)  # (n, items, cat)
    seen = ~np.isnan(x)
    observed = (np.where(seen, x, -1)[..., None] == np.arange(p.shape[2])).astype(float)
    ratio = d1 / np.maximum(p, _TINY)
    info_ik = d1 * ratio * seen[..., None]
    return _Derivatives(
        score=np.sum(observed * ratio, axis=(1, 2)),
        curvature=np.sum(observed * (d2 / np.maximum(p, _TINY) - ratio**2), axis=(1, 2)),
        info=info_ik.sum(axis=(1, 2)),
        warm=np.sum(ratio * d2 * seen[..., None], axis=(1, 2)),
    )


Equation = Callable[[_Derivatives, np.ndarray], tuple[np.ndarray, np.ndarray]]


def _solve(params: ItemParameters, x: np.ndarray, equation: Equation, bound: float,
           tol: float = 1e-8, max_iter: int = 200) -> tuple[np.ndarray, np.ndarray]:
    """Root of a decreasing estimating equation ``f(θ)`` per person (``equation`` → f, slope).

    Returns ``(theta, converged)``, both ``(n_persons,)``.
    """
    n = x.shape[0]
    theta, lo, hi = np.zeros(n), np.full(n, -bound), np.full(n, bound)
    active = np.ones(n, dtype=bool)
    for _ in range(max_iter):
        idx = np.flatnonzero(active)
        if idx.size == 0:
            break
        f, slope = equation(_derivatives(params, x[idx], theta[idx]), theta[idx])
        lo[idx] = np.where(f > 0, theta[idx], lo[idx])
        hi[idx] = np.where(f > 0, hi[idx], theta[idx])
        new = theta[idx] + np.clip(f / np.maximum(slope, _TINY), -1.0, 1.0)
        outside = (new <= lo[idx]) | (new >= hi[idx])
        new = np.where(outside, 0.5 * (lo[idx] + hi[idx]), new)
        step = np.abs(new - theta[idx])
        theta[idx] = new
        active[idx] = (step > tol) & (hi[idx] - lo[idx] > tol)
    return theta, ~active


def _pattern_flags(params: ItemParameters, responses: np.ndarray) -> np.ndarray:
    x = check_responses(params, responses)
    seen = ~np.isnan(x)
    none = ~seen.any(axis=1)
    lowest = ~none & np.all(~seen | (x == 0), axis=1)
    highest = ~none & np.all(~seen | (x == params.max_score[None, :]), axis=1)
    return (none * ScoreFlag.NO_RESPONSES + lowest * ScoreFlag.LOWEST_SCORES
            + highest * ScoreFlag.HIGHEST_SCORES).astype(int)


def _newton_estimates(params: ItemParameters, responses: np.ndarray, method: str,
                      equation: Equation, bound: float) -> tuple[np.ndarray, np.ndarray]:
    """Solve for the persons with responses (MLE: only non-extreme ones); return θ and flags."""
    x = check_responses(params, responses)
    flags = _pattern_flags(params, x)
    theta = np.full(x.shape[0], np.nan)
    skip = ScoreFlag.NO_RESPONSES
    if method == "mle":
        skip |= ScoreFlag.LOWEST_SCORES | ScoreFlag.HIGHEST_SCORES
        theta[(flags & ScoreFlag.LOWEST_SCORES) != 0] = -bound
        theta[(flags & ScoreFlag.HIGHEST_SCORES) != 0] = bound
    todo = (flags & int(skip)) == 0
    theta[todo], converged = _solve(params, x[todo], equation, bound)
    flags[np.flatnonzero(todo)[~converged]] |= ScoreFlag.NOT_CONVERGED
    flags[np.abs(theta) >= bound - 1e-6] |= ScoreFlag.AT_BOUND
    return theta, flags


def score_mle(params: ItemParameters, responses: np.ndarray, *,
              bound: float = 6.0) -> AbilityEstimates:
    """Maximum-likelihood θ, SE = 1/√I(θ̂); extreme patterns go to ±bound (flag AT_BOUND)."""
    theta, flags = _newton_estimates(params, responses, "mle",
                                     lambda d, t: (d.score, d.info), bound)
    return AbilityEstimates(theta, _info_se(params, responses, theta), flags, "mle")


def score_wle(params: ItemParameters, responses: np.ndarray, *,
              bound: float = 6.0) -> AbilityEstimates:
    """Warm's weighted-likelihood θ (finite for extreme dichotomous patterns), SE = 1/√I(θ̂)."""
    def equation(d: _Derivatives, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return d.score + d.warm / (2.0 * np.maximum(d.info, _TINY)), d.info

    theta, flags = _newton_estimates(params, responses, "wle", equation, bound)
    return AbilityEstimates(theta, _info_se(params, responses, theta), flags, "wle")


def score_map(params: ItemParameters, responses: np.ndarray, *, prior_mean: float = 0.0,
              prior_sd: float = 1.0, bound: float = 8.0) -> AbilityEstimates:
    """Posterior mode under N(prior_mean, prior_sd²); SE from the posterior curvature."""
    precision = 1.0 / prior_sd**2

    def equation(d: _Derivatives, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return d.score - (t - prior_mean) * precision, d.info + precision

    x = check_responses(params, responses)
    # The bracket is centred on 0, so a far-off prior mean needs a wider one.
    theta, flags = _newton_estimates(params, x, "map", equation, bound + abs(prior_mean))
    theta[(flags & ScoreFlag.NO_RESPONSES) != 0] = prior_mean
    d = _derivatives(params, x, theta)
    # −∂² log posterior; a 3PL likelihood can be locally convex, then use the expected value.
    curvature = -d.curvature + precision
    curvature = np.where(curvature > 0, curvature, d.info + precision)
    return AbilityEstimates(theta, 1.0 / np.sqrt(curvature), flags, "map")


def _info_se(params: ItemParameters, responses: np.ndarray, theta: np.ndarray) -> np.ndarray:
    x = check_responses(params, responses)
    ok = ~np.isnan(theta)
    se = np.full(theta.shape, np.nan)
    info = _derivatives(params, x[ok], theta[ok]).info
    se[ok] = np.where(info > 0, 1.0 / np.sqrt(np.maximum(info, _TINY)), np.inf)
    return se


METHODS: dict[str, Callable[..., AbilityEstimates]] = {
    "eap": score_eap, "map": score_map, "mle": score_mle, "wle": score_wle,
}


def score(params: ItemParameters, responses: np.ndarray, method: str = "eap",
          **options: float) -> AbilityEstimates:
    """Score persons with ``method`` in :data:`METHODS`; ``options`` go to that estimator."""
    if method not in METHODS:
        raise ValueError(f"unknown scoring method {method!r}; choose from {sorted(METHODS)}")
    return METHODS[method](params, responses, **options)


def subscore(params: ItemParameters, responses: np.ndarray,
             items: np.ndarray | Sequence[str], method: str = "eap",
             **options: float) -> AbilityEstimates:
    """Score on a subset of items only (a strand, or the surface/deep items of a form).

    ``items`` is a boolean mask ``(n_items,)`` or a list of item ids; the other items are
    ignored. Persons who saw none of the subset get the ``NO_RESPONSES`` flag.
    """
    mask = np.asarray(items)
    if mask.dtype != bool:
        wanted = {str(i) for i in items}
        unknown = wanted - set(params.item_ids)
        if unknown:
            raise ValueError(f"unknown item ids in subscore: {sorted(unknown)}")
        mask = np.array([i in wanted for i in params.item_ids])
    idx = np.flatnonzero(mask)
    x = np.atleast_2d(np.asarray(responses, dtype=float))[:, idx]
    return score(params.subset(idx), x, method, **options)
