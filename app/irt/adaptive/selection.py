"""Choosing the next item: the most informative free item of the shadow test.

A *shadow test* (van der Linden & Reese, 1998) is a full-length test assembled before every
item: it holds every content rule, contains every item given so far and is as informative as
possible at the current θ̂. The next item is the most informative item of it not yet given,
so whatever happens next, the rest of the test can still be completed within the rules.

Passages are testlets: once a passage is started, its items in the shadow test come next, and
once it is left its other items are barred (:func:`closed_stimuli`), so a passage is never
split. The integer programme that honours content rules lives in
:mod:`app.assembly.shadow`; :class:`MaxInformationShadow` is the unconstrained case (a bank
with no content rules), which needs no solver.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np


class ShadowTest(Protocol):
    """Assembles shadow tests of one length for one bank.

    Called with ``info`` ``(n_items,)`` at θ̂, the item positions given so far (in order),
    the person's ``eligible`` mask ``(n_items,)``, a ``barred`` mask of items that must not be
    chosen, and the previous shadow test (None at the start); returns the item positions of
    the new shadow test (which include every given item).
    """

    length: int

    def __call__(self, info: np.ndarray, given: Sequence[int], eligible: np.ndarray,
                 barred: np.ndarray, previous: np.ndarray | None) -> np.ndarray: ...


class MaxInformationShadow:
    """The shadow test without content rules: the given items plus the most informative free
    ones, eligible items before ineligible ones (an ineligible item is used only when too few
    eligible ones are left)."""

    def __init__(self, length: int) -> None:
        self.length = int(length)

    def __call__(self, info: np.ndarray, given: Sequence[int], eligible: np.ndarray,
                 barred: np.ndarray, previous: np.ndarray | None = None) -> np.ndarray:
        given_arr = np.asarray(given, dtype=int)
        need = self.length - given_arr.size
        value = np.where(eligible, info, info - 2.0 * (info.max(initial=0.0) + 1.0))
        if barred.size:
            value[barred] = -np.inf
        value[given_arr] = -np.inf
        free = int(np.isfinite(value).sum())
        need = min(need, free)
        if need <= 0:
            return given_arr
        best = np.argpartition(-value, need - 1)[:need]
        return np.concatenate([given_arr, best])


def closed_stimuli(given: Sequence[int], stimulus_of: np.ndarray | None) -> np.ndarray:
    """Boolean ``(n_items,)``: items of passages already started and left (never split one).

    The passage of the last given item is still open; items not in a passage are never barred.
    """
    if stimulus_of is None:
        return np.zeros(0, dtype=bool)
    barred = np.zeros(stimulus_of.size, dtype=bool)
    if not len(given):
        return barred
    started = {int(stimulus_of[i]) for i in given} - {-1, int(stimulus_of[given[-1]])}
    if started:
        barred = np.isin(stimulus_of, list(started))
        barred[np.asarray(given, dtype=int)] = False
    return barred


def next_item(shadow: np.ndarray, given: Sequence[int], info: np.ndarray,
              stimulus_of: np.ndarray | None = None, rng: np.random.Generator | None = None,
              randomesque: int = 1) -> int | None:
    """The most informative free item of ``shadow`` (None when none is left).

    If the last given item belongs to a passage that still has free items in the shadow test,
    the most informative of those comes next. ``randomesque > 1`` picks uniformly among that
    many most informative free items (used for the first item, so that not everyone starts
    with the same one).
    """
    done = {int(i) for i in given}
    free = np.array([i for i in np.asarray(shadow, dtype=int).tolist() if i not in done],
                    dtype=int)
    if free.size == 0:
        return None
    if len(given) and stimulus_of is not None and stimulus_of.size:
        passage = stimulus_of[given[-1]]
        if passage >= 0:
            same = free[stimulus_of[free] == passage]
            if same.size:
                return int(same[np.argmax(info[same])])
    order = free[np.argsort(-info[free], kind="stable")]
    k = min(max(int(randomesque), 1), order.size)
    pick = int(rng.integers(k)) if rng is not None and k > 1 else 0
    return int(order[pick])
