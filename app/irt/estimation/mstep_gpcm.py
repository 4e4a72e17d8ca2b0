"""GPCM and PCM items for the M-step, in slope–intercept form ``ψ = (a, δ_1, …, δ_m)``.

    P(X = k | θ) ∝ exp(k·a·θ + δ_k),   δ_0 = 0,   δ_k = −a·Σ_{v≤k} b_v,

so the step difficulties are ``b_v = −(δ_v − δ_{v−1}) / a``. PCM fixes ``a = 1``. In this form the
log-likelihood is concave (a multinomial logit), so Fisher scoring is Newton's method.
"""

from __future__ import annotations

import numpy as np
from scipy.special import log_softmax

from app.irt.estimation.mstep import ItemFamily


class GpcmFamily(ItemFamily):
    """``n`` GPCM/PCM items with ``n_cat`` categories each (``n_par = 1 + max steps``)."""

    def __init__(self, models: np.ndarray, n_cat: np.ndarray,
                 a_prior: tuple[float, float] | None = None,
                 a_prior_mask: np.ndarray | None = None) -> None:
        super().__init__(models, n_cat, a_prior, a_prior_mask)
        self.n_par = self.n_k  # a plus n_k − 1 intercepts

    def free_mask(self) -> np.ndarray:
        return np.concatenate([(self.models != "pcm")[:, None], self.valid[:, 1:]], axis=1)

    def from_parameters(self, a: np.ndarray, b: np.ndarray, c: np.ndarray,
                        steps: np.ndarray) -> np.ndarray:
        steps = np.where(self.valid[:, 1:], steps[:, : self.n_k - 1], 0.0)
        return np.concatenate([a[:, None], -a[:, None] * np.cumsum(steps, axis=1)], axis=1)

    def to_parameters(self, psi: np.ndarray) -> dict[str, np.ndarray]:
        rep = self.reported(psi)
        return {"a": rep[:, 0], "steps": rep[:, 1:]}

    def reported(self, psi: np.ndarray) -> np.ndarray:
        """``(a, b_1, …, b_m)`` per item, NaN-padded, ``(n, n_par)``."""
        delta = np.concatenate([np.zeros((self.n, 1)), psi[:, 1:]], axis=1)
        steps = -np.diff(delta, axis=1) / psi[:, :1]
        return np.concatenate([psi[:, :1], np.where(self.valid[:, 1:], steps, np.nan)], axis=1)

    def reported_jacobian(self, psi: np.ndarray) -> np.ndarray:
        a = psi[:, 0]
        delta = np.concatenate([np.zeros((self.n, 1)), psi[:, 1:]], axis=1)
        jac = np.zeros((self.n, self.n_par, self.n_par))
        jac[:, 0, 0] = 1.0
        m = self.n_par - 1
        jac[:, 1:, 0] = np.diff(delta, axis=1) / a[:, None] ** 2
        idx = np.arange(m)
        jac[:, 1 + idx, 1 + idx] = -1.0 / a[:, None]
        jac[:, 2 + idx[:-1], 1 + idx[:-1]] = 1.0 / a[:, None]
        return jac

    def _logits(self, psi: np.ndarray, theta: np.ndarray) -> np.ndarray:
        k = np.arange(self.n_k, dtype=float)
        delta = np.concatenate([np.zeros((self.n, 1)), psi[:, 1:]], axis=1)
        z = psi[:, 0, None, None] * theta[None, :, None] * k + delta[:, None, :]
        return np.where(self.valid[:, None, :], z, -np.inf)

    def log_probs(self, psi: np.ndarray, theta: np.ndarray) -> np.ndarray:
        """``log P(X = k | θ_q)``, ``(n, n_nodes, n_k)``; −inf for categories an item lacks."""
        return log_softmax(self._logits(psi, theta), axis=2)

    def probs_jacobian(self, psi: np.ndarray,
                       theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``P`` ``(n, Q, K)`` and ``∂P/∂ψ`` ``(n, Q, K, n_par)``: ``P_k(∂z_k − Σ_l P_l ∂z_l)``."""
        probs = np.exp(self.log_probs(psi, theta))
        k = np.arange(self.n_k, dtype=float)
        dz_a = theta[None, :, None] * k  # ∂z_k/∂a, (1, Q, K)
        mean_dz_a = np.sum(probs * dz_a, axis=2, keepdims=True)
        jac = np.empty(probs.shape + (self.n_par,))
        jac[..., 0] = probs * (dz_a - mean_dz_a)
        # ∂z_k/∂δ_j = 1[k = j] for j = 1..m
        eye = np.eye(self.n_k)[:, 1:]  # (K, m)
        jac[..., 1:] = probs[..., None] * (eye[None, None] - probs[:, :, None, 1:])
        return probs, jac

    def start(self, counts: np.ndarray) -> np.ndarray:
        """Starting ψ from category counts ``(n, K)``: a = 1, δ_k = log(p_k / p_0)."""
        p = np.where(self.valid, counts + 0.5, 1.0)
        delta = np.log(p[:, 1:] / p[:, :1])
        return np.concatenate([np.ones((self.n, 1)), np.where(self.valid[:, 1:], delta, 0.0)],
                              axis=1)
