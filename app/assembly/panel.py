"""Multistage panels (e.g. 1-3-3) as one 0-1 programme in which every path meets the spec.

A panel has ``M`` modules (stage 1: one routing module; later stages: modules ordered easy →
hard). Columns: ``x[m, i]`` (item i in module m), ``z[m, s]`` (passage s in module m), then the
maximin variable ``y``. Rows:

* each module has ``module_length`` items; each item is in at most one module of the panel;
* passages stay whole within a module: ``x[m, i] ≤ z[m, s]``, ``z[m, s] ≤ Σ_{i∈s} x[m, i]``
  and ``Σ_m z[m, s] ≤ 1``; per-passage item counts hold in each module;
* every requirement of the spec holds on every *path* (one module per stage): a count, share
  or sum over a path is the sum over its modules, enemies are at most one per path, and so on;
  ``Exclude`` bars an item from every module; ``OrderRule`` orders items within a module;
* objective: maximise ``y`` with ``Σ_i I_i(θ_k) x[m, i] ≥ y · ideal_m`` at each target θ_k
  of each module, where ``ideal_m`` is the most a module of that length could have at its
  targets on its own (the smallest, over its targets, of the ``module_length`` largest item
  informations there). So ``y`` is the share of its ideal that the worst-served module
  reaches: a broad routing module cannot hold the targeted modules down to its own level.
  A second solve then keeps ``y`` within ``SECOND_PASS_SLACK`` of its best and maximises the
  sum of every module's relative information at its targets, so that modules the worst one
  does not hold back are as good as they can be. Targets: the routing module where routing is
  decided (the population's quantiles ¼, ½, ¾), module k of K in a later stage at the
  quantiles (k + ¼)/K and (k + ¾)/K of its slice, and in the last stage, where θ̂ is
  sharper, further out at (k + 0.15)/K and (k + 0.85)/K.

Routing cut points are then set where neighbouring modules' information cross
(:func:`app.irt.adaptive.mst.information_cuts`). Several panels are assembled one after the
other, each without the items and passages of the earlier ones, so classmates dealt different
panels see different modules. Each panel is checked by :mod:`app.assembly.panel_check`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace

import numpy as np

from app.assembly.check import CheckReport
from app.assembly.explain import Explanation, explain_infeasible
from app.assembly.forms import assemble
from app.assembly.order import order_form
from app.assembly.panel_check import check_panel
from app.assembly.panel_model import (
    MAX_MODULES_PER_STAGE,
    MAX_STAGES,
    STAGE_NAMES,
    PanelDesign,
    PanelModel,
    build_panel_model,
)
from app.assembly.solve import MipResult, SolveOptions, solve_mip
from app.assembly.spec import CountBound, MaximinInformation, Spec
from app.irt.adaptive.mst import Panel, information_cuts
from app.irt.models import item_information

SECOND_PASS_SLACK = 0.02
__all__ = ["MAX_MODULES_PER_STAGE", "MAX_STAGES", "STAGE_NAMES", "PanelDesign", "PanelResult",
           "assemble_panels", "build_panel_model", "path_spec"]


@dataclass(frozen=True)
class PanelResult:
    """The panels assembled (possibly fewer than asked when the bank runs out).

    ``information`` is the smallest module information at its targets, per panel; ``checks``
    the independent check of each panel; ``explanation`` says why there is no panel at all.
    """

    status: str
    panels: tuple[Panel, ...] = ()
    information: tuple[float, ...] = ()
    checks: tuple[CheckReport, ...] = ()
    seconds: float = 0.0
    explanation: Explanation | None = None
    message: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        """At least one panel, and every panel passed the independent check."""
        return bool(self.panels) and all(c.ok for c in self.checks)


def assemble_panels(spec: Spec, design: PanelDesign, n_panels: int = 1,
                    options: SolveOptions | None = None) -> PanelResult:
    """Assemble up to ``n_panels`` panels with no item or passage in common."""
    options = options or SolveOptions(time_limit=30.0, mip_rel_gap=0.02)
    start = time.perf_counter()
    used_items: set[int] = set()
    used_stimuli: set[int] = set()
    panels: list[Panel] = []
    values: list[float] = []
    checks: list[CheckReport] = []
    status, notes = "optimal", []
    for number in range(n_panels):
        model = build_panel_model(spec, design, used_items, used_stimuli)
        result = _solve_twice(model, options)
        if result.values is None:
            status = result.status
            if panels:
                notes.append(f"Only {len(panels)} of {n_panels} panels could be built without "
                             "sharing items: the bank has too few suitable items for more.")
            break
        panel = _panel_from(spec, design, result.values)
        panels.append(panel)
        checks.append(check_panel(spec, panel, design.module_length))
        values.append(module_minimum(spec, design, panel))
        used_items |= set(panel.items())
        used_stimuli |= {int(spec.pool.stimulus_of[i]) for i in panel.items()} - {-1}
        if result.status != "optimal":
            status = result.status
            notes.append(f"Panel {number + 1}: {result.status} ({result.message}).")
    if not panels:
        return PanelResult(status, seconds=time.perf_counter() - start,
                           explanation=_explain(spec, design, options),
                           message=_no_panel_message(status))
    return PanelResult(status, tuple(panels), tuple(values), tuple(checks),
                       time.perf_counter() - start, message="panels assembled",
                       notes=tuple(notes))


def _solve_twice(model: PanelModel, options: SolveOptions) -> MipResult:
    """Relative maximin first; then, holding it within the slack, the most total information."""
    first = solve_mip(model, options)
    if first.values is None or first.objective is None:
        return first
    second = replace(model, cost=model.total.copy(), col_lower=model.col_lower.copy())
    second.col_lower[-1] = (1.0 - SECOND_PASS_SLACK) * first.objective
    result = solve_mip(second, options, start=first.values)
    if result.values is None:
        return first
    status = first.status if result.status == "optimal" else result.status
    return replace(result, status=status, objective=first.objective)


def _no_panel_message(status: str) -> str:
    if status == "infeasible":
        return "no panel meets every requirement on every path"
    return f"no panel found ({status})"


def _explain(spec: Spec, design: PanelDesign, options: SolveOptions) -> Explanation | None:
    """Why one path cannot be built, if it cannot; None when only the panel is too big."""
    single = path_spec(spec, design)
    if assemble(single, options, explain=False).items:
        return None
    return explain_infeasible(single, time_limit=options.time_limit)


def path_spec(spec: Spec, design: PanelDesign) -> Spec:
    """The spec of one path as a fixed form: the spec's rules plus the path's length."""
    everyone = tuple(range(spec.pool.n_items))
    length = CountBound(cid="path length", label=f"{design.path_length} items per path",
                        members=everyone, lb=design.path_length, ub=design.path_length)
    return Spec(pool=spec.pool, requirements=[*spec.requirements, length],
                objective=MaximinInformation(thetas=(design.mean,)), name="one path")


def module_minimum(spec: Spec, design: PanelDesign, panel: Panel) -> float:
    """The smallest information any module has at one of its targets."""
    out = np.inf
    for s, k in design.modules():
        info = item_information(spec.pool.params, np.asarray(design.targets(s, k)))
        out = min(out, float(info[:, list(panel.modules[s][k])].sum(axis=1).min()))
    return float(out)


def _panel_from(spec: Spec, design: PanelDesign, values: np.ndarray) -> Panel:
    n = spec.pool.n_items
    modules: list[list[tuple[int, ...]]] = [[] for _ in design.stages]
    for m, (s, _k) in enumerate(design.modules()):
        chosen = np.flatnonzero(values[m * n:(m + 1) * n] > 0.5).tolist()
        modules[s].append(tuple(order_form(spec, chosen)))
    stages = tuple(tuple(stage) for stage in modules)
    cuts = tuple(() if s == 0 else information_cuts(spec.pool.params, stage)
                 for s, stage in enumerate(stages))
    return Panel(stages, cuts)
