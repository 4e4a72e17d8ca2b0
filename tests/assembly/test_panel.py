"""Multistage panels: every path meets the spec, nothing twice, passages whole, cut points."""

from __future__ import annotations

import itertools
from dataclasses import replace

import numpy as np
import pytest

from app.assembly.panel import PanelDesign, assemble_panels, path_spec
from app.assembly.panel_check import check_panel
from app.assembly.solve import SolveOptions
from app.assembly.spec import (
    CountBound,
    Enemies,
    MaximinInformation,
    PerStimulusBound,
    Pool,
    ShareBound,
    Spec,
    SumBound,
)
from app.irt.adaptive.mst import Panel
from app.irt.models import item_information
from app.irt.parameters import ItemParameters

QUICK = SolveOptions(time_limit=5.0, mip_rel_gap=0.05)  # the contract, not the optimum


def classroom_pool(n: int = 150, n_passages: int = 6, seed: int = 0) -> Pool:
    """2PL items over θ ∈ [−3, 3] with strands, depth and time; the first ``5 × n_passages``
    items sit in passages of five."""
    rng = np.random.default_rng(seed)
    params = ItemParameters.from_records([
        {"item_id": f"I{k:03d}", "model": "2pl", "a": float(np.exp(rng.normal(0.2, 0.2))),
         "b": float(rng.uniform(-3, 3))} for k in range(n)])
    attributes = [{"ID": f"I{k:03d}", "STRAND": ("NUM", "GEO", "STAT")[k % 3],
                   "DEPTH": "deep" if k % 3 == 1 else "surface", "TIME": 30 + 15 * (k % 4)}
                  for k in range(n)]
    stimulus_of = np.full(n, -1)
    stimulus_of[:5 * n_passages] = np.arange(5 * n_passages) // 5
    return Pool(params=params, attributes=attributes, stimulus_of=stimulus_of,
                stimulus_ids=[f"P{s}" for s in range(n_passages)],
                stimulus_attributes=[{"STID": f"P{s}"} for s in range(n_passages)])


def classroom_spec(pool: Pool) -> Spec:
    """Per path (24 items): strands balanced, about a third deep, at most 20 minutes,
    passages of 3–5 items, an enemy pair."""
    everyone = tuple(range(pool.n_items))
    strand = {s: tuple(i for i, a in enumerate(pool.attributes) if a["STRAND"] == s)
              for s in ("NUM", "GEO", "STAT")}
    deep = tuple(i for i, a in enumerate(pool.attributes) if a["DEPTH"] == "deep")
    rules = [CountBound(cid=f"strand {s}", members=m, lb=6, ub=10) for s, m in strand.items()]
    rules += [ShareBound(cid="deep", members=deep, lb=0.25, ub=0.45),
              SumBound(cid="time", members=everyone,
                       weights=tuple(float(a["TIME"]) for a in pool.attributes), ub=1200.0),
              PerStimulusBound(cid="passage size", stimuli=tuple(range(pool.n_stimuli)),
                               lb=3, ub=5),
              Enemies(cid="enemies", members=(40, 41, 42))]
    return Spec(pool=pool, requirements=rules, objective=MaximinInformation(thetas=(0.0,)))


@pytest.fixture(scope="module")
def built() -> tuple[Spec, PanelDesign, object]:
    spec = classroom_spec(classroom_pool())
    design = PanelDesign((1, 3, 3), 8)
    return spec, design, assemble_panels(spec, design, n_panels=2, options=QUICK)


def test_every_path_meets_the_content_balance(built) -> None:
    spec, _design, result = built
    assert result.ok and len(result.panels) == 2
    attrs = spec.pool.attributes
    for panel in result.panels:
        assert len(panel.paths()) == 9
        for path in panel.paths():  # counted here, independently of both checker and model
            items = panel.path_items(path)
            assert len(items) == 24
            strands = [attrs[i]["STRAND"] for i in items]
            assert all(6 <= strands.count(s) <= 10 for s in ("NUM", "GEO", "STAT"))
            assert 0.25 <= sum(attrs[i]["DEPTH"] == "deep" for i in items) / 24 <= 0.45
            assert sum(attrs[i]["TIME"] for i in items) <= 1200
            assert len({40, 41, 42} & set(items)) <= 1


def test_no_item_twice_and_panels_share_nothing(built) -> None:
    _, _, result = built
    first, second = (set(p.items()) for p in result.panels)
    for panel in result.panels:
        assert len(panel.items()) == len(set(panel.items())) == 56
    assert not first & second


def test_passages_stay_whole_within_one_module(built) -> None:
    spec, _, result = built
    for panel in result.panels:
        home: dict[int, set] = {}
        for s, stage in enumerate(panel.modules):
            for k, module in enumerate(stage):
                for i in module:
                    if spec.pool.stimulus_of[i] >= 0:
                        home.setdefault(int(spec.pool.stimulus_of[i]), set()).add((s, k))
        assert all(len(where) == 1 for where in home.values())


def test_modules_are_ordered_easy_to_hard_and_cut_where_information_crosses(built) -> None:
    spec, _, result = built
    panel = result.panels[0]
    for s in (1, 2):
        easy, medium, hard = (list(m) for m in panel.modules[s])
        peaks = []
        grid = np.linspace(-4, 4, 801)
        info = item_information(spec.pool.params, grid)
        for module in (easy, medium, hard):
            peaks.append(grid[np.argmax(info[:, module].sum(axis=1))])
        assert peaks[0] < peaks[1] < peaks[2]
        for cut, (a, b) in zip(panel.cuts[s], itertools.pairwise((easy, medium, hard)),
                               strict=True):
            at = item_information(spec.pool.params, [cut - 0.05, cut + 0.05])
            assert at[0, a].sum() >= at[0, b].sum() - 1e-6  # easier better just below
            assert at[1, b].sum() >= at[1, a].sum() - 1e-6  # harder better just above


def test_the_checker_catches_broken_panels(built) -> None:
    spec, _design, result = built
    panel = result.panels[0]
    routing = panel.modules[0][0]
    twice = Panel(((routing,), (panel.modules[1][0], panel.modules[1][1],
                                (routing[0], *panel.modules[1][2][1:])), panel.modules[2]),
                  panel.cuts)
    assert not check_panel(spec, twice, 8).ok
    short = Panel(((routing[:-1],), *panel.modules[1:]), panel.cuts)
    assert "modules" in {r.cid for r in check_panel(spec, short, 8).failures}


def test_an_impossible_path_is_explained() -> None:
    spec = classroom_spec(classroom_pool())
    rules = [replace(r, ub=300.0) if r.cid == "time" else r for r in spec.requirements]
    result = assemble_panels(replace(spec, requirements=rules), PanelDesign((1, 3, 3), 8),
                             options=QUICK)
    assert not result.panels and result.status == "infeasible"
    assert result.explanation is not None and "time" in result.explanation.constraint_ids


def test_a_bank_too_small_for_a_whole_panel_says_so() -> None:
    pool = classroom_pool(n=60, n_passages=0)
    spec = Spec(pool=pool, requirements=[], objective=MaximinInformation(thetas=(0.0,)))
    result = assemble_panels(spec, PanelDesign((1, 3, 3), 10), options=QUICK)  # 70 > 60 items
    assert not result.panels and result.explanation is None
    assert path_spec(spec, PanelDesign((1, 3, 3), 10)).requirements[-1].lb == 30


@pytest.mark.parametrize("text", ["1-3-3", "1-2", "1-3-3-3"])
def test_designs_parse(text: str) -> None:
    design = PanelDesign.parse(text, 5)
    assert design.label == text and design.path_length == 5 * len(design.stages)


@pytest.mark.parametrize("text", ["3-3", "1-0-3", "1-x", "1-6-6", "1"])
def test_bad_designs_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        PanelDesign.parse(text, 5)
