"""Readers for the CSV formats of the R package TestDesign (item pool, attributes, constraints).

* item pool: ``ID, MODEL, PAR1, PAR2, …``. Models (logistic, D = 1): ``1PL`` (PAR1 = b),
  ``2PL`` (a, b), ``3PL`` (a, b, c), ``PC`` (steps), ``GPC`` (a, steps), ``GR`` (a, thresholds).
* item attributes: ``ID, …``; an ``STID`` column links an item to its stimulus (passage).
* stimulus attributes: ``STID, …``.
* constraints: ``CONSTRAINT_ID, TYPE, WHAT, CONDITION, LB, UB, ONOFF`` (see ``tdconstraints``).

Problems are collected per line and raised together as one :class:`InputError`, so a person can
fix a file in one pass. Line numbers count the header as line 1.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from app.assembly.condition import parse_value
from app.assembly.spec import Pool, Value
from app.irt.parameters import ItemParameters

# TestDesign model name → (Kete model, has a leading discrimination parameter)
_MODELS = {"1PL": ("rasch", False), "RASCH": ("rasch", False), "2PL": ("2pl", True),
           "3PL": ("3pl", True), "PC": ("pcm", False), "PCM": ("pcm", False),
           "GPC": ("gpcm", True), "GPCM": ("gpcm", True), "GR": ("grm", True),
           "GRM": ("grm", True)}


@dataclass(frozen=True)
class LineError:
    """One problem in one line of one file."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class InputError(ValueError):
    """Bad input files; ``errors`` lists every problem found, each with its line."""

    def __init__(self, errors: list[LineError]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


@dataclass(frozen=True)
class ConstraintRow:
    """One row of a TestDesign constraints file, as written."""

    cid: str
    type: str
    what: str
    condition: str
    lb: float | None
    ub: float | None
    onoff: str
    path: str
    line: int


def read_rows(path: Path | str) -> Iterator[tuple[int, dict[str, str]]]:
    """``(line, row)`` for each non-blank data row, with header names upper-cased and stripped."""
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        header = [h.strip().upper() for h in next(reader, [])]
        if not header or not any(header):
            raise InputError([LineError(str(path), 1, "the file is empty (no header row)")])
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            yield reader.line_num, dict(zip(header, (c.strip() for c in cells), strict=False))


def read_item_pool(path: Path | str) -> ItemParameters:
    """Item parameters from an item pool file (errors for every bad line at once)."""
    records, errors, seen = [], [], set()
    for line, row in read_rows(path):
        try:
            record = _pool_record(row)
            if record["item_id"] in seen:
                raise ValueError(f"duplicate item ID {record['item_id']!r}")
            seen.add(record["item_id"])
            records.append(record)
        except ValueError as exc:
            errors.append(LineError(str(path), line, str(exc)))
    if not records and not errors:
        errors.append(LineError(str(path), 1, "the item pool has no items"))
    if errors:
        raise InputError(errors)
    return ItemParameters.from_records(records)


def _pool_record(row: dict[str, str]) -> dict:
    item_id = row.get("ID", "")
    if not item_id:
        raise ValueError("missing ID")
    name = row.get("MODEL", "").upper()
    if name not in _MODELS:
        raise ValueError(f"unknown MODEL {row.get('MODEL', '')!r}; expected one of "
                         + ", ".join(sorted(_MODELS)))
    model, has_a = _MODELS[name]
    pars = [row[k] for k in sorted((k for k in row if k.startswith("PAR")), key=_par_number)]
    values = []
    for text in pars:
        if text == "" or text.upper() == "NA":
            continue
        try:
            values.append(float(text))
        except ValueError:
            raise ValueError(f"parameter {text!r} is not a number") from None
    return _record_from(item_id, model, has_a, values)


def _par_number(key: str) -> int:
    digits = key[3:]
    return int(digits) if digits.isdigit() else 10**6


def _record_from(item_id: str, model: str, has_a: bool, values: list[float]) -> dict:
    need = {"rasch": 1, "2pl": 2, "3pl": 3}.get(model, 2 if has_a else 1)
    if len(values) < need:
        raise ValueError(f"{model.upper()} needs at least {need} parameters, found {len(values)}")
    a = values[0] if has_a else 1.0
    if a <= 0:
        raise ValueError(f"discrimination PAR1 = {a} must be positive")
    record: dict = {"item_id": item_id, "model": model, "a": a}
    if model in ("rasch", "2pl", "3pl"):
        record["b"] = values[1] if has_a else values[0]
        record["c"] = values[2] if model == "3pl" else 0.0
        if not 0.0 <= record["c"] < 1.0:
            raise ValueError(f"guessing PAR3 = {record['c']} must be in [0, 1)")
    else:
        record["steps"] = values[1:] if has_a else values
    return record


def read_attributes(path: Path | str, key: str) -> tuple[dict[str, dict[str, Value]], list[int]]:
    """Attribute records keyed by the ``key`` column (``ID`` or ``STID``), and their lines."""
    records: dict[str, dict[str, Value]] = {}
    lines, errors = [], []
    for line, row in read_rows(path):
        ident = row.get(key, "")
        if not ident:
            errors.append(LineError(str(path), line, f"missing {key}"))
        elif ident in records:
            errors.append(LineError(str(path), line, f"duplicate {key} {ident!r}"))
        else:
            records[ident] = {k: (v if k in (key, "ID", "STID") else parse_value(v))
                              for k, v in row.items()}
            lines.append(line)
    if errors:
        raise InputError(errors)
    return records, lines


def read_pool(pool_path: Path | str, attributes_path: Path | str,
              stimuli_path: Path | str | None = None) -> Pool:
    """A :class:`Pool` from an item pool, its item attributes and (optionally) stimuli."""
    return attach_attributes(read_item_pool(pool_path), attributes_path, stimuli_path)


def attach_attributes(params: ItemParameters, attributes_path: Path | str,
                      stimuli_path: Path | str | None = None) -> Pool:
    """A :class:`Pool` of items with known parameters (e.g. from a Kete parameters file), their
    attributes file (``ID``, optional ``STID``, …) and optionally a stimulus attributes file."""
    items, _ = read_attributes(attributes_path, "ID")
    stimuli: dict[str, dict[str, Value]] = {}
    if stimuli_path is not None:
        stimuli, _ = read_attributes(stimuli_path, "STID")
    errors = [LineError(str(attributes_path), 1, f"item {item_id!r} of the pool has no attributes")
              for item_id in params.item_ids if item_id not in items]
    stim_ids = list(stimuli)
    position = {s: k for k, s in enumerate(stim_ids)}
    stimulus_of = np.full(params.n_items, -1)
    for i, item_id in enumerate(params.item_ids):
        stid = items.get(item_id, {}).get("STID")
        if stid in (None, "", "NA"):
            continue
        if stimuli_path is None:
            stimuli[str(stid)] = {"STID": str(stid)}
            position[str(stid)] = len(stim_ids)
            stim_ids.append(str(stid))
        elif str(stid) not in position:
            errors.append(LineError(str(attributes_path), 1,
                                    f"item {item_id!r} names stimulus {stid!r}, which is not "
                                    f"in {stimuli_path}"))
            continue
        stimulus_of[i] = position[str(stid)]
    if errors:
        raise InputError(errors)
    attributes = [dict(items[item_id], ID=item_id) for item_id in params.item_ids]
    return Pool(params=params, attributes=attributes, stimulus_of=stimulus_of,
                stimulus_ids=stim_ids, stimulus_attributes=[stimuli[s] for s in stim_ids])


def read_constraints(path: Path | str) -> list[ConstraintRow]:
    """The rows of a constraints file (numbers checked; meaning is checked when building)."""
    rows, errors = [], []
    for line, row in read_rows(path):
        missing = [k for k in ("CONSTRAINT_ID", "TYPE", "WHAT") if not row.get(k)]
        if missing:
            errors.append(LineError(str(path), line, "missing " + ", ".join(missing)))
            continue
        try:
            lb, ub = _bound(row.get("LB", "")), _bound(row.get("UB", ""))
        except ValueError as exc:
            errors.append(LineError(str(path), line, str(exc)))
            continue
        rows.append(ConstraintRow(cid=row["CONSTRAINT_ID"], type=row["TYPE"], what=row["WHAT"],
                                  condition=row.get("CONDITION", ""), lb=lb, ub=ub,
                                  onoff=row.get("ONOFF", "").upper(), path=str(path), line=line))
    if errors:
        raise InputError(errors)
    return rows


def _bound(text: str) -> float | None:
    if text == "" or text.upper() == "NA":
        return None
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"bound {text!r} is not a number") from None
