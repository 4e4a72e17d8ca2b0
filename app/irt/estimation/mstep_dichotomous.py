"""Rasch, 2PL and 3PL items for the M-step, in slope–intercept form ``ψ = (a, d, c)``.

    P(X = 1 | θ) = c + (1 − c)·σ(aθ + d),   σ(z) = 1 / (1 + e^(−z)),   b = −d / a.

Rasch items free only ``d`` (a = 1, c = 0), 2PL items free ``a, d``, 3PL items all three. 3PL
lower asymptotes get a Beta(α, β) prior (default Beta(5, 17): mode 0.2, mean ≈ 0.23, which
keeps ``c`` away from the boundaries when the data say little about it), and their
difficulties a weak normal prior (default N(0, 3²)): an item far too hard for the sample
(P ≈ c for almost everyone) otherwise lets ``b`` run off towards infinity while the
likelihood barely changes — the usual 3PL remedy (as in BILOG's threshold priors).
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit, log_expit

from app.irt.estimation.mstep import ItemFamily


class DichotomousFamily(ItemFamily):
    """``n`` dichotomous items; ``models`` is ``(n,)`` of 'rasch', '2pl' or '3pl'."""

    n_par = 3

    def __init__(self, models: np.ndarray, n_cat: np.ndarray,
                 a_prior: tuple[float, float] | None = None,
                 a_prior_mask: np.ndarray | None = None,
                 c_prior: tuple[float, float] | None = (5.0, 17.0),
                 b_prior: tuple[float, float] | None = (0.0, 3.0)) -> None:
        super().__init__(models, n_cat, a_prior, a_prior_mask)
        self.c_prior = c_prior
        self.b_prior = b_prior
        self.is_3pl = self.models == "3pl"

    def free_mask(self) -> np.ndarray:
        return np.stack([self.models != "rasch", np.ones(self.n, bool), self.is_3pl], axis=1)

    def from_parameters(self, a: np.ndarray, b: np.ndarray, c: np.ndarray,
                        steps: np.ndarray) -> np.ndarray:
        return np.stack([a, -a * b, np.where(self.is_3pl, c, 0.0)], axis=1)

    def to_parameters(self, psi: np.ndarray) -> dict[str, np.ndarray]:
        rep = self.reported(psi)
        return {"a": rep[:, 0], "b": rep[:, 1], "c": rep[:, 2]}

    def reported(self, psi: np.ndarray) -> np.ndarray:
        """``(a, b, c)`` per item, ``(n, 3)``."""
        return np.stack([psi[:, 0], -psi[:, 1] / psi[:, 0], psi[:, 2]], axis=1)

    def reported_jacobian(self, psi: np.ndarray) -> np.ndarray:
        a, d = psi[:, 0], psi[:, 1]
        jac = np.zeros((self.n, 3, 3))
        jac[:, 0, 0] = 1.0
        jac[:, 1, 0] = d / a**2
        jac[:, 1, 1] = -1.0 / a
        jac[:, 2, 2] = 1.0
        return jac

    def log_probs(self, psi: np.ndarray, theta: np.ndarray) -> np.ndarray:
        """``log P(X = k | θ_q)``, ``(n, n_nodes, 2)``."""
        z = psi[:, 0:1] * theta[None, :] + psi[:, 1:2]
        c = psi[:, 2:3]
        with np.errstate(divide="ignore", invalid="ignore"):
            log1mc = np.log1p(-c)
            log_p1 = np.logaddexp(np.log(c), log1mc + log_expit(z))
            log_p0 = log1mc + log_expit(-z)
        return np.stack([log_p0, log_p1], axis=2)

    def probs_jacobian(self, psi: np.ndarray,
                       theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``P`` ``(n, Q, 2)`` and ``∂P/∂(a, d, c)`` ``(n, Q, 2, 3)``."""
        z = psi[:, 0:1] * theta[None, :] + psi[:, 1:2]
        s = expit(z)
        c = psi[:, 2:3]
        p1 = c + (1.0 - c) * s
        ds = (1.0 - c) * s * (1.0 - s)
        d_p1 = np.stack([ds * theta[None, :], ds, 1.0 - s], axis=2)
        probs = np.stack([1.0 - p1, p1], axis=2)
        return probs, np.stack([-d_p1, d_p1], axis=2)

    def start(self, counts: np.ndarray) -> np.ndarray:
        """Starting ψ from the counts ``(n, 2)``: a = 1, c = 0.2 (3PL), d from the p-value."""
        p = (counts[:, 1] + 0.5) / (counts.sum(axis=1) + 1.0)
        c = np.where(self.is_3pl, 0.2, 0.0)
        p_star = np.clip((p - c) / (1.0 - c), 0.02, 0.98)
        # σ(d/√(1 + πa²/8)) approximates the marginal p-value under N(0, 1) with a = 1
        d = np.log(p_star / (1.0 - p_star)) * np.sqrt(1.0 + np.pi / 8.0)
        return np.stack([np.ones(self.n), d, c], axis=1)

    def feasible(self, psi: np.ndarray) -> np.ndarray:
        c_ok = (psi[:, 2] >= 0.0) & (psi[:, 2] < 0.95)
        return super().feasible(psi) & c_ok

    def log_prior(self, psi: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Lognormal slope prior (base class), Beta(α, β) on 3PL ``c``, normal on 3PL ``b``."""
        value, grad, info = super().log_prior(psi)
        self._b_prior(psi, value, grad, info)
        if self.c_prior is not None and self.is_3pl.any():
            alpha, beta = self.c_prior
            m = self.is_3pl
            c = np.clip(psi[m, 2], 1e-10, 1 - 1e-10)
            value[m] += (alpha - 1) * np.log(c) + (beta - 1) * np.log1p(-c)
            grad[m, 2] += (alpha - 1) / c - (beta - 1) / (1 - c)
            info[m, 2, 2] += (alpha - 1) / c**2 + (beta - 1) / (1 - c) ** 2
        return value, grad, info

    def _b_prior(self, psi: np.ndarray, value: np.ndarray, grad: np.ndarray,
                 info: np.ndarray) -> None:
        """Add ``log N(b; μ, σ²)`` for 3PL items, with ``b = −d/a``, in place.

        Gradient by the chain rule through ``∂b/∂a = d/a²`` and ``∂b/∂d = −1/a``; the
        information is the Gauss–Newton term ``g gᵀ / σ²`` (positive semi-definite).
        """
        if self.b_prior is None or not self.is_3pl.any():
            return
        mu, sd = self.b_prior
        m = self.is_3pl
        a, d = np.maximum(psi[m, 0], 1e-6), psi[m, 1]
        b = -d / a
        g = np.stack([d / a**2, -1.0 / a], axis=1)  # ∂b/∂(a, d)
        value[m] += -0.5 * ((b - mu) / sd) ** 2
        grad[m, :2] += (-(b - mu) / sd**2)[:, None] * g
        info[m, :2, :2] += g[:, :, None] * g[:, None, :] / sd**2
