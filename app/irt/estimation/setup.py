"""Checks and per-item settings (model, categories, anchors) before a calibration starts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from app.irt.estimation.responses import ResponseMatrix
from app.irt.parameters import DICHOTOMOUS, MODELS, ItemParameters


@dataclass
class ItemSetup:
    """Per item ``(n_items,)``: model and number of categories; anchors by position."""

    models: np.ndarray
    n_cat: np.ndarray
    anchor_positions: np.ndarray
    anchor_params: ItemParameters | None


def resolve_items(data: ResponseMatrix, item_ids: list[str], model: str | Sequence[str],
                  anchors: ItemParameters | None) -> ItemSetup:
    """Models and categories per item; raise ValueError naming the items that cannot be fitted.

    Anchor items keep their own model and categories. An estimated item needs every score
    category from 0 to its maximum observed at least once (otherwise a step is unbounded).
    """
    n = data.n_items
    models = np.array([model] * n if isinstance(model, str) else list(model), dtype=object)
    if models.size != n:
        raise ValueError(f"{models.size} models given for {n} items")
    models = np.array([str(m).lower() for m in models], dtype=object)
    unknown = sorted(set(models.tolist()) - MODELS)
    if unknown:
        raise ValueError(f"unknown IRT model(s): {unknown}")
    top = data.max_scores()
    n_cat = np.where(np.isin(models, list(DICHOTOMOUS)), 2, np.maximum(top + 1, 2))
    positions, params = _anchor_positions(item_ids, anchors)
    if params is not None:
        models[positions] = params.model
        n_cat[positions] = params.n_categories
        too_high = positions[top[positions] >= params.n_categories]
        _complain(too_high, item_ids, "a score above the anchor's maximum")
    estimated = np.setdiff1d(np.arange(n), positions)
    dich = estimated[np.isin(models[estimated], list(DICHOTOMOUS))]
    _complain(dich[top[dich] > 1], item_ids, "scores above 1 but a dichotomous model")
    counts = data.category_counts(int(n_cat.max(initial=2)))
    _complain(estimated[data.n_presented()[estimated] == 0], item_ids, "no responses")
    needed = np.arange(counts.shape[1])[None, :] < n_cat[estimated][:, None]
    empty = estimated[np.any(needed & (counts[estimated] == 0), axis=1)]
    _complain(empty, item_ids, "an empty score category (collapse categories or drop the item)")
    return ItemSetup(models, n_cat.astype(int), positions, params)


def _anchor_positions(item_ids: list[str], anchors: ItemParameters | None,
                      ) -> tuple[np.ndarray, ItemParameters | None]:
    if anchors is None:
        return np.zeros(0, dtype=int), None
    where = {item: j for j, item in enumerate(item_ids)}
    pairs = [(where[a], k) for k, a in enumerate(anchors.item_ids) if a in where]
    if not pairs:
        return np.zeros(0, dtype=int), None
    positions = np.array([p for p, _ in pairs], dtype=int)
    return positions, anchors.subset([k for _, k in pairs])


def _complain(bad: np.ndarray, item_ids: list[str], what: str) -> None:
    if bad.size:
        names = ", ".join(item_ids[j] for j in bad[:10]) + (" …" if bad.size > 10 else "")
        raise ValueError(f"{bad.size} item(s) have {what}: {names}")
