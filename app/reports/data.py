"""Plain input data for reports: results, norms and the reporting scale (no SQLAlchemy).

The delivery and calibration packages turn their rows into these dataclasses; the report
builders (``individual``, ``group``, ``progress``) only ever see these.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal

Quadrant = Literal["Achieved", "Strengths", "Gaps", "To be achieved"]
QUADRANTS: tuple[Quadrant, ...] = ("Achieved", "Strengths", "Gaps", "To be achieved")
TimeOfYear = Literal["start", "end"]
FLAG_TEXT = {
    "too_little_information": "Too little information: the score rests on few answers, so "
                              "treat it with caution.",
    "rapid_guessing": "Rapid guessing: some answers came too fast to have been read; the "
                      "score may understate what this student knows.",
}
"""Plain words for the flags scoring raises (unknown flags are shown by their code)."""


@dataclass(frozen=True)
class ItemOutcome:
    """One item a student met, judged against the student's own score (its quadrant)."""

    code: str
    objective_code: str
    objective: str
    strand: str
    sublevel: str
    depth: Literal["surface", "deep"]
    score: int
    max_score: int
    difficulty: float
    """Item difficulty on the reporting scale (where a student has a 50% chance)."""
    p_success: float
    """The student's modelled probability of success on this item."""
    quadrant: Quadrant

    @property
    def correct(self) -> bool:
        """Full marks."""
        return self.score >= self.max_score


@dataclass(frozen=True)
class StudentResult:
    """One scored sitting: a student's scores (each with its SE) and item outcomes."""

    student_id: str
    name: str
    year_level: int
    test_name: str
    sat_on: date
    theta: float
    se: float
    scale_score: float
    scale_se: float
    sublevel: str
    strands: dict[str, tuple[float, float]] = field(default_factory=dict)
    """Strand → (scale score, SE)."""
    depth: dict[str, tuple[float, float]] = field(default_factory=dict)
    """``surface``/``deep`` → (scale score, SE)."""
    attitude: float | None = None
    """Mean attitude item score, 0 (negative) to 3 (positive); None if not asked."""
    flags: tuple[str, ...] = ()
    items: tuple[ItemOutcome, ...] = ()


@dataclass(frozen=True)
class Scale:
    """A subject's reporting scale ``intercept + slope·θ`` and the sublevel cut scores."""

    name: str
    intercept: float
    slope: float
    cuts: dict[str, float]
    """Sublevel → the scale score at which it begins."""

    def score(self, theta: float) -> float:
        """Scale score for ability θ."""
        return self.intercept + self.slope * theta

    def bands(self) -> list[tuple[str, float, float]]:
        """(sublevel, start, end) in ascending order; the last band is one band-width wide."""
        ordered = sorted(self.cuts.items(), key=lambda kv: kv[1])
        out = []
        for k, (name, start) in enumerate(ordered):
            end = ordered[k + 1][1] if k + 1 < len(ordered) else start + (
                start - ordered[k - 1][1] if k else self.slope)
            out.append((name, start, end))
        return out

    def sublevel(self, score: float) -> str:
        """The sublevel a scale score falls in ("below 2B" under the lowest cut)."""
        name = f"below {min(self.cuts, key=self.cuts.__getitem__)}" if self.cuts else "—"
        for level, start in sorted(self.cuts.items(), key=lambda kv: kv[1]):
            if score >= start:
                name = level
        return name


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


def demo_scale(subject: str = "mathematics") -> Scale:
    """The demo bank's reporting scale and cut scores (the same data ``kete demo`` loads)."""
    path = Path(__file__).parents[1] / "itembank" / "demo" / "scale.json"
    spec = json.loads(path.read_text(encoding="utf-8"))[subject]
    return Scale(name=spec["name"], intercept=float(spec["intercept"]),
                 slope=float(spec["slope"]),
                 cuts={k: float(v) for k, v in spec["cuts"].items()})
