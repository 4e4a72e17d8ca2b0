"""The 0-1 programme of one multistage panel (see :mod:`app.assembly.panel` for its rows and
objective) and the design it is built for: modules per stage, module length, the population
whose θ range places each module's targets."""

from __future__ import annotations

import itertools
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from scipy.special import ndtri  # = norm.ppf; importing scipy.stats costs every command 0.5 s

from app.assembly.model import MipModel
from app.assembly.spec import (
    AllOrNone,
    CountBound,
    Enemies,
    Exclude,
    Include,
    PerStimulusBound,
    Requirement,
    ShareBound,
    Spec,
    SumBound,
)
from app.irt.models import item_information

MAX_STAGES, MAX_MODULES_PER_STAGE = 4, 5
STAGE_NAMES = {1: ("routing",), 2: ("easier", "harder"), 3: ("easy", "medium", "hard"),
               4: ("easiest", "easy", "hard", "hardest"),
               5: ("easiest", "easy", "medium", "hard", "hardest")}


@dataclass(frozen=True)
class PanelDesign:
    """The shape of a panel and the population it is for.

    Attributes:
        stages: modules per stage, e.g. ``(1, 3, 3)``; the first stage has one module.
        module_length: items per module.
        mean, sd: the population's θ distribution (normal), which places the modules' targets.
    """

    stages: tuple[int, ...] = (1, 3, 3)
    module_length: int = 8
    mean: float = 0.0
    sd: float = 1.0

    def __post_init__(self) -> None:
        if not 2 <= len(self.stages) <= MAX_STAGES or self.stages[0] != 1:
            raise ValueError(f"a design has 2–{MAX_STAGES} stages and one routing module first, "
                             "e.g. 1-3-3")
        if any(not 1 <= k <= MAX_MODULES_PER_STAGE for k in self.stages):
            raise ValueError(f"a stage has 1–{MAX_MODULES_PER_STAGE} modules")
        if self.module_length < 1 or self.sd <= 0:
            raise ValueError("modules need at least one item and the population a positive SD")

    @classmethod
    def parse(cls, text: str, module_length: int, mean: float = 0.0,
              sd: float = 1.0) -> PanelDesign:
        """``"1-3-3"`` → a design (ValueError with the reason if it is not one)."""
        try:
            stages = tuple(int(part) for part in text.strip().split("-"))
        except ValueError:
            raise ValueError(f"design {text!r} is not modules per stage such as 1-3-3") from None
        return cls(stages, module_length, mean, sd)

    @property
    def label(self) -> str:
        return "-".join(str(k) for k in self.stages)

    @property
    def path_length(self) -> int:
        return self.module_length * len(self.stages)

    def modules(self) -> list[tuple[int, int]]:
        """``(stage, index)`` of every module, stage by stage."""
        return [(s, k) for s, count in enumerate(self.stages) for k in range(count)]

    def module_name(self, stage: int, index: int) -> str:
        """E.g. ``"stage 2 hard"``."""
        return f"stage {stage + 1} {STAGE_NAMES[self.stages[stage]][index]}"

    def targets(self, stage: int, index: int) -> tuple[float, ...]:
        """θ points where module ``index`` of ``stage`` should be most informative."""
        count = self.stages[stage]
        inset = 0.15 if stage == len(self.stages) - 1 else 0.25
        quantiles = (0.25, 0.5, 0.75) if count == 1 else (
            (index + inset) / count, (index + 1 - inset) / count)
        return tuple(float(self.mean + self.sd * ndtri(q)) for q in quantiles)


class _Rows:
    def __init__(self) -> None:
        self.cols: list[np.ndarray] = []
        self.vals: list[np.ndarray] = []
        self.lower: list[float] = []
        self.upper: list[float] = []

    def add(self, cols: Sequence[int] | np.ndarray, vals: Sequence[float] | np.ndarray | float,
            lower: float | None, upper: float | None) -> None:
        c = np.asarray(cols, dtype=int)
        self.cols.append(c)
        self.vals.append(np.broadcast_to(np.asarray(vals, dtype=float), c.shape))
        self.lower.append(-np.inf if lower is None else float(lower))
        self.upper.append(np.inf if upper is None else float(upper))

    def matrix(self, n_cols: int) -> sparse.csr_array:
        rows = np.concatenate([np.full(c.size, r) for r, c in enumerate(self.cols)])
        coo = sparse.coo_array((np.concatenate(self.vals), (rows, np.concatenate(self.cols))),
                               shape=(len(self.lower), n_cols))
        return coo.tocsr()


@dataclass
class PanelModel(MipModel):
    """A panel's programme; ``total`` holds the second pass's column costs."""

    total: np.ndarray = field(default_factory=lambda: np.zeros(0))


@dataclass
class _Layout:
    n: int
    n_stimuli: int
    n_modules: int

    def x(self, m: int, items: Sequence[int] | np.ndarray) -> np.ndarray:
        return m * self.n + np.asarray(items, dtype=int)

    def z(self, m: int, stimuli: Sequence[int] | np.ndarray) -> np.ndarray:
        return self.n * self.n_modules + m * self.n_stimuli + np.asarray(stimuli, dtype=int)

    @property
    def n_cols(self) -> int:
        return (self.n + self.n_stimuli) * self.n_modules + 1


def build_panel_model(spec: Spec, design: PanelDesign,
                      barred_items: Collection[int] = frozenset(),
                      barred_stimuli: Collection[int] = frozenset()) -> PanelModel:
    """The 0-1 programme of one panel (see the module docstring)."""
    pool = spec.pool
    modules = design.modules()
    lay = _Layout(pool.n_items, pool.n_stimuli, len(modules))
    rows = _Rows()
    everyone = np.arange(lay.n)
    for m in range(lay.n_modules):
        rows.add(lay.x(m, everyone), 1.0, design.module_length, design.module_length)
    for i in range(lay.n):
        rows.add([lay.x(m, [i])[0] for m in range(lay.n_modules)], 1.0, None, 1.0)
    _passages(rows, spec, lay)
    starts = np.cumsum((0, *design.stages))
    paths = [tuple(int(starts[s] + k) for s, k in enumerate(route))
             for route in itertools.product(*(range(c) for c in design.stages))]
    for req in spec.requirements:
        _requirement(rows, spec, lay, req, paths)
    info_rows, total = _objective(rows, spec, design, lay)
    upper = np.ones(lay.n_cols)
    for m in range(lay.n_modules):
        upper[lay.x(m, sorted(barred_items))] = 0.0
        upper[lay.z(m, sorted(barred_stimuli))] = 0.0
    lower = np.zeros(lay.n_cols)
    upper[-1] = np.inf
    integer = np.ones(lay.n_cols, dtype=bool)
    integer[-1] = False
    cost = np.zeros(lay.n_cols)
    cost[-1] = 1.0
    return PanelModel(n_items=lay.n * lay.n_modules, n_stimuli=lay.n_stimuli * lay.n_modules,
                      cost=cost, col_lower=lower, col_upper=upper, integer=integer,
                      matrix=rows.matrix(lay.n_cols), row_lower=np.array(rows.lower),
                      row_upper=np.array(rows.upper), row_owner=np.full(len(rows.lower), -1),
                      sense="max", info=info_rows, scale=1.0, total=total)


def _passages(rows: _Rows, spec: Spec, lay: _Layout) -> None:
    for s in range(lay.n_stimuli):
        items = spec.pool.items_of(s)
        for m in range(lay.n_modules):
            z = int(lay.z(m, [s])[0])
            for i in items:
                rows.add([int(lay.x(m, [i])[0]), z], [1.0, -1.0], None, 0.0)
            rows.add(np.append(lay.x(m, items), z), np.append(-np.ones(items.size), 1.0),
                     None, 0.0)
        rows.add([int(lay.z(m, [s])[0]) for m in range(lay.n_modules)], 1.0, None, 1.0)


def _cols(lay: _Layout, path: Sequence[int], members: Sequence[int] | np.ndarray,
          level: str) -> np.ndarray:
    pick = lay.z if level == "stimulus" else lay.x
    return np.concatenate([pick(m, members) for m in path])


def _requirement(rows: _Rows, spec: Spec, lay: _Layout, req: Requirement,
                 paths: list[tuple[int, ...]]) -> None:
    """``req`` on every path (per module for passage sizes, everywhere for exclusions)."""
    if isinstance(req, Exclude):
        for m in range(lay.n_modules):
            rows.add(_cols(lay, [m], req.members, req.level), 1.0, None, 0.0)
        return
    if isinstance(req, PerStimulusBound):
        for m in range(lay.n_modules):
            for s in req.stimuli:
                cols = np.append(lay.x(m, spec.pool.items_of(s)), lay.z(m, [s]))
                ones = np.ones(cols.size - 1)
                if req.lb is not None:
                    rows.add(cols, np.append(ones, -req.lb), 0.0, None)
                if req.ub is not None:
                    rows.add(cols, np.append(ones, -req.ub), None, 0.0)
        return
    for path in paths:
        _on_path(rows, spec, lay, req, path)


def _on_path(rows: _Rows, spec: Spec, lay: _Layout, req: Requirement,
             path: tuple[int, ...]) -> None:
    if isinstance(req, CountBound):
        rows.add(_cols(lay, path, req.members, req.level), 1.0, req.lb, req.ub)
    elif isinstance(req, SumBound):
        rows.add(_cols(lay, path, req.members, "item"), np.tile(req.weights, len(path)),
                 req.lb, req.ub)
    elif isinstance(req, ShareBound):
        of = np.arange(lay.n) if req.of is None else np.asarray(req.of, dtype=int)
        for share, lo, hi in ((req.lb, 0.0, None), (req.ub, None, 0.0)):
            if share is None:
                continue
            coef = np.zeros(lay.n)
            coef[of] -= share
            coef[np.asarray(req.members, dtype=int)] += 1.0
            nz = np.flatnonzero(coef)
            rows.add(_cols(lay, path, nz, "item"), np.tile(coef[nz], len(path)), lo, hi)
    elif isinstance(req, Enemies):
        rows.add(_cols(lay, path, req.members, req.level), 1.0, None, 1.0)
    elif isinstance(req, Include):
        rows.add(_cols(lay, path, req.members, req.level), 1.0, len(req.members), None)
    elif isinstance(req, AllOrNone):
        first, rest = req.members[0], req.members[1:]
        for j in rest:
            rows.add(np.concatenate([_cols(lay, path, [first], req.level),
                                     _cols(lay, path, [j], req.level)]),
                     np.repeat([1.0, -1.0], len(path)), 0.0, 0.0)
    # OrderRule: presentation within a module (order_form), not selection.


def ideal(info: np.ndarray, length: int) -> float:
    """The most ``length`` items could give at the worst of the points: ``info`` is
    ``(n_points, n_items)``; for each point the ``length`` largest values are summed."""
    top = -np.sort(-info, axis=1)[:, :length]
    return float(max(top.sum(axis=1).min(), 1e-9))


def _objective(rows: _Rows, spec: Spec, design: PanelDesign, lay: _Layout
               ) -> tuple[np.ndarray, np.ndarray]:
    """Relative maximin rows; returns every (module, target) information row, and the
    second pass's costs (each column's relative information at its module's targets)."""
    out = []
    total = np.zeros(lay.n_cols)
    everyone = np.arange(lay.n)
    for m, (s, k) in enumerate(design.modules()):
        info = item_information(spec.pool.params, np.asarray(design.targets(s, k)))
        best = ideal(info, design.module_length)
        for row in info:
            rows.add(np.append(lay.x(m, everyone), lay.n_cols - 1), np.append(row, -best),
                     0.0, None)
            out.append(row)
        total[lay.x(m, everyone)] = info.sum(axis=0) / (best * info.shape[0])
    return np.array(out), total
