"""Shadow tests for item-level CAT, assembled on HiGHS at every step.

A shadow test (van der Linden & Reese, 1998) is a whole test of the CAT's length that meets
every requirement of the spec (content, passages as testlets, enemies, time), contains every
item given so far and has the most information at the current θ̂. The CAT gives its most
informative free item next (:func:`app.irt.adaptive.selection.next_item`).

The programme is the spec's own (``model.py``, without its objective) plus a length row, with
a linear objective ``Σ_i I_i(θ̂) x_i``. Order rules are left out: an adaptive test's order is
the order of selection. Exposure control enters as TestDesign's "big M": an ineligible item's
information is lowered by more than any test's total information, so it is taken only when
the requirements cannot be met without it.

Speed (next-item selection must take well under 50 ms on a 1,000-item bank): each step solves
a *restricted* programme over the items given, the previous shadow test and the ``candidates``
most informative eligible items, warm-started from the previous shadow test. That start is
feasible in the restricted programme (it still holds every given item and meets every rule),
so the restricted solve always has an answer at least as good as the previous shadow test; the
full programme is solved only to find the first shadow test of a design (``seed``), and again
if a restricted solve fails.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from app.assembly.check import CheckReport, check_form
from app.assembly.explain import Explanation, explain_infeasible
from app.assembly.model import MipModel, ModelOptions, build_model
from app.assembly.solve import SolveOptions, solve_mip
from app.assembly.spec import CountBound, MaximinInformation, OrderRule, Spec
from app.irt.models import item_information
from app.irt.scoring import normal_quadrature

# No feasibility jump: each step starts from the previous shadow test, already feasible (the
# heuristic took about a quarter of a step's processor time for nothing).
STEP_OPTIONS = SolveOptions(time_limit=2.0, mip_rel_gap=0.01, warm_start=False,
                            feasibility_jump=False)


class NoShadowTest(ValueError):
    """No test of this length meets the spec; ``explanation`` says which rules conflict."""

    def __init__(self, message: str, explanation: Explanation | None = None) -> None:
        self.explanation = explanation
        super().__init__(message)


def shadow_spec(spec: Spec, length: int) -> Spec:
    """The spec a shadow test must meet: the spec's rules (order rules aside) and the length."""
    everyone = tuple(range(spec.pool.n_items))
    rules = [r for r in spec.requirements if not isinstance(r, OrderRule)]
    rules.append(CountBound(cid="length", label=f"{length} items", members=everyone,
                            lb=length, ub=length))
    return Spec(pool=spec.pool, requirements=rules, objective=MaximinInformation(thetas=(0.0,)),
                name=f"shadow test ({spec.name or 'spec'})")


class ShadowAssembler:
    """Assembles shadow tests of ``length`` items for ``spec`` (a :class:`ShadowTest`).

    Args:
        spec: pool and requirements (its objective is not used).
        length: the CAT's length (its maximum, with SE-based stopping).
        candidates: eligible items, by information at θ̂, offered to each restricted solve.
        options: solver limits of each step.

    Raises:
        NoShadowTest: when no test of ``length`` items meets the requirements.
    """

    def __init__(self, spec: Spec, length: int, *, candidates: int = 100,
                 options: SolveOptions = STEP_OPTIONS, prior_mean: float = 0.0,
                 prior_sd: float = 1.0) -> None:
        self.length = int(length)
        self.spec = shadow_spec(spec, self.length)
        self.candidates = int(candidates)
        self.options = options
        self.model = build_model(self.spec, ModelOptions(with_objective=False))
        self.model.sense = "max"
        self.n = self.spec.pool.n_items
        self._csc = self.model.matrix.tocsc()
        self._stimulus_cols = np.arange(self.n, self.n + self.spec.pool.n_stimuli)
        nodes, weights = normal_quadrature(prior_mean, prior_sd, 21)
        start_info = weights @ item_information(self.spec.pool.params, nodes)
        first = SolveOptions(time_limit=max(10.0, options.time_limit), mip_rel_gap=0.02)
        seed = self._solve(np.arange(self.n), start_info, np.zeros(0, dtype=int), None, first)
        if seed is None:
            raise NoShadowTest(
                f"no test of {self.length} items meets the requirements",
                explain_infeasible(self.spec, time_limit=10.0))
        self.seed = seed

    def __call__(self, info: np.ndarray, given: Sequence[int], eligible: np.ndarray,
                 barred: np.ndarray, previous: np.ndarray | None = None) -> np.ndarray:
        """The shadow test at ``info`` (see :class:`~app.irt.adaptive.selection.ShadowTest`)."""
        given_arr = np.asarray(given, dtype=int)
        barred = barred if barred.size else np.zeros(self.n, dtype=bool)
        cost = np.where(eligible, info, info - self._big_m(info))
        start = self.seed if previous is None else np.asarray(previous, dtype=int)
        if barred[start].any() or not np.isin(given_arr, start).all():
            start = given_arr  # not a feasible start any more; the solver finds one
        open_items = np.flatnonzero(eligible & ~barred)
        best = open_items[np.argsort(-info[open_items])[:self.candidates]]
        cols = np.union1d(np.union1d(best, start), given_arr)
        found = self._solve(cols, cost, given_arr, start if start.size == self.length else None,
                            self.options, barred)
        if found is None:  # the restricted programme failed: offer every item
            found = self._solve(np.flatnonzero(~barred | np.isin(np.arange(self.n), given_arr)),
                                cost, given_arr, None, replace(self.options, time_limit=10.0),
                                barred)
        if found is None:
            raise NoShadowTest("no shadow test holds the items given so far and the "
                               "requirements")
        return found

    def check(self, items: Sequence[int] | np.ndarray) -> CheckReport:
        """The independent check of a (shadow or administered) test against the rules."""
        return check_form(self.spec, [int(i) for i in items])

    def _big_m(self, info: np.ndarray) -> float:
        return float(np.sort(info)[::-1][:self.length].sum() + 1.0)

    def _solve(self, cols: np.ndarray, cost: np.ndarray, given: np.ndarray,
               start: np.ndarray | None, options: SolveOptions,
               barred: np.ndarray | None = None) -> np.ndarray | None:
        """Solve over item columns ``cols`` (stimulus columns always); item positions or None."""
        cols = np.asarray(cols, dtype=int)
        if barred is not None:
            cols = cols[~barred[cols] | np.isin(cols, given)]
        keep = np.concatenate([cols, self._stimulus_cols, [self.model.cost.size - 1]])
        lower = self.model.col_lower[keep].copy()
        lower[np.isin(cols, given).nonzero()[0]] = 1.0
        sub = replace(self.model, n_items=cols.size, cost=np.append(cost[cols], np.zeros(
            keep.size - cols.size)), col_lower=lower, col_upper=self.model.col_upper[keep].copy(),
            integer=self.model.integer[keep], matrix=self._csc[:, keep].tocsr())
        values = None if start is None else self._start_values(sub, cols, start)
        result = solve_mip(sub, options, start=values)
        if result.values is None:
            return None
        return cols[result.values[:cols.size] > 0.5]

    def _start_values(self, sub: MipModel, cols: np.ndarray, start: np.ndarray) -> np.ndarray:
        values = np.zeros(sub.cost.size)
        chosen = np.isin(cols, start)
        values[:cols.size] = chosen
        used = set(self.spec.pool.stimulus_of[cols[chosen]].tolist()) - {-1}
        values[cols.size + np.array(sorted(used), dtype=int)] = 1.0
        return values
