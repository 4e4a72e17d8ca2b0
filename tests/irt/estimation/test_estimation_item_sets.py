"""Booklets: persons grouped by the items they saw, and the E-step's dense booklet parts.

The E-step multiplies a booklet's persons densely on its own columns (and without the score-0
columns when all of them saw the same items); persons with rare item sets stay sparse. Every
way must give the E-step of one plain sparse product.
"""

from __future__ import annotations

import numpy as np

from app.irt.estimation.estep import EStep, Expectation, _booklet_part
from app.irt.estimation.item_sets import item_set_runs
from app.irt.estimation.layout import ItemLayout
from app.irt.estimation.quadrature import rectangular
from app.irt.estimation.responses import ResponseMatrix
from app.irt.estimation.simulate import booklet_design, simulate_responses
from app.irt.parameters import ItemParameters


def _mixed_design(rng: np.random.Generator) -> tuple[ResponseMatrix, ItemParameters]:
    """Six 2PL items and three 4-category GPCM items: three booklets of 100+ persons, 40
    persons with random item sets, and booklet persons who skipped an item."""
    records = [{"item_id": f"d{j}", "model": "2pl", "a": 1 + 0.1 * j, "b": -1 + 0.4 * j}
               for j in range(6)]
    records += [{"item_id": f"g{j}", "model": "gpcm", "a": 0.9,
                 "steps": [-0.8 + j * 0.3, 0.1, 0.9]} for j in range(3)]
    params = ItemParameters.from_records(records)
    person, item = booklet_design(330, 9, 3, 2, rng)
    keep = rng.random(person.size) > 0.01  # a few skipped items break their booklet
    rare_person = np.repeat(np.arange(330, 370), 4)
    rare_item = np.concatenate([rng.choice(9, 4, replace=False) for _ in range(40)])
    person = np.concatenate([person[keep], rare_person])
    item = np.concatenate([item[keep], rare_item])
    return simulate_responses(params, rng.normal(size=370), rng, person, item), params


def test_runs_hold_persons_who_saw_the_same_items() -> None:
    rng = np.random.default_rng(5)
    data, _ = _mixed_design(rng)
    runs = item_set_runs(data)
    dense = data.presented()
    dense = dense.toarray() if hasattr(dense, "toarray") else dense
    assert np.array_equal(np.sort(runs.order), np.arange(data.n_persons))
    for k in range(runs.n_runs):
        members = dense[runs.persons(k)]
        assert (members == members[0]).all()
    sets = {dense[runs.persons(k)[0]].tobytes() for k in range(runs.n_runs)}
    assert len(sets) == runs.n_runs  # one run per set
    assert runs.sizes().max() >= 100  # the booklets


def _layout(params: ItemParameters, data: ResponseMatrix) -> ItemLayout:
    n_cat = np.where(params.model == "gpcm", 4, 2)
    layout = ItemLayout(params.model, n_cat, None, np.zeros(params.n_items, bool), None)
    layout.start(data.category_counts(4))
    return layout


def _same(got: Expectation, want: Expectation) -> None:
    assert np.isclose(got.log_likelihood, want.log_likelihood, rtol=1e-12)
    np.testing.assert_allclose(got.counts, want.counts, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(got.node_mass, want.node_mass, rtol=1e-9, atol=1e-9)


def test_booklet_parts_give_the_plain_sparse_e_step() -> None:
    rng = np.random.default_rng(6)
    data, params = _mixed_design(rng)
    layout, grid = _layout(params, data), rectangular()
    log_p, log_prior = layout.log_p_columns(grid.nodes), grid.log_prior(0.2, 1.1)
    plain = EStep.from_indicator(data.indicator(layout.offsets, layout.n_columns, sparse=True),
                                 np.float64, n_threads=1)
    grouped = EStep.from_responses(data, layout.offsets, layout.n_columns, np.float64, 2)
    assert any(part.zero is not None for part in grouped.parts)  # booklets, no score-0 columns
    assert any(part.cols is None for part in grouped.parts)  # the rare item sets, sparse
    _same(grouped.expect(log_p, log_prior), plain.expect(log_p, log_prior))
    grouped.close()
    assert np.isclose(plain.expect(log_p, log_prior).node_mass.sum(), data.n_persons)


def test_a_part_of_persons_with_different_items_keeps_its_score_0_columns() -> None:
    """What a collision of two item sets' hashes would put in one booklet part."""
    rng = np.random.default_rng(7)
    data, params = _mixed_design(rng)
    layout, grid = _layout(params, data), rectangular()
    log_p, log_prior = layout.log_p_columns(grid.nodes), grid.log_prior()
    persons = np.arange(data.n_persons)
    part = _booklet_part(data, persons, layout.offsets, layout.n_columns, np.float64)
    assert part.zero is None and part.cols is not None
    mixed = EStep([part], layout.n_columns, np.float64, n_threads=1)
    plain = EStep.from_indicator(data.indicator(layout.offsets, layout.n_columns, sparse=True),
                                 np.float64, n_threads=1)
    _same(mixed.expect(log_p, log_prior), plain.expect(log_p, log_prior))
