"""Simulated item parameters, booklet designs and responses, for recovery tests and benchmarks.

All randomness comes from the ``numpy.random.Generator`` passed in.
"""

from __future__ import annotations

import numpy as np

from app.irt.estimation.responses import ResponseMatrix
from app.irt.models import category_probabilities
from app.irt.parameters import ItemParameters


def random_parameters(n_items: int, model: str, rng: np.random.Generator,
                      n_categories: int = 4, prefix: str = "i") -> ItemParameters:
    """Plausible parameters: ``a ~ logN(0, 0.25²)``, ``b ~ N(0, 1)``, ``c ~ Beta(5, 17)``;
    polytomous steps are the sorted draws of N(0, 1) spaced around a location ``N(0, 0.7²)``."""
    a = np.exp(rng.normal(0.0, 0.25, n_items)) if model not in ("rasch", "pcm") else (
        np.ones(n_items))
    b = rng.normal(0.0, 1.0, n_items)
    c = rng.beta(5, 17, n_items) if model == "3pl" else np.zeros(n_items)
    records = []
    for j in range(n_items):
        rec: dict = {"item_id": f"{prefix}{j + 1:03d}", "model": model, "a": a[j], "c": c[j]}
        if model in ("gpcm", "pcm", "grm"):
            m = n_categories - 1
            offsets = np.sort(rng.normal(0.0, 1.0, m))
            rec["steps"] = (offsets - offsets.mean() + rng.normal(0.0, 0.7)).tolist()
        else:
            rec["b"] = b[j]
        records.append(rec)
    return ItemParameters.from_records(records)


def booklet_design(n_persons: int, n_items: int, n_blocks: int, blocks_per_booklet: int,
                   rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """A linked booklet design: ``(person, item)`` index arrays, ``(n_responses,)`` each.

    Items fall into ``n_blocks`` equal blocks; booklet ``k`` holds blocks ``k, k+1, …`` (mod
    ``n_blocks``), so neighbouring booklets share a block and the design is connected. Each
    person sits one booklet chosen at random.
    """
    blocks = np.array_split(np.arange(n_items), n_blocks)
    booklets = [np.concatenate([blocks[(k + s) % n_blocks] for s in range(blocks_per_booklet)])
                for k in range(n_blocks)]
    choice = rng.integers(0, n_blocks, n_persons)
    sizes = np.array([len(b) for b in booklets])[choice]
    person = np.repeat(np.arange(n_persons), sizes)
    item = np.concatenate([booklets[k] for k in choice]) if n_persons else np.zeros(0, int)
    return person, item


def simulate_responses(params: ItemParameters, theta: np.ndarray, rng: np.random.Generator,
                       person: np.ndarray | None = None, item: np.ndarray | None = None,
                       sparse: bool | None = None, chunk: int = 2000) -> ResponseMatrix:
    """Draw scores for persons with abilities ``theta`` ``(n_persons,)``.

    Without ``person``/``item`` every person answers every item (complete data); otherwise
    only the given (person, item) pairs are presented.
    """
    n = theta.size
    if person is None or item is None:
        person = np.repeat(np.arange(n), params.n_items)
        item = np.tile(np.arange(params.n_items), n)
    order = np.argsort(person, kind="stable")
    person, item = person[order], item[order]
    scores = np.empty(person.size, dtype=np.int64)
    bounds = np.searchsorted(person, np.arange(0, n + chunk, chunk))
    for lo, hi, first in zip(bounds[:-1], bounds[1:], range(0, n + chunk, chunk), strict=False):
        if hi == lo:
            continue
        probs = category_probabilities(params, theta[first:first + chunk])  # (c, J, K)
        cum = np.cumsum(probs[person[lo:hi] - first, item[lo:hi]], axis=1)
        u = rng.random(hi - lo)
        scores[lo:hi] = np.sum(u[:, None] > cum[:, :-1], axis=1)
    return ResponseMatrix(person, item, scores, (n, params.n_items), sparse=sparse)
