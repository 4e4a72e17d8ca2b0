"""Fixtures for the estimation tests: item banks with known parameters."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from app.irt.parameters import ItemParameters

BankMaker = Callable[..., ItemParameters]


def _well_spread(model: str, n_items: int, rng: np.random.Generator, n_categories: int = 4,
                 prefix: str = "") -> ItemParameters:
    """Locations spread evenly over [−1.2, 1.2] so every score category is reachable."""
    a = np.exp(rng.normal(0.0, 0.2, n_items)) if model not in ("rasch", "pcm") else (
        np.ones(n_items))
    loc = np.linspace(-1.2, 1.2, n_items)[rng.permutation(n_items)]
    records = []
    for j in range(n_items):
        rec: dict = {"item_id": f"{prefix}{model}{j:02d}", "model": model, "a": a[j]}
        if model in ("gpcm", "pcm", "grm"):
            rec["steps"] = (loc[j] + np.linspace(-1.0, 1.0, n_categories - 1)).tolist()
        else:
            rec["b"] = loc[j]
            rec["c"] = rng.uniform(0.12, 0.28) if model == "3pl" else 0.0
        records.append(rec)
    return ItemParameters.from_records(records)


@pytest.fixture
def well_spread() -> BankMaker:
    """``well_spread(model, n_items, rng, n_categories=4, prefix="")`` → ItemParameters."""
    return _well_spread
