"""What the report builders read: a scored result with who sat it, and the norms.

Results are delivery's typed :class:`~app.delivery.results.ScoredResult`, unchanged; a
:class:`StudentResult` only adds the student's name and year, the test's name and the strand
names. The reporting scale is calibration's :class:`~app.calibration.scale.Scale`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from app.delivery.results import Flag, ItemOutcome, Quadrant, ScoredResult

QUADRANTS: tuple[Quadrant, ...] = (Quadrant.ACHIEVED, Quadrant.STRENGTHS, Quadrant.GAPS,
                                   Quadrant.TO_BE_ACHIEVED)
TimeOfYear = Literal["start", "end"]


@dataclass(frozen=True)
class StudentResult:
    """One scored sitting (with a scale score) and who sat it."""

    student_id: str
    name: str
    year_level: int
    test_name: str
    scored: ScoredResult
    strand_names: Mapping[str, str] = field(default_factory=dict)
    """Strand code → its name, for display."""

    @property
    def sat_on(self) -> date:
        return self.scored.sat_at.date()

    @property
    def scale_score(self) -> float:
        assert self.scored.scale_score is not None  # sources leave out unscaled results
        return self.scored.scale_score

    @property
    def scale_se(self) -> float:
        assert self.scored.scale_se is not None
        return self.scored.scale_se

    @property
    def sublevel(self) -> str:
        return self.scored.sublevel or "—"

    @property
    def flags(self) -> tuple[Flag, ...]:
        return self.scored.flags

    @property
    def attitude(self) -> float | None:
        """Mean attitude item score, 0 (negative) to 3 (positive); None if not asked."""
        return self.scored.attitude_score

    @property
    def items(self) -> tuple[ItemOutcome, ...]:
        return self.scored.quadrants

    def strand_name(self, code: str | None) -> str:
        """A strand's name (its code if unknown, "—" for none)."""
        return self.strand_names.get(code, code) if code else "—"

    @property
    def strands(self) -> dict[str, tuple[float, float]]:
        """Strand name → (scale score, SE)."""
        return {self.strand_name(code): (s.scale_score, s.scale_se)
                for code, s in self.scored.subscores.strand.items()
                if s.scale_score is not None and s.scale_se is not None}

    @property
    def depth(self) -> dict[str, tuple[float, float]]:
        """``surface``/``deep`` → (scale score, SE)."""
        return {name: (s.scale_score, s.scale_se) for name, s in self.scored.subscores.depth.items()
                if s.scale_score is not None and s.scale_se is not None}


@dataclass(frozen=True)
class NormCell:
    """The scale-score distribution of one year level at one time of year."""

    mean: float
    sd: float


@dataclass(frozen=True)
class Norms:
    """Norms by (year level, time of year)."""

    subject: str
    cells: dict[tuple[int, TimeOfYear], NormCell]

    def get(self, year_level: int, when: TimeOfYear = "start") -> NormCell | None:
        """The norm for a year level, or None when there is none."""
        return self.cells.get((year_level, when))

    def yearly_growth(self, year_level: int) -> float | None:
        """Expected growth over one school year: the norm mean at the end minus at the start."""
        start, end = self.get(year_level, "start"), self.get(year_level, "end")
        return None if start is None or end is None else end.mean - start.mean


DEMO_SD = 58.0
DEMO_GROWTH = 23.0
_YEARS_SPREAD = 4.25  # variance of year level over Years 4–10, in years²


def reference_norms(subject: str, intercept: float, slope: float) -> Norms:
    """Norms implied by a reference population θ ~ N(0, 1) spread over Years 4–10, with a
    year's growth of 0.4 within-year SD (see :func:`demo_norms`), on any reporting scale."""
    within = slope / (1.0 + 0.4**2 * _YEARS_SPREAD) ** 0.5
    growth = 0.4 * within
    cells: dict[tuple[int, TimeOfYear], NormCell] = {}
    for year in range(4, 11):
        middle = intercept + growth * (year - 7)
        cells[(year, "start")] = NormCell(middle - growth / 2, within)
        cells[(year, "end")] = NormCell(middle + growth / 2, within)
    return Norms(subject=subject, cells=cells)


def demo_norms() -> Norms:
    """Illustrative maths norms for Years 4–10 on a scale with intercept 1500 and slope 75.

    The reference population is θ ~ N(0, 1), i.e. scale mean 1500 and SD 75, taken as the
    Years 4–10 mix. Each year's mean rises by 0.4 of the within-year SD (Hattie's d = 0.40 for
    a year's growth), centred on Year 7 mid-year. For the mix to keep SD 75 the within-year SD
    s must satisfy s²·(1 + 0.4²·4.25) = 75², so s ≈ 58 and a year's growth ≈ 23 points.
    Demonstration data, not real norms.
    """
    cells: dict[tuple[int, TimeOfYear], NormCell] = {}
    for year in range(4, 11):
        middle = 1500.0 + DEMO_GROWTH * (year - 7)
        cells[(year, "start")] = NormCell(middle - DEMO_GROWTH / 2, DEMO_SD)
        cells[(year, "end")] = NormCell(middle + DEMO_GROWTH / 2, DEMO_SD)
    return Norms(subject="mathematics", cells=cells)
