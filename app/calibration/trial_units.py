"""Which unscored trial items a fixed test carries, grouped as they must be placed.

A trial item without a passage is a unit of its own. A trial item of a passage (every reading
item) is placed with its passage, never alone and never inside another passage's run:

* **attached**: the passage is already in the test (through its operational items), so its
  trial items go straight after the passage's last item. Students have read the passage
  already; the trial items cost them only their own time.
* **a trial passage group**: the passage is not in the test. It comes as one block, the
  passage with up to the rule's remaining number of its trial items, between the test's other
  units. At most :data:`MAX_NEW_PASSAGES` per test, and only a passage at one of the test's
  levels (a passage without a level: its items' levels decide, as for every trial item).

Each trial item counts once against the subject's ``per_test``, wherever it sits.

**Time.** Trial items count in no score, report or time estimate: the form's
``total_time_s`` stays the scored items'. But students spend real minutes on them inside the
same time limit, so (1) all trial material together (the items' expected times, plus reading a
trial passage that is not otherwise in the test, at :data:`READING_WORDS_PER_MINUTE`) may add
at most :data:`TRIAL_TIME_SHARE` of the scored items' expected time: a unit that would go over
is left for a longer test; and (2) what it adds is kept apart on the form
(``summary["trial_time_s"]``, written by :mod:`app.assembly.seeding`), and the time limit a
teacher is offered when giving the test includes it, so the scored items keep the time the
teacher asked for.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from app.calibration.field_trial import setting
from app.calibration.responses import ScoredResponse
from app.itembank import families
from app.itembank.keys import auto_markable
from app.itembank.models import CurriculumLevel, Item, Passage

TRIAL_TIME_SHARE = 0.2
"""Trial material adds at most a fifth of the scored items' expected time."""
READING_WORDS_PER_MINUTE = 120
"""A slow silent-reading pace for the years Kete serves: a trial passage's reading time."""
MAX_NEW_PASSAGES = 1
"""Trial passages (not otherwise in the test) one test may carry."""


@dataclass
class TrialUnit:
    """Trial items placed together: one item without a passage, or trial items of one passage
    (``passage_id``) either right after that passage's items (``attached``) or as a block of
    their own, with the passage shown once above them."""

    passage_id: int | None
    attached: bool = False
    reading_s: float = 0.0
    items: list[Item] = field(default_factory=list)

    @property
    def time_s(self) -> float:
        """Seconds it adds to a student's test: its items, plus reading a passage it brings."""
        return self.reading_s + sum(_seconds(i) for i in self.items)


def to_seed(session: Session, *, subject_id: int, scored: Sequence[Item], scored_time_s: float,
            paper: bool, seeded: Mapping[int, int] | None = None) -> list[TrialUnit]:
    """The trial units a fixed test of the ``scored`` items (``scored_time_s`` of expected
    time) should carry under the subject's rule: none in a short test or (unless the rule
    asks) on paper; else up to ``per_test`` items still short of their target, fewest
    responses first (then those costing no extra reading, then those seeded into the fewest
    tests, ``seeded``: item id → tests), at the test's levels, never an enemy or family member
    of an item already in the test (or of each other), within the time share.

    Only items whose key marks them are seeded (a trial item must never send a sitting to the
    teacher's marking queue)."""
    rule = setting(session, subject_id=subject_id)
    if len(scored) < rule.min_test_items or rule.per_test < 1 or (paper and not rule.on_paper):
        return []
    levels = {i.level.level for i in scored if i.level is not None}
    in_test = {i.passage_id for i in scored if i.passage_id is not None}
    seeded = seeded or {}
    candidates = [(item, n) for item, n in _candidates(session, subject_id, levels)
                  if n < rule.target and item.current_revision is not None
                  and auto_markable(item.current_revision.key)
                  and (item.passage_id is None or item.passage_id in in_test
                       or _level_fits(item.passage, levels))]
    ranked = [item for item, _ in sorted(candidates, key=lambda row: (
        row[1], row[0].passage_id is not None and row[0].passage_id not in in_test,
        seeded.get(row[0].id, 0), row[0].code))]
    return _Chooser(session, scored, in_test, rule.per_test,
                    TRIAL_TIME_SHARE * scored_time_s).choose(ranked)


def _candidates(session: Session, subject_id: int, levels: set[int]) -> list[tuple[Item, int]]:
    """Trial achievement items of the subject at ``levels`` with their response counts."""
    counts = select(ScoredResponse.item_id, func.count().label("n")).group_by(
        ScoredResponse.item_id).subquery()
    rows = session.execute(
        select(Item, func.coalesce(counts.c.n, 0)).outerjoin(counts, counts.c.item_id == Item.id)
        .join(CurriculumLevel, CurriculumLevel.id == Item.level_id)
        .options(selectinload(Item.current_revision),
                 selectinload(Item.passage).selectinload(Passage.level))
        .where(Item.subject_id == subject_id, Item.status == "trial",
               Item.kind == "achievement", CurriculumLevel.level.in_(sorted(levels)))).all()
    return [(item, int(n)) for item, n in rows]


def _level_fits(passage: Passage | None, levels: set[int]) -> bool:
    return passage is None or passage.level is None or passage.level.level in levels


def _seconds(item: Item) -> float:
    assert item.current_revision is not None  # candidates have one
    return float(item.current_revision.expected_time_s)


def reading_seconds(passage: Passage | None) -> float:
    """Seconds to read ``passage`` once at :data:`READING_WORDS_PER_MINUTE`."""
    return 60.0 * (passage.word_count if passage else 0) / READING_WORDS_PER_MINUTE


class _Chooser:
    """Greedy choice over ranked candidates, keeping count, time and the enemy rules."""

    def __init__(self, session: Session, scored: Sequence[Item], in_test: set[int],
                 per_test: int, budget_s: float) -> None:
        self.independent = families.independent(session)
        self.groups = {i.enemy_group for i in scored if i.enemy_group}
        self.kin = {f for f in (self._family(i) for i in scored) if f}
        self.taken = {i.id for i in scored}
        self.in_test, self.left, self.budget_s = in_test, per_test, budget_s
        self.new_passages = 0

    def choose(self, ranked: list[Item]) -> list[TrialUnit]:
        units: list[TrialUnit] = []
        done: set[int] = set()
        for item in ranked:
            if self.left == 0:
                break
            if item.passage_id is None:
                unit = self._fill(TrialUnit(None), [item])
            elif item.passage_id in done:
                continue  # its passage's unit already took what it could
            else:
                done.add(item.passage_id)
                unit = self._passage_unit(item, ranked)
            if unit is not None:
                units.append(unit)
        return units

    def _passage_unit(self, first: Item, ranked: list[Item]) -> TrialUnit | None:
        """``first`` with its passage's other ranked candidates, as far as count and time go."""
        attached = first.passage_id in self.in_test
        if not attached and self.new_passages >= MAX_NEW_PASSAGES:
            return None
        unit = TrialUnit(first.passage_id, attached,
                         0.0 if attached else reading_seconds(first.passage))
        siblings = [i for i in ranked if i.passage_id == first.passage_id]
        chosen = self._fill(unit, siblings)
        if chosen is not None and not attached:
            self.new_passages += 1
        return chosen

    def _fill(self, unit: TrialUnit, items: list[Item]) -> TrialUnit | None:
        for item in items:
            if self.left == 0:
                break
            if unit.time_s + _seconds(item) > self.budget_s or not self._apart(item):
                continue
            unit.items.append(item)
            self._take(item)
        if not unit.items:
            return None
        self.budget_s -= unit.time_s
        return unit

    def _family(self, item: Item) -> str | None:
        return item.family if item.family and item.family not in self.independent else None

    def _apart(self, item: Item) -> bool:
        """Whether ``item`` gives no item of the test (or a chosen trial item) away."""
        family = self._family(item)
        return not (item.id in self.taken or (item.enemy_group and item.enemy_group
                                              in self.groups) or (family and family in self.kin))

    def _take(self, item: Item) -> None:
        self.taken.add(item.id)
        self.left -= 1
        if item.enemy_group:
            self.groups.add(item.enemy_group)
        family = self._family(item)
        if family:
            self.kin.add(family)
