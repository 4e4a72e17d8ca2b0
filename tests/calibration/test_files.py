"""CSV files: round trips, and every problem reported with its line number (never a traceback)."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.calibration.arrow_csv import read_responses_fast
from app.calibration.files import (
    Abilities,
    CsvFileError,
    CsvProblem,
    ResponseTable,
    _read_responses_by_line,
    read_abilities,
    read_parameters,
    read_responses,
    write_abilities,
    write_parameters,
    write_responses,
)
from app.irt.parameters import ItemParameters


def problems_of(reader, text: str) -> list[CsvProblem]:
    with pytest.raises(CsvFileError) as info:
        reader(io.StringIO(text))
    return info.value.problems


# ------------------------------------------------------------------ responses

def test_responses_round_trip(tmp_path: Path) -> None:
    dense = np.array([[1, 0, np.nan], [np.nan, 2, 0], [0, np.nan, np.nan]])
    table = ResponseTable.from_dense(dense, ["p1", "p2", "p3"], ["i1", "i2", "i3"])
    write_responses(tmp_path / "r.csv", table)
    back = read_responses(tmp_path / "r.csv")
    assert back.person_ids == ["p1", "p2", "p3"] and back.item_ids == ["i1", "i2", "i3"]
    np.testing.assert_array_equal(back.to_dense(), dense)
    np.testing.assert_array_equal(back.to_matrix().to_dense(), dense)


def test_responses_accept_any_column_order_bom_and_blank_lines() -> None:
    text = "\ufeffscore,item_id,person_id\n1,q1,ann\n\n0,q2,ann\n 2 , q1 , bob \n"
    table = read_responses(io.StringIO(text.lstrip("\ufeff")))
    np.testing.assert_array_equal(table.to_dense(), [[1, 0], [2, np.nan]])
    assert table.person_ids == ["ann", "bob"]


def test_every_response_problem_is_reported_with_its_line() -> None:
    text = ("person_id,item_id,score\n"
            "p1,i1,1\n"        # 2 fine
            "p1,i2,x\n"        # 3 not a whole number
            "p2,i1,-1\n"       # 4 negative
            "p2,i2,\n"         # 5 blank score
            "p1,i1,0\n"        # 6 duplicate of line 2
            "p3,i3\n"          # 7 too few fields
            ",i3,1\n"          # 8 blank person
            "p4,i1,1.5\n")     # 9 not a whole number
    got = problems_of(read_responses, text)
    assert [(p.line, p.field) for p in got] == [
        (3, "score"), (4, "score"), (5, "score"), (6, ""), (7, ""), (8, "person_id"),
        (9, "score")]
    assert "first on line 2" in got[3].message
    assert "negative" in got[1].message


@pytest.mark.parametrize("text, fragment", [
    ("", "empty"),
    ("p1,i1,1\np2,i1,0\n", "missing header"),
    ("person_id,item_id\np1,i1\n", "required column"),
    ("person_id,item_id,score,extra\np1,i1,1,x\n", "unknown column"),
])
def test_header_problems(text: str, fragment: str) -> None:
    got = problems_of(read_responses, text)
    assert got[0].line == 1 and fragment in got[0].message


def test_error_message_lists_problems_with_lines() -> None:
    with pytest.raises(CsvFileError) as info:
        read_responses(io.StringIO("person_id,item_id,score\na,b,z\n"))
    assert "line 2, score: 'z' is not a whole number" in str(info.value)


# fuzz: any text → a table or CsvFileError whose lines exist in the file
cell = st.one_of(st.sampled_from(["", "1", "0", "-1", "x", "2.5", " 3 ", "p", "i", "1e3"]),
                 st.text(alphabet="pi0123,-\" .x", max_size=4))


@settings(max_examples=150, deadline=None)
@given(rows=st.lists(st.lists(cell, min_size=0, max_size=4), max_size=8),
       header=st.booleans())
def test_fuzzed_response_files_never_traceback(rows: list[list[str]], header: bool) -> None:
    lines = (["person_id,item_id,score"] if header else []) + [",".join(r) for r in rows]
    text = "\n".join(lines) + "\n"
    try:
        table = read_responses(io.StringIO(text))
    except CsvFileError as exc:
        assert exc.problems
        assert all(1 <= p.line <= max(len(text.splitlines()), 1) for p in exc.problems)
    else:
        assert np.all(table.scores >= 0)


def _outcome(reader, path: Path):  # a table's contents, or the problems it raised
    try:
        t = reader(path)
    except CsvFileError as exc:
        return [tuple(p) for p in exc.problems]
    return (t.person_ids, t.item_ids, t.person_index.tolist(), t.item_index.tolist(),
            t.scores.tolist())


@settings(max_examples=150, deadline=None)
@given(rows=st.lists(st.lists(cell, min_size=0, max_size=4), max_size=8),
       header=st.sampled_from(["person_id,item_id,score", "\ufeffscore,ITEM_ID,person_id",
                               "person_id,item_id", ""]))
def test_files_on_disk_read_the_same_by_arrow_and_by_line(rows: list[list[str]],
                                                          header: str) -> None:
    """The Arrow fast path gives exactly the line reader's table, or hands the file over to
    it (so the problems listed are the same)."""
    text = "\n".join(([header] if header else []) + [",".join(r) for r in rows]) + "\n"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp, "r.csv")
        path.write_text(text, encoding="utf-8")
        assert _outcome(read_responses, path) == _outcome(_read_responses_by_line, path)


def test_a_clean_file_takes_the_arrow_path(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("score,item_id,person_id\n1,q1,ann\n\n0,q2,ann\n2, q1 , bob \n")
    table = read_responses_fast(path)
    assert table is not None and table.person_ids == ["ann", "bob"]
    np.testing.assert_array_equal(table.to_dense(), [[1, 0], [2, np.nan]])
    path.write_text("person_id,item_id,score\nann,q1,1.0\n")
    assert read_responses_fast(path) is None  # not a whole number: the line reader says where
    path.write_text("person_id,item_id,score\nann,q1,1\nann,q1,0\n")
    assert read_responses_fast(path) is None  # a duplicate: the line reader names the lines


def test_ids_are_numbered_by_first_appearance_across_arrow_blocks(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    rows = [(f"p{rng.integers(50)}", f"i{rng.integers(9)}", int(rng.integers(3)))
            for _ in range(400)]
    seen, unique = set(), []
    for row in rows:
        if row[:2] not in seen:
            seen.add(row[:2])
            unique.append(row)
    path = tmp_path / "r.csv"
    path.write_text("person_id,item_id,score\n" + "".join(f"{p},{i},{s}\n" for p, i, s in unique))
    fast = read_responses_fast(path, block_size=256)  # many small blocks
    assert fast is not None
    assert _outcome(lambda _: fast, path) == _outcome(_read_responses_by_line, path)


# ------------------------------------------------------------------ parameters

MIXED = ItemParameters.from_records([
    {"item_id": "r1", "model": "rasch", "b": -0.25},
    {"item_id": "t1", "model": "2pl", "a": 1.3, "b": 0.1},
    {"item_id": "g1", "model": "3pl", "a": 0.9, "b": 1.1, "c": 0.21},
    {"item_id": "p1", "model": "gpcm", "a": 0.8, "steps": [-1.0, 0.5, 1.25]},
    {"item_id": "m1", "model": "pcm", "steps": [0.3, -0.2]},
    {"item_id": "s1", "model": "grm", "a": 1.7, "steps": [-0.9, 0.4]},
])


def test_parameters_round_trip_with_and_without_se(tmp_path: Path) -> None:
    for with_se in (False, True):
        params = MIXED.subset(range(MIXED.n_items))
        if with_se:
            params.se = {"a": np.array([np.nan, 0.1, 0.2, 0.05, np.nan, 0.3]),
                         "b": np.array([0.04, 0.05, 0.06, np.nan, np.nan, np.nan]),
                         "c": np.array([np.nan, np.nan, 0.03, np.nan, np.nan, np.nan]),
                         "steps": np.full((6, 3), np.nan)}
            params.se["steps"][3] = [0.1, 0.11, 0.12]
        write_parameters(tmp_path / "p.csv", params)
        back = read_parameters(tmp_path / "p.csv")
        assert back.item_ids == params.item_ids and list(back.model) == list(params.model)
        for field in ("a", "b", "c", "steps"):
            np.testing.assert_array_equal(getattr(back, field), getattr(params, field))
        assert bool(back.se) is with_se
        for key, value in params.se.items():
            np.testing.assert_array_equal(back.se[key], value)


def test_parameter_file_blanks_mean_not_applicable(tmp_path: Path) -> None:
    write_parameters(tmp_path / "p.csv", MIXED)
    lines = (tmp_path / "p.csv").read_text().splitlines()
    assert lines[0] == "item_id,model,a,b,c,b1,b2,b3"
    assert lines[1] == "r1,rasch,1.0,-0.25,,,,"
    assert lines[4] == "p1,gpcm,0.8,,,-1.0,0.5,1.25"


def test_every_parameter_problem_is_reported_with_its_line() -> None:
    text = ("item_id,model,a,b,c,b1,b2\n"
            "i1,2pl,1.2,0.3,,,\n"      # 2 fine
            "i2,rasch,1.5,0.5,,,\n"    # 3 rasch with a ≠ 1
            "i3,gpcm,0.8,0.1,,-1,1\n"  # 4 b given for gpcm
            "i4,grm,1.1,,,1,-1\n"      # 5 thresholds not increasing
            "i5,3pl,1,0,,,\n"          # 6 3pl without c
            "i1,foo,x,,,,\n"           # 7 duplicate, unknown model, a not a number
            "i7,2pl,-1,,0.2,,\n"       # 8 a ≤ 0, b missing, c on a 2pl
            "i8,gpcm,1,,,,2\n")        # 9 steps with a gap
    got = problems_of(read_parameters, text)
    assert [(p.line, p.field) for p in got] == [
        (3, "a"), (4, "b"), (5, "b1"), (6, "c"), (7, "a"), (7, "item_id"), (7, "model"),
        (8, "a"), (8, "b"), (8, "c"), (9, "b1")]


def test_parameter_header_problems() -> None:
    got = problems_of(read_parameters, "item_id,model,a,b,b2\n")
    assert got[0].line == 1 and "without gaps" in got[0].message
    got = problems_of(read_parameters, "item_id,model,a,b,slope\n")
    assert got[0].field == "slope"


# ------------------------------------------------------------------ abilities

def test_abilities_round_trip(tmp_path: Path) -> None:
    ab = Abilities(["a", "b", "c"], np.array([0.5, -1.25, 2.0]), np.array([0.3, np.nan, 0.4]))
    write_abilities(tmp_path / "t.csv", ab)
    back = read_abilities(tmp_path / "t.csv")
    assert back.person_ids == ab.person_ids
    np.testing.assert_array_equal(back.theta, ab.theta)
    np.testing.assert_array_equal(back.se, ab.se)


def test_ability_problems() -> None:
    text = "person_id,theta,se\na,0.1,0.3\na,0.2,0.3\nb,,0.2\nc,nan,0.1\nd,0.3,-1\n"
    got = problems_of(read_abilities, text)
    assert [(p.line, p.field) for p in got] == [
        (3, "person_id"), (4, "theta"), (5, "theta"), (6, "se")]
