"""Item information on a fine θ grid, read by linear interpolation.

Selecting the next item needs ``I_i(θ̂)`` for every item at every step; computing it from the
model each time is the slow part of a simulation. The table is built once per bank
(``n_grid × n_items`` floats: 601 × 1,000 is under 5 MB); between grid points (0.02 logits
apart by default) the interpolation error is far below what separates two items.
"""

from __future__ import annotations

import numpy as np

from app.irt.models import item_information
from app.irt.parameters import ItemParameters


class InformationTable:
    """``I_i(θ)`` of every item on ``grid``, ``(n_grid, n_items)``; :meth:`at` reads it."""

    def __init__(self, params: ItemParameters, low: float = -6.0, high: float = 6.0,
                 step: float = 0.02) -> None:
        self.grid = np.arange(low, high + step / 2, step)
        self.table = item_information(params, self.grid)
        self.low, self.step = float(self.grid[0]), float(step)

    def at(self, theta: float) -> np.ndarray:
        """Information of every item at ``theta`` (clamped to the grid), ``(n_items,)``."""
        x = (min(max(float(theta), self.low), float(self.grid[-1])) - self.low) / self.step
        k = min(int(x), self.grid.size - 2)
        w = x - k
        return (1.0 - w) * self.table[k] + w * self.table[k + 1]
