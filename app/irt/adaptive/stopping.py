"""When an adaptive test ends: a fixed length, or a target standard error with a maximum."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StoppingRule:
    """Stop after ``max_items``; with ``se_target``, stop earlier once the SE reaches it.

    Attributes:
        max_items: the test's length (fixed-length) or its maximum (SE-based).
        se_target: stop as soon as the posterior SD is at or below it (None: fixed length).
        min_items: never stop before this many items (SE-based only).
    """

    max_items: int
    se_target: float | None = None
    min_items: int = 1

    def __post_init__(self) -> None:
        if self.max_items < 1:
            raise ValueError("an adaptive test needs at least one item")
        if self.se_target is not None and self.se_target <= 0:
            raise ValueError("the SE to stop at must be positive")
        if not 1 <= self.min_items <= self.max_items:
            raise ValueError("min_items must be between 1 and max_items")

    def done(self, n_given: int, se: float) -> bool:
        """Whether a test that has given ``n_given`` items, with SE ``se`` now, stops."""
        if n_given >= self.max_items:
            return True
        return (self.se_target is not None and n_given >= self.min_items
                and se <= self.se_target)
