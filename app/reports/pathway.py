"""The pathway's item-by-item part: each item's quadrant, the objectives behind them, and what
to do next in a teacher's words.

An item is *easier* than the student's level when its difficulty (where a student expects
half its marks) is at or below the student's score; it is *right* with at least half its
marks. Each item shows the sublevel it was written for and, when they differ, the sublevel
its measured difficulty falls in, so "easier than your level" never meets an unexplained
higher label.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.calibration.scale import Scale
from app.delivery.results import ItemOutcome, Quadrant
from app.reports.data import QUADRANTS, StudentResult

QUADRANT_MEANING: dict[Quadrant, str] = {
    Quadrant.ACHIEVED: "Items easier than your level that you got right — you have these.",
    Quadrant.STRENGTHS: "Items harder than your level that you got right — beyond what we "
                        "expected.",
    Quadrant.GAPS: "Items easier than your level that you got wrong — check these first.",
    Quadrant.TO_BE_ACHIEVED: "Items harder than your level that you got wrong — teach these "
                             "next.",
}
MAX_STEPS = 8
PRINTED_LINE = 45
"""About how many characters of an objective's line fit on one line of a printed quadrant."""
PRINTED_PAGE = 62
"""About how many such lines a quadrant row holds on one A4 page, erring long: a row that
fits must never be split, and one a little too long is only moved on before it is split."""
PRINTED_HEADING = 4
"""How many of those lines the section's heading takes from the page of the first row."""


@dataclass(frozen=True)
class ObjectiveLine:
    """One achievement objective in a quadrant, with the items behind it."""

    code: str
    text: str
    strand: str
    items: tuple[str, ...]
    """Each item as "M123 · 4A" (its curriculum sublevel), "M123 · 4A (about as hard as 4B)"
    when its measured difficulty falls in another sublevel."""
    quadrant: Quadrant
    easiest: float
    """The scale difficulty of its easiest item in this quadrant (orders what to do next)."""


@dataclass(frozen=True)
class QuadrantView:
    """A quadrant: its name, what it means in plain words, and its objectives."""

    name: Quadrant
    meaning: str
    objectives: tuple[ObjectiveLine, ...]

    def too_long_to_print_whole(self, *, under_heading: bool = False) -> bool:
        """Whether its printed list would not fit on one A4 page (``under_heading``: on the
        page that starts with the section's heading, as the first row's does).

        The PDF keeps each quadrant row on one page, except a row this long: pushed on to a
        new page, it would be split there all the same, after leaving a page nearly empty.
        """
        lines = sum(-(-(len(o.text) + len("; ".join(o.items)) + 3) // PRINTED_LINE)
                    for o in self.objectives)
        return lines > PRINTED_PAGE - (PRINTED_HEADING if under_heading else 0)


@dataclass(frozen=True)
class WhatNext:
    """What to do next: teach (To be achieved), check (Gaps), and what the test could not show."""

    teach: tuple[ObjectiveLine, ...]
    check: tuple[ObjectiveLine, ...]
    more: int
    """Objectives left out of the lists for length (they are in the quadrants)."""
    too_easy: str | None
    """Why the test cannot say what to teach next (no item was harder than the level)."""
    all_right: str | None
    """Said when nothing was wrong, in exact words (part marks are not 'all correct')."""


def _difficulty(item: ItemOutcome) -> float:
    assert item.difficulty is not None  # sources fill in old results' difficulties
    return item.difficulty


def item_label(item: ItemOutcome, scale: Scale) -> str:
    """"M123 · 4A" or, when students found it as hard as another sublevel's items,
    "M123 · 4A (about as hard as 4B)"."""
    written = item.sublevel or "—"
    measured = scale.sublevel(_difficulty(item))
    return f"{item.item} · {written}" + (f" (about as hard as {measured})"
                                          if measured and measured != written else "")


def quadrant_objectives(result: StudentResult, scale: Scale, quadrant: Quadrant
                        ) -> list[ObjectiveLine]:
    """The objectives behind one quadrant's items, easiest first."""
    grouped: dict[str, list[ItemOutcome]] = {}
    for item in result.items:
        if item.quadrant == quadrant:
            grouped.setdefault(item.objective or "—", []).append(item)
    lines = [ObjectiveLine(code=code, text=its[0].objective_text or "",
                           strand=result.strand_name(its[0].strand),
                           items=tuple(item_label(i, scale) for i in its), quadrant=quadrant,
                           easiest=min(_difficulty(i) for i in its))
             for code, its in grouped.items()]
    return sorted(lines, key=lambda line: (line.easiest, line.code))


def quadrant_views(result: StudentResult, scale: Scale) -> tuple[QuadrantView, ...]:
    """The four quadrants in the pathway's order."""
    return tuple(QuadrantView(q, QUADRANT_MEANING[q],
                              tuple(quadrant_objectives(result, scale, q))) for q in QUADRANTS)


def next_sublevel(scale: Scale, sublevel: str) -> str | None:
    """The sublevel above ``sublevel`` on the scale (None at the top)."""
    rank = scale.rank(sublevel)
    return scale.cuts[rank + 1][0] if rank + 1 < len(scale.cuts) else None


def what_next(result: StudentResult, scale: Scale, quadrants: tuple[QuadrantView, ...]
              ) -> WhatNext:
    """Teach the To be achieved objectives (nearest first); check the Gaps (they may be
    slips); say plainly when the test was too easy to show a next step."""
    by_name = {q.name: q.objectives for q in quadrants}
    teach = by_name[Quadrant.TO_BE_ACHIEVED]
    taught = {line.code for line in teach}
    check = tuple(line for line in by_name[Quadrant.GAPS] if line.code not in taught)
    harder = any(not i.quadrant.easier for i in result.items)
    too_easy = None
    if result.items and not harder:
        above = next_sublevel(scale, result.sublevel)
        too_easy = (f"Every item in this test was easier than {result.name}'s level, so it "
                    "cannot show what to teach next"
                    + (f": give a test around {above} to find the next step." if above
                       else "."))
    all_right = None
    if result.items and not teach and not check:
        partial = result.scored.items_partial
        all_right = ("Every item was answered correctly." if not partial else
                     f"Every item earned at least half its marks ({partial} with part "
                     "marks).")
    shown_teach, shown_check = teach[:MAX_STEPS], check[:max(MAX_STEPS - len(teach), 0)]
    return WhatNext(teach=shown_teach, check=shown_check,
                    more=len(teach) + len(check) - len(shown_teach) - len(shown_check),
                    too_easy=too_easy, all_right=all_right)
