"""The E-step as two matrix products, threaded over blocks of persons.

With the one-hot category indicator ``Y`` ``(n_persons, n_columns)`` (a column per item and
score, see :meth:`ResponseMatrix.indicator`) and ``log P`` ``(n_columns, n_nodes)``:

    L = Y · log P + log π        (n_persons, n_nodes)   log-likelihood at every node
    W = softmax(L) row-wise                             posterior over the nodes
    R = Yᵀ · W                   (n_columns, n_nodes)   expected counts per item, score, node

Not-presented responses have no column in ``Y``, so missing data cost nothing. Persons are
split into parts that run in parallel threads (BLAS, scipy's sparse kernels and numpy's ufuncs
release the GIL): the persons of each booklet (see :mod:`.item_sets`) with a dense ``Y`` on
that booklet's columns only, the others with a sparse (CSR) ``Y``.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeAlias, TypeVar

import numpy as np
import scipy.sparse as sp

from app.irt.estimation.item_sets import item_set_runs, local_responses, one_hot
from app.irt.estimation.responses import ResponseMatrix

Indicator: TypeAlias = np.ndarray | sp.csr_matrix
T = TypeVar("T")
DENSE_RUN = 32  # persons: a booklet at least this large is multiplied densely


@dataclass
class Expectation:
    """E-step result: marginal log-likelihood, counts ``(n_columns, n_nodes)``, node mass."""

    log_likelihood: float
    counts: np.ndarray
    node_mass: np.ndarray


@dataclass
class _Part:
    """Persons ``(n,)`` (positions in the data) with their one-hot indicator ``y``
    ``(n, n_cols)`` on the columns ``cols`` ``(n_cols,)`` (None: every column).

    A booklet part (every person saw the same items) leaves out the items' score-0 columns
    ``zero`` ``(n_items,)``: ``owner`` ``(n_cols,)`` is the position in ``zero`` of each
    column's item. Its log-likelihood is ``y · (log P − log P₀) + Σ log P₀`` and its score-0
    counts are the posterior mass minus the other scores' counts, which halves both products
    for dichotomous items.
    """

    persons: np.ndarray
    y: Indicator
    cols: np.ndarray | None
    zero: np.ndarray | None = None
    owner: np.ndarray | None = None


class EStep:
    """Posterior computations for a fixed indicator, split into parts run in parallel threads.

    Build it with :meth:`from_indicator` (contiguous person blocks of one indicator) or
    :meth:`from_responses` (booklets dense, the rest sparse; what calibration uses).

    Args:
        parts: the persons and their indicators.
        n_columns: indicator columns in all.
        dtype: float32 (fast, default) or float64 for the products.
        n_threads: threads (default ``os.cpu_count()``).
    """

    def __init__(self, parts: list[_Part], n_columns: int, dtype: type = np.float32,
                 n_threads: int | None = None) -> None:
        self.dtype = np.dtype(dtype)
        self.parts = parts
        self.n_columns = n_columns
        self.n_persons = sum(part.persons.size for part in parts)
        threads = max(1, min(n_threads or os.cpu_count() or 1, len(parts)))
        self._pool = ThreadPoolExecutor(threads) if threads > 1 else None

    @classmethod
    def from_indicator(cls, indicator: Indicator, dtype: type = np.float32,
                       n_threads: int | None = None) -> EStep:
        """``indicator`` ``(n_persons, n_columns)``, dense or CSR; sparse ones are split into
        ``n_threads`` blocks of persons (dense products go to BLAS in one block)."""
        n = indicator.shape[0]
        threads = 1 if not sp.issparse(indicator) else max(1, n_threads or os.cpu_count() or 1)
        bounds = np.linspace(0, n, threads + 1).astype(int)
        parts = [_Part(np.arange(lo, hi), indicator[lo:hi].astype(dtype), None)
                 for lo, hi in itertools.pairwise(bounds) if hi > lo]
        return cls(parts, indicator.shape[1], dtype, n_threads)

    @classmethod
    def from_responses(cls, data: ResponseMatrix, offsets: np.ndarray, n_columns: int,
                       dtype: type = np.float32, n_threads: int | None = None) -> EStep:
        """Persons of every booklet (a run of at least :data:`DENSE_RUN` persons with the
        same items, see :mod:`.item_sets`) get a dense indicator on the booklet's columns;
        persons whose item set is rarer share sparse (CSR) blocks."""
        threads = max(1, n_threads or os.cpu_count() or 1)
        runs = item_set_runs(data)
        big = runs.sizes() >= DENSE_RUN
        width = np.diff(data.person_pointer())[runs.order[runs.starts[:-1]]]  # items per run
        cells = int((runs.sizes() * width)[big].sum())
        piece = int(np.clip(cells // (4 * threads), 1 << 16, 1 << 20))  # ≥ 4 parts per thread
        parts = []
        for k in map(int, np.flatnonzero(big)):
            persons = runs.persons(k)
            step = max(piece // max(int(width[k]), 1), DENSE_RUN)
            parts += [_booklet_part(data, persons[lo:lo + step], offsets, n_columns, dtype)
                      for lo in range(0, persons.size, step)]
        rest = np.sort(np.concatenate([runs.persons(int(k)) for k in np.flatnonzero(~big)]
                                      or [np.zeros(0, dtype=np.int64)]))
        if rest.size:
            indicator = data.indicator(offsets, n_columns, dtype, sparse=True)[rest]
            bounds = np.linspace(0, rest.size, threads + 1).astype(int)
            parts += [_Part(rest[lo:hi], indicator[lo:hi], None)
                      for lo, hi in itertools.pairwise(bounds) if hi > lo]
        return cls(parts, n_columns, dtype, n_threads)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None

    def _map(self, fn: Callable[[_Part], T]) -> list[T]:
        if self._pool is None:
            return [fn(part) for part in self.parts]
        return list(self._pool.map(fn, self.parts))

    def expect(self, log_p: np.ndarray, log_prior: np.ndarray) -> Expectation:
        """Run the E-step for ``log P`` ``(n_columns, n_nodes)`` and ``log π`` ``(n_nodes,)``."""
        exact = np.asarray(log_p, dtype=np.float64)
        log_p = np.ascontiguousarray(log_p, dtype=self.dtype)
        prior = log_prior.astype(self.dtype)

        def block(part: _Part) -> tuple[float, np.ndarray, np.ndarray]:
            if part.zero is None:
                w, ll = _posterior(part.y, log_p if part.cols is None else log_p[part.cols],
                                   prior)
            else:  # differences and the base row in float64, then the products in dtype
                base = exact[part.zero].sum(axis=0)
                diff = exact[part.cols] - exact[part.zero[part.owner]]
                w, ll = _posterior(part.y, diff.astype(self.dtype),
                                   (log_prior + base).astype(self.dtype))
            counts = np.asarray(part.y.T @ w, dtype=np.float64)
            return float(ll.sum(dtype=np.float64)), counts, w.sum(axis=0, dtype=np.float64)

        results = self._map(block)
        counts = np.zeros((self.n_columns, log_p.shape[1]))
        for part, (_, part_counts, mass) in zip(self.parts, results, strict=True):
            if part.cols is None:
                counts += part_counts
                continue
            counts[part.cols] += part_counts
            if part.zero is not None and part.owner is not None:
                others = np.zeros((part.zero.size, mass.size))
                np.add.at(others, part.owner, part_counts)
                counts[part.zero] += mass - others
        return Expectation(sum(r[0] for r in results), counts,
                           np.sum([r[2] for r in results], axis=0))

    def posteriors(self, log_p: np.ndarray, log_prior: np.ndarray,
                   block_size: int = 8192) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Yield ``(persons, W)``: person indices ``(block,)`` and their posteriors ``W``
        ``(block, n_nodes)`` float64, block by block."""
        log_p = np.ascontiguousarray(log_p, dtype=self.dtype)
        prior = log_prior.astype(self.dtype)
        for part in self.parts:
            part_log_p = log_p if part.cols is None else log_p[part.cols]
            for start in range(0, part.persons.size, block_size):
                w, _ = _posterior(part.y[start:start + block_size], part_log_p, prior)
                yield part.persons[start:start + block_size], w.astype(np.float64)


def _booklet_part(data: ResponseMatrix, persons: np.ndarray, offsets: np.ndarray,
                  n_columns: int, dtype: np.dtype | type) -> _Part:
    """A dense part for ``persons`` of one booklet: without score-0 columns when every person
    saw the same items (see :class:`_Part`), else a plain one-hot indicator (two item sets
    whose hashes collided)."""
    local, item, score = local_responses(data, persons)
    seen = np.zeros(offsets.size, dtype=bool)
    seen[item] = True
    items = np.flatnonzero(seen)
    if np.any(np.bincount(local, minlength=persons.size) != items.size):
        y, cols = one_hot(local, offsets[item] + score, persons.size, n_columns, dtype)
        return _Part(persons, y, cols)
    hit = score > 0
    y, cols = one_hot(local[hit], offsets[item[hit]] + score[hit], persons.size, n_columns,
                      dtype)
    owner = np.searchsorted(items, np.searchsorted(offsets, cols, side="right") - 1)
    return _Part(persons, y, cols, offsets[items], owner)


def _posterior(y: Indicator, log_p: np.ndarray,
               prior: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row-normalised posterior ``W`` and per-person marginal log-likelihood."""
    lik = np.asarray(y @ log_p)
    lik += prior
    top = lik.max(axis=1, keepdims=True)
    lik -= top
    # floor at e^-80: weights below it are irrelevant, and float32 denormals (< e^-87) would
    # make the products below many times slower
    np.maximum(lik, -80.0, out=lik)
    np.exp(lik, out=lik)
    total = lik.sum(axis=1, keepdims=True)
    lik /= total
    return lik, np.log(total[:, 0]) + top[:, 0]
