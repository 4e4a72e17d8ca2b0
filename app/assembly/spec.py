"""Test specifications: the item pool, the requirements a form must meet, and the objective.

A spec is plain data. Conditions written by people (a TestDesign CSV row, a teacher's request)
are resolved into explicit sets of item or stimulus *positions* when the spec is built, so the
model builder (``model.py``) and the independent checker (``check.py``) read the same facts but
share no code. Every requirement carries an ID (``cid``) and a label a person can read, so that
explanations and check reports can name it ("C7 (STANDARD == 3)").

Positions: items are ``0..n_items-1`` in pool order; stimuli (passages) are
``0..n_stimuli-1``. ``level="stimulus"`` requirements count or fix stimuli, not items.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from app.irt.parameters import ItemParameters

Level = Literal["item", "stimulus"]
Value = str | int | float | None
"""An attribute value: number, text, or ``None`` when missing (NA)."""


@dataclass(eq=False)
class Pool:
    """The items a form may use.

    Attributes:
        params: IRT parameters, one entry per item (``params.item_ids`` are the item IDs).
        attributes: per item, attribute name → value (always includes ``"ID"``).
        stimulus_of: ``(n_items,)`` int, the stimulus position of each item or -1 if discrete.
        stimulus_ids: stimulus (passage) IDs, length ``n_stimuli``.
        stimulus_attributes: per stimulus, attribute name → value.
    """

    params: ItemParameters
    attributes: list[dict[str, Value]]
    stimulus_of: np.ndarray
    stimulus_ids: list[str] = field(default_factory=list)
    stimulus_attributes: list[dict[str, Value]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.stimulus_of = np.asarray(self.stimulus_of, dtype=int).reshape(self.n_items)
        self._index = {item_id: i for i, item_id in enumerate(self.params.item_ids)}

    @property
    def n_items(self) -> int:
        return self.params.n_items

    @property
    def n_stimuli(self) -> int:
        return len(self.stimulus_ids)

    @property
    def item_ids(self) -> list[str]:
        return self.params.item_ids

    def index(self, item_id: str) -> int:
        """Position of an item ID (``KeyError`` if it is not in the pool)."""
        return self._index[item_id]

    def items_of(self, stimulus: int) -> np.ndarray:
        """Positions of the items that belong to stimulus position ``stimulus``."""
        return np.flatnonzero(self.stimulus_of == stimulus)


@dataclass(frozen=True, kw_only=True)
class Requirement:
    """Base of every requirement: an ID people refer to and a readable label."""

    cid: str
    label: str = ""

    @property
    def name(self) -> str:
        """``"C7 (STANDARD == 3)"``: how explanations and reports name the requirement."""
        return f"{self.cid} ({self.label})" if self.label else self.cid


@dataclass(frozen=True, kw_only=True)
class CountBound(Requirement):
    """``lb ≤`` number of chosen members ``≤ ub`` (members are items or stimuli)."""

    members: tuple[int, ...]
    lb: float | None = None
    ub: float | None = None
    level: Level = "item"


@dataclass(frozen=True, kw_only=True)
class ShareBound(Requirement):
    """``lb ≤`` (chosen members) / (chosen items of ``of``) ``≤ ub``; shares are fractions.

    ``of=None`` means all items. Linear form: ``Σ_members x − lb·Σ_of x ≥ 0``.
    """

    members: tuple[int, ...]
    lb: float | None = None
    ub: float | None = None
    of: tuple[int, ...] | None = None


@dataclass(frozen=True, kw_only=True)
class SumBound(Requirement):
    """``lb ≤ Σ weight_i`` over chosen members ``≤ ub`` (e.g. expected time, word counts)."""

    members: tuple[int, ...]
    weights: tuple[float, ...]
    lb: float | None = None
    ub: float | None = None
    unit: str = ""


@dataclass(frozen=True, kw_only=True)
class PerStimulusBound(Requirement):
    """Each chosen stimulus among ``stimuli`` has between ``lb`` and ``ub`` of its items chosen."""

    stimuli: tuple[int, ...]
    lb: float | None = None
    ub: float | None = None


@dataclass(frozen=True, kw_only=True)
class Enemies(Requirement):
    """At most one of ``members`` may be chosen."""

    members: tuple[int, ...]
    level: Level = "item"


@dataclass(frozen=True, kw_only=True)
class Include(Requirement):
    """Every one of ``members`` must be chosen."""

    members: tuple[int, ...]
    level: Level = "item"


@dataclass(frozen=True, kw_only=True)
class Exclude(Requirement):
    """None of ``members`` may be chosen (e.g. items the class saw recently)."""

    members: tuple[int, ...]
    level: Level = "item"


@dataclass(frozen=True, kw_only=True)
class AllOrNone(Requirement):
    """Either all of ``members`` are chosen or none of them."""

    members: tuple[int, ...]
    level: Level = "item"


@dataclass(frozen=True, kw_only=True)
class OrderRule(Requirement):
    """Present items (or stimuli) in non-decreasing order of ``keys`` (one key per position).

    Not a selection rule: it constrains the order of a form, which ``order.py`` produces.
    """

    keys: tuple[Value, ...]
    level: Level = "item"


@dataclass(frozen=True, kw_only=True)
class MaximinInformation:
    """Maximise ``y`` subject to ``y·w_k ≤ I(θ_k)`` at every point (``w`` defaults to 1)."""

    thetas: tuple[float, ...]
    weights: tuple[float, ...] | None = None


@dataclass(frozen=True, kw_only=True)
class TargetInformation:
    """Minimise the largest ``|I(θ_k) − target_k|`` over the points (minimax deviation)."""

    thetas: tuple[float, ...]
    targets: tuple[float, ...]


Objective = MaximinInformation | TargetInformation


INFORMATION_FLOOR = 0.95
"""A varied form keeps at least this share of the best form's information (the ε of the
ε-constraint): 95% of the information is about 2.6% more standard error, invisible in a report."""


@dataclass(frozen=True)
class Diversity:
    """Vary forms within a stated loss of information (an ε-constraint), so teachers asking
    the same thing get different tests.

    Assembly first finds the most informative form (within the solver's gap). Then, among the
    forms that meet every requirement and keep at least ``floor`` of that form's information
    at the objective points ``held_at`` (indices into the objective's θ; ``None``: every
    point), it returns one that shares the fewest items with earlier forms (targets: the
    deviation may grow by ``1 − floor`` of the mean target instead). It minimises
    ``Σ exposure_i x_i``, where ``exposure_i`` is how many earlier forms hold item i, so the
    sum is the number of items shared, counted over those forms. That minimum is proven
    (to less than one shared item) unless the time limit stops the solver. With no earlier
    forms, a seeded random draw takes the place of exposure, so two teachers with the same
    request still get different forms.
    """

    seed: int | None = None
    exposure: tuple[float, ...] | None = None
    floor: float = INFORMATION_FLOOR
    held_at: tuple[int, ...] | None = None
    """The maximin points where the floor holds; a teacher's request holds it at the class's
    level only (its SE there is then at most ``1/√floor`` of the best form's: +2.6% for 95%),
    which leaves the varied form free at the ends of the class's range."""

    @property
    def active(self) -> bool:
        """True when there is a seed or any exposure to act on."""
        return self.seed is not None or self.exposed

    @property
    def exposed(self) -> bool:
        """True when some item appeared in an earlier form."""
        return bool(self.exposure and max(self.exposure) > 0)

    def costs(self, n_items: int, n_max: int) -> tuple[np.ndarray, float]:
        """Per-item costs ``(n_items,)`` for the varied form, and the absolute gap at which
        its solver may stop.

        With exposure: the exposure counts, with a gap of half an item, so the form returned
        shares the fewest items possible (whole counts also let the solver round its bound).
        Without: seeded draws in ``[0, 1)``, with a gap of a tenth of the largest total draw
        a form of ``n_max`` items can have.
        """
        if self.exposed:
            return np.asarray(self.exposure, dtype=float), 0.5
        draws = np.random.default_rng(self.seed).random(n_items)
        return draws, 0.1 * float(np.sort(draws)[::-1][:max(n_max, 1)].sum())


@dataclass(kw_only=True)
class Spec:
    """Everything needed to assemble a form."""

    pool: Pool
    requirements: list[Requirement]
    objective: Objective
    diversity: Diversity = field(default_factory=Diversity)
    name: str = ""

    def find(self, cid: str) -> list[Requirement]:
        """All requirements with this ID (a bare-attribute row expands to several)."""
        return [r for r in self.requirements if r.cid == cid]

    def max_items(self) -> int:
        """An upper bound on the number of items a form can have (used for scaling)."""
        n = self.pool.n_items
        best = n
        for req in self.requirements:
            if isinstance(req, CountBound) and req.level == "item" and req.ub is not None:
                if len(req.members) == n:
                    best = min(best, int(req.ub))
            elif isinstance(req, SumBound) and req.ub is not None and len(req.members) == n:
                low = min(req.weights, default=0.0)
                if low > 0:
                    best = min(best, int(req.ub // low))
        return max(best, 1)


def members_where(flags: Sequence[bool] | np.ndarray) -> tuple[int, ...]:
    """Positions where ``flags`` is true, as a tuple (the form requirements expect)."""
    return tuple(int(i) for i in np.flatnonzero(np.asarray(flags, dtype=bool)))

