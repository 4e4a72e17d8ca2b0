"""Persons grouped by the set of items they were presented: the booklets of a design.

In a booklet design (25 booklets of 40 items out of 500, say) the persons who sat one booklet
form a *run*. Within a run the E-step and the observed information are dense products over the
run's own indicator columns: BLAS multiplies them several times faster than scipy's sparse
loops, and no product spans the zero cells of other booklets' items. Persons whose set is
(nearly) their own — random or adaptive designs — are better served sparse; the callers decide
by run size.

Sets are compared by a sum of random 62-bit weights of their items (mod 2⁶⁴). Two different
sets with the same sum would only share a run; every user of a run takes the union of the
columns its persons actually used, so a collision costs speed, never correctness.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.irt.estimation.responses import ResponseMatrix


@dataclass(frozen=True)
class ItemSetRuns:
    """Persons sorted by item set: run ``k`` is ``order[starts[k]:starts[k + 1]]``.

    ``order`` ``(n_persons,)`` holds person indices; ``starts`` ``(n_runs + 1,)`` run bounds.
    """

    order: np.ndarray
    starts: np.ndarray

    @property
    def n_runs(self) -> int:
        return int(self.starts.size) - 1

    def sizes(self) -> np.ndarray:
        """Persons per run, ``(n_runs,)``."""
        return np.diff(self.starts)

    def persons(self, k: int) -> np.ndarray:
        """The persons of run ``k``."""
        return self.order[self.starts[k]:self.starts[k + 1]]


def item_set_runs(data: ResponseMatrix, counted: np.ndarray | None = None) -> ItemSetRuns:
    """Runs of persons who saw the same items; ``counted`` ``(n_items,)`` (boolean) limits the
    items that define a set (e.g. to the estimated ones), default all."""
    weights = np.random.default_rng(0).integers(1, 2**62, size=data.n_items, dtype=np.int64)
    if counted is not None:
        weights[~counted] = 0
    pointer = data.person_pointer()
    key = np.zeros(data.n_persons, dtype=np.int64)
    some = pointer[1:] > pointer[:-1]
    if data.n_responses:  # sums wrap around silently: mod 2⁶⁴
        key[some] = np.add.reduceat(np.take(weights, data.item), pointer[:-1][some])
    order = np.argsort(key, kind="stable")
    ordered = key[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]]) if order.size else (
        np.zeros(0, dtype=np.int64))
    return ItemSetRuns(order, np.r_[starts, order.size].astype(np.int64))


def response_rows(persons: np.ndarray, pointer: np.ndarray) -> np.ndarray:
    """Positions in the response arrays of every response of ``persons``, in that order."""
    starts, stops = pointer[persons], pointer[persons + 1]
    lengths = stops - starts
    return np.arange(int(lengths.sum())) + np.repeat(stops - lengths.cumsum(), lengths)


def local_responses(data: ResponseMatrix, persons: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(local person, item, score)`` of every response of ``persons``, ``(n_resp,)`` each;
    the local person is the position in ``persons``."""
    pointer = data.person_pointer()
    rows = response_rows(persons, pointer)
    lengths = pointer[persons + 1] - pointer[persons]
    local = np.repeat(np.arange(persons.size), lengths)
    # item as intp: numpy indexes with it several times faster than with the stored int32
    return local, np.take(data.item, rows).astype(np.intp), np.take(data.score, rows)


def one_hot(local: np.ndarray, cols: np.ndarray, n_rows: int, n_columns: int,
            dtype: np.dtype | type) -> tuple[np.ndarray, np.ndarray]:
    """Dense ``(n_rows, n_used)`` with a 1 at each ``(local, cols)``, and the used columns."""
    seen = np.zeros(n_columns, dtype=bool)
    seen[cols] = True
    used = np.flatnonzero(seen)
    where = np.zeros(n_columns, dtype=np.int64)
    where[used] = np.arange(used.size)
    out = np.zeros((n_rows, used.size), dtype=dtype)
    out[local, where[cols]] = 1.0
    return out, used
