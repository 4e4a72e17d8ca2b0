"""Norm sets in the database: the one lookup reports use, and the CSV import.

:func:`table` is the only reader: a subject's active imported norms, or else the illustrative
norms its reporting scale implies. ``kete norms import FILE`` and ``POST /api/v1/norms`` both
go through :func:`import_csv`: all or nothing, problems listed by row.

CSV columns (a header row is required; order does not matter)::

    subject,year_level,term,week,mean,sd,n,source

Each row gives ``term`` (1–4, standing for its middle week) or ``week`` (of the school year,
from 1 February), not both. Rows of one subject must share one source; importing a subject's
norms makes them its active norms (earlier sets are kept, inactive).
"""

from __future__ import annotations

import csv
import io
import math
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload

from app.calibration import service
from app.calibration.models import Norm, NormSet
from app.calibration.norms import TERM_WEEKS, NormPoint, NormTable, illustrative
from app.errors import InvalidInput
from app.itembank.models import Subject

COLUMNS = ("subject", "year_level", "term", "week", "mean", "sd", "n", "source")
MAX_ROWS = 5000
SCALE_WIDTH = 8.0
"""A norm mean more than this many scale slopes from the scale's centre is refused: it is
almost certainly on another scale (e.g. e-asTTle's) or in the wrong column."""


def table(session: Session, *, subject_id: int) -> NormTable | None:
    """The subject's norms: its active imported set, else illustrative norms derived from its
    reporting scale (None when the subject has neither)."""
    subject = session.get(Subject, subject_id)
    if subject is None:
        return None
    active = session.scalar(select(NormSet).options(selectinload(NormSet.norms)).where(
        NormSet.subject_id == subject_id, NormSet.is_active))
    if active is not None:
        return to_table(subject.code, active)
    scale, _ = service.reporting_scale(session, subject_id=subject_id)
    return None if scale is None else illustrative(subject.code, scale.intercept, scale.slope)


def to_table(subject: str, norm_set: NormSet) -> NormTable:
    """An imported norm set as a norm table."""
    return NormTable(subject=subject, source=norm_set.source, illustrative=False,
                     assumptions="", points=tuple(
                         NormPoint(year_level=r.year_level, week=r.week, mean=r.mean, sd=r.sd,
                                   n=r.n, term=r.term) for r in norm_set.norms))


def get_all(session: Session) -> list[tuple[Subject, NormSet | None, NormTable | None]]:
    """Every subject with its active norm set (None: illustrative) and the table in use."""
    subjects = session.scalars(select(Subject).order_by(Subject.code))
    return [(s, session.scalar(select(NormSet).where(NormSet.subject_id == s.id,
                                                     NormSet.is_active)),
             table(session, subject_id=s.id)) for s in subjects]


def import_csv(session: Session, data: bytes, *, imported_by: str = "") -> list[NormSet]:
    """Validate the whole file, then store one active norm set per subject in it."""
    rows, problems = _parse(session, data)
    if problems:
        raise InvalidInput(f"The norms were not imported: {len(problems)} problem(s).",
                           problems=problems)
    by_subject: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        by_subject.setdefault(row["subject_id"], []).append(row)
    made = []
    for subject_id, group in by_subject.items():
        session.execute(update(NormSet).where(NormSet.subject_id == subject_id,
                                              NormSet.is_active).values(is_active=False))
        session.flush()
        norm_set = NormSet(subject_id=subject_id, source=group[0]["source"],
                           imported_by=imported_by, norms=[
                               Norm(**{k: r[k] for k in ("year_level", "week", "term",
                                                         "mean", "sd", "n")}) for r in group])
        session.add(norm_set)
        made.append(norm_set)
    session.flush()
    return made


def _parse(session: Session, data: bytes) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput("The norms file must be UTF-8 text (CSV).") from None
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or []) and c not in (
        "term", "week")]
    if missing or not ({"term", "week"} & set(reader.fieldnames or [])):
        raise InvalidInput(f"The header must name {', '.join(COLUMNS)} (term or week may be "
                           f"left out); missing: {', '.join(missing) or 'term/week'}.")
    subjects = {s.code: s for s in session.scalars(select(Subject))}
    rows: list[dict[str, Any]] = []
    problems: list[dict[str, Any]] = []
    seen: dict[tuple[int, int, int], int] = {}
    sources: dict[int, str] = {}
    for line, raw in enumerate(reader, start=2):
        if line - 1 > MAX_ROWS:
            raise InvalidInput(f"A norms file may hold at most {MAX_ROWS} rows.")
        row, errors = _row(session, raw, subjects)
        if raw.get(None):
            errors.append(("", "more fields than the header names (put quotes around text "
                               "holding commas)"))
        problems += [{"row": line, "field": f, "message": m} for f, m in errors]
        if errors:
            continue
        key = (row["subject_id"], row["year_level"], row["week"])
        if key in seen:
            problems.append({"row": line, "field": "week", "message":
                             f"repeats row {seen[key]} (same subject, year level and week)"})
        seen.setdefault(key, line)
        if sources.setdefault(row["subject_id"], row["source"]) != row["source"]:
            problems.append({"row": line, "field": "source", "message":
                             "one file holds one source per subject"})
        rows.append(row)
    if not rows and not problems:
        problems.append({"row": 1, "field": "", "message": "the file has no norms"})
    return rows, problems


def _row(session: Session, raw: dict[str, Any], subjects: dict[str, Subject]
         ) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    cell = {k: (raw.get(k) or "").strip() for k in COLUMNS}
    errors: list[tuple[str, str]] = []
    subject = subjects.get(cell["subject"])
    if subject is None:
        errors.append(("subject", f"unknown subject {cell['subject']!r}"))
    year = _number(cell, "year_level", int, errors, 1, 13)
    n = _number(cell, "n", int, errors, 1, 10_000_000)
    mean = _number(cell, "mean", float, errors)
    sd = _number(cell, "sd", float, errors)
    if sd is not None and sd <= 0:
        errors.append(("sd", "must be above 0"))
    term = _number(cell, "term", int, errors, 1, 4) if cell["term"] else None
    week = _number(cell, "week", int, errors, 1, 53) if cell["week"] else None
    if (term is None) == (week is None) and not any(f in ("term", "week") for f, _ in errors):
        errors.append(("term", "give a term (1–4) or a week (1–53), not both"))
    if not cell["source"]:
        errors.append(("source", "name where the norms come from"))
    elif len(cell["source"]) > 300:
        errors.append(("source", "at most 300 characters"))
    if subject is not None and mean is not None:
        errors += _on_scale(session, subject, mean)
    return {"subject_id": subject.id if subject else None, "year_level": year, "n": n,
            "mean": mean, "sd": sd, "term": term,
            "week": week if week is not None else TERM_WEEKS.get(term or 0),
            "source": cell["source"]}, errors


def _number(cell: dict[str, str], name: str, kind: type, errors: list[tuple[str, str]],
            low: float | None = None, high: float | None = None) -> Any:
    try:
        value = kind(cell[name])
    except ValueError:
        errors.append((name, f"{cell[name]!r} is not a{'n integer' if kind is int else ' number'}"))
        return None
    if isinstance(value, float) and not math.isfinite(value):
        errors.append((name, "must be a finite number"))
        return None
    if (low is not None and value < low) or (high is not None and value > high):
        errors.append((name, f"must be from {low:g} to {high:g}"))
        return None
    return value


def _on_scale(session: Session, subject: Subject, mean: float) -> list[tuple[str, str]]:
    scale, _ = service.reporting_scale(session, subject_id=subject.id)
    if scale is None or abs(mean - scale.intercept) <= SCALE_WIDTH * abs(scale.slope):
        return []
    return [("mean", f"{mean:g} is far off the {subject.code} scale ({scale.name}: centre "
             f"{scale.intercept:g}, {scale.slope:g} points a logit); is it on this scale?")]


def to_csv(norm_table: NormTable) -> str:
    """A norm table in the import format (illustrative tables too, with their source)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for p in norm_table.points:
        writer.writerow([norm_table.subject, p.year_level, p.term or "",
                         "" if p.term else p.week, f"{p.mean:g}", f"{p.sd:g}",
                         p.n if p.n is not None else "", norm_table.source])
    return out.getvalue()
