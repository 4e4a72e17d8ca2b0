"""Published data for checks against the literature.

LSAT7: Bock & Lieberman (1970), five items of section 7 of the Law School Admission Test,
1,000 examinees, as the 32 response patterns (item 1 first) and their frequencies (the
``LSAT7`` data of R's mirt and ltm). Item p-values .828, .658, .772, .606, .843.
mirt 1.x, ``mirt(expand.table(LSAT7), 1)`` (2PL, N(0, 1), slope–intercept): ``a1`` =
0.988, 1.081, 1.706, 0.765, 0.736 and ``d`` = 1.856, 0.808, 1.804, 0.486, 1.855.
"""

from __future__ import annotations

import numpy as np

LSAT7_FREQUENCIES = (12, 19, 1, 7, 3, 19, 3, 17, 10, 5, 3, 7, 7, 23, 8, 28,
                     7, 39, 11, 34, 14, 51, 15, 90, 6, 25, 7, 35, 18, 136, 32, 308)
LSAT7_MIRT_A = (0.988, 1.081, 1.706, 0.765, 0.736)
LSAT7_MIRT_D = (1.856, 0.808, 1.804, 0.486, 1.855)


def lsat7() -> np.ndarray:
    """The 1,000 × 5 response matrix (patterns in binary order, item 1 the leading bit)."""
    patterns = np.array([[(k >> (4 - j)) & 1 for j in range(5)] for k in range(32)])
    return np.repeat(patterns, LSAT7_FREQUENCIES, axis=0).astype(float)
