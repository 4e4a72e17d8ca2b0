"""Item parameters for a set of items, held as parallel arrays.

All models use the logistic metric with D = 1 (see DESIGN.md §3):

* ``rasch`` / ``2pl`` / ``3pl``: ``P(θ) = c + (1 − c) / (1 + exp(−a(θ − b)))``;
  Rasch has ``a = 1, c = 0``; 2PL has ``c = 0``.
* ``gpcm`` (``pcm`` is GPCM with ``a = 1``): category ``k = 0..m`` has
  ``P_k ∝ exp(Σ_{v≤k} a(θ − b_v))`` with step difficulties ``b_1..b_m`` (empty sum for k = 0).
* ``grm``: ``P(X ≥ k) = 1 / (1 + exp(−a(θ − b_k)))`` with ordered thresholds ``b_1 < … < b_m``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

DICHOTOMOUS = frozenset({"rasch", "2pl", "3pl"})
POLYTOMOUS = frozenset({"gpcm", "pcm", "grm"})
MODELS = DICHOTOMOUS | POLYTOMOUS


@dataclass
class ItemParameters:
    """Parameters of ``n_items`` items, possibly of mixed models.

    Attributes:
        item_ids: item identifiers, length ``n_items``.
        model: model name per item, shape ``(n_items,)``; one of :data:`MODELS`.
        a: discrimination, ``(n_items,)``.
        b: difficulty of dichotomous items, ``(n_items,)``; NaN for polytomous items.
        c: lower asymptote (guessing), ``(n_items,)``; 0 unless the model is 3PL.
        steps: GPCM step difficulties or GRM thresholds, ``(n_items, max_steps)``, NaN-padded
            (a dichotomous item has no steps).
        se: optional standard errors keyed like the fields (``"a"``, ``"b"``, ``"c"``,
            ``"steps"``), same shapes, NaN where not estimated (fixed or not applicable).
    """

    item_ids: list[str]
    model: np.ndarray
    a: np.ndarray
    b: np.ndarray
    c: np.ndarray
    steps: np.ndarray
    se: dict[str, np.ndarray] = field(default_factory=dict)

    def __post_init__(self) -> None:
        n = len(self.item_ids)
        self.model = np.asarray(self.model, dtype=object)
        self.a = np.asarray(self.a, dtype=float).reshape(n)
        self.b = np.asarray(self.b, dtype=float).reshape(n)
        self.c = np.asarray(self.c, dtype=float).reshape(n)
        self.steps = np.asarray(self.steps, dtype=float).reshape(n, -1)
        unknown = set(self.model.tolist()) - MODELS
        if unknown:
            raise ValueError(f"unknown IRT model(s): {sorted(unknown)}")

    @property
    def n_items(self) -> int:
        return len(self.item_ids)

    @property
    def is_polytomous(self) -> np.ndarray:
        """Boolean ``(n_items,)``: True for GPCM/PCM/GRM items."""
        return np.isin(self.model, list(POLYTOMOUS))

    @property
    def n_categories(self) -> np.ndarray:
        """Number of score categories per item, ``(n_items,)`` (2 for dichotomous items)."""
        n_steps = np.sum(~np.isnan(self.steps), axis=1) if self.steps.size else np.zeros(
            self.n_items, dtype=int
        )
        return np.where(self.is_polytomous, n_steps + 1, 2).astype(int)

    @property
    def max_score(self) -> np.ndarray:
        """Highest score per item, ``(n_items,)``."""
        return self.n_categories - 1

    def location(self) -> np.ndarray:
        """One difficulty per item: ``b`` for dichotomous items, mean step/threshold otherwise."""
        valid = ~np.isnan(self.steps)
        count = np.maximum(valid.sum(axis=1), 1)
        mean_step = np.where(valid, self.steps, 0.0).sum(axis=1) / count
        return np.where(self.is_polytomous, mean_step, self.b)

    def subset(self, index: Sequence[int] | np.ndarray) -> ItemParameters:
        """The parameters of the items at ``index`` (positions), in that order."""
        idx = np.asarray(index, dtype=int)
        steps = self.steps[idx]
        width = int(np.sum(~np.isnan(steps), axis=1).max(initial=0))  # drop all-NaN padding
        return ItemParameters(
            item_ids=[self.item_ids[i] for i in idx],
            model=self.model[idx],
            a=self.a[idx],
            b=self.b[idx],
            c=self.c[idx],
            steps=steps[:, :width],
            se={k: (v[idx][:, :width] if k == "steps" else v[idx]) for k, v in self.se.items()},
        )

    @classmethod
    def from_records(cls, records: Sequence[dict]) -> ItemParameters:
        """Build from dicts with keys ``item_id, model, a, b, c, steps`` (missing → default).

        Rasch items get ``a = 1``; non-3PL items get ``c = 0``; PCM items get ``a = 1``.
        """
        width = max((len(r.get("steps") or []) for r in records), default=0)
        steps = np.full((len(records), width), np.nan)
        a, b, c, model = [], [], [], []
        for i, r in enumerate(records):
            m = str(r["model"]).lower()
            model.append(m)
            a.append(1.0 if m in ("rasch", "pcm") else float(r.get("a", 1.0)))
            b.append(float(r["b"]) if m in DICHOTOMOUS else np.nan)
            c.append(float(r.get("c") or 0.0) if m == "3pl" else 0.0)
            s = list(r.get("steps") or [])
            steps[i, : len(s)] = s
        return cls([str(r["item_id"]) for r in records], np.array(model, dtype=object),
                   np.array(a), np.array(b), np.array(c), steps)

    def to_records(self) -> list[dict]:
        """Inverse of :meth:`from_records` (plain floats, steps without padding)."""
        out = []
        for i, item_id in enumerate(self.item_ids):
            s = self.steps[i][~np.isnan(self.steps[i])].tolist() if self.steps.size else []
            out.append({"item_id": item_id, "model": str(self.model[i]), "a": float(self.a[i]),
                        "b": None if np.isnan(self.b[i]) else float(self.b[i]),
                        "c": float(self.c[i]), "steps": s})
        return out
