"""Quadrature grids for integrating over a normal latent distribution N(μ, σ²).

A :class:`Quadrature` is a fixed set of nodes ``x_q`` with integration weights ``w_q``; the prior
mass of node ``q`` under N(μ, σ²) is ``π_q ∝ w_q · φ((x_q − μ)/σ)``, normalised to sum to 1.
Within one EM run the nodes stay put and only the masses change (Bock & Aitkin, 1981); the
estimator re-centres its default grid (:func:`centred`) on the estimated population between
runs (see :mod:`.mml`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import logsumexp, roots_legendre


@dataclass(frozen=True)
class Quadrature:
    """Nodes ``(n_nodes,)`` and log integration weights ``(n_nodes,)``."""

    nodes: np.ndarray
    log_weights: np.ndarray

    @property
    def n_nodes(self) -> int:
        return int(self.nodes.size)

    def log_prior(self, mean: float = 0.0, sd: float = 1.0) -> np.ndarray:
        """Log prior masses ``log π_q`` of N(mean, sd²) on the nodes, ``(n_nodes,)``; Σπ = 1."""
        z = (self.nodes - mean) / sd
        logp = self.log_weights - 0.5 * z * z
        return logp - logsumexp(logp)


def rectangular(n_nodes: int = 61, bound: float = 6.0) -> Quadrature:
    """Equally spaced nodes on ``[−bound, bound]`` (Kete's default: 61 nodes on [−6, 6])."""
    nodes = np.linspace(-bound, bound, n_nodes)
    return Quadrature(nodes, np.zeros(n_nodes))


def gauss_legendre(n_nodes: int = 41, lower: float = -4.5, upper: float = 4.5) -> Quadrature:
    """Gauss–Legendre nodes on ``[lower, upper]`` (girth's default is 41 nodes on [−4.5, 4.5])."""
    x, w = roots_legendre(n_nodes)
    half = 0.5 * (upper - lower)
    return Quadrature(half * x + 0.5 * (upper + lower), np.log(w * half))


def centred(mean: float = 0.0, sd: float = 1.0, n_nodes: int = 61,
            bound: float = 6.0) -> Quadrature:
    """Equally spaced nodes on ``mean ± bound·sd``: the default grid, which follows the
    (estimated) population; ``centred()`` is :func:`rectangular`'s [−6, 6]."""
    nodes = mean + sd * np.linspace(-bound, bound, n_nodes)
    return Quadrature(nodes, np.zeros(n_nodes))
