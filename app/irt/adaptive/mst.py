"""Multistage tests: panels, routing cut points where modules' information cross, simulation.

A panel of design 1-3-3 has a routing module (stage 1), then an easy, a medium and a hard
module in stage 2 and again in stage 3. After each stage the person's EAP on every item
answered so far picks the next module: module k of a stage when ``cuts[k-1] ≤ θ̂ < cuts[k]``.
The cut between two neighbouring modules is where their information functions cross — below
it the easier module measures better, above it the harder one (maximum-information routing
written as cut points); where they do not cross between their peaks, the midpoint of the
peaks (an approximate θ) is used.

Modules hold item positions of the bank, in presentation order. Any design works whose first
stage has one module (e.g. 1-3-3, 1-2-2, 1-3).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from app.irt.adaptive.posterior import GridPosterior, LogProbabilities
from app.irt.models import category_probabilities, item_information
from app.irt.parameters import ItemParameters

Modules = tuple[tuple[tuple[int, ...], ...], ...]


@dataclass(frozen=True)
class Panel:
    """One panel.

    Attributes:
        modules: ``modules[s][k]`` is module k (0 = easiest) of stage s: item positions in order.
        cuts: ``cuts[s]`` are the increasing θ cut points routing into stage s
            (``len(modules[s]) - 1`` of them; stage 0 has none).
    """

    modules: Modules
    cuts: tuple[tuple[float, ...], ...]

    def __post_init__(self) -> None:
        if len(self.modules[0]) != 1:
            raise ValueError("the first stage of a panel has exactly one (routing) module")
        for s, stage in enumerate(self.modules):
            if len(self.cuts[s]) != len(stage) - 1:
                raise ValueError(f"stage {s + 1} has {len(stage)} modules but "
                                 f"{len(self.cuts[s])} cut points")
            if any(b <= a for a, b in itertools.pairwise(self.cuts[s])):
                raise ValueError(f"the cut points of stage {s + 1} must increase")

    @property
    def design(self) -> tuple[int, ...]:
        """Modules per stage, e.g. ``(1, 3, 3)``."""
        return tuple(len(stage) for stage in self.modules)

    def paths(self) -> list[tuple[int, ...]]:
        """Every route through the panel: one module index per stage."""
        return list(itertools.product(*(range(len(stage)) for stage in self.modules)))

    def path_items(self, path: Sequence[int]) -> list[int]:
        """The item positions a person on ``path`` sees, in order."""
        return [i for s, k in enumerate(path) for i in self.modules[s][k]]

    def items(self) -> list[int]:
        """Every item of the panel (each module once)."""
        return [i for stage in self.modules for module in stage for i in module]


def information_cuts(params: ItemParameters, stage: Sequence[Sequence[int]],
                     low: float = -5.0, high: float = 5.0, step: float = 0.01
                     ) -> tuple[float, ...]:
    """Cut points between neighbouring modules of one stage (modules ordered easy → hard).

    Between modules a (easier) and b the cut is the θ between their information peaks where
    ``I_b − I_a`` changes sign from negative to positive (linear interpolation on a grid of
    ``step``); with no such crossing, the midpoint of the peaks. Cuts are forced to increase.
    """
    grid = np.arange(low, high + step / 2, step)
    info = item_information(params, grid)
    curves = [info[:, list(m)].sum(axis=1) for m in stage]
    cuts: list[float] = []
    for a, b in itertools.pairwise(curves):
        pa, pb = float(grid[np.argmax(a)]), float(grid[np.argmax(b)])
        lo, hi = sorted((pa, pb))
        inside = (grid >= lo) & (grid <= hi)
        d = (b - a)[inside]
        x = grid[inside]
        up = np.flatnonzero((d[:-1] < 0) & (d[1:] >= 0))
        if up.size:
            k = int(up[0])
            cut = float(x[k] - d[k] * (x[k + 1] - x[k]) / (d[k + 1] - d[k]))
        else:
            cut = (pa + pb) / 2
        if cuts and cut <= cuts[-1]:
            cut = cuts[-1] + step
        cuts.append(cut)
    return tuple(cuts)


def route(theta_hat: np.ndarray | float, cuts: Sequence[float]) -> np.ndarray:
    """Module index (0 = easiest) for each estimate: the number of cut points at or below it."""
    return np.searchsorted(np.asarray(cuts, dtype=float), np.asarray(theta_hat, dtype=float),
                           side="right")


@dataclass
class MSTResult:
    """What an MST simulation gives back.

    Attributes:
        theta: final EAP on every answered item, ``(n_persons,)``.
        se: posterior SD, ``(n_persons,)``.
        n_items: items answered, ``(n_persons,)``.
        panel: panel index each simulee sat, ``(n_persons,)``.
        path: module index per stage, ``(n_persons, n_stages)``.
        seen: which items each simulee saw, boolean ``(n_persons, n_items)``.
    """

    theta: np.ndarray
    se: np.ndarray
    n_items: np.ndarray
    panel: np.ndarray
    path: np.ndarray
    seen: np.ndarray

    @property
    def exposure(self) -> np.ndarray:
        """Share of simulees who saw each item, ``(n_items,)``."""
        return self.seen.mean(axis=0)


def simulate_mst(params: ItemParameters, panels: Sequence[Panel], theta: np.ndarray,
                 rng: np.random.Generator, *, prior_mean: float = 0.0, prior_sd: float = 1.0,
                 progress: Callable[[int], None] | None = None) -> MSTResult:
    """Run simulees at true abilities ``theta`` through ``panels``.

    Simulees are dealt the panels in shuffled rotation; routing uses the EAP (normal prior)
    on every item answered so far; ``progress`` is called with the stages finished.
    """
    theta = np.atleast_1d(np.asarray(theta, dtype=float))
    n = theta.size
    table, log_prior = LogProbabilities.normal(params, prior_mean, prior_sd)
    posterior = GridPosterior(table, log_prior, n)
    which = rng.permutation(np.arange(n) % len(panels))
    n_stages = len(panels[0].modules)
    path = np.zeros((n, n_stages), dtype=int)
    seen = np.zeros((n, params.n_items), dtype=bool)
    for s in range(n_stages):
        if s > 0:
            estimate, _ = posterior.estimates()
        for g, panel in enumerate(panels):
            persons = np.flatnonzero(which == g)
            if s > 0:
                path[persons, s] = route(estimate[persons], panel.cuts[s])
            for k, module in enumerate(panel.modules[s]):
                _answer(params, module, persons[path[persons, s] == k], theta, posterior,
                        seen, rng)
        if progress is not None:
            progress(s + 1)
    estimate, se = posterior.estimates()
    return MSTResult(estimate, se, seen.sum(axis=1), which, path, seen)


def _answer(params: ItemParameters, module: Sequence[int], persons: np.ndarray,
            theta: np.ndarray, posterior: GridPosterior, seen: np.ndarray,
            rng: np.random.Generator) -> None:
    """Draw ``persons``' scores on ``module`` and add them to their posteriors."""
    if persons.size == 0 or not len(module):
        return
    items = np.asarray(module, dtype=int)
    cdf = np.cumsum(category_probabilities(params.subset(items), theta[persons]), axis=2)
    scores = np.sum(cdf < rng.random((persons.size, items.size))[..., None], axis=2)
    scores = np.minimum(scores, params.max_score[items][None, :])
    for j, item in enumerate(items):
        posterior.update(np.full(persons.size, item), scores[:, j], persons)
    seen[np.ix_(persons, items)] = True
