"""A response matrix with a presented mask, stored densely or as scipy.sparse CSR.

Orientation is ``(n_persons, n_items)``. Every presented response is kept as a triple
(person, item, score) — including scores of 0 — so "not presented" and "scored 0" never mix.
Sparse storage (the default below 50% density) keeps booklet designs such as 100,000 persons ×
500 items with 40 items each in a few tens of megabytes.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp


class ResponseMatrix:
    """Item scores of ``n_persons`` on ``n_items`` with not-presented cells.

    Args:
        person: person index of each response, ``(n_responses,)``.
        item: item index of each response, ``(n_responses,)``.
        score: whole-number score ≥ 0 of each response, ``(n_responses,)``.
        shape: ``(n_persons, n_items)``.
        sparse: store as CSR (True) or dense (False); None chooses sparse below 50% density.
    """

    def __init__(self, person: np.ndarray, item: np.ndarray, score: np.ndarray,
                 shape: tuple[int, int], sparse: bool | None = None) -> None:
        person, item, score = np.asarray(person), np.asarray(item), np.asarray(score)
        fractions = not np.issubdtype(score.dtype, np.integer)
        if score.size and (np.any(score < 0) or (fractions and np.any(score != np.round(score)))):
            raise ValueError("scores must be whole numbers ≥ 0")
        self.shape = (int(shape[0]), int(shape[1]))
        for index, size, name in ((person, self.shape[0], "person"), (item, self.shape[1], "item")):
            if index.size and (index.min() < 0 or index.max() >= size):
                raise ValueError(f"{name} index outside 0..{size - 1}")
        # narrow first, then sort: a booklet file has millions of responses
        self.person = person.astype(np.int32)
        self.item = item.astype(np.int32)
        self.score = score.astype(np.int16)
        cells = self.shape[0] * self.shape[1]
        key: np.ndarray = self.person.astype(np.int32 if cells < 2**31 else np.int64)
        key = key * self.shape[1] + self.item
        if not np.all(key[1:] > key[:-1]):  # not already sorted by person, then item
            order = np.argsort(key, kind="stable")
            key = key[order]
            if np.any(key[1:] == key[:-1]):
                raise ValueError("a person/item pair occurs more than once")
            self.person, self.item = self.person[order], self.item[order]
            self.score = self.score[order]
        self.is_sparse = self.density < 0.5 if sparse is None else bool(sparse)
        self._pointer: np.ndarray | None = None

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_dense(cls, scores: np.ndarray, sparse: bool | None = None) -> ResponseMatrix:
        """From a ``(n_persons, n_items)`` array; NaN (or masked) cells are not presented."""
        mask = ~np.ma.getmaskarray(scores) if np.ma.isMaskedArray(scores) else None
        values = np.ma.getdata(scores).astype(float)
        presented = ~np.isnan(values) if mask is None else mask & ~np.isnan(values)
        p, i = np.nonzero(presented)
        return cls(p, i, values[p, i], values.shape, sparse=sparse)

    @classmethod
    def from_long(cls, person: np.ndarray, item: np.ndarray, score: np.ndarray,
                  shape: tuple[int, int], sparse: bool | None = None) -> ResponseMatrix:
        """From long-form triples (see the class docstring)."""
        return cls(person, item, score, shape, sparse=sparse)

    @classmethod
    def from_sparse(cls, scores: sp.spmatrix | sp.sparray,
                    presented: sp.spmatrix | sp.sparray | None = None) -> ResponseMatrix:
        """From a sparse score matrix whose *stored* entries (explicit zeros too) are presented.

        If ``presented`` (a boolean sparse matrix) is given, it decides instead, and scores of
        presented cells absent from ``scores`` are 0.
        """
        if presented is None:
            coo = sp.coo_matrix(scores)
            return cls(coo.row, coo.col, coo.data, coo.shape, sparse=True)
        pres = sp.coo_matrix(presented)
        keep = pres.data.astype(bool)
        rows, cols = pres.row[keep], pres.col[keep]
        values = np.asarray(sp.csr_matrix(scores)[rows, cols]).ravel()
        return cls(rows, cols, values, pres.shape, sparse=True)

    # ------------------------------------------------------------------ views
    @property
    def n_persons(self) -> int:
        return self.shape[0]

    @property
    def n_items(self) -> int:
        return self.shape[1]

    @property
    def n_responses(self) -> int:
        return int(self.person.size)

    @property
    def density(self) -> float:
        return self.n_responses / max(self.shape[0] * self.shape[1], 1)

    def to_dense(self) -> np.ndarray:
        """Float ``(n_persons, n_items)`` with NaN where not presented."""
        out = np.full(self.shape, np.nan)
        out[self.person, self.item] = self.score
        return out

    def scores_csr(self) -> sp.csr_matrix:
        """CSR scores ``(n_persons, n_items)``; every presented cell is stored (zeros too)."""
        pointer = self.person_pointer()
        return sp.csr_matrix((self.score.astype(float), self.item, pointer.copy()), self.shape)

    def presented(self) -> np.ndarray | sp.csr_matrix:
        """Presented mask: boolean dense array or boolean CSR, matching the storage."""
        if not self.is_sparse:
            out = np.zeros(self.shape, dtype=bool)
            out[self.person, self.item] = True
            return out
        ones = np.ones(self.n_responses, dtype=bool)
        return sp.csr_matrix((ones, self.item, self.person_pointer().copy()), self.shape)

    def n_presented(self) -> np.ndarray:
        """Number of responses per item, ``(n_items,)``."""
        return np.bincount(self.item, minlength=self.n_items)

    def responses_per_person(self) -> np.ndarray:
        """Number of responses per person, ``(n_persons,)``."""
        return np.diff(self.person_pointer())

    def max_scores(self) -> np.ndarray:
        """Highest observed score per item, ``(n_items,)`` (−1 for items nobody saw)."""
        out = np.full(self.n_items, -1, dtype=np.int64)
        np.maximum.at(out, self.item, self.score.astype(np.int64))
        return out

    def category_counts(self, n_categories: int | None = None) -> np.ndarray:
        """Counts of each score per item, ``(n_items, n_categories)``."""
        k = int(self.score.max(initial=1)) + 1 if n_categories is None else n_categories
        flat = self.item.astype(np.int64) * k + self.score
        return np.bincount(flat, minlength=self.n_items * k).reshape(self.n_items, k)

    def indicator(self, offsets: np.ndarray, n_columns: int, dtype: np.dtype | type = np.float64,
                  sparse: bool | None = None) -> np.ndarray | sp.csr_matrix:
        """One-hot category indicator ``(n_persons, n_columns)``: column ``offsets[j] + score``.

        CSR or dense (default: as stored); it turns the E-step into matrix products.
        """
        cols = offsets[self.item] + self.score
        if self.is_sparse if sparse is None else sparse:
            ones: np.ndarray = np.ones(self.n_responses, dtype=dtype)
            return sp.csr_matrix((ones, cols, self.person_pointer().copy()),
                                 (self.n_persons, n_columns))
        out: np.ndarray = np.zeros((self.n_persons, n_columns), dtype=dtype)
        out[self.person, cols] = 1.0
        return out

    def take_persons(self, keep: np.ndarray) -> ResponseMatrix:
        """The rows where the boolean ``keep`` ``(n_persons,)`` is True, renumbered in order."""
        if keep.all():
            return self
        new_index = np.cumsum(keep) - 1
        sel = keep[self.person]
        return ResponseMatrix(new_index[self.person[sel]], self.item[sel], self.score[sel],
                              (int(keep.sum()), self.n_items), sparse=self.is_sparse)

    def person_pointer(self) -> np.ndarray:
        """CSR row pointer ``(n_persons + 1,)``: person p's responses are ``ptr[p]:ptr[p+1]``
        (computed once: the E-step, the standard errors and scoring all need it)."""
        if self._pointer is None:
            counts = np.bincount(self.person, minlength=self.n_persons)
            self._pointer = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
            self._pointer.flags.writeable = False
        return self._pointer
