"""TestDesign CSV readers and constraint rows → requirements."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from app.assembly.spec import (
    AllOrNone,
    CountBound,
    Enemies,
    Exclude,
    Include,
    MaximinInformation,
    OrderRule,
    PerStimulusBound,
    Spec,
    SumBound,
)
from app.assembly.tdconstraints import build_requirements, load_spec
from app.assembly.testdesign import InputError, read_constraints, read_item_pool, read_pool


def test_science_pool_and_all_36_constraint_rows(science: Spec) -> None:
    pool = science.pool
    assert pool.n_items == 1000 and pool.n_stimuli == 0
    assert {r.cid for r in science.requirements} == {f"C{k}" for k in range(1, 37)}
    kinds = {r.cid: type(r) for r in science.requirements}
    assert kinds["C1"] is CountBound and kinds["C32"] is OrderRule
    assert (kinds["C33"], kinds["C34"], kinds["C35"], kinds["C36"]) == (
        Enemies, Include, Exclude, AllOrNone)
    c1 = science.find("C1")[0]
    assert isinstance(c1, CountBound) and len(c1.members) == 1000 and c1.lb == c1.ub == 30
    c9 = science.find("C9")[0]
    assert isinstance(c9, CountBound)
    assert {pool.attributes[i]["OBJECTIVE"] for i in c9.members} == {"1B", "1C", "1I", "1G"}
    c35 = science.find("C35")[0]
    assert isinstance(c35, Exclude)
    assert all(float(pool.attributes[i]["PTBIS"]) < 0.15 for i in c35.members)  # type: ignore[arg-type]
    include = science.find("C34")[0]
    assert isinstance(include, Include)
    assert [pool.item_ids[i] for i in include.members] == ["SC00003", "SC00004"]


def test_reading_rows_including_bare_names_per_stimulus_and_off(testdesign_dir: Path,
                                                                  reading: Spec) -> None:
    pool = reading.pool
    assert pool.n_items == 303 and pool.n_stimuli == 35
    assert np.all(pool.stimulus_of >= 0)
    c2 = reading.find("C2")[0]
    assert isinstance(c2, CountBound) and c2.level == "stimulus" and c2.lb == c2.ub == 6
    assert isinstance(reading.find("C3")[0], PerStimulusBound)
    c6 = reading.find("C6")
    assert len(c6) == 14  # one bound per SUBCONTENT value
    assert [r.label for r in c6[:2]] == ["SUBCONTENT == 1", "SUBCONTENT == 2"]
    assert not reading.find("C18")  # ONOFF = OFF
    _, notes = load_spec(testdesign_dir / "itempool_reading_303.csv",
                         testdesign_dir / "itemattrib_reading_303.csv",
                         testdesign_dir / "constraints_reading_303.csv",
                         MaximinInformation(thetas=(0.0,)),
                         testdesign_dir / "stimattrib_reading_303.csv")
    assert any("C18" in n and "OFF" in n for n in notes)
    c14 = reading.find("C14")[0]
    assert isinstance(c14, CountBound)
    assert all(pool.attributes[i]["TYPE"] == "CR" and pool.attributes[i]["CONTENT"] == 1
               for i in c14.members)


def test_gpc_items_use_par1_as_a_and_the_rest_as_steps(testdesign_dir: Path) -> None:
    params = read_item_pool(testdesign_dir / "itempool_reading_303.csv")
    k = params.item_ids.index("RD0006")
    assert params.model[k] == "gpcm"
    assert params.a[k] == pytest.approx(2.631215594)
    assert params.steps[k][:2] == pytest.approx([1.854485837, 3.877942612])
    j = params.item_ids.index("RD0001")
    assert (params.model[j], params.c[j]) == ("3pl", pytest.approx(0.069025425))


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_bad_pool_lines_are_all_reported_with_line_numbers(tmp_path: Path) -> None:
    path = _write(tmp_path, "pool.csv", "ID,MODEL,PAR1,PAR2,PAR3\nA,3PL,1,0,0.2\n"
                  "B,4PL,1,0\nC,2PL,x,0\nA,2PL,1,0\nE,3PL,1\nF,2PL,-1,0\n")
    with pytest.raises(InputError) as caught:
        read_item_pool(path)
    lines = {e.line for e in caught.value.errors}
    assert lines == {3, 4, 5, 6, 7}
    assert "unknown MODEL" in str(caught.value) and "pool.csv:4" in str(caught.value)


def _tiny_files(tmp_path: Path, constraints: str) -> tuple[Path, Path, Path]:
    pool = _write(tmp_path, "pool.csv", "ID,MODEL,PAR1,PAR2\n" + "".join(
        f"I{i},2PL,1,{i / 4 - 1}\n" for i in range(8)))
    attrs = _write(tmp_path, "attrs.csv", "ID,LEVEL,TIME\n" + "".join(
        f"I{i},{3 + i % 2},{30 + i}\n" for i in range(8)))
    cons = _write(tmp_path, "cons.csv", "CONSTRAINT_ID,TYPE,WHAT,CONDITION,LB,UB,ONOFF\n"
                  + constraints)
    return pool, attrs, cons


def test_sum_rows_and_unsupported_rows(tmp_path: Path) -> None:
    pool_path, attrs, cons = _tiny_files(tmp_path, "S1,Sum,Item,TIME,0,100,\n")
    pool = read_pool(pool_path, attrs)
    reqs, _ = build_requirements(pool, read_constraints(cons))
    assert isinstance(reqs[0], SumBound) and reqs[0].weights[:2] == (30.0, 31.0)
    bad = ("B1,Number,Item,COLOUR == 1,1,2,\nB2,Magic,Item,,1,1,\nB3,Number,Widget,,1,1,\n"
           "B4,Number,Item,LEVEL ==,1,1,\nB5,Number,Stimulus,,1,1,\nB6,Number,Item,,,,\n"
           "B7,Enemy,Item,LEVEL,,,\nB8,Number,Item,Per Stimulus,1,2,\nB9,Number,Item,,3,1,\n"
           "B10,Order,Item,LEVEL == 3,,,\nB11,Sum,Item,ID,0,1,\n")
    _, _, cons = _tiny_files(tmp_path, bad)
    with pytest.raises(InputError) as caught:
        build_requirements(pool, read_constraints(cons))
    messages = [str(e) for e in caught.value.errors]
    assert len(messages) == 11
    for cid, words in (("B1", "unknown attribute"), ("B2", "not supported"),
                       ("B3", "not supported"), ("B4", "expected"), ("B5", "stimuli"),
                       ("B6", "LB or UB"), ("B7", "condition that picks"),
                       ("B8", "stimuli"), ("B9", "greater than"), ("B10", "one attribute"),
                       ("B11", "not a number")):
        assert any(f"{cid}:" in m and words in m for m in messages), (cid, messages)


def test_bad_bounds_and_missing_columns_in_constraints(tmp_path: Path) -> None:
    _, _, cons = _tiny_files(tmp_path, "C1,Number,Item,,one,2,\n,Number,Item,,1,1,\n")
    with pytest.raises(InputError) as caught:
        read_constraints(cons)
    assert [e.line for e in caught.value.errors] == [2, 3]


def test_items_naming_unknown_stimuli_and_missing_attributes(tmp_path: Path) -> None:
    pool = _write(tmp_path, "pool.csv", "ID,MODEL,PAR1,PAR2\nI1,2PL,1,0\nI2,2PL,1,0\n")
    attrs = _write(tmp_path, "attrs.csv", "ID,STID\nI1,S9\n")
    stims = _write(tmp_path, "stims.csv", "STID,NITEM\nS1,1\n")
    with pytest.raises(InputError) as caught:
        read_pool(pool, attrs, stims)
    text = str(caught.value)
    assert "'I2' of the pool has no attributes" in text and "'S9'" in text
