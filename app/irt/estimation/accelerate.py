"""SQUAREM acceleration of an EM map (Varadhan & Roland, 2008, scheme S3).

Plain EM creeps when much information is missing. SQUAREM takes two EM steps
``x₁ = F(x₀)``, ``x₂ = F(x₁)``, forms ``r = x₁ − x₀`` and ``v = x₂ − 2x₁ + x₀`` and jumps to

    x' = x₀ − 2αr + α²v,   α = −‖r‖ / ‖v‖,

then stabilises with one more EM step from ``x'``. A jump whose objective (the marginal
log-likelihood plus log priors, computed by the E-step at ``x'``) falls below the objective at
``x₁`` is retried with ``α`` halved towards −1 (``α = −1`` is plain EM, ``x' = x₂``), so the
sequence stays safe.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

# em_map(x) → (F(x), objective at x, size of the step in reported parameters)
EmMap = Callable[[np.ndarray], tuple[np.ndarray, float, float]]


@dataclass
class EmTrace:
    """Objective at each evaluated point and the size of each EM step."""

    objective: list[float] = field(default_factory=list)
    change: list[float] = field(default_factory=list)


def squarem(x: np.ndarray, em_map: EmMap, feasible: Callable[[np.ndarray], bool], tol: float,
            max_evals: int, accelerate: bool = True) -> tuple[np.ndarray, bool, EmTrace]:
    """Iterate ``em_map`` from ``x`` until an EM step moves less than ``tol``.

    Returns the final point, whether it converged, and the trace (one entry per EM step,
    i.e. per E-step; ``max_evals`` bounds their number).
    """
    trace = EmTrace()

    def step(point: np.ndarray) -> np.ndarray:
        new, objective, change = em_map(point)
        trace.objective.append(objective)
        trace.change.append(change)
        return new

    while len(trace.change) < max_evals:
        x1 = step(x)
        if trace.change[-1] < tol or len(trace.change) >= max_evals or not accelerate:
            x = x1
            if trace.change[-1] < tol:
                return x, True, trace
            continue
        x2 = step(x1)
        if trace.change[-1] < tol:
            return x2, True, trace
        x, done = _jump(x, x1, x2, step, feasible, trace, tol, max_evals)
        if done:
            return x, True, trace
    return x, False, trace


def _jump(x0: np.ndarray, x1: np.ndarray, x2: np.ndarray, step: Callable[[np.ndarray], np.ndarray],
          feasible: Callable[[np.ndarray], bool], trace: EmTrace, tol: float,
          max_evals: int) -> tuple[np.ndarray, bool]:
    """One extrapolation with back-tracking; returns the next point and whether EM converged."""
    r = x1 - x0
    v = x2 - 2.0 * x1 + x0
    norm_v = float(np.linalg.norm(v))
    alpha = -float(np.linalg.norm(r)) / norm_v if norm_v > 0 else -1.0
    reference = trace.objective[-1]  # objective at x1
    while alpha < -1.0 and len(trace.change) < max_evals:
        candidate = x0 - 2.0 * alpha * r + alpha**2 * v
        if feasible(candidate):
            new = step(candidate)
            if np.isfinite(trace.objective[-1]) and trace.objective[-1] >= reference:
                return new, trace.change[-1] < tol
        alpha = (alpha - 1.0) / 2.0
        if alpha > -1.01:
            break
    return x2, False
