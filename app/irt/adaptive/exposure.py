"""Item exposure control by eligibility (van der Linden & Veldkamp, 2004; TestDesign's
``exposure_control = "ELIGIBILITY"``), unconditional on θ.

Before each person's test every item is made *eligible* at random with probability

    P(E_i) = min(1, r_max · n(E_i) / n(A_i))        (1 when the item has not been given yet)

where ``n(E_i)`` counts the persons for whom item i was eligible and ``n(A_i)`` those it was
given to. Because ``P(A_i) = P(A_i | E_i) · P(E_i)`` and ``n(A_i)/n(E_i)`` estimates
``P(A_i | E_i)``, this keeps the share of persons who see the item at or below ``r_max``
from the first administrations on, without the pre-calibration simulations Sympson–Hetter
needs. On top of that a running cap: an item already given to ``r_max`` of the persons so far
(``n(A_i) + 1 > max(r_max · (j + 1), 1)`` for person ``j + 1``) is not eligible, so the final
rate cannot drift more than one person above ``r_max`` through chance runs of eligibility.
Ineligible items are not barred outright: the shadow test may still take one when the
content rules cannot be met without it (then the rate can exceed ``r_max``; simulations
report it). With ``r_max = 1`` every item is always eligible (no control).
"""

from __future__ import annotations

import numpy as np


class EligibilityControl:
    """Eligibility counts over the persons tested so far.

    Attributes:
        max_rate: ``r_max``, the largest share of persons an item should be given to.
        eligible_counts: ``n(E_i)``, ``(n_items,)``.
        given_counts: ``n(A_i)``, ``(n_items,)``.
        n_persons: persons recorded.
    """

    def __init__(self, n_items: int, max_rate: float = 0.25) -> None:
        if not 0 < max_rate <= 1:
            raise ValueError("the maximum exposure rate must be in (0, 1]")
        self.max_rate = float(max_rate)
        self.eligible_counts = np.zeros(n_items)
        self.given_counts = np.zeros(n_items)
        self.n_persons = 0

    def probabilities(self) -> np.ndarray:
        """``P(E_i)`` for the next person, ``(n_items,)``."""
        if self.max_rate >= 1:
            return np.ones_like(self.given_counts)
        given = self.given_counts
        ratio = np.divide(self.eligible_counts, given, out=np.full_like(given, np.inf),
                          where=given > 0)
        return np.minimum(1.0, self.max_rate * ratio)

    def draw(self, rng: np.random.Generator) -> np.ndarray:
        """Boolean ``(n_items,)``: which items are eligible for the next person."""
        drawn = rng.random(self.given_counts.size) < self.probabilities()
        if self.max_rate >= 1:
            return drawn
        room = max(self.max_rate * (self.n_persons + 1), 1.0)
        return drawn & (self.given_counts + 1 <= room + 1e-9)

    def record(self, eligible: np.ndarray, given: np.ndarray | list[int]) -> None:
        """Count one finished person: their eligible mask and the item positions given."""
        self.eligible_counts += np.asarray(eligible, dtype=bool)
        self.given_counts[np.asarray(given, dtype=int)] += 1
        self.n_persons += 1

    @property
    def rates(self) -> np.ndarray:
        """Observed exposure rates ``n(A_i) / n_persons``, ``(n_items,)``."""
        return self.given_counts / max(self.n_persons, 1)
