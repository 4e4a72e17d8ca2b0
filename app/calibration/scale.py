"""A subject's reporting scale: ``scale score = intercept + slope·θ`` and the cut scores that
place a scale score in a curriculum sublevel. The one ``Scale`` scoring and reports share.

Below the lowest cut a score is placed as ``"below 2B"`` (the lowest sublevel's name after
``below``), never left blank: the stored result and every report say the same words, and a
teacher reads where the student is rather than an empty cell.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

BELOW = "below "
"""Prefix of the placement under the lowest cut score (``"below 2B"``)."""


@dataclass(frozen=True)
class Scale:
    """A reporting scale and its cut scores ``(sublevel, start score)``, lowest first."""

    name: str
    intercept: float
    slope: float
    cuts: tuple[tuple[str, float], ...] = ()

    @classmethod
    def of(cls, name: str, intercept: float, slope: float,
           cuts: Mapping[str, float] | Iterable[tuple[str, float]]) -> Scale:
        """A scale from cut scores given as a mapping or pairs, in any order."""
        pairs = cuts.items() if isinstance(cuts, Mapping) else cuts
        ordered = sorted(((str(k), float(v)) for k, v in pairs), key=lambda kv: kv[1])
        return cls(name=name, intercept=float(intercept), slope=float(slope),
                   cuts=tuple(ordered))

    def score(self, theta: float) -> float:
        """Scale score for ability θ (reference metric)."""
        return self.intercept + self.slope * theta

    def score_se(self, se_theta: float) -> float:
        """A standard error in logits as scale points."""
        return abs(self.slope) * se_theta

    def theta(self, score: float) -> float:
        """Ability θ for a scale score."""
        return (score - self.intercept) / self.slope

    def sublevel(self, score: float) -> str:
        """The sublevel ``score`` falls in: the highest cut at or below it; under the lowest
        cut ``"below 2B"``; ``""`` when the scale has no cut scores."""
        if not self.cuts:
            return ""
        placed = BELOW + self.cuts[0][0]
        for code, start in self.cuts:
            if score >= start:
                placed = code
        return placed

    def rank(self, sublevel: str) -> int:
        """Order of a sublevel on this scale: 0 for the lowest cut, -1 for below it (and for
        anything unknown)."""
        return next((k for k, (code, _) in enumerate(self.cuts) if code == sublevel), -1)

    def start(self, sublevel: str) -> float | None:
        """The scale score at which ``sublevel`` begins (None if it has no cut)."""
        return dict(self.cuts).get(sublevel)

    def bands(self) -> list[tuple[str, float, float]]:
        """(sublevel, start, end) lowest first; the last band is as wide as the one before."""
        out = []
        for k, (code, start) in enumerate(self.cuts):
            if k + 1 < len(self.cuts):
                end = self.cuts[k + 1][1]
            else:
                end = start + (start - self.cuts[k - 1][1] if k else abs(self.slope))
            out.append((code, start, end))
        return out


DEMO_SCALES = Path(__file__).resolve().parents[1] / "itembank" / "demo" / "scale.json"


def demo_scale(subject: str = "mathematics") -> Scale:
    """The demo bank's reporting scale and cut scores (the data ``kete demo`` loads)."""
    spec = json.loads(DEMO_SCALES.read_text(encoding="utf-8"))[subject]
    return Scale.of(spec["name"], spec["intercept"], spec["slope"], spec["cuts"])
