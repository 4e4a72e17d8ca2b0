"""Import and export of items and passages as JSON bundles and CSV: all or nothing.

A JSON bundle is ``{"format": "kete-items", "version": 1, "passages": [...], "families": [...],
"items": [...]}`` with objects in the ``PassageCreate`` / ``FamilyCreate`` / ``ItemCreate``
shapes (``families`` may be left out: an item's family is then an enemy family, the rule).
The items CSV has one row per item with the same fields; ``options``, ``key`` and
``metadata`` hold JSON text.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any, BinaryIO

from pydantic import BaseModel, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import AppError, InvalidInput
from app.guard import check_json
from app.itembank import families, service
from app.itembank import passages as passage_service
from app.itembank.curricula import Codebook
from app.itembank.models import Item, Passage, Subject
from app.itembank.schemas import FamilyCreate, ItemCreate, PassageCreate

CSV_COLUMNS = ["code", "subject", "kind", "strand", "objective", "sublevel", "solo",
               "response_type", "status", "passage", "enemy_group", "family", "attitude_scale",
               "max_score", "expected_time_s", "stem_html", "options", "key", "metadata"]
_JSON_COLUMNS = ("options", "key", "metadata")
_NULLABLE = ("strand", "objective", "sublevel", "solo", "passage", "enemy_group", "family",
             "attitude_scale")


@dataclass
class ImportReport:
    """What an import did, by action (created / updated / unchanged) and kind."""

    actions: Counter[str] = field(default_factory=Counter)

    def counts(self) -> dict[str, int]:
        return dict(sorted(self.actions.items()))


@dataclass
class _Parsed:
    passages: list[tuple[str, PassageCreate]] = field(default_factory=list)
    families: list[tuple[str, FamilyCreate]] = field(default_factory=list)
    items: list[tuple[str, ItemCreate]] = field(default_factory=list)
    problems: list[dict[str, Any]] = field(default_factory=list)

    def problem(self, where: str, fld: str, message: str) -> None:
        self.problems.append({"row": where, "field": fld, "message": message})


def import_bank(session: Session, data: bytes | BinaryIO, *, fmt: str) -> ImportReport:
    """Validate the whole file, then write it in one savepoint; any problem writes nothing.

    ``data`` may be an open binary file: a CSV is read row by row, never whole."""
    source = io.BytesIO(data) if isinstance(data, bytes) else data
    return _write(session, _parse_json(source.read()) if fmt == "json" else _parse_csv(source))


def import_bundle(session: Session, bundle: dict[str, Any]) -> ImportReport:
    """Like :func:`import_bank` for a bundle already in memory (the demo loader)."""
    parsed = _Parsed()
    _parse_bundle(parsed, bundle)
    return _write(session, parsed)


def _write(session: Session, parsed: _Parsed) -> ImportReport:
    _check_references(session, parsed)  # on the rows that parsed, so every problem is listed
    if parsed.problems:
        raise InvalidInput(f"The file was not imported: {len(parsed.problems)} problem(s).",
                           problems=parsed.problems)
    report = ImportReport()
    with session.begin_nested():
        for where, row in parsed.passages:
            _, action = _guard(where, partial(passage_service.upsert, session, data=row))
            report.actions[f"passages_{action}"] += 1
        for _where, family in parsed.families:
            _, action = families.upsert(session, data=family)
            report.actions[f"families_{action}"] += 1
        books: dict[str, Codebook] = {}
        for where, item in parsed.items:
            book = books.get(item.subject) or books.setdefault(item.subject, _book(session, item))
            _, action = _guard(where, partial(service.upsert, session, data=item, book=book))
            report.actions[f"items_{action}"] += 1
    return report


def _guard(where: str, write: Callable[[], tuple[Any, str]]) -> tuple[Any, str]:
    try:
        return write()
    except AppError as exc:  # a rule only the database state can reveal
        raise InvalidInput("The file was not imported.",
                           problems=[{"row": where, "field": "", "message": exc.detail}]) from exc


def _book(session: Session, item: ItemCreate) -> Codebook:
    subject = session.scalar(select(Subject).where(Subject.code == item.subject))
    assert subject is not None  # checked in _check_references
    return Codebook.load(session, subject)


def _parse_json(data: bytes) -> _Parsed:
    parsed = _Parsed()
    hostile = check_json(data)  # too deep, integers beyond 64 bits, NUL characters
    if hostile:
        for problem in hostile:
            parsed.problem("file", "", problem["message"])
        return parsed
    try:
        bundle = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        parsed.problem("file", "", f"not valid JSON: {exc}")
        return parsed
    if isinstance(bundle, list):
        bundle = {"items": bundle}
    _parse_bundle(parsed, bundle)
    return parsed


def _parse_bundle(parsed: _Parsed, bundle: Any) -> None:
    if not isinstance(bundle, dict):
        parsed.problem("file", "", "expected an object with 'passages' and 'items' lists")
        return
    for key, schema, target in (("passages", PassageCreate, parsed.passages),
                                ("families", FamilyCreate, parsed.families),
                                ("items", ItemCreate, parsed.items)):
        rows = bundle.get(key, [])
        if not isinstance(rows, list):
            parsed.problem(key, "", f"'{key}' must be a list")
            continue
        for i, row in enumerate(rows):
            _validate(parsed, f"{key}[{i}]", schema, row, target)


def _parse_csv(source: BinaryIO) -> _Parsed:
    parsed = _Parsed()
    reader = csv.DictReader(io.TextIOWrapper(source, encoding="utf-8-sig", newline=""))
    try:
        missing = [c for c in ("code", "subject", "response_type", "stem_html", "key")
                   if c not in (reader.fieldnames or [])]
        if missing:
            parsed.problem("line 1", ",".join(missing),
                           "required column(s) missing from the header")
            return parsed
        for row in reader:
            where = f"line {reader.line_num}"
            if None in row:
                parsed.problem(where, "", "more fields than the header has columns")
                continue
            _validate(parsed, where, ItemCreate, _csv_row(parsed, where, row), parsed.items)
    except csv.Error as exc:
        parsed.problem(f"line {reader.line_num}", "", f"not valid CSV: {exc}")
    except UnicodeDecodeError:
        parsed.problem(f"line {reader.line_num + 1}", "", "the file is not UTF-8 text")
    return parsed


def _csv_row(parsed: _Parsed, where: str, row: dict[str, str | None]) -> dict[str, Any]:
    out: dict[str, Any] = {k: v for k, v in row.items() if v is not None}
    for name in _NULLABLE:
        if out.get(name) == "":
            out[name] = None
    for name in _JSON_COLUMNS:
        if out.get(name, "") == "":
            out.pop(name, None)
            continue
        hostile = check_json(out[name].encode())
        if hostile:
            parsed.problem(where, name, hostile[0]["message"])
            continue
        try:
            out[name] = json.loads(out[name])
        except json.JSONDecodeError as exc:
            parsed.problem(where, name, f"not valid JSON: {exc.msg}")
    return out


def _validate(parsed: _Parsed, where: str, schema: type[BaseModel], row: Any,
              target: list) -> None:
    try:
        target.append((where, schema.model_validate(row)))
    except ValidationError as exc:
        for err in exc.errors():
            loc = ".".join(str(p) for p in err["loc"]) or "(row)"
            parsed.problem(where, loc, err["msg"])


def _check_references(session: Session, parsed: _Parsed) -> None:
    """Duplicate codes, unknown subjects, strands, objectives, sublevels and passages."""
    for kind, rows in (("item", parsed.items), ("passage", parsed.passages),
                       ("family", parsed.families)):
        seen: dict[str, str] = {}
        for where, row in rows:
            if row.code in seen:
                parsed.problem(where, "code",
                               f"{kind} {row.code} already appears at {seen[row.code]}")
            seen.setdefault(row.code, where)
    subjects = {s.code: s for s in session.scalars(select(Subject))}
    books = {code: Codebook.load(session, s) for code, s in subjects.items()}
    known_passages = set(session.scalars(select(Passage.code))) | {
        p.code for _, p in parsed.passages}
    for where, p in parsed.passages:
        if p.subject not in subjects:
            parsed.problem(where, "subject", f"unknown subject {p.subject!r}")
        elif p.sublevel and p.sublevel not in books[p.subject].levels:
            parsed.problem(where, "sublevel", f"unknown sublevel {p.sublevel!r}")
    for where, item in parsed.items:
        _check_item_refs(parsed, where, item, books, known_passages)


def _check_item_refs(parsed: _Parsed, where: str, item: ItemCreate, books: dict[str, Codebook],
                     passages: set[str]) -> None:
    book = books.get(item.subject)
    if book is None:
        parsed.problem(where, "subject", f"unknown subject {item.subject!r}")
        return
    for fld, table in (("strand", book.strands), ("objective", book.objectives),
                       ("sublevel", book.levels)):
        value = getattr(item, fld)
        if value is not None and value not in table:
            parsed.problem(where, fld, f"unknown {fld} {value!r} in {item.subject}")
    objective, strand = book.objectives.get(item.objective or ""), book.strands.get(
        item.strand or "")
    if objective is not None and strand is not None and objective.strand_id != strand.id:
        parsed.problem(where, "objective", f"{item.objective} is not in strand {item.strand}")
    if item.passage is not None and item.passage not in passages:
        parsed.problem(where, "passage", f"unknown passage {item.passage!r}")


def export_bank(session: Session, *, fmt: str, subject: str | None = None) -> tuple[str, str]:
    """The bank (or one subject) as a JSON bundle or an items CSV; returns (text, media type)."""
    query = select(Item).options(*service.eager_options()).order_by(Item.code)
    items = [service.export_dict(i) for i in session.scalars(query)
             if subject is None or i.subject.code == subject]
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for item in items:
            writer.writerow({k: json.dumps(v, ensure_ascii=False) if k in _JSON_COLUMNS
                             else ("" if v is None else v) for k, v in item.items()})
        return out.getvalue(), "text/csv"
    passages = [passage_service.to_dict(p)
                for p in passage_service.get_all(session, subject=subject)]
    declared = [families.to_dict(f) for f in families.get_all(
        session, codes={i["family"] for i in items if i["family"]})]
    bundle = {"format": "kete-items", "version": 1, "passages": passages,
              "families": declared, "items": items}
    return json.dumps(bundle, ensure_ascii=False, indent=1), "application/json"
