"""The M-step: vectorised Fisher scoring for all items of one model family at once.

Each family (:mod:`.mstep_dichotomous`, :mod:`.mstep_gpcm`, :mod:`.mstep_grm`) works in an
internal slope–intercept vector ``ψ`` of shape ``(n_items, n_par)`` and supplies the category
probabilities ``P`` ``(n_items, n_nodes, n_cat)`` and their Jacobian ``J = ∂P/∂ψ``
``(n_items, n_nodes, n_cat, n_par)``. Given expected counts ``r`` ``(n_items, n_nodes, n_cat)``
from the E-step, the M-step maximises, item by item,

    f(ψ) = Σ_q Σ_k r_qk · log P_k(θ_q; ψ) + log prior(ψ)

with Fisher scoring: gradient ``Σ r_qk J_qk / P_qk``, information ``Σ_q n_q Σ_k J_qk J_qkᵀ / P_qk``
(``n_q = Σ_k r_qk``), step-halving until ``f`` does not decrease. Fixed parameters (Rasch/PCM
slopes, anchor items) keep their values through a boolean ``free`` mask.
"""

from __future__ import annotations

import numpy as np

_TINY = 1e-300


class ItemFamily:
    """Base class: ``n`` items of related models with ``n_par`` internal parameters each.

    Subclasses implement ``from_parameters``, ``to_parameters``, ``reported``,
    ``reported_jacobian``, ``log_probs``, ``probs_jacobian``, ``start`` and ``free_mask``.
    """

    n_par: int = 0

    def __init__(self, models: np.ndarray, n_cat: np.ndarray,
                 a_prior: tuple[float, float] | None = None,
                 a_prior_mask: np.ndarray | None = None) -> None:
        self.models = np.asarray(models, dtype=object)
        self.n_cat = np.asarray(n_cat, dtype=int)
        self.n = self.models.size
        self.n_k = int(self.n_cat.max(initial=2))
        self.valid = np.arange(self.n_k)[None, :] < self.n_cat[:, None]
        self.a_prior = a_prior
        self.a_prior_mask = (np.zeros(self.n, bool) if a_prior_mask is None
                             else np.asarray(a_prior_mask, bool))

    # ---------------------------------------------------------------- to be overridden
    def free_mask(self) -> np.ndarray:  # (n, n_par) bool
        raise NotImplementedError

    def from_parameters(self, a: np.ndarray, b: np.ndarray, c: np.ndarray,
                        steps: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def to_parameters(self, psi: np.ndarray) -> dict[str, np.ndarray]:
        raise NotImplementedError

    def reported(self, psi: np.ndarray) -> np.ndarray:  # (n, n_par), NaN where not applicable
        raise NotImplementedError

    def reported_jacobian(self, psi: np.ndarray) -> np.ndarray:  # (n, n_par, n_par)
        raise NotImplementedError

    def log_probs(self, psi: np.ndarray, theta: np.ndarray) -> np.ndarray:  # (n, Q, K)
        raise NotImplementedError

    def probs_jacobian(self, psi: np.ndarray,
                       theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        raise NotImplementedError

    def start(self, counts: np.ndarray) -> np.ndarray:  # counts (n, K) → ψ (n, n_par)
        raise NotImplementedError

    def feasible(self, psi: np.ndarray) -> np.ndarray:  # (n,) bool
        return np.asarray(psi[:, 0] > 0.02) & (psi[:, 0] < 50.0)

    # ---------------------------------------------------------------- priors
    def log_prior(self, psi: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Log prior ``(n,)``, its gradient ``(n, n_par)`` and a PSD information ``(n, p, p)``.

        Default: ``log a ~ N(mean, sd²)`` (lognormal slope) on items in ``a_prior_mask``.
        """
        value = np.zeros(self.n)
        grad = np.zeros((self.n, self.n_par))
        info = np.zeros((self.n, self.n_par, self.n_par))
        if self.a_prior is not None and self.a_prior_mask.any():
            mu, sd = self.a_prior
            m = self.a_prior_mask
            a = np.maximum(psi[m, 0], 1e-6)
            z = (np.log(a) - mu) / sd
            value[m] = -np.log(a) - 0.5 * z * z
            grad[m, 0] = -(1.0 + z / sd) / a
            info[m, 0, 0] = np.maximum((1.0 / sd**2 - 1.0 - z / sd) / a**2, 0.0)
        return value, grad, info


def objective(family: ItemFamily, psi: np.ndarray, counts: np.ndarray,
              theta: np.ndarray) -> np.ndarray:
    """``f(ψ)`` per item ``(n,)``; −inf where ψ is infeasible."""
    logp = family.log_probs(psi, theta)
    ll = np.sum(counts * np.where(counts > 0, logp, 0.0), axis=(1, 2))
    out = ll + family.log_prior(psi)[0]
    return np.where(family.feasible(psi) & np.isfinite(out), out, -np.inf)


def score_and_information(family: ItemFamily, psi: np.ndarray, counts: np.ndarray,
                          theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Gradient ``(n, n_par)`` and expected information ``(n, n_par, n_par)`` of ``f``."""
    probs, jac = family.probs_jacobian(psi, theta)
    safe = np.maximum(probs, _TINY)
    ratio = np.where(probs > 0, counts / safe, 0.0)
    grad = np.einsum("nqk,nqkp->np", ratio, jac)
    weight = np.where(probs > 0, counts.sum(axis=2, keepdims=True) / safe, 0.0)
    info = np.einsum("nqk,nqkp,nqkr->npr", weight, jac, jac, optimize=True)
    _, prior_grad, prior_info = family.log_prior(psi)
    return grad + prior_grad, info + prior_info


def fisher_scoring(family: ItemFamily, psi: np.ndarray, free: np.ndarray, counts: np.ndarray,
                   theta: np.ndarray, max_iter: int = 30, tol: float = 1e-7) -> np.ndarray:
    """Maximise ``f`` for every item; ``counts`` ``(n, Q, K)``, returns the new ψ ``(n, n_par)``."""
    psi = psi.copy()
    active = free.any(axis=1)
    f_old = objective(family, psi, counts, theta)
    for _ in range(max_iter):
        if not active.any():
            break
        grad, info = score_and_information(family, psi, counts, theta)
        step = _solve(grad, info, free)
        step *= np.minimum(1.0, 1.0 / np.maximum(np.abs(step).max(axis=1), 1e-12))[:, None]
        step[~active] = 0.0
        psi, f_old, moved = _step_halving(family, psi, step, f_old, counts, theta)
        active &= moved > tol
    return psi


def _solve(grad: np.ndarray, info: np.ndarray, free: np.ndarray) -> np.ndarray:
    """Newton direction ``info⁻¹ grad`` restricted to the free parameters of each item."""
    both = free[:, :, None] & free[:, None, :]
    eye = np.broadcast_to(np.eye(free.shape[1]), info.shape)
    system = np.where(both, info, eye) + 1e-10 * eye
    rhs = np.where(free, grad, 0.0)
    try:
        return np.linalg.solve(system, rhs[..., None])[..., 0]
    except np.linalg.LinAlgError:  # a singular item (e.g. empty counts): least squares
        return (np.linalg.pinv(system) @ rhs[..., None])[..., 0]


def _step_halving(family: ItemFamily, psi: np.ndarray, step: np.ndarray, f_old: np.ndarray,
                  counts: np.ndarray, theta: np.ndarray,
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Take ``t·step`` with the largest ``t`` in 1, ½, ¼, … that does not lower ``f``."""
    t = np.ones(psi.shape[0])
    for _ in range(20):
        cand = psi + t[:, None] * step
        f_new = objective(family, cand, counts, theta)
        ok = f_new >= f_old - 1e-9 * np.abs(f_old)
        if ok.all():
            break
        t = np.where(ok, t, 0.5 * t)
    take = ok & np.isfinite(f_new)
    new_psi = np.where(take[:, None], cand, psi)
    moved = np.where(take, np.abs(t[:, None] * step).max(axis=1), 0.0)
    return new_psi, np.where(take, f_new, f_old), moved


def gradient(family: ItemFamily, psi: np.ndarray, counts: np.ndarray,
             theta: np.ndarray) -> np.ndarray:
    """Gradient ``(n, n_par)`` of ``f`` (log-likelihood of the counts plus log prior)."""
    probs, jac = family.probs_jacobian(psi, theta)
    ratio = np.where(probs > 0, counts / np.maximum(probs, _TINY), 0.0)
    return np.einsum("nqk,nqkp->np", ratio, jac) + family.log_prior(psi)[1]
