"""ResponseMatrix: dense and sparse storage, presented mask, category counts, indicators."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from app.irt.estimation.responses import ResponseMatrix

DENSE = np.array([[1, 0, np.nan], [np.nan, 2, 1], [0, np.nan, np.nan], [np.nan] * 3])


def as_array(m: np.ndarray | sp.csr_matrix) -> np.ndarray:
    return m.toarray() if isinstance(m, sp.csr_matrix) else np.asarray(m)


def test_dense_round_trip_keeps_zero_and_not_presented_apart() -> None:
    for sparse in (False, True):
        m = ResponseMatrix.from_dense(DENSE, sparse=sparse)
        assert m.is_sparse is sparse
        np.testing.assert_array_equal(m.to_dense(), DENSE)
        assert m.n_responses == 5
        np.testing.assert_array_equal(as_array(m.presented()), ~np.isnan(DENSE))


def test_masked_array_and_sparse_constructors_agree() -> None:
    masked = np.ma.masked_invalid(DENSE)
    a = ResponseMatrix.from_dense(masked)
    csr = sp.csr_matrix((np.array([1.0, 0, 2, 1, 0]), ([0, 0, 1, 1, 2], [0, 1, 1, 2, 0])),
                        shape=(4, 3))
    b = ResponseMatrix.from_sparse(csr)  # the explicit zeros are presented
    presented = sp.csr_matrix(~np.isnan(DENSE))
    c = ResponseMatrix.from_sparse(sp.csr_matrix(np.nan_to_num(DENSE)), presented)
    for m in (a, b, c):
        np.testing.assert_array_equal(m.to_dense(), DENSE)
    np.testing.assert_array_equal(b.scores_csr().toarray(), np.nan_to_num(DENSE))


def test_counts_and_summaries() -> None:
    m = ResponseMatrix.from_dense(DENSE)
    np.testing.assert_array_equal(m.category_counts(), [[1, 1, 0], [1, 0, 1], [0, 1, 0]])
    np.testing.assert_array_equal(m.n_presented(), [2, 2, 1])
    np.testing.assert_array_equal(m.responses_per_person(), [2, 2, 1, 0])
    np.testing.assert_array_equal(m.max_scores(), [1, 2, 1])


def test_indicator_has_one_column_per_item_and_score() -> None:
    offsets = np.array([0, 2, 5])
    for sparse in (False, True):
        y = as_array(ResponseMatrix.from_dense(DENSE, sparse=sparse).indicator(offsets, 7))
        expected = np.zeros((4, 7))
        expected[0, [1, 2]] = expected[1, [4, 6]] = expected[2, 0] = 1
        np.testing.assert_array_equal(y, expected)


def test_take_persons_renumbers() -> None:
    m = ResponseMatrix.from_dense(DENSE).take_persons(np.array([False, True, True, False]))
    np.testing.assert_array_equal(m.to_dense(), DENSE[1:3])


@pytest.mark.parametrize("bad, message", [
    (([0], [0], [-1]), "whole numbers"),
    (([0], [0], [0.5]), "whole numbers"),
    (([0, 0], [1, 1], [0, 1]), "more than once"),
    (([0], [2], [1]), "item index"),
])
def test_invalid_data_is_rejected(bad, message: str) -> None:
    person, item, score = (np.array(v) for v in bad)
    with pytest.raises(ValueError, match=message):
        ResponseMatrix(person, item, score, shape=(2, 2))
