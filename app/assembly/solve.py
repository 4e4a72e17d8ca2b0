"""Solve a :class:`~app.assembly.model.MipModel` with HiGHS (branch and cut).

Returns the solver's own view: status, column values, the objective of the returned solution,
the proven bound and the relative gap between them, and the wall time. The meaning of those
numbers for a form (information, deviation) is worked out by ``forms.py``.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from dataclasses import dataclass, replace

import highspy
import numpy as np

from app.assembly.model import MipModel

_CANDIDATES = 300  # columns with the best reduced costs kept in the warm-start MIP
# HiGHS's thread pool is one per process and every Highs instance must ask for the same size.
# One thread: a web process solves many small programmes at once (CAT steps, forms) on few
# cores, and a second HiGHS worker only spins beside them — on the 2-core machine it doubled
# a CAT step's processor time (kete bench adaptive, next-item selection).
THREADS = 1
_BANNER_LOCK = threading.Lock()
_banner_done = False


@dataclass(frozen=True)
class SolveOptions:
    """Stopping rules: wall-clock limit (s), relative and absolute MIP gaps; solver seed."""

    time_limit: float = 10.0
    mip_rel_gap: float = 0.01
    mip_abs_gap: float | None = None  # None: the model's own suggestion
    random_seed: int = 0
    warm_start: bool = True
    feasibility_jump: bool = True  # HiGHS's first-solution heuristic; idle with a known start


TEACHER_OPTIONS = SolveOptions(mip_rel_gap=0.01, time_limit=10.0)
"""How teachers' requests are solved: the most informative test within 1% of the bound, then
the test sharing fewest items with other teachers' recent tests while keeping 95% of its
information at the class's level (``variety.py``); ten seconds for the first solve, half that for
the second."""


@dataclass(frozen=True)
class MipResult:
    """What HiGHS reported.

    ``status``: ``optimal`` (within the gaps), ``time_limit`` (a solution, not proven),
    ``infeasible``, ``no_solution`` (stopped before finding one) or ``error``.
    """

    status: str
    values: np.ndarray | None
    objective: float | None
    bound: float | None
    gap: float | None
    seconds: float
    message: str = ""
    reduced_costs: np.ndarray | None = None  # LP relaxations only

    @property
    def has_solution(self) -> bool:
        """True when HiGHS returned a feasible solution."""
        return self.values is not None


def _new_highs() -> highspy.Highs:
    """A silent Highs instance; the first one prints a banner on the C stdout, which we hide."""
    global _banner_done
    with _BANNER_LOCK:
        if _banner_done:
            return _sized(highspy.Highs())
        sys.stdout.flush()
        saved = os.dup(1)
        try:
            with open(os.devnull, "w") as devnull:
                os.dup2(devnull.fileno(), 1)
                highs = highspy.Highs()
        finally:
            os.dup2(saved, 1)
            os.close(saved)
        _banner_done = True
        return _sized(highs)


def _sized(highs: highspy.Highs) -> highspy.Highs:
    highs.setOptionValue("threads", THREADS)
    return highs


def _lp(model: MipModel) -> highspy.HighsLp:
    csc = model.matrix.tocsc()
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = csc.shape[1], csc.shape[0]
    lp.col_cost_ = model.cost
    lp.col_lower_, lp.col_upper_ = model.col_lower, model.col_upper
    lp.row_lower_, lp.row_upper_ = model.row_lower, model.row_upper
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = csc.indptr.astype(np.int32)
    lp.a_matrix_.index_ = csc.indices.astype(np.int32)
    lp.a_matrix_.value_ = csc.data.astype(float)
    lp.sense_ = highspy.ObjSense.kMaximize if model.sense == "max" else highspy.ObjSense.kMinimize
    lp.integrality_ = [highspy.HighsVarType.kInteger if flag else highspy.HighsVarType.kContinuous
                       for flag in model.integer]
    return lp


def solve_mip(model: MipModel, options: SolveOptions | None = None,
              start: np.ndarray | None = None) -> MipResult:
    """Run HiGHS on ``model`` within ``options``; never raises for solver trouble.

    ``start`` is a known feasible solution to start from (it replaces the warm start).

    With ``warm_start`` (the default) the LP relaxation comes first: if it is infeasible, so is
    the MIP. Otherwise a small MIP restricted to the columns the LP finds attractive (its support,
    the best reduced costs, the stimuli it uses) usually finds a near-optimal form at once; when
    that form is already within the gap of the LP bound it is returned as optimal, else the full
    MIP starts from it and spends its time proving the bound.
    """
    options = options or SolveOptions()
    start_time = time.perf_counter()
    incumbent: MipResult | None = None
    lp_bound = None
    if start is not None:
        result = _run(model, options, options.time_limit, start)
        return replace(result, seconds=time.perf_counter() - start_time)
    if options.warm_start:
        lp = solve_relaxation(model, options)
        if lp.status == "infeasible":
            return replace(lp, seconds=time.perf_counter() - start_time,
                           message="the LP relaxation is infeasible")
        if lp.values is not None and lp.objective is not None:
            lp_bound = lp.objective
            incumbent = _restricted(model, options, lp)
            if incumbent.values is not None and _closed(model, options, incumbent, lp_bound):
                return _with_bound(incumbent, lp_bound, start_time, "optimal")
    remaining = max(options.time_limit - (time.perf_counter() - start_time), 0.05)
    warm = incumbent.values if incumbent is not None else None
    result = _run(model, options, remaining, warm)
    if result.values is None and incumbent is not None and incumbent.values is not None:
        return _with_bound(incumbent, lp_bound, start_time, "time_limit")
    return replace(result, seconds=time.perf_counter() - start_time)


def solve_relaxation(model: MipModel, options: SolveOptions) -> MipResult:
    """The LP relaxation (a fifth of the time limit); its objective bounds the MIP's."""
    relaxed = replace(model, integer=np.zeros_like(model.integer))
    return _run(relaxed, options, options.time_limit * 0.2, None)


def _restricted(model: MipModel, options: SolveOptions, lp: MipResult) -> MipResult:
    """The MIP over the LP support, the ``_CANDIDATES`` best reduced costs and used stimuli."""
    assert lp.values is not None
    n, count = model.n_items, model.n_stimuli
    keep = lp.values[:n] > 1e-6
    if lp.reduced_costs is not None:
        attractive = lp.reduced_costs[:n] * (1.0 if model.sense == "max" else -1.0)
        keep[np.argsort(-attractive)[:_CANDIDATES]] = True
    upper = model.col_upper.copy()
    upper[:n][~keep] = 0.0
    upper[n:n + count][lp.values[n:n + count] <= 1e-6] = 0.0
    return _run(replace(model, col_upper=upper), options, options.time_limit * 0.4, None)


def _closed(model: MipModel, options: SolveOptions, found: MipResult, bound: float) -> bool:
    """Is ``found`` within the relative or absolute gap of ``bound``?"""
    assert found.objective is not None
    distance = bound - found.objective if model.sense == "max" else found.objective - bound
    abs_gap = options.mip_abs_gap if options.mip_abs_gap is not None else model.abs_gap
    relative = distance / max(abs(found.objective), 1e-9)
    return distance <= abs_gap or relative <= options.mip_rel_gap


def _with_bound(found: MipResult, bound: float | None, start: float, status: str) -> MipResult:
    """``found`` with the LP bound as its proven bound."""
    assert found.objective is not None
    gap = None
    if bound is not None:
        gap = abs(bound - found.objective) / max(abs(found.objective), 1e-9)
    return MipResult(status, found.values, found.objective, bound, gap,
                     time.perf_counter() - start, "within the gap of the LP relaxation bound")


def _run(model: MipModel, options: SolveOptions, time_limit: float,
         incumbent: np.ndarray | None) -> MipResult:
    start = time.perf_counter()
    highs = _new_highs()
    abs_gap = options.mip_abs_gap if options.mip_abs_gap is not None else model.abs_gap
    for name, value in (("output_flag", False), ("time_limit", float(time_limit)),
                        ("mip_rel_gap", float(options.mip_rel_gap)),
                        ("mip_abs_gap", float(abs_gap)),
                        ("random_seed", int(options.random_seed)),
                        ("mip_heuristic_run_feasibility_jump", bool(options.feasibility_jump))):
        highs.setOptionValue(name, value)
    try:
        highs.passModel(_lp(model))
        if incumbent is not None:
            solution = highspy.HighsSolution()
            solution.col_value = list(incumbent)
            solution.value_valid = True
            highs.setSolution(solution)
        highs.run()
    except Exception as exc:  # the solver's own failures become a status, not a trace
        return MipResult("error", None, None, None, None, time.perf_counter() - start, str(exc))
    out = _result(highs, time.perf_counter() - start)
    if incumbent is not None and _stale(model, out):
        # HiGHS 1.16 can hand back the start it was given while reporting the objective of a
        # better solution it found (seen with presolve on): solve again without the start.
        remaining = max(time_limit - (time.perf_counter() - start), 0.05)
        return _run(model, options, remaining, None)
    return out


def _stale(model: MipModel, result: MipResult) -> bool:
    """Do the returned values disagree with the objective HiGHS reports for them?"""
    if result.values is None or result.objective is None:
        return False
    value = float(model.cost @ result.values)
    return abs(value - result.objective) > 1e-6 * max(1.0, abs(value))


def _result(highs: highspy.Highs, seconds: float) -> MipResult:
    status = highs.getModelStatus()
    info = highs.getInfo()
    has = info.primal_solution_status == highspy.kSolutionStatusFeasible
    values = np.asarray(highs.getSolution().col_value) if has else None
    text = highs.modelStatusToString(status)
    kinds = highspy.HighsModelStatus
    if status == kinds.kOptimal:
        name = "optimal"
    elif status in (kinds.kInfeasible, kinds.kUnboundedOrInfeasible):
        name, values = "infeasible", None
    elif has:
        name = "time_limit"
    elif status in (kinds.kTimeLimit, kinds.kIterationLimit, kinds.kSolutionLimit,
                    kinds.kInterrupt):
        name = "no_solution"
    else:
        name = "error"
    objective = float(info.objective_function_value) if values is not None else None
    bound = float(info.mip_dual_bound) if np.isfinite(info.mip_dual_bound) else None
    gap = float(info.mip_gap) if values is not None and np.isfinite(info.mip_gap) else None
    solution = highs.getSolution()
    duals = np.asarray(solution.col_dual) if solution.dual_valid else None
    return MipResult(name, values, objective, bound, gap, seconds, text, duals)
