"""A simple greedy baseline: add the most useful item that keeps the upper bounds, one at a time.

It starts from the required items, never breaks an upper bound (counts, sums, enemies,
exclusions, items per passage, number of passages), finishes a passage it has opened before
starting another, and when the open lower bounds need every remaining slot it only picks items
that help meet them. "Most useful" is the largest resulting minimum information (maximin) or
the item closest to the information still missing per remaining slot (targets). It is a yardstick
for the MIP, not a guarantee: its form may miss a lower bound or an all-or-none group, which
``check.py`` reports.
"""

from __future__ import annotations

import numpy as np

from app.assembly.spec import (
    CountBound,
    Enemies,
    Exclude,
    Include,
    MaximinInformation,
    PerStimulusBound,
    Spec,
    SumBound,
)
from app.irt.models import item_information


def _item_rows(spec: Spec) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Item-level counts/sums as a weight matrix ``(n_rules, n_items)`` with lower/upper bounds."""
    n = spec.pool.n_items
    weights, lower, upper = [], [], []
    for req in spec.requirements:
        w: float | np.ndarray
        if isinstance(req, CountBound) and req.level == "item":
            members, w, lb, ub = req.members, 1.0, req.lb, req.ub
        elif isinstance(req, SumBound):
            members, w, lb, ub = req.members, np.asarray(req.weights), req.lb, req.ub
        elif isinstance(req, Enemies) and req.level == "item":
            members, w, lb, ub = req.members, 1.0, None, 1.0
        else:
            continue
        row = np.zeros(n)
        row[list(members)] = w
        weights.append(row)
        lower.append(lb or 0.0)
        upper.append(np.inf if ub is None else ub)
    return np.array(weights).reshape(-1, n), np.array(lower), np.array(upper)


class _State:
    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        pool = spec.pool
        self.info = item_information(pool.params, np.asarray(spec.objective.thetas, dtype=float))
        self.weights, self.lower, self.upper = _item_rows(spec)
        self.totals = np.zeros(self.lower.size)
        self.allowed = np.ones(pool.n_items, dtype=bool)
        for req in spec.requirements:
            if isinstance(req, Exclude) and req.level == "item":
                self.allowed[list(req.members)] = False
            elif isinstance(req, Exclude):
                self.allowed[np.isin(pool.stimulus_of, req.members)] = False
        per = [r for r in spec.requirements if isinstance(r, PerStimulusBound)]
        self.per_lb = max((r.lb or 0 for r in per), default=0)
        self.per_ub = min((r.ub for r in per if r.ub is not None), default=np.inf)
        stim = [r for r in spec.requirements if isinstance(r, CountBound)
                and r.level == "stimulus" and len(r.members) == pool.n_stimuli]
        self.max_stimuli = min((r.ub for r in stim if r.ub is not None), default=np.inf)
        self.chosen: list[int] = []
        self.cost = self._costs()
        self.stim_count = np.zeros(pool.n_stimuli)
        self.tif = np.zeros(self.info.shape[0])

    def _costs(self) -> np.ndarray:
        """Each item's use of the bounded sums, relative to a typical item (at least 1)."""
        cost = np.ones(self.spec.pool.n_items)
        for row, ub in zip(self.weights, self.upper, strict=True):
            if np.isfinite(ub) and row.min() > 0 and not np.all(row == 1.0):
                cost = np.maximum(cost, row / float(np.median(row)))
        return cost

    def slots(self, n_max: int) -> float:
        """About how many more items fit (by count and by the bounded sums)."""
        room = float(n_max - len(self.chosen))
        for row, ub, total in zip(self.weights, self.upper, self.totals, strict=True):
            if np.isfinite(ub) and row.min() > 0:  # a budget every item draws on
                room = min(room, (ub - total) / float(np.median(row)))
        return room

    def add(self, i: int) -> None:
        """Choose item ``i`` and update the running totals."""
        self.chosen.append(i)
        self.allowed[i] = False
        self.totals += self.weights[:, i]
        self.tif += self.info[:, i]
        s = int(self.spec.pool.stimulus_of[i])
        if s >= 0:
            self.stim_count[s] += 1

    def candidates(self) -> np.ndarray:
        """Items that can be added without breaking an upper bound, ``(n_items,)`` bool."""
        ok = self.allowed & np.all(self.totals[:, None] + self.weights <= self.upper[:, None]
                                   + 1e-9, axis=0)
        s_of = self.spec.pool.stimulus_of
        in_stim = s_of >= 0
        padded = np.append(self.stim_count, 0.0)  # index -1 (discrete) reads the 0 at the end
        counts = padded[s_of]
        ok &= ~in_stim | (counts < self.per_ub)
        opened = int(np.count_nonzero(self.stim_count))
        if opened >= self.max_stimuli:
            ok &= ~in_stim | (counts > 0)
        unfinished = np.flatnonzero((self.stim_count > 0) & (self.stim_count < self.per_lb))
        if unfinished.size and (ok & np.isin(s_of, unfinished)).any():
            ok &= np.isin(s_of, unfinished)
        return ok

    def needy(self, ok: np.ndarray, slots: float) -> np.ndarray:
        """Drop items that would leave too few slots for a lower bound they do not help."""
        short = np.maximum(self.lower - self.totals, 0.0)
        urgent = short > slots - 1.0 + 1e-9
        if not urgent.any():
            return ok
        helps = ok & np.all(self.weights[urgent] > 0, axis=0)
        return helps if helps.any() else ok


def greedy_form(spec: Spec) -> list[int]:
    """A greedy form (item positions in the order they were picked)."""
    state = _State(spec)
    for req in spec.requirements:
        if isinstance(req, Include) and req.level == "item":
            for i in req.members:
                if i not in state.chosen:
                    state.add(int(i))
    n_max = spec.max_items()
    while len(state.chosen) < n_max:
        slots = state.slots(n_max)
        ok = state.needy(state.candidates(), slots)
        if not ok.any():
            break
        idx = np.flatnonzero(ok)
        state.add(int(idx[int(np.argmax(_scores(spec, state, idx, slots)))]))
    return state.chosen


def _scores(spec: Spec, state: _State, idx: np.ndarray, slots: float) -> np.ndarray:
    """How useful each candidate is, per unit of the scarcest resource it uses (time)."""
    obj = spec.objective
    if isinstance(obj, MaximinInformation):
        w = np.ones(state.tif.size) if obj.weights is None else np.asarray(obj.weights)
        now = float(np.min(state.tif / w))
        after = (state.tif[:, None] + state.info[:, idx]) / w[:, None]
        gain = after.min(axis=0) - now + 1e-6 * after.sum(axis=0)
        return gain / state.cost[idx]
    need = (np.asarray(obj.targets) - state.tif) / max(slots, 1.0)
    return -np.abs(state.info[:, idx] - need[:, None]).sum(axis=0)
