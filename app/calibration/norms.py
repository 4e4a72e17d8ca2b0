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
"""A year's growth in within-year SDs (Hattie's d = 0.40) in the illustrative norms, on
average over Years 4–10; younger students grow more (:data:`GROWTH_FIRST`), older less."""
GROWTH_FIRST, GROWTH_LAST = 0.55, 0.25


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


def growth_rate(t: float, years: Sequence[int] = ILLUSTRATIVE_YEARS) -> float:
    """The illustrative norms' growth, in within-year SDs per year, at norm time ``t``: 0.55 at
    the start of the youngest year level, slowing steadily to 0.25 at the end of the oldest
    (0.40, Hattie's hinge, on average)."""
    first, last = min(years), max(years) + 1
    return GROWTH_SD + (GROWTH_FIRST - GROWTH_LAST) * ((first + last) / 2 - t) / (last - first)


def _rise(t: float, years: Sequence[int]) -> float:
    """∫ growth_rate from the start of the youngest year level to ``t`` (in SDs)."""
    first, last = min(years), max(years) + 1
    mid = (first + last) / 2
    slope = -(GROWTH_FIRST - GROWTH_LAST) / (last - first)
    return GROWTH_SD * (t - first) + slope / 2 * ((t - mid) ** 2 - (first - mid) ** 2)


def illustrative(subject: str, intercept: float, slope: float,
                 years: Sequence[int] = ILLUSTRATIVE_YEARS) -> NormTable:
    """Norms implied by the calibration's reference population, by term.

    θ ~ N(0, 1) (scale mean ``intercept``, SD ``slope``) is taken as Years 4–10 in equal
    shares. Each year level's mean rises along :func:`growth_rate` (in SDs of a year level),
    and every year level has the same SD s. For the mix to keep the reference SD,
    s²·(1 + Var(rise)) = slope², where rise(t) is the growth from Year 4 to norm time t and
    t is spread evenly over the seven years; the mix's mean is the scale's centre.
    """
    grid = np.linspace(min(years), max(years) + 1, 701)
    rises = np.array([_rise(float(t), years) for t in grid])
    within = slope / math.sqrt(1.0 + float(rises.var()))
    centre = float(rises.mean())
    points = tuple(NormPoint(year_level=y, week=w, term=t, sd=round(within, 1), mean=round(
        intercept + within * (_rise(week_time(y, w), years) - centre), 1))
        for y in years for t, w in TERM_WEEKS.items())
    assumptions = (
        f"They assume the calibration's reference population (θ ~ N(0, 1): scale mean "
        f"{intercept:.0f}, SD {slope:.0f}) is Years {min(years)}–{max(years)} in equal shares; "
        f"that every year level has the same SD ({within:.0f}); and that a year's growth is "
        f"{GROWTH_FIRST:.2f} of that SD in Year {min(years)} ({GROWTH_FIRST * within:.0f} "
        f"points), slowing steadily to {GROWTH_LAST:.2f} in Year {max(years)} "
        f"({GROWTH_LAST * within:.0f} points) — {GROWTH_SD:.2f} on average — accruing evenly "
        "through the calendar year.")
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
