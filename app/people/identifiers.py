"""One normal form for the names people log in with, used for lookup *and* for throttling.

E-mail addresses, school codes and student numbers are compared after Unicode NFKC
normalisation and case folding, so ``ſCHOOL-B`` (long s) and ``school-b`` are the same
school to the database *and* to the rate limiter: nobody gets fresh tries by spelling a
name another way.
"""

from __future__ import annotations

import unicodedata


def normalise(text: str) -> str:
    """NFKC, case-folded, without surrounding white space (``" ＫＵＲＡ-a "`` → ``"kura-a"``)."""
    return unicodedata.normalize("NFKC", text).casefold().strip()


def school_code(text: str) -> str:
    """A school code as stored: normalised, then in capitals (codes are ASCII)."""
    return normalise(text).upper()
