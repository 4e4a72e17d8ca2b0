"""The fast path for long-form response files: pyarrow's CSV reader and vectorised checks.

Arrow parses the file in parallel threads straight into typed columns, dictionary-encodes the
person and item ids into integer codes (in order of first appearance, as the line-by-line
reader numbers them) and hands numpy the codes and scores without copying them row by row.
Every rule of the format is then checked on whole columns. The fast path never reports a
problem itself: if the file breaks any rule — or Arrow cannot parse it — it returns None and
:func:`app.calibration.files.read_responses` reads the file again line by line to say exactly
which lines are wrong, so error messages are identical on both paths.
"""

from __future__ import annotations

import csv
import itertools
import os
from typing import Any

import numpy as np

from app.calibration.files import RESPONSE_COLUMNS, ResponseTable


def read_responses_fast(path: str | os.PathLike[str],
                        block_size: int | None = None) -> ResponseTable | None:
    """The file's responses, or None when the careful reader must look at it.

    ``block_size`` (bytes per parsing block; Arrow's default when None) exists for tests, to
    check that ids are numbered in order of first appearance across blocks.
    """
    import pyarrow as pa
    import pyarrow.csv as pcsv

    names = _header(path)
    if names is None or sorted(names) != sorted(RESPONSE_COLUMNS):
        return None  # missing, unknown or repeated columns: let the careful reader say which
    ids = pa.dictionary(pa.int32(), pa.string())
    options = pcsv.ReadOptions(column_names=names, skip_rows=1,
                               **({"block_size": block_size} if block_size else {}))
    try:
        # the C library's allocator: mimalloc (Arrow's default) page-faults 2-3 × as much
        # memory into being on this read, which costs ~0.15 s on a booklet file
        raw = pcsv.read_csv(path, read_options=options, convert_options=pcsv.ConvertOptions(
            column_types={"person_id": ids, "item_id": ids, "score": pa.int64()},
            strings_can_be_null=False, quoted_strings_can_be_null=False),
            memory_pool=pa.system_memory_pool())
        return _table(raw)
    except (pa.ArrowException, OSError, UnicodeDecodeError, OverflowError):
        return None  # e.g. a score that is not a whole number, or a short row


def _table(raw: Any) -> ResponseTable | None:
    """Check the columns as wholes and encode them; None at the first broken rule.

    Each column is read chunk by chunk (one per parsing block) straight into its final array:
    on a booklet file (4 M rows) unifying and combining Arrow's chunks first would allocate
    ~150 MB more, and on a virtual machine fresh memory costs about 2 ms of page faults a MB.
    """
    scores_column = raw.column("score")
    if scores_column.null_count:
        return None  # a blank score
    scores = _joined(scores_column)
    if scores.size and scores.min() < 0:
        return None  # a negative score
    codes, labels = [], []
    for name in ("person_id", "item_id"):
        encoded = _codes(raw.column(name))
        if encoded is None:
            return None  # a blank id
        codes.append(encoded[0])
        labels.append(encoded[1])
    (person_index, item_index), (persons, items) = codes, labels
    if _repeats(person_index, item_index, len(persons), len(items)):
        return None  # a person/item pair repeated
    return ResponseTable(persons, items, person_index, item_index, scores)


def _joined(column: Any) -> np.ndarray:
    """An integer column's chunks copied into one int64 array."""
    out = np.empty(len(column), dtype=np.int64)
    at = 0
    for chunk in column.chunks:
        out[at:at + len(chunk)] = np.asarray(chunk)
        at += len(chunk)
    return out


def _codes(column: Any) -> tuple[np.ndarray, list[str]] | None:
    """Codes of a dictionary-encoded id column, numbered in order of first appearance (each
    chunk's dictionary is in that order), and the ids; None if an id is blank."""
    merged: dict[str, int] = {}
    out = np.empty(len(column), dtype=np.int64)
    at = 0
    for chunk in column.chunks:
        names = [str(v).strip() for v in chunk.dictionary.to_pylist()]
        if "" in names:
            return None
        remap = np.array([merged.setdefault(n, len(merged)) for n in names],  # " q1 " is q1
                         dtype=np.int64)
        np.take(remap, np.asarray(chunk.indices), out=out[at:at + len(chunk)])
        at += len(chunk)
    return out, list(merged)


def _repeats(person: np.ndarray, item: np.ndarray, n_persons: int, n_items: int) -> bool:
    """Whether a (person, item) pair occurs twice: window by window of persons when the rows
    come grouped by person (as Kete writes them), else a bitmap of all pairs when that is
    small (complete and booklet data), else a sort."""
    width = max(n_items, 1)
    if person.size < 2:
        return False
    if bool(np.all(person[1:] >= person[:-1])):
        return _repeats_by_window(person, item, width)
    key = person * width + item
    cells = n_persons * width
    if cells <= 64 * key.size + 1_000_000:
        seen = np.zeros(cells, dtype=bool)
        seen[key] = True
        return int(np.count_nonzero(seen)) != key.size
    ordered = np.sort(key)
    return bool(np.any(ordered[1:] == ordered[:-1]))


def _repeats_by_window(person: np.ndarray, item: np.ndarray, width: int) -> bool:
    """:func:`_repeats` for rows sorted by person: a small bitmap, reused window by window."""
    window = max(1, (1 << 20) // width)  # persons per window: a bitmap of about 1 M cells
    bounds = np.searchsorted(person, np.arange(person[0], person[-1] + 1 + window, window))
    seen = np.zeros(window * width, dtype=bool)
    for lo, hi in itertools.pairwise(bounds):
        if hi == lo:
            continue
        key = (person[lo:hi] - person[lo]) * width + item[lo:hi]
        seen[key] = True
        if int(np.count_nonzero(seen)) != hi - lo:
            return True
        seen[key] = False
    return False


def _header(path: str | os.PathLike[str]) -> list[str] | None:
    """The lower-cased column names of the first line (None if it is blank or unreadable)."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            first = fh.readline()
    except (OSError, UnicodeDecodeError):
        return None
    cells = next(csv.reader([first]), [])
    return [c.strip().lower() for c in cells] if any(c.strip() for c in cells) else None
