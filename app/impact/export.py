"""Results for a school management system: one CSV row per scored result.

Columns (in this order)::

    student_number,first_name,last_name,year_level,class_id,class_name,assignment_id,
    test_name,subject,sat_on,scale_score,se,sublevel,strand_<code>…,surface,deep,attitude

``year_level`` is the student's year level when they sat; scores are on the subject's
reference scale (through the stored links between calibrations); a strand column is blank
when the test did not report that strand. Text that a spreadsheet would read as a formula
(starting with = + - @) is prefixed with an apostrophe.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.impact.results import ResultRow
from app.itembank.models import Strand

COLUMNS = ("student_number", "first_name", "last_name", "year_level", "class_id",
           "class_name", "assignment_id", "test_name", "subject", "sat_on", "scale_score",
           "se", "sublevel")
TAIL = ("surface", "deep", "attitude")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def strand_codes(session: Session, rows: list[ResultRow]) -> list[str]:
    """The strands of the subjects in ``rows`` (and any others the rows report), in order."""
    subject_ids = sorted({r.subject_id for r in rows})
    codes = list(session.scalars(select(Strand.code).where(Strand.subject_id.in_(subject_ids))
                                 .order_by(Strand.subject_id, Strand.code)))
    extra = sorted({s for r in rows for s in r.strands} - set(codes))
    return list(dict.fromkeys([*codes, *extra]))


def header(strands: Iterable[str]) -> list[str]:
    return [*COLUMNS, *(f"strand_{code}" for code in strands), *TAIL]


def to_csv(rows: list[ResultRow], strands: list[str]) -> str:
    """The rows as CSV text with a header."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header(strands))
    for r in rows:
        writer.writerow([
            _text(r.student_number), _text(r.first_name), _text(r.last_name), r.year_level,
            r.class_id, _text(r.class_name), r.assignment_id, _text(r.test_name), r.subject,
            r.sat_on.isoformat(), _number(r.scale_score), _number(r.se), r.sublevel,
            *(_number(r.strands[code][0]) if code in r.strands else "" for code in strands),
            *(_number(r.depth[d][0]) if d in r.depth else "" for d in ("surface", "deep")),
            "" if r.attitude is None else f"{r.attitude:.2f}"])
    return out.getvalue()


def _number(value: float) -> str:
    return f"{value:.1f}"


def _text(value: str) -> str:
    return f"'{value}" if value.startswith(_FORMULA) else value
