"""Simulated trial data: what a field trial of the bank would have produced.

The demo bank's parameters are estimated from these responses by Kete's own calibration
runs, exactly as real trial data would be.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from app.calibration.files import ResponseTable
from app.irt.parameters import ItemParameters
from app.irt.simulate import simulate_responses


def booklet_mask(units: Sequence[Sequence[int]], n_items: int, n_persons: int,
                 items_per_person: int, rng: np.random.Generator) -> np.ndarray:
    """Which items each person sees, ``(n_persons, n_items)`` bool.

    ``units`` are groups of item positions given together (a passage's items, or one item):
    each person gets randomly chosen units until about ``items_per_person`` items.
    """
    sizes = np.array([len(u) for u in units])
    mask = np.zeros((n_persons, n_items), dtype=bool)
    for person in range(n_persons):
        order = rng.permutation(len(units))
        take = order[: int(np.searchsorted(np.cumsum(sizes[order]), items_per_person)) + 1]
        for unit in take:
            mask[person, list(units[unit])] = True
    return mask


def simulate_trial(params: ItemParameters, units: Sequence[Sequence[int]], *, n_persons: int,
                   items_per_person: int, rng: np.random.Generator,
                   person_prefix: str) -> ResponseTable:
    """Responses of ``n_persons`` with θ ~ N(0, 1) (the reference population) to booklets."""
    theta = rng.normal(0.0, 1.0, n_persons)
    presented = booklet_mask(units, params.n_items, n_persons, items_per_person, rng)
    scores = simulate_responses(params, theta, rng, presented=presented)
    persons = [f"{person_prefix}{i:06d}" for i in range(n_persons)]
    return ResponseTable.from_dense(scores, persons, params.item_ids)
