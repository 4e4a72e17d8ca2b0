"""Simulate item responses from known item parameters (for tests, recovery studies, what-ifs).

Randomness always comes from an explicit :class:`numpy.random.Generator`, so every simulation is
reproducible from its seed. Orientation: ``(n_persons, n_items)``; NaN = not presented.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from app.irt.models import category_probabilities
from app.irt.parameters import ItemParameters


def simulate_responses(
    params: ItemParameters,
    theta: np.ndarray,
    rng: np.random.Generator,
    presented: np.ndarray | None = None,
) -> np.ndarray:
    """Draw item scores for persons at abilities ``theta``.

    Each score is drawn from the item's category probabilities ``P(X = k | θ)`` (see
    :func:`app.irt.models.category_probabilities`) by inverting the cumulative distribution
    at one uniform number per person and item.

    Args:
        params: ``n_items`` items of any (mixed) models.
        theta: true abilities, ``(n_persons,)``.
        rng: the source of randomness.
        presented: optional boolean ``(n_persons, n_items)``; False means the item was not
            presented (booklet / adaptive / sparse designs). Default: every item presented.

    Returns:
        Scores ``(n_persons, n_items)`` as floats in ``0..max_score``, NaN where not presented.
    """
    theta = np.atleast_1d(np.asarray(theta, dtype=float))
    probs = category_probabilities(params, theta)  # (n_persons, n_items, n_cat)
    cdf = np.cumsum(probs, axis=2)
    u = rng.random(theta.shape + (params.n_items,))
    scores = np.sum(cdf < u[..., None], axis=2)
    # Rounding can leave the last cdf value a hair below 1: never exceed the item's top score.
    scores = np.minimum(scores, params.max_score[None, :]).astype(float)
    if presented is not None:
        mask = np.asarray(presented, dtype=bool)
        if mask.shape != scores.shape:
            raise ValueError(f"presented has shape {mask.shape}, expected {scores.shape}")
        scores[~mask] = np.nan
    return scores


def booklet_design(
    n_persons: int,
    n_items: int,
    booklets: Sequence[Sequence[int]],
    rng: np.random.Generator | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Presented-item mask for a booklet (linked forms) design.

    Persons are dealt the booklets in rotation (person ``p`` sits booklet ``p mod n_booklets``,
    the usual spiralling); with ``rng`` the rotation is shuffled so booklet and position in the
    file are unrelated.

    Args:
        n_persons: number of persons.
        n_items: number of items in the bank.
        booklets: for each booklet, the item positions (columns) it contains.
        rng: optional generator to shuffle the assignment.

    Returns:
        ``(presented, booklet)``: boolean ``(n_persons, n_items)`` and the booklet index of each
        person, ``(n_persons,)``.
    """
    booklet = np.arange(n_persons) % len(booklets)
    if rng is not None:
        booklet = rng.permutation(booklet)
    design = np.zeros((len(booklets), n_items), dtype=bool)
    for k, items in enumerate(booklets):
        design[k, np.asarray(items, dtype=int)] = True
    return design[booklet], booklet


def random_presentation(
    n_persons: int, n_items: int, p_presented: float, rng: np.random.Generator
) -> np.ndarray:
    """Boolean ``(n_persons, n_items)`` mask with each item presented independently w.p. ``p``."""
    return rng.random((n_persons, n_items)) < p_presented
