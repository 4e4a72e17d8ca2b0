"""Assemble a form from a spec; swap one item; build a parallel form.

Every form returned here has been ordered (``order.py``) and checked by the independent checker
(``check.py``). A spec with no form returns an :class:`~app.assembly.explain.Explanation`
instead of raising, so callers (CLI, HTTP) can show it as it is.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, replace

import numpy as np

from app.assembly.check import CheckReport, check_form
from app.assembly.explain import Explanation, explain_infeasible
from app.assembly.model import ModelOptions, build_model
from app.assembly.order import order_form
from app.assembly.solve import SolveOptions, solve_mip
from app.assembly.spec import Diversity, Include, MaximinInformation, Spec, TargetInformation
from app.assembly.variety import vary
from app.irt.models import test_information

_MESSAGES = {"optimal": "optimal within the gap", "time_limit": "time limit reached; best form "
             "found so far", "infeasible": "no form meets every requirement",
             "no_solution": "no form found within the time limit", "error": "solver error"}


@dataclass(frozen=True)
class AssemblyResult:
    """The outcome of one assembly.

    ``objective`` is the smallest information over the points (maximin) or the largest
    deviation from the targets (targets); ``bound`` is what the solver proved about the best
    possible value; ``gap`` is their relative distance
    and ``abs_gap`` the absolute one. ``tif`` is the form's information at the objective's points.
    """

    status: str
    items: tuple[int, ...] = ()
    objective: float | None = None
    bound: float | None = None
    gap: float | None = None
    abs_gap: float | None = None
    seconds: float = 0.0
    tif: tuple[float, ...] = ()
    check: CheckReport | None = None
    explanation: Explanation | None = None
    message: str = ""
    best: float | None = None
    """The most informative form's objective when the form was varied (else ``None``); the
    varied form keeps ``floor`` of its information where ``Diversity.held_at`` says."""
    best_items: tuple[int, ...] = ()
    """That most informative form's items (unordered), when the form was varied."""

    @property
    def best_gap(self) -> float | None:
        """The most informative form's relative gap to the proven bound (varied forms)."""
        if self.best is None or self.bound is None:
            return None
        return abs(self.bound - self.best) / max(abs(self.best), 1e-9)

    @property
    def ok(self) -> bool:
        """A form was found and the independent check passed."""
        return bool(self.items) and self.check is not None and self.check.ok

    def item_ids(self, spec: Spec) -> list[str]:
        """The form's item IDs in presentation order."""
        return [spec.pool.item_ids[i] for i in self.items]


def form_objective(spec: Spec, info_at_points: np.ndarray) -> float:
    """The objective value of a form from its information at the objective's points."""
    obj = spec.objective
    if isinstance(obj, MaximinInformation):
        w = np.ones(info_at_points.size) if obj.weights is None else np.asarray(obj.weights)
        return float(np.min(info_at_points / w))
    return float(np.max(np.abs(info_at_points - np.asarray(obj.targets))))


def assemble(spec: Spec, options: SolveOptions | None = None,
             model_options: ModelOptions | None = None, explain: bool = True) -> AssemblyResult:
    """Solve, order and check one form (or explain why there is none).

    With an active :class:`~app.assembly.spec.Diversity` (and nothing fixed or preferred, as in
    a swap) the form is the most varied one within the stated loss of the best form's
    information (``variety.py``); ``best`` then holds the best form's objective.
    """
    options = options or SolveOptions()
    model_options = model_options or ModelOptions()
    start = time.perf_counter()
    model = build_model(spec, model_options)
    result = solve_mip(model, options)
    if result.values is None:
        explanation = None
        if result.status == "infeasible" and explain:
            explanation = explain_infeasible(spec, model_options, options.time_limit)
        return AssemblyResult(result.status, seconds=time.perf_counter() - start,
                              explanation=explanation, message=_MESSAGES[result.status])
    best: float | None = None
    best_items: tuple[int, ...] = ()
    found = result
    if spec.diversity.active and not (model_options.prefer or model_options.fixed_in):
        best_items = tuple(int(i) for i in np.flatnonzero(result.values[:spec.pool.n_items] > 0.5))
        best_tif = model.info[:, list(best_items)].sum(axis=1)
        best = form_objective(spec, best_tif)
        found = vary(spec, model, best_tif, result, options)
    assert found.values is not None  # vary() returns the best form when it finds none
    chosen = np.flatnonzero(found.values[:spec.pool.n_items] > 0.5)
    ordered = tuple(order_form(spec, chosen.tolist()))
    tif = model.info[:, chosen].sum(axis=1)
    objective = form_objective(spec, tif)
    bound = None if result.bound is None or model_options.prefer else result.bound
    abs_gap = None if bound is None else abs(bound - objective)
    gap = None if abs_gap is None else abs_gap / max(abs(objective), 1e-9)
    return AssemblyResult(found.status, ordered, objective, bound, gap, abs_gap,
                          time.perf_counter() - start, tuple(float(v) for v in tif),
                          check_form(spec, ordered), message=_MESSAGES[found.status], best=best,
                          best_items=best_items)


def swap_item(spec: Spec, form: tuple[int, ...] | list[int], item: int,
              options: SolveOptions | None = None) -> AssemblyResult:
    """The best form without ``item`` that keeps the rest of ``form`` where possible.

    First every other item stays and the solver picks the best replacement(s); if that cannot
    meet the requirements, as many of the other items as possible are kept.
    """
    keep = frozenset(int(i) for i in form) - {int(item)}
    barred = frozenset({int(item)})
    first = assemble(spec, options, ModelOptions(fixed_in=keep, fixed_out=barred), explain=False)
    if first.items:
        return replace(first, message=_swap_message(spec, form, first.items))
    second = assemble(spec, options, ModelOptions(fixed_out=barred, prefer=keep,
                                                  prefer_weight=1.0))
    if second.items:
        return replace(second, message=_swap_message(spec, form, second.items))
    return second


def _swap_message(spec: Spec, old: tuple[int, ...] | list[int], new: tuple[int, ...]) -> str:
    ids = spec.pool.item_ids
    out = [ids[i] for i in old if i not in set(new)]
    added = [ids[i] for i in new if i not in set(old)]
    return f"replaced {', '.join(out)} with {', '.join(added) or 'nothing'}"


def parallel_points(spec: Spec) -> tuple[float, ...]:
    """The objective's θ points plus the midpoints between neighbours."""
    points = sorted(set(spec.objective.thetas))
    mids = [(a + b) / 2 for a, b in itertools.pairwise(points)]
    return tuple(sorted(points + mids))


def parallel_form(spec: Spec, form: tuple[int, ...] | list[int],
                  options: SolveOptions | None = None,
                  share_passages: bool = False) -> AssemblyResult:
    """A form with no item (or passage) in common with ``form`` and matching information.

    The new form targets the first form's information at :func:`parallel_points`; unless
    ``options`` say otherwise, deviations within 2% of the mean target count as matched (the
    solver stops there rather than proving the last hundredth); it is not varied (its items are
    new by construction, and matching matters more). Items the spec *requires*
    (Include) necessarily appear in both forms.
    """
    thetas = parallel_points(spec)
    targets = test_information(spec.pool.params.subset(list(form)), np.asarray(thetas))
    target_spec = replace(spec, objective=TargetInformation(
        thetas=thetas, targets=tuple(float(t) for t in targets)), diversity=Diversity())
    required = {m for r in spec.requirements if isinstance(r, Include) and r.level == "item"
                for m in r.members}
    stimuli = {int(spec.pool.stimulus_of[i]) for i in form} - {-1}
    required_stim = {m for r in spec.requirements if isinstance(r, Include)
                     and r.level == "stimulus" for m in r.members}
    required_stim |= {int(spec.pool.stimulus_of[i]) for i in required}
    options = options or SolveOptions()
    if options.mip_abs_gap is None:
        options = replace(options, mip_abs_gap=0.02 * float(np.mean(targets)))
    model_options = ModelOptions(
        fixed_out=frozenset(int(i) for i in form) - required,
        fixed_out_stimuli=frozenset() if share_passages else frozenset(stimuli - required_stim))
    return assemble(target_spec, options, model_options)


def objective_line(spec: Spec, result: AssemblyResult) -> str:
    """The objective, bound and gap in words that fit the objective's kind."""
    def fmt(v: float | None) -> str:
        return "—" if v is None else f"{v:.4f}"

    if isinstance(spec.objective, TargetInformation):
        return (f"largest deviation from the targets {fmt(result.objective)}; proven lower "
                f"bound {fmt(result.bound)}; absolute gap {fmt(result.abs_gap)}")
    gap = "—" if result.gap is None else f"{result.gap:.2%}"
    return (f"smallest information over the points {fmt(result.objective)}; proven upper "
            f"bound {fmt(result.bound)}; gap {gap}")
