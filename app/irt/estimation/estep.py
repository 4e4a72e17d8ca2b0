"""The E-step as two matrix products, threaded over blocks of persons.

With the one-hot category indicator ``Y`` ``(n_persons, n_columns)`` (a column per item and
score, see :meth:`ResponseMatrix.indicator`) and ``log P`` ``(n_columns, n_nodes)``:

    L = Y · log P + log π        (n_persons, n_nodes)   log-likelihood at every node
    W = softmax(L) row-wise                             posterior over the nodes
    R = Yᵀ · W                   (n_columns, n_nodes)   expected counts per item, score, node

Not-presented responses have no column in ``Y``, so missing data cost nothing. ``Y`` is dense or
scipy CSR; scipy's sparse kernels and numpy's ufuncs release the GIL, so person blocks run in
parallel threads.
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

Indicator: TypeAlias = np.ndarray | sp.csr_matrix
T = TypeVar("T")


@dataclass
class Expectation:
    """E-step result: marginal log-likelihood, counts ``(n_columns, n_nodes)``, node mass."""

    log_likelihood: float
    counts: np.ndarray
    node_mass: np.ndarray


class EStep:
    """Posterior computations for a fixed indicator matrix split into person blocks.

    Args:
        indicator: ``(n_persons, n_columns)`` one-hot indicator, dense or CSR.
        dtype: float32 (fast, default) or float64 for the products.
        n_threads: threads (default ``os.cpu_count()``).
    """

    def __init__(self, indicator: Indicator, dtype: type = np.float32,
                 n_threads: int | None = None) -> None:
        self.dtype = np.dtype(dtype)
        self.n_persons = indicator.shape[0]
        # dense products go to (multi-threaded) BLAS in one block; sparse ones are threaded here
        dense = not sp.issparse(indicator)
        self.n_threads = 1 if dense else max(1, n_threads or os.cpu_count() or 1)
        bounds = np.linspace(0, self.n_persons, self.n_threads + 1).astype(int)
        self.blocks = [(int(lo), int(hi)) for lo, hi in itertools.pairwise(bounds)
                       if hi > lo]
        self.parts = [indicator[lo:hi].astype(self.dtype) for lo, hi in self.blocks]
        self._pool = ThreadPoolExecutor(self.n_threads) if len(self.parts) > 1 else None

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None

    def _map(self, fn: Callable[[Indicator], T], items: list[Indicator]) -> list[T]:
        if self._pool is None:
            return [fn(x) for x in items]
        return list(self._pool.map(fn, items))

    def expect(self, log_p: np.ndarray, log_prior: np.ndarray) -> Expectation:
        """Run the E-step for ``log P`` ``(n_columns, n_nodes)`` and ``log π`` ``(n_nodes,)``."""
        log_p = np.ascontiguousarray(log_p, dtype=self.dtype)
        prior = log_prior.astype(self.dtype)

        def block(y: Indicator) -> tuple[float, np.ndarray, np.ndarray]:
            w, ll = _posterior(y, log_p, prior)
            counts = np.asarray(y.T @ w, dtype=np.float64)
            return float(ll.sum(dtype=np.float64)), counts, w.sum(axis=0, dtype=np.float64)

        results = self._map(block, self.parts)
        return Expectation(sum(r[0] for r in results), np.sum([r[1] for r in results], axis=0),
                           np.sum([r[2] for r in results], axis=0))

    def posteriors(self, log_p: np.ndarray, log_prior: np.ndarray,
                   block_size: int = 8192) -> Iterator[tuple[int, np.ndarray]]:
        """Yield ``(first person, W)`` with ``W`` ``(block, n_nodes)`` float64, block by block."""
        log_p = np.ascontiguousarray(log_p, dtype=self.dtype)
        prior = log_prior.astype(self.dtype)
        for (lo, _), part in zip(self.blocks, self.parts, strict=True):
            for start in range(0, part.shape[0], block_size):
                w, _ = _posterior(part[start:start + block_size], log_p, prior)
                yield lo + start, w.astype(np.float64)


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
