"""Graded response items for the M-step, in slope–intercept form ``ψ = (a, d_1, …, d_m)``.

    P(X ≥ k | θ) = P*_k = σ(aθ + d_k),   P(X = k) = P*_k − P*_{k+1},   b_k = −d_k / a,

with ``P*_0 = 1``, ``P*_{m+1} = 0`` and ``d_1 > d_2 > … > d_m`` (ordered thresholds); a step that
would break the order is rejected by the step-halving of :func:`fisher_scoring`.
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit

from app.irt.estimation.mstep import ItemFamily


class GrmFamily(ItemFamily):
    """``n`` GRM items with ``n_cat`` categories each (``n_par = 1 + max thresholds``)."""

    def __init__(self, models: np.ndarray, n_cat: np.ndarray,
                 a_prior: tuple[float, float] | None = None,
                 a_prior_mask: np.ndarray | None = None) -> None:
        super().__init__(models, n_cat, a_prior, a_prior_mask)
        self.n_par = self.n_k

    def free_mask(self) -> np.ndarray:
        return np.concatenate([np.ones((self.n, 1), bool), self.valid[:, 1:]], axis=1)

    def from_parameters(self, a: np.ndarray, b: np.ndarray, c: np.ndarray,
                        steps: np.ndarray) -> np.ndarray:
        steps = np.where(self.valid[:, 1:], steps[:, : self.n_k - 1], 0.0)
        return np.concatenate([a[:, None], -a[:, None] * steps], axis=1)

    def to_parameters(self, psi: np.ndarray) -> dict[str, np.ndarray]:
        rep = self.reported(psi)
        return {"a": rep[:, 0], "steps": rep[:, 1:]}

    def reported(self, psi: np.ndarray) -> np.ndarray:
        """``(a, b_1, …, b_m)`` per item, NaN-padded, ``(n, n_par)``."""
        steps = np.where(self.valid[:, 1:], -psi[:, 1:] / psi[:, :1], np.nan)
        return np.concatenate([psi[:, :1], steps], axis=1)

    def reported_jacobian(self, psi: np.ndarray) -> np.ndarray:
        a = psi[:, 0]
        jac = np.zeros((self.n, self.n_par, self.n_par))
        jac[:, 0, 0] = 1.0
        jac[:, 1:, 0] = psi[:, 1:] / a[:, None] ** 2
        idx = np.arange(1, self.n_par)
        jac[:, idx, idx] = -1.0 / a[:, None]
        return jac

    def _cumulative(self, psi: np.ndarray, theta: np.ndarray) -> np.ndarray:
        """``P*_k`` for k = 0..K (``P*_0 = 1``, 0 beyond the top category), ``(n, Q, K + 1)``."""
        star = expit(psi[:, 0, None, None] * theta[None, :, None] + psi[:, None, 1:])
        star = np.where(self.valid[:, None, 1:], star, 0.0)
        ones = np.ones(star.shape[:2] + (1,))
        return np.concatenate([ones, star, np.zeros_like(ones)], axis=2)

    def log_probs(self, psi: np.ndarray, theta: np.ndarray) -> np.ndarray:
        """``log P(X = k | θ_q)``, ``(n, n_nodes, n_k)``; −inf for categories an item lacks."""
        star = self._cumulative(psi, theta)
        probs = star[:, :, :-1] - star[:, :, 1:]
        with np.errstate(divide="ignore"):
            logp = np.log(np.maximum(probs, 1e-300))
        return np.where(self.valid[:, None, :], logp, -np.inf)

    def probs_jacobian(self, psi: np.ndarray,
                       theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``P`` ``(n, Q, K)`` and ``∂P/∂ψ`` ``(n, Q, K, n_par)``."""
        star = self._cumulative(psi, theta)
        probs = np.where(self.valid[:, None, :], star[:, :, :-1] - star[:, :, 1:], 0.0)
        w = star * (1.0 - star)  # ∂P*_k/∂(aθ + d_k); 0 at both ends
        jac = np.zeros(probs.shape + (self.n_par,))
        jac[..., 0] = theta[None, :, None] * (w[:, :, :-1] - w[:, :, 1:])
        for j in range(1, self.n_par):  # ∂P_k/∂d_j = w_j(1[k = j] − 1[k = j − 1])
            jac[:, :, j, j] = w[:, :, j]
            jac[:, :, j - 1, j] = -w[:, :, j]
        return probs, jac

    def start(self, counts: np.ndarray) -> np.ndarray:
        """Starting ψ: a = 1, ``d_k`` from the logit of the cumulative proportion ``P(X ≥ k)``."""
        p = np.where(self.valid, counts + 0.5, 0.0)
        upper = np.cumsum(p[:, ::-1], axis=1)[:, ::-1] / p.sum(axis=1, keepdims=True)
        cum = np.clip(upper[:, 1:], 1e-3, 1 - 1e-3)
        d = np.log(cum / (1.0 - cum)) * np.sqrt(1.0 + np.pi / 8.0)
        return np.concatenate([np.ones((self.n, 1)), np.where(self.valid[:, 1:], d, 0.0)],
                              axis=1)

    def feasible(self, psi: np.ndarray) -> np.ndarray:
        gaps = np.where(self.valid[:, 2:], np.diff(psi[:, 1:], axis=1), -1.0)
        return super().feasible(psi) & np.all(gaps < 0, axis=1)
