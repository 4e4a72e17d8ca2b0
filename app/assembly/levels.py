"""The class's expected level ("mostly 3P", "3B-3A") → the θ range a form should measure best.

Sublevels map to θ through a table the caller supplies (Kete's cut scores are data, not code).
"mostly 3P" (or just "3P") centres on 3P and reaches one sublevel either side; "3B-3A" spans the
two named sublevels. The class is modelled as normal on θ with its mean at the centre and a
standard deviation of half the span, which is what expected scores are averaged over.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

_RANGE = re.compile(r"^\s*(\w+)\s*(?:-|–|to)\s*(\w+)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class ClassLevel:
    """The class's ability as the teacher described it, on the θ scale."""

    text: str
    centre: float
    low: float
    high: float
    sublevels: tuple[str, ...] = ()
    """The sublevels the description names (both ends of a range and those between)."""

    @property
    def points(self) -> tuple[float, float, float]:
        """Where the form should be most informative: low end, centre, high end."""
        return (self.low, self.centre, self.high)

    @property
    def sd(self) -> float:
        """Standard deviation of the class's θ distribution (half the span)."""
        return max((self.high - self.low) / 2.0, 1e-6)


def _ordered(sublevel_theta: Mapping[str, float]) -> list[str]:
    return sorted(sublevel_theta, key=lambda k: sublevel_theta[k])


def _find(name: str, sublevel_theta: Mapping[str, float]) -> str:
    for key in sublevel_theta:
        if key.upper() == name.upper():
            return key
    known = ", ".join(_ordered(sublevel_theta))
    raise ValueError(f"unknown sublevel {name!r} in the expected level (known: {known})")


def parse_expected_level(text: str, sublevel_theta: Mapping[str, float]) -> ClassLevel:
    """Read "mostly 3P", "3P" or "3B-3A" against the sublevel → θ map."""
    if not sublevel_theta:
        raise ValueError("the sublevel → θ map is empty")
    cleaned = re.sub(r"^\s*(mostly|mainly|about)\s+", "", text or "", flags=re.IGNORECASE)
    if not cleaned.strip():
        raise ValueError("give the class's expected level, e.g. 'mostly 3P'")
    match = _RANGE.match(cleaned)
    theta = sublevel_theta
    if match:
        a, b = (_find(g, theta) for g in match.groups())
        low, high = sorted((theta[a], theta[b]))
        between = tuple(k for k in _ordered(theta) if low <= theta[k] <= high)
        return ClassLevel(text, (low + high) / 2.0, low, high, between)
    name = _find(cleaned.strip(), theta)
    order = _ordered(theta)
    k = order.index(name)
    centre = theta[name]
    low = theta[order[k - 1]] if k > 0 else centre - 0.5
    high = theta[order[k + 1]] if k + 1 < len(order) else centre + 0.5
    return ClassLevel(text, centre, low, high, (name,))
