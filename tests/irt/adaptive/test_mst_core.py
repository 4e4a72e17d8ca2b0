"""Multistage core: cut points where information crosses, routing, simulation contracts."""

from __future__ import annotations

import numpy as np
import pytest

from app.irt.adaptive import Panel, information_cuts, recovery, route, simulate_mst
from app.irt.parameters import ItemParameters


def two_pl(b: list[float], a: float = 1.0) -> ItemParameters:
    return ItemParameters.from_records([{"item_id": f"i{k}", "model": "2pl", "a": a, "b": v}
                                        for k, v in enumerate(b)])


def test_equal_items_cross_halfway_between_their_difficulties() -> None:
    params = two_pl([-1.0, 0.0, 1.0])
    cuts = information_cuts(params, [[0], [1], [2]])
    np.testing.assert_allclose(cuts, [-0.5, 0.5], atol=0.01)


def test_a_module_never_better_falls_back_to_the_midpoint_of_peaks() -> None:
    # the harder module is more informative everywhere between the peaks: no crossing there
    params = ItemParameters.from_records([
        {"item_id": "e", "model": "2pl", "a": 0.5, "b": -1.0},
        {"item_id": "h", "model": "2pl", "a": 2.5, "b": 0.0}])
    (cut,) = information_cuts(params, [[0], [1]])
    assert -1.0 <= cut <= 0.0


def test_route_counts_the_cut_points_at_or_below() -> None:
    assert route(np.array([-2.0, -0.5, 0.0, 0.5, 3.0]), (-0.5, 0.5)).tolist() == [0, 1, 1, 2, 2]


def test_panel_rejects_a_design_without_one_routing_module() -> None:
    with pytest.raises(ValueError, match="cut points"):
        Panel((((0,),), ((1,), (2,))), ((), ()))
    with pytest.raises(ValueError, match="routing"):
        Panel((((0,), (1,)),), ((0.0,),))
    with pytest.raises(ValueError, match="increase"):
        Panel((((0,),), ((1,), (2,), (3,))), ((), (0.5, 0.1)))


def _panel() -> tuple[ItemParameters, Panel]:
    # 7 modules of 4 items: routing at 0, easy/medium/hard at −1.5/0/1.5 twice
    centres = [0.0] * 4 + [-1.5] * 4 + [0.0] * 4 + [1.5] * 4 + [-1.7] * 4 + [0.0] * 4 + [1.7] * 4
    params = two_pl([c + 0.1 * (k % 4) for k, c in enumerate(centres)], a=1.5)
    mods = [tuple(range(k, k + 4)) for k in range(0, 28, 4)]
    stages = ((mods[0],), (mods[1], mods[2], mods[3]), (mods[4], mods[5], mods[6]))
    cuts = tuple(() if s == 0 else information_cuts(params, stage)
                 for s, stage in enumerate(stages))
    return params, Panel(stages, cuts)


def test_simulees_see_one_module_per_stage_and_no_item_twice() -> None:
    params, panel = _panel()
    theta = np.random.default_rng(1).normal(0, 1.3, 500)
    result = simulate_mst(params, [panel], theta, np.random.default_rng(2), prior_sd=1.3)
    assert (result.n_items == 12).all() and (result.seen.sum(axis=1) == 12).all()
    for p in range(0, 500, 37):
        assert set(np.flatnonzero(result.seen[p])) == set(panel.path_items(result.path[p]))
    # abler simulees are routed to harder modules
    low, high = theta < -1.5, theta > 1.5
    assert result.path[low, 2].mean() < 0.5 and result.path[high, 2].mean() > 1.5
    assert recovery(theta, result.theta, result.se).coverage > 0.9


def test_panels_are_dealt_in_turn() -> None:
    params, panel = _panel()
    theta = np.zeros(9)
    result = simulate_mst(params, [panel, panel, panel], theta, np.random.default_rng(3))
    assert np.bincount(result.panel).tolist() == [3, 3, 3]
