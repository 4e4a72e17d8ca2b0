"""The statistics of progress: effect size with its interval, expected growth, each student's
gain against error, shares with intervals, and small-group suppression.

Pure functions of numbers (numpy only): no database, no pages. Every estimate carries its
uncertainty, and words like "more than expected" are only used when a difference is beyond
its 95% interval.

Effect size (Hattie's, for the same students tested twice)::

    d = (mean_post − mean_pre) / √((sd_pre² + sd_post²) / 2)

Its 95% interval is **analytic**: d ± 1.96·SE(d), with SE(d) from the delta method for paired
bivariate-normal scores (r is the pre/post correlation, V = (sd_pre² + sd_post²)/2)::

    Var(d) ≈ (sd_pre² + sd_post² − 2·r·sd_pre·sd_post) / (n·V)
             + d²·(sd_pre⁴ + sd_post⁴ + 2·r²·sd_pre²·sd_post²) / (8·V²·(n − 1))

With equal SDs this is the familiar 2(1 − r)/n + d²(1 + r²)/(4(n − 1)). Simulated pre/post data
with a known effect cover the true d about 95% of the time from n = 8 up
(``tests/impact/test_stats.py``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

Z95 = 1.959963984540054
HINGE = 0.40
"""Hattie's hinge: the typical effect of a year's schooling."""
WEEKS_PER_YEAR = 365.25 / 7
MIN_GROUP = 5
"""Groups with fewer students than this are not reported (they could identify a child)."""
CI_METHOD = "analytic 95% interval (delta method for paired scores)"

GainVerdict = Literal["more than expected", "less than expected", "as expected", "no norm"]


@dataclass(frozen=True)
class EffectSize:
    """d with its 95% interval for ``n`` students who sat both tests."""

    n: int
    mean_pre: float
    mean_post: float
    sd_pre: float
    sd_post: float
    r: float
    """Correlation of pre and post scores."""
    d: float
    se: float
    low: float
    high: float

    @property
    def interval(self) -> tuple[float, float]:
        """[low, high] of the 95% interval."""
        return (self.low, self.high)

    def compared_with(self, reference: float) -> Literal["above", "below", "within"]:
        """Whether the whole interval lies above or below ``reference``."""
        if self.low > reference:
            return "above"
        return "below" if self.high < reference else "within"


def effect_size(pre: Sequence[float], post: Sequence[float]) -> EffectSize | None:
    """Hattie's d for paired scores with its analytic 95% interval (see the module notes).

    ``pre[i]`` and ``post[i]`` belong to the same student. None with fewer than three pairs or
    no spread (d is then undefined).
    """
    x, y = np.asarray(pre, dtype=float), np.asarray(post, dtype=float)
    if x.shape != y.shape:
        raise ValueError("pre and post must pair the same students")
    n = x.size
    if n < 3:
        return None
    sx, sy = float(x.std(ddof=1)), float(y.std(ddof=1))
    v = (sx**2 + sy**2) / 2
    if v <= 0:
        return None
    r = float(np.corrcoef(x, y)[0, 1]) if sx > 0 and sy > 0 else 0.0
    d = float(y.mean() - x.mean()) / math.sqrt(v)
    var = ((sx**2 + sy**2 - 2 * r * sx * sy) / (n * v)
           + d**2 * (sx**4 + sy**4 + 2 * r**2 * sx**2 * sy**2) / (8 * v**2 * (n - 1)))
    se = math.sqrt(max(var, 0.0))
    return EffectSize(n=n, mean_pre=float(x.mean()), mean_post=float(y.mean()), sd_pre=sx,
                      sd_post=sy, r=r, d=d, se=se, low=d - Z95 * se, high=d + Z95 * se)


def pro_rata_hinge(weeks: float) -> float:
    """The hinge scaled to the time between tests: 0.40 for a year, 0.20 for half a year."""
    return HINGE * max(weeks, 0.0) / WEEKS_PER_YEAR


def expected_d(growths: Sequence[float], sd_pre: Sequence[float],
               sd_post: Sequence[float]) -> float | None:
    """The d the norms expect over the time between tests: the students' mean expected growth
    over the norms' pooled SD (None without norms for anyone)."""
    if not growths:
        return None
    pooled = math.sqrt((float(np.mean(np.square(sd_pre))) + float(np.mean(np.square(sd_post))))
                       / 2)
    return float(np.mean(growths)) / pooled if pooled > 0 else None


@dataclass(frozen=True)
class Gain:
    """One student's gain with its SE, against the growth expected for their year level."""

    pre: float
    post: float
    gain: float
    se: float
    expected: float | None
    verdict: GainVerdict

    @property
    def beyond_expected(self) -> float | None:
        """Gain minus expected growth (None without a norm)."""
        return None if self.expected is None else self.gain - self.expected


def gain(pre: float, pre_se: float, post: float, post_se: float,
         expected: float | None) -> Gain:
    """Gain = post − pre with SE √(SE_pre² + SE_post²); "more than expected" only when the gain
    exceeds the expected growth by more than 1.96 SE (likewise "less")."""
    g, se = post - pre, math.hypot(pre_se, post_se)
    verdict: GainVerdict = "no norm"
    if expected is not None:
        margin = g - expected
        verdict = ("more than expected" if margin > Z95 * se
                   else "less than expected" if margin < -Z95 * se else "as expected")
    return Gain(pre=pre, post=post, gain=g, se=se, expected=expected, verdict=verdict)


def side(value: float, se: float) -> Literal["above", "below", "within error"]:
    """Which side of zero ``value`` lies on, beyond its 95% error; else "within error"."""
    if value - Z95 * se > 0:
        return "above"
    return "below" if value + Z95 * se < 0 else "within error"


@dataclass(frozen=True)
class Share:
    """``k`` of ``n`` with a Wilson 95% interval."""

    k: int
    n: int
    low: float
    high: float

    @property
    def value(self) -> float:
        """The share k/n (0 when n is 0)."""
        return self.k / self.n if self.n else 0.0


def share(k: int, n: int) -> Share:
    """A share with its Wilson score 95% interval (sensible at 0% and 100% too)."""
    if n <= 0:
        return Share(k=0, n=0, low=0.0, high=1.0)
    p, z2 = k / n, Z95**2
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = Z95 * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return Share(k=k, n=n, low=0.0 if k == 0 else max(0.0, centre - half),
                 high=1.0 if k == n else min(1.0, centre + half))


@dataclass(frozen=True)
class Summary:
    """Mean and SD of a group's scores."""

    n: int
    mean: float
    sd: float | None


def summary(values: Sequence[float]) -> Summary:
    """n, mean and (from two values) the sample SD."""
    a = np.asarray(values, dtype=float)
    if a.size == 0:
        return Summary(0, math.nan, None)
    return Summary(int(a.size), float(a.mean()), float(a.std(ddof=1)) if a.size > 1 else None)


def suppressed(sizes: Mapping[str, int], *, minimum: int = MIN_GROUP) -> set[str]:
    """Groups of a breakdown that must not be shown.

    Every group under ``minimum`` students, and — when exactly one group is hidden while the
    total is shown — the next smallest group too, so the hidden one cannot be worked out by
    subtracting the others from the total.
    """
    hidden = {name for name, size in sizes.items() if 0 < size < minimum}
    shown = sorted((size, name) for name, size in sizes.items() if name not in hidden and size)
    if len(hidden) == 1 and shown:
        hidden.add(shown[0][1])
    return hidden
