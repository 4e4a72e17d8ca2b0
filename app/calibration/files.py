"""CSV files of responses, item parameters and abilities, with line-level error reports.

Formats (UTF-8, comma-separated, one header row; column order is free):

* responses, long form: ``person_id,item_id,score`` — one row per presented item; a missing row
  means "not presented". ``score`` is a whole number ≥ 0 (0/1 for dichotomous items, 0..m for
  polytomous ones). A person/item pair may appear only once.
* item parameters: ``item_id,model,a,b,c,b1,…,bk`` and optionally ``se_a,se_b,se_c,se_b1,…``.
  ``model`` is rasch, 2pl, 3pl, gpcm, pcm or grm. A blank cell means "not applicable": ``b`` is
  blank for polytomous items, ``b1…bk`` (GPCM steps / GRM thresholds) are blank for dichotomous
  items, ``c`` is blank (or 0) unless 3PL, ``a`` is blank (or 1) for Rasch and PCM.
  Lines starting with ``#`` before the header are comments. ``kete calibrate`` writes two: the
  calibration sample's population, ``# population mean=0.0123 sd=1.0456`` (θ ~ N(mean, sd²),
  which ``kete score`` uses as its prior unless told otherwise), and how it was estimated.
* abilities: ``person_id,theta,se`` (``se`` may be blank, or the column left out).

Readers collect every problem they find, each with its line number, and raise one
:class:`CsvFileError`; they never let a bad cell escape as a traceback. Writers produce files the
readers read back exactly (floats are written with ``repr``).
"""

from __future__ import annotations

import csv
import math
import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO, NamedTuple

import numpy as np

from app.irt.estimation.responses import ResponseMatrix
from app.irt.parameters import DICHOTOMOUS, MODELS, ItemParameters

Source = str | os.PathLike[str] | IO[str]

RESPONSE_COLUMNS = ("person_id", "item_id", "score")
ABILITY_COLUMNS = ("person_id", "theta", "se")
_STEP = re.compile(r"^(se_)?b(\d+)$")
_MAX_SHOWN = 20
# one parsed parameter row: item_id, model, (a, b, c), steps, (se_a, se_b, se_c), se_steps
_Row = tuple[str, str, np.ndarray, np.ndarray, np.ndarray, np.ndarray]


class CsvProblem(NamedTuple):
    """One problem in a CSV file: 1-based ``line``, the ``field`` (column) concerned or ``""``."""

    line: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", {self.field}" if self.field else "")
        return f"{where}: {self.message}"


class CsvFileError(ValueError):
    """A CSV file could not be read; ``problems`` lists every problem found, in line order."""

    def __init__(self, source: str, problems: list[CsvProblem]) -> None:
        self.source = source
        self.problems = sorted(problems)
        shown = [f"  {p}" for p in self.problems[:_MAX_SHOWN]]
        if len(self.problems) > _MAX_SHOWN:
            shown.append(f"  … and {len(self.problems) - _MAX_SHOWN} more")
        n = len(self.problems)
        super().__init__(f"{source}: {n} problem{'s' * (n != 1)}\n" + "\n".join(shown))


@dataclass
class ResponseTable:
    """Long-form responses: response ``r`` is person ``person_index[r]`` on item ``item_index[r]``.

    ``person_ids`` / ``item_ids`` are in order of first appearance; the index arrays and
    ``scores`` have shape ``(n_responses,)``.
    """

    person_ids: list[str]
    item_ids: list[str]
    person_index: np.ndarray
    item_index: np.ndarray
    scores: np.ndarray

    @property
    def n_persons(self) -> int:
        return len(self.person_ids)

    @property
    def n_items(self) -> int:
        return len(self.item_ids)

    def to_dense(self) -> np.ndarray:
        """Scores as a float ``(n_persons, n_items)`` array, NaN where not presented."""
        out = np.full((self.n_persons, self.n_items), np.nan)
        out[self.person_index, self.item_index] = self.scores
        return out

    def to_matrix(self, sparse: bool | None = None) -> ResponseMatrix:
        """A :class:`ResponseMatrix` (sparse when ``sparse`` or, if None, when under 50% full)."""
        return ResponseMatrix.from_long(self.person_index, self.item_index, self.scores,
                                        (self.n_persons, self.n_items), sparse=sparse)

    @classmethod
    def from_dense(cls, scores: np.ndarray, person_ids: list[str],
                   item_ids: list[str]) -> ResponseTable:
        """From a ``(n_persons, n_items)`` array with NaN for not presented."""
        scores = np.asarray(scores, dtype=float)
        p, i = np.nonzero(~np.isnan(scores))
        return cls(list(person_ids), list(item_ids), p, i, scores[p, i].astype(np.int64))


@dataclass
class Abilities:
    """Person abilities: ``theta`` and its standard error ``se``, both ``(n_persons,)``."""

    person_ids: list[str]
    theta: np.ndarray
    se: np.ndarray


# --------------------------------------------------------------------------- reading helpers


@contextmanager
def _open(source: Source, mode: str) -> Iterator[tuple[str, IO[str]]]:
    if isinstance(source, str | os.PathLike):
        enc = "utf-8-sig" if mode == "r" else "utf-8"
        with open(source, mode, newline="", encoding=enc) as fh:
            yield os.fspath(source), fh
    else:
        yield getattr(source, "name", "<stream>"), source


def _rows(fh: IO[str], comments: bool = False) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) for every non-blank row, cells stripped; with ``comments``, lines
    starting with ``#`` before the header are skipped."""
    reader = csv.reader(fh)
    leading = comments
    for row in reader:
        if leading and row and row[0].lstrip().startswith("#"):
            continue
        if any(cell.strip() for cell in row):
            leading = False
            yield reader.line_num, [cell.strip() for cell in row]


def _header(rows: Iterator[tuple[int, list[str]]], required: tuple[str, ...],
            allowed: Callable[[str], bool], problems: list[CsvProblem],
            ) -> tuple[int, dict[str, int]] | None:
    """(header line, column positions); None (with problems) when the header is unusable."""
    first = next(rows, None)
    expected = ",".join(required)
    if first is None:
        problems.append(CsvProblem(1, "", f"the file is empty; expected a header row {expected}"))
        return None
    line, names = first
    cols = {name.lower(): pos for pos, name in enumerate(names)}
    if not set(required) & set(cols):
        problems.append(CsvProblem(line, "", f"missing header row; expected {expected}"))
        return None
    before = len(problems)
    for name in required:
        if name not in cols:
            problems.append(CsvProblem(line, name, "required column is missing from the header"))
    for name in cols:
        if name and not allowed(name):
            problems.append(CsvProblem(line, name, "unknown column"))
    if len(cols) != len(names):
        problems.append(CsvProblem(line, "", "a column name appears twice"))
    if "" in cols:
        problems.append(CsvProblem(line, "", "a column name is blank"))
    return (line, cols) if len(problems) == before else None


def _float(text: str, line: int, name: str, problems: list[CsvProblem]) -> float | None:
    """A finite float, or None for a blank cell (a problem is recorded if unreadable)."""
    if text == "":
        return None
    try:
        value = float(text)
    except ValueError:
        problems.append(CsvProblem(line, name, f"{text!r} is not a number"))
        return None
    if not math.isfinite(value):
        problems.append(CsvProblem(line, name, f"{text!r} is not a finite number"))
        return None
    return value


def _check_width(line: int, row: list[str], width: int, problems: list[CsvProblem]) -> bool:
    if len(row) != width:
        problems.append(CsvProblem(line, "", f"expected {width} fields, found {len(row)}"))
        return False
    return True


# --------------------------------------------------------------------------- responses


def read_responses(source: Source) -> ResponseTable:
    """Read long-form responses ``person_id,item_id,score``; raise :class:`CsvFileError`.

    A file on disk goes through the fast Arrow reader first (:mod:`.arrow_csv`); a stream, or a
    file with any problem, is read line by line here, which lists every problem by line.
    """
    if isinstance(source, str | os.PathLike):
        from app.calibration.arrow_csv import read_responses_fast

        table = read_responses_fast(source)
        if table is not None:
            return table
    return _read_responses_by_line(source)


def _read_responses_by_line(source: Source) -> ResponseTable:
    problems: list[CsvProblem] = []
    persons: dict[str, int] = {}
    items: dict[str, int] = {}
    pidx: list[int] = []
    iidx: list[int] = []
    scores: list[int] = []
    lines: list[int] = []
    with _open(source, "r") as (name, fh):
        rows = _rows(fh)
        header = _header(rows, RESPONSE_COLUMNS, RESPONSE_COLUMNS.__contains__, problems)
        if header is None:
            raise CsvFileError(name, problems)
        cols = header[1]
        cp, ci, cs = (cols[c] for c in RESPONSE_COLUMNS)
        for line, row in rows:
            if not _check_width(line, row, len(cols), problems):
                continue
            person, item, score = row[cp], row[ci], row[cs]
            ok = _response_cells(line, person, item, score, problems)
            if ok:
                pidx.append(persons.setdefault(person, len(persons)))
                iidx.append(items.setdefault(item, len(items)))
                scores.append(int(score))
                lines.append(line)
    table = ResponseTable(list(persons), list(items), np.asarray(pidx, dtype=np.int64),
                          np.asarray(iidx, dtype=np.int64), np.asarray(scores, dtype=np.int64))
    problems += _duplicates(table, np.asarray(lines, dtype=np.int64))
    if problems:
        raise CsvFileError(name, problems)
    return table


def _response_cells(line: int, person: str, item: str, score: str,
                    problems: list[CsvProblem]) -> bool:
    before = len(problems)
    if not person:
        problems.append(CsvProblem(line, "person_id", "is blank"))
    if not item:
        problems.append(CsvProblem(line, "item_id", "is blank"))
    if not (score.isascii() and score.isdigit()):
        if score.startswith("-") and score[1:].isascii() and score[1:].isdigit():
            msg = f"{score!r} is negative; scores are 0, 1, 2, …"
        elif score == "":
            msg = "is blank; leave the row out for an item that was not presented"
        else:
            msg = f"{score!r} is not a whole number"
        problems.append(CsvProblem(line, "score", msg))
    return len(problems) == before


def _duplicates(table: ResponseTable, lines: np.ndarray) -> list[CsvProblem]:
    """Problems for person/item pairs that occur more than once (vectorised for big files)."""
    key = table.person_index * max(table.n_items, 1) + table.item_index
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    out = []
    for r in np.nonzero(first[inverse] != np.arange(key.size))[0]:
        person, item = table.person_ids[table.person_index[r]], table.item_ids[table.item_index[r]]
        msg = (f"duplicate response of person {person!r} to item {item!r} "
               f"(first on line {lines[first[inverse[r]]]})")
        out.append(CsvProblem(int(lines[r]), "", msg))
    return out


def write_responses(target: Source, table: ResponseTable) -> None:
    """Write ``table`` as long-form ``person_id,item_id,score`` rows."""
    with _open(target, "w") as (_, fh):
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(RESPONSE_COLUMNS)
        persons, items = np.asarray(table.person_ids, dtype=object), np.asarray(
            table.item_ids, dtype=object)
        writer.writerows(zip(persons[table.person_index], items[table.item_index],
                             table.scores.tolist(), strict=True))


# --------------------------------------------------------------------------- abilities


def read_abilities(source: Source) -> Abilities:
    """Read ``person_id,theta[,se]`` (a blank or missing ``se`` → NaN); raise
    :class:`CsvFileError`."""
    problems: list[CsvProblem] = []
    ids: dict[str, int] = {}
    theta: list[float] = []
    se: list[float] = []
    with _open(source, "r") as (name, fh):
        rows = _rows(fh)
        header = _header(rows, ABILITY_COLUMNS[:2], ABILITY_COLUMNS.__contains__, problems)
        if header is None:
            raise CsvFileError(name, problems)
        cols = header[1]
        for line, row in rows:
            if not _check_width(line, row, len(cols), problems):
                continue
            person = row[cols["person_id"]]
            t = _float(row[cols["theta"]], line, "theta", problems)
            s = _float(row[cols["se"]], line, "se", problems) if "se" in cols else None
            if not person:
                problems.append(CsvProblem(line, "person_id", "is blank"))
            elif person in ids:
                problems.append(CsvProblem(line, "person_id",
                                           f"{person!r} already appears on line {ids[person]}"))
            if t is None and row[cols["theta"]] == "":
                problems.append(CsvProblem(line, "theta", "is blank"))
            if s is not None and s < 0:
                problems.append(CsvProblem(line, "se", "must not be negative"))
            if person and person not in ids:
                ids[person] = line
                theta.append(np.nan if t is None else t)
                se.append(np.nan if s is None else s)
    if problems:
        raise CsvFileError(name, problems)
    return Abilities(list(ids), np.asarray(theta, dtype=float), np.asarray(se, dtype=float))


def write_abilities(target: Source, abilities: Abilities) -> None:
    """Write ``person_id,theta,se`` (a NaN ``se`` is written blank)."""
    with _open(target, "w") as (_, fh):
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(ABILITY_COLUMNS)
        for pid, t, s in zip(abilities.person_ids, abilities.theta, abilities.se, strict=True):
            writer.writerow([pid, _cell(t), _cell(s)])


def _cell(value: float) -> str:
    return "" if value is None or math.isnan(value) else repr(float(value))


# --------------------------------------------------------------------------- parameters


def read_parameters(source: Source) -> ItemParameters:
    """Read an item-parameter file (see the module docstring); raise :class:`CsvFileError`."""
    problems: list[CsvProblem] = []
    with _open(source, "r") as (name, fh):
        rows = _rows(fh, comments=True)
        header = _header(rows, ("item_id", "model"), _parameter_column, problems)
        if header is None:
            raise CsvFileError(name, problems)
        cols = header[1]
        width = _step_width(header, problems)
        seen: dict[str, int] = {}
        records: list[_Row] = []
        for line, row in rows:
            if not _check_width(line, row, len(cols), problems):
                continue
            cells = {c: row[pos] for c, pos in cols.items()}
            item = cells["item_id"]
            if item in seen:
                problems.append(CsvProblem(line, "item_id",
                                           f"{item!r} already appears on line {seen[item]}"))
            seen.setdefault(item, line)
            records.append(_parameter_row(line, cells, width, problems))
    if problems:
        raise CsvFileError(name, problems)
    return _stack_parameters(records, width, has_se=any(c.startswith("se_") for c in cols))


def _step_width(header: tuple[int, dict[str, int]], problems: list[CsvProblem]) -> int:
    """Number of step columns b1..bk; they (and se_b1..) must be numbered without gaps."""
    found = [_STEP.match(c) for c in header[1]]
    steps = sorted(int(m.group(2)) for m in found if m and not m.group(1))
    se_steps = {int(m.group(2)) for m in found if m and m.group(1)}
    width = len(steps)
    if steps != list(range(1, width + 1)) or not se_steps <= set(steps):
        problems.append(CsvProblem(header[0], "", "step columns must be b1, b2, … without gaps "
                                   "(and se_bk only where bk exists)"))
    return width


def _parameter_row(line: int, cells: dict[str, str], width: int,
                   problems: list[CsvProblem]) -> _Row:
    """Parse and check one parameter row; values are NaN where blank or not applicable."""
    def num(col: str) -> float:
        value = _float(cells.get(col, ""), line, col, problems)
        return np.nan if value is None else value

    def bad(col: str, msg: str) -> None:
        problems.append(CsvProblem(line, col, msg))

    model = cells["model"].lower()
    if not cells["item_id"]:
        bad("item_id", "is blank")
    if model not in MODELS:
        bad("model", f"{cells['model']!r} is not one of {', '.join(sorted(MODELS))}")
    a, b, c = num("a"), num("b"), num("c")
    steps = np.array([num(f"b{k + 1}") for k in range(width)])
    fixed_a = model in ("rasch", "pcm")
    if model in MODELS:
        _check_values(model, a, b, c, steps, bad)
    se = np.array([num(f"se_{k}") for k in ("a", "b", "c")])
    se_steps = np.array([num(f"se_b{k + 1}") for k in range(width)])
    if np.any(se < 0) or np.any(se_steps < 0):
        bad("se", "standard errors must not be negative")
    values = np.array([1.0 if fixed_a else a, b, c if model == "3pl" else 0.0])
    return (cells["item_id"], model, values, steps, se, se_steps)


def _check_values(model: str, a: float, b: float, c: float, steps: np.ndarray,
                  bad: Callable[[str, str], None]) -> None:
    """Which of a, b, c and the steps a model needs, allows or forbids."""
    if model in ("rasch", "pcm") and not (np.isnan(a) or a == 1.0):
        bad("a", f"{model} items have a = 1; leave a blank")
    elif model not in ("rasch", "pcm") and not a > 0:
        bad("a", f"a positive value is required for {model} items")
    if model in DICHOTOMOUS and np.isnan(b):
        bad("b", f"is required for {model} items")
    if model in DICHOTOMOUS and not np.all(np.isnan(steps)):
        bad("b1", f"step columns must be blank for {model} items")
    if model not in DICHOTOMOUS:
        _check_steps(model, b, steps, bad)
    if model == "3pl" and np.isnan(c):
        bad("c", "is required for 3pl items")
    elif model == "3pl" and not 0 <= c < 1:
        bad("c", "3pl items need 0 ≤ c < 1")
    elif model != "3pl" and not (np.isnan(c) or c == 0):
        bad("c", "c applies to 3pl items only; leave it blank")


def _check_steps(model: str, b: float, steps: np.ndarray,
                 bad: Callable[[str, str], None]) -> None:
    given = ~np.isnan(steps)
    if not np.isnan(b):
        bad("b", f"must be blank for {model} items (use b1, b2, …)")
    if not given.any():
        bad("b1", f"{model} items need at least one step (b1)")
    elif not given[: given.sum()].all():
        bad("b1", "steps must fill b1, b2, … without gaps")
    elif model == "grm" and np.any(np.diff(steps[given]) <= 0):
        bad("b1", "grm thresholds must increase: b1 < b2 < …")


def _stack_parameters(rows: list[_Row], width: int, has_se: bool) -> ItemParameters:
    n = len(rows)
    values = np.array([r[2] for r in rows]).reshape(n, 3)
    params = ItemParameters([r[0] for r in rows], np.array([r[1] for r in rows], dtype=object),
                            values[:, 0], values[:, 1], values[:, 2],
                            np.array([r[3] for r in rows]).reshape(n, width))
    if has_se:
        se = np.array([r[4] for r in rows]).reshape(n, 3)
        params.se = {"a": se[:, 0], "b": se[:, 1], "c": se[:, 2],
                     "steps": np.array([r[5] for r in rows]).reshape(n, width)}
    return params


def _parameter_column(name: str) -> bool:
    return name in {"item_id", "model", "a", "b", "c", "se_a", "se_b", "se_c"} or bool(
        _STEP.match(name))


_POPULATION = re.compile(r"^#\s*population\s+mean=(\S+)\s+sd=(\S+)")


def read_population(source: Source) -> tuple[float, float] | None:
    """``(mean, sd)`` from a parameter file's ``# population`` comment, or None."""
    with _open(source, "r") as (_, fh):
        for line in fh:
            if not line.lstrip().startswith("#"):
                return None
            found = _POPULATION.match(line.strip())
            if found:
                try:
                    mean, sd = float(found.group(1)), float(found.group(2))
                except ValueError:
                    return None
                return (mean, sd) if math.isfinite(mean) and sd > 0 else None
    return None


def write_parameters(target: Source, params: ItemParameters,
                     population: tuple[float, float] | None = None,
                     notes: tuple[str, ...] = ()) -> None:
    """Write ``params`` (and its standard errors, if any) in the parameter-file format, after
    comment lines for the ``population`` ``(mean, sd)`` and any ``notes``."""
    width = params.steps.shape[1] if params.steps.size else 0
    steps = [f"b{k + 1}" for k in range(width)]
    header = ["item_id", "model", "a", "b", "c", *steps]
    if params.se:
        header += ["se_a", "se_b", "se_c", *(f"se_{s}" for s in steps)]
    with _open(target, "w") as (_, fh):
        if population is not None:
            fh.write(f"# population mean={population[0]!r} sd={population[1]!r}\n")
        for note in notes:
            fh.write(f"# {' '.join(note.split())}\n")
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        for i, item_id in enumerate(params.item_ids):
            writer.writerow([item_id, *_parameter_cells(params, i, width)])


def _parameter_cells(params: ItemParameters, i: int, width: int) -> list[str]:
    model = str(params.model[i])
    cells = [model, _cell(params.a[i]), _cell(params.b[i]),
             _cell(params.c[i]) if model == "3pl" else ""]
    cells += [_cell(params.steps[i, k]) for k in range(width)]
    if params.se:
        nan = np.full(params.n_items, np.nan)
        cells += [_cell(params.se.get(k, nan)[i]) for k in ("a", "b", "c")]
        se_steps = params.se.get("steps", np.full((params.n_items, width), np.nan))
        cells += [_cell(se_steps[i, k]) if k < se_steps.shape[1] else "" for k in range(width)]
    return cells


__all__ = [
    "MODELS", "Abilities", "CsvFileError", "CsvProblem", "ResponseTable",
    "read_abilities", "read_parameters", "read_population", "read_responses", "write_abilities",
    "write_parameters", "write_responses",
]
