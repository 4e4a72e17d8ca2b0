"""The 0-1 integer program of a spec.

Columns: ``x_i`` (item i chosen), ``z_s`` (stimulus s chosen), then one continuous objective
column: ``y`` for maximin information, ``d`` for minimax deviation from target information.

* maximin: maximise ``y`` with ``Σ_i I_i(θ_k) x_i − w_k·y ≥ 0`` for each point θ_k;
* targets: minimise ``d`` with ``−d ≤ Σ_i I_i(θ_k) x_i − T_k ≤ d``;
* stimuli: ``x_i ≤ z_s`` and ``z_s ≤ Σ_{i∈s} x_i`` link an item to its stimulus; a per-stimulus
  bound is ``lb·z_s ≤ Σ_{i∈s} x_i ≤ ub·z_s``;
* counts, shares and sums are rows with lower and upper bounds; enemies ``Σ x ≤ 1``; include
  ``Σ x ≥ |M|``; exclude ``Σ x ≤ 0``; all-or-none ``x_first = x_j``;
* variety (exposure) is a second solve over the same rows (``variety.py``).

Each requirement row is tagged with its requirement's position, which the elastic model in
``explain.py`` uses to add slack per requirement.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from app.assembly.spec import (
    AllOrNone,
    CountBound,
    Enemies,
    Exclude,
    Include,
    MaximinInformation,
    PerStimulusBound,
    Requirement,
    ShareBound,
    Spec,
    SumBound,
    TargetInformation,
)
from app.irt.models import item_information

INF = np.inf


@dataclass(frozen=True)
class ModelOptions:
    """Per-solve adjustments that are not requirements of the spec.

    ``fixed_in``/``fixed_out`` fix items (swap, parallel forms); ``fixed_out_stimuli`` bars
    stimuli; ``prefer`` items earn ``prefer_weight × scale`` each, where ``scale`` is the size
    of the objective (so with weight 1 keeping one more item outweighs any information gain);
    ``with_objective=False`` builds a pure feasibility model.
    """

    fixed_in: frozenset[int] = frozenset()
    fixed_out: frozenset[int] = frozenset()
    fixed_out_stimuli: frozenset[int] = frozenset()
    prefer: frozenset[int] = frozenset()
    prefer_weight: float = 0.0
    with_objective: bool = True


@dataclass
class MipModel:
    """Arrays of the integer program (row-wise matrix); ``sense`` is "max" or "min"."""

    n_items: int
    n_stimuli: int
    cost: np.ndarray
    col_lower: np.ndarray
    col_upper: np.ndarray
    integer: np.ndarray
    matrix: sparse.csr_array
    row_lower: np.ndarray
    row_upper: np.ndarray
    row_owner: np.ndarray  # requirement position per row, -1 for structural/objective rows
    sense: str = "max"
    info: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    objective_rows: np.ndarray = field(default_factory=lambda: np.zeros(0, int))
    """Maximin: the row ``Σ_i I_i(θ_k) x_i − w_k·y ≥ 0`` of each point θ_k."""
    abs_gap: float = 1e-6
    scale: float = 1.0  # size of the objective (for penalties and preference weights)


class _Rows:
    """Collects sparse rows as COO triplets."""

    def __init__(self) -> None:
        self.rows: list[np.ndarray] = []
        self.cols: list[np.ndarray] = []
        self.vals: list[np.ndarray] = []
        self.lower: list[float] = []
        self.upper: list[float] = []
        self.owner: list[int] = []

    def add(self, cols: np.ndarray | list[int], vals: np.ndarray | list[float] | float,
            lower: float | None, upper: float | None, owner: int = -1) -> None:
        cols = np.asarray(cols, dtype=int)
        self.rows.append(np.full(cols.size, len(self.lower)))
        self.cols.append(cols)
        self.vals.append(np.broadcast_to(np.asarray(vals, dtype=float), cols.shape))
        self.lower.append(-INF if lower is None else float(lower))
        self.upper.append(INF if upper is None else float(upper))
        self.owner.append(owner)

    def matrix(self, n_cols: int) -> sparse.csr_array:
        if not self.rows:
            return sparse.csr_array((0, n_cols))
        coo = sparse.coo_array((np.concatenate(self.vals),
                                (np.concatenate(self.rows), np.concatenate(self.cols))),
                               shape=(len(self.lower), n_cols))
        return coo.tocsr()


def build_model(spec: Spec, options: ModelOptions | None = None) -> MipModel:
    """The integer program for ``spec`` (see the module docstring for its rows)."""
    options = options or ModelOptions()
    pool = spec.pool
    n, s_count = pool.n_items, pool.n_stimuli
    n_cols = n + s_count + 1
    rows = _Rows()
    _link_stimuli(rows, spec)
    for k, req in enumerate(spec.requirements):
        _add_requirement(rows, spec, req, k)
    lower, upper = np.zeros(n_cols), np.ones(n_cols)
    lower[list(options.fixed_in)] = 1.0
    upper[list(options.fixed_out)] = 0.0
    upper[[n + s for s in options.fixed_out_stimuli]] = 0.0
    lower[-1], upper[-1] = -INF, INF
    integer = np.ones(n_cols, dtype=bool)
    integer[-1] = False
    model = MipModel(n_items=n, n_stimuli=s_count, cost=np.zeros(n_cols), col_lower=lower,
                     col_upper=upper, integer=integer, matrix=sparse.csr_array((0, n_cols)),
                     row_lower=np.zeros(0), row_upper=np.zeros(0), row_owner=np.zeros(0, int))
    if options.with_objective:
        _add_objective(rows, model, spec, options)
    else:
        lower[-1] = upper[-1] = 0.0
    model.matrix = rows.matrix(n_cols)
    model.row_lower, model.row_upper = np.array(rows.lower), np.array(rows.upper)
    model.row_owner = np.array(rows.owner, dtype=int)
    return model


def _link_stimuli(rows: _Rows, spec: Spec) -> None:
    pool, n = spec.pool, spec.pool.n_items
    for s in range(pool.n_stimuli):
        items = pool.items_of(s)
        for i in items:  # x_i ≤ z_s
            rows.add([int(i), n + s], [1.0, -1.0], None, 0.0)
        rows.add(np.append(items, n + s), np.append(-np.ones(items.size), 1.0), None, 0.0)


def _cols(spec: Spec, members: tuple[int, ...], level: str) -> np.ndarray:
    offset = spec.pool.n_items if level == "stimulus" else 0
    return np.asarray(members, dtype=int) + offset


def _add_requirement(rows: _Rows, spec: Spec, req: Requirement, k: int) -> None:
    if isinstance(req, CountBound):
        rows.add(_cols(spec, req.members, req.level), 1.0, req.lb, req.ub, k)
    elif isinstance(req, SumBound):
        rows.add(list(req.members), list(req.weights), req.lb, req.ub, k)
    elif isinstance(req, ShareBound):
        _add_share(rows, spec, req, k)
    elif isinstance(req, PerStimulusBound):
        n = spec.pool.n_items
        for s in req.stimuli:
            items = spec.pool.items_of(s)
            cols = np.append(items, n + s)
            ones = np.ones(items.size)
            if req.lb is not None:
                rows.add(cols, np.append(ones, -req.lb), 0.0, None, k)
            if req.ub is not None:
                rows.add(cols, np.append(ones, -req.ub), None, 0.0, k)
    elif isinstance(req, Enemies):
        rows.add(_cols(spec, req.members, req.level), 1.0, None, 1.0, k)
    elif isinstance(req, Include):
        rows.add(_cols(spec, req.members, req.level), 1.0, len(req.members), None, k)
    elif isinstance(req, Exclude):
        rows.add(_cols(spec, req.members, req.level), 1.0, None, 0.0, k)
    elif isinstance(req, AllOrNone):
        cols = _cols(spec, req.members, req.level)
        for j in cols[1:]:
            rows.add([int(cols[0]), int(j)], [1.0, -1.0], 0.0, 0.0, k)
    # OrderRule constrains presentation, not selection: no rows.


def _add_share(rows: _Rows, spec: Spec, req: ShareBound, k: int) -> None:
    """``Σ_M x − share·Σ_O x`` compared with 0, for the lower and the upper share."""
    of = np.arange(spec.pool.n_items) if req.of is None else np.asarray(req.of, dtype=int)
    members = np.asarray(req.members, dtype=int)
    for share, lo, hi in ((req.lb, 0.0, None), (req.ub, None, 0.0)):
        if share is None:
            continue
        coef = np.zeros(spec.pool.n_items)
        coef[of] -= share
        coef[members] += 1.0
        nz = np.flatnonzero(coef)
        rows.add(nz, coef[nz], lo, hi, k)


def _add_objective(rows: _Rows, model: MipModel, spec: Spec, options: ModelOptions) -> None:
    obj, n, last = spec.objective, spec.pool.n_items, model.cost.size - 1
    info = item_information(spec.pool.params, np.asarray(obj.thetas, dtype=float))
    model.info = info
    cols = np.append(np.arange(n), last)
    n_max = spec.max_items()
    if isinstance(obj, MaximinInformation):
        weights = np.ones(len(obj.thetas)) if obj.weights is None else np.asarray(obj.weights)
        first = len(rows.lower)
        for k in range(info.shape[0]):
            rows.add(cols, np.append(info[k], -weights[k]), 0.0, None)
        model.objective_rows = np.arange(first, len(rows.lower))
        top = -np.sort(-info, axis=1)[:, :n_max].sum(axis=1) / weights
        scale, model.sense = float(top.min()), "max"
    elif isinstance(obj, TargetInformation):
        for k, target in enumerate(obj.targets):
            rows.add(cols, np.append(info[k], -1.0), None, target)
            rows.add(cols, np.append(info[k], 1.0), target, None)
        scale, model.sense = float(max(obj.targets, default=1.0)), "min"
        model.abs_gap = 0.002 * scale
        model.col_lower[last] = 0.0
    model.scale = scale
    sign = 1.0 if model.sense == "max" else -1.0
    model.cost[last] = 1.0
    if options.prefer:
        model.cost[list(options.prefer)] += sign * options.prefer_weight * scale
