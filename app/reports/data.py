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

from app.calibration.norms import (
    TERM_WEEKS,
    NormCell,
    NormTable,
    illustrative,
    week_time,
)
from app.delivery.results import Flag, ItemOutcome, Quadrant, ScoredResult

__all__ = ["NormCell", "Norms", "StudentResult", "demo_norms", "reference_norms"]
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
class Norms:
    """The norms a report compares with: the subject's norm table from calibration — imported
    norms naming their source, or illustrative ones derived from the calibration, labelled."""

    table: NormTable

    @property
    def subject(self) -> str:
        return self.table.subject

    @property
    def label(self) -> str:
        """What the report prints beside the norms (source, or "illustrative" and why)."""
        return self.table.label

    @property
    def illustrative(self) -> bool:
        return self.table.illustrative

    def get(self, year_level: int, when: TimeOfYear | date = "start") -> NormCell | None:
        """A year level's norm on a date, or at the start or end of the school year (the
        middle of Term 1 or Term 4); None when there are no norms for that year level."""
        if isinstance(when, date):
            return self.table.at(year_level, when)
        week = TERM_WEEKS[1 if when == "start" else 4]
        return self.table.at_time(year_level, week_time(year_level, week))

    def yearly_growth(self, year_level: int) -> float | None:
        """Expected growth over one school year: the norm mean at the end minus at the start."""
        start, end = self.get(year_level, "start"), self.get(year_level, "end")
        return None if start is None or end is None else end.mean - start.mean


def reference_norms(subject: str, intercept: float, slope: float) -> Norms:
    """The illustrative norms implied by a reference population θ ~ N(0, 1) on any reporting
    scale (:func:`app.calibration.norms.illustrative`)."""
    return Norms(illustrative(subject, intercept, slope))


def demo_norms() -> Norms:
    """The illustrative maths norms of a scale with intercept 1500 and slope 75."""
    return reference_norms("mathematics", 1500.0, 75.0)
