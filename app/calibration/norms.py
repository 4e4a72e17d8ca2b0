"""Norms: each year level's scale-score distribution through the school year, as data.

A norm table holds points (year level, week of the school year, mean, SD, n). Between points
norms change steadily: a student's *norm time* is ``year level + days since 1 February / 365.25``
and means and SDs are interpolated linearly in it, across terms and across year levels (so the
norm of a Year 5 student in May lies between the Term 1 and Term 2 points, and a year's growth
is the difference between two points a year apart on the student's own path). Weeks count from
the first week of February; a term stands for its middle week (:data:`TERM_WEEKS`).

Built-in norms (:func:`illustrative`) are derived from the calibration, not from a national
sample, and say so: every report that uses them prints :attr:`NormTable.label` and
:attr:`NormTable.assumptions`. Imported norms name their source.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

TERM_WEEKS = {1: 5, 2: 17, 3: 29, 4: 42}
"""The middle week of each NZ school term, counting weeks from 1 February."""
TERM_STARTS = {1: 1, 2: 12, 3: 24, 4: 36}
"""The week each term's window begins (holidays count with the term before them)."""
DAYS_PER_YEAR = 365.25
ILLUSTRATIVE_YEARS = range(4, 11)
GROWTH_SD = 0.40
"""A year's growth in within-year SDs (Hattie's d = 0.40) in the illustrative norms."""


def school_year(on: date) -> int:
    """The school year a date belongs to (January belongs to the year before)."""
    return on.year if on.month >= 2 else on.year - 1


def year_start(year: int) -> date:
    """1 February of a school year."""
    return date(year, 2, 1)


def school_week(on: date) -> int:
    """Week of the school year, 1 from 1 February (January dates run on past 52)."""
    return (on - year_start(school_year(on))).days // 7 + 1


def term_of(on: date) -> int:
    """The school term (1–4) whose window holds the date."""
    week = school_week(on)
    return max(t for t, start in TERM_STARTS.items() if week >= start)


def term_window(year: int, term: int) -> tuple[date, date]:
    """[first day, day after the last) of a term's window in a school year."""
    first = year_start(year) + timedelta(weeks=TERM_STARTS[term] - 1)
    end = (year_start(year) + timedelta(weeks=TERM_STARTS[term + 1] - 1) if term < 4
           else year_start(year + 1))
    return first, end


def norm_time(year_level: int, on: date) -> float:
    """Year level plus the share of the school year gone by (Year 5 on 1 August ≈ 5.5)."""
    return year_level + (on - year_start(school_year(on))).days / DAYS_PER_YEAR


def week_time(year_level: int, week: int) -> float:
    """Norm time of a norm point given by week of the school year."""
    return year_level + (week - 1) * 7 / DAYS_PER_YEAR


@dataclass(frozen=True)
class NormPoint:
    """One row of a norm table: a year level at one week of the school year."""

    year_level: int
    week: int
    mean: float
    sd: float
    n: int | None = None
    term: int | None = None


@dataclass(frozen=True)
class NormCell:
    """The norm's mean and SD at one moment for one year level."""

    mean: float
    sd: float


@dataclass(frozen=True)
class NormTable:
    """A subject's norms, where they come from, and what they assume."""

    subject: str
    source: str
    illustrative: bool
    assumptions: str
    points: tuple[NormPoint, ...]

    @property
    def label(self) -> str:
        """What every report using these norms prints beside them."""
        if self.illustrative:
            return ("Illustrative norms, derived from the calibration — not a national sample. "
                    + self.assumptions)
        return f"Norms: {self.source}."

    @property
    def year_levels(self) -> list[int]:
        return sorted({p.year_level for p in self.points})

    def at_time(self, year_level: int, t: float) -> NormCell | None:
        """The norm at norm time ``t`` for a student in ``year_level`` (None if the table has
        no points for that year level)."""
        if year_level not in self.year_levels:
            return None
        times = np.array([week_time(p.year_level, p.week) for p in self.points])
        order = np.argsort(times)
        ts = times[order]
        means = np.array([p.mean for p in self.points])[order]
        sds = np.array([p.sd for p in self.points])[order]
        return NormCell(_line(ts, means, t), max(_line(ts, sds, t), 1e-9))

    def at(self, year_level: int, on: date) -> NormCell | None:
        """The norm for a student of ``year_level`` (their year level on that date) on a date."""
        return self.at_time(year_level, norm_time(year_level, on))

    def growth(self, first: tuple[int, date], second: tuple[int, date]) -> float | None:
        """Expected growth between two (year level, date) moments of one student's path."""
        a, b = self.at(*first), self.at(*second)
        return None if a is None or b is None else b.mean - a.mean


def _line(ts: np.ndarray, values: np.ndarray, t: float) -> float:
    """Piecewise-linear through the points, continued along the end segments beyond them."""
    if ts.size == 1:
        return float(values[0])
    if t < ts[0] or t > ts[-1]:
        k = (0, 1) if t < ts[0] else (-2, -1)
        dt = ts[k[1]] - ts[k[0]]
        slope = (values[k[1]] - values[k[0]]) / dt if dt else 0.0
        return float(values[k[0]] + slope * (t - ts[k[0]]))
    return float(np.interp(t, ts, values))


def illustrative(subject: str, intercept: float, slope: float,
                 years: Sequence[int] = ILLUSTRATIVE_YEARS) -> NormTable:
    """Norms implied by the calibration's reference population, by term.

    θ ~ N(0, 1) (scale mean ``intercept``, SD ``slope``) is taken as Years 4–10 in equal
    shares, each year level's mean rising ``GROWTH_SD`` within-year SDs a year, steadily, with
    the same SD s at every year level. Students spread evenly over the K = 7 years' time have
    norm times with variance K²/12 years², so for the mix to keep the reference SD,
    s²·(1 + 0.4²·K²/12) = slope²: s ≈ 0.79·slope and a year's growth ≈ 0.32·slope.
    """
    spread = len(years) ** 2 / 12
    within = slope / math.sqrt(1.0 + GROWTH_SD**2 * spread)
    growth = GROWTH_SD * within
    middle = (min(years) + max(years) + 1) / 2  # mid-way through the middle year level
    points = tuple(NormPoint(year_level=y, week=w, term=t, sd=round(within, 1),
                             mean=round(intercept + growth * (week_time(y, w) - middle), 1))
                   for y in years for t, w in TERM_WEEKS.items())
    assumptions = (
        f"They assume the calibration's reference population (θ ~ N(0, 1): scale mean "
        f"{intercept:.0f}, SD {slope:.0f}) is Years {min(years)}–{max(years)} in equal shares; "
        f"that each year level's mean rises {GROWTH_SD:.2f} of its SD a year ({growth:.0f} "
        f"points), steadily through the calendar year; and that every year level has the same "
        f"SD ({within:.0f}).")
    return NormTable(subject=subject, source="Kete built-in (illustrative)", illustrative=True,
                     assumptions=assumptions, points=points)


EXPECTATION_RULE = (
    "Curriculum expectation: a curriculum level takes two years — Level 2 by the end of Year 4, "
    "Level 3 by the end of Year 6, Level 4 by the end of Year 8, Level 5 by the end of Year 10 "
    "— rising steadily through each school year (1 February to 15 December), one sublevel "
    "every two terms or so.")


def expected_sublevel(year_level: int, on: date) -> str:
    """The sublevel the curriculum expects of a student of ``year_level`` on a date
    (:data:`EXPECTATION_RULE`; e.g. 3A at the end of Year 6)."""
    start = year_start(school_year(on))
    taught = (min(on, date(start.year, 12, 15)) - start).days / (date(start.year, 12, 15)
                                                                 - start).days
    index = math.floor(2 + 1.5 * (year_level + taught - 5) + 1e-9)  # 2B is index 0
    return f"{2 + index // 3}{'BPA'[index % 3]}"
