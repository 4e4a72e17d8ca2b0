"""``kete cat simulate``, ``kete mst assemble`` and ``kete mst simulate`` end to end."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest
import typer
from typer.testing import CliRunner

from app.assembly.adaptive_cli import register
from app.calibration.files import write_parameters
from app.irt.parameters import ItemParameters

RUNNER = CliRunner()


def _app() -> typer.Typer:
    cli, bench = typer.Typer(), typer.Typer()
    cli.add_typer(bench, name="bench")
    register(cli, bench)
    return cli


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("adaptive")
    rng = np.random.default_rng(0)
    n = 160
    params = ItemParameters.from_records([
        {"item_id": f"Q{k:03d}", "model": "2pl", "a": float(np.exp(rng.normal(0.2, 0.2))),
         "b": float(rng.uniform(-3, 3))} for k in range(n)])
    write_parameters(folder / "P.csv", params)
    with open(folder / "T.csv", "w", encoding="utf-8") as fh:
        fh.write("person_id,theta\n")
        fh.writelines(f"s{k},{float(t)!r}\n" for k, t in enumerate(rng.normal(0, 1, 120)))
    lines = (folder / "T.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (folder / "T20.csv").write_text("".join(lines[:21]), encoding="utf-8")  # shadow tests
    with open(folder / "A.csv", "w", encoding="utf-8") as fh:
        fh.write("ID,STRAND,TIME,STID\n")
        fh.writelines(f"Q{k:03d},{('NUM', 'GEO')[k % 2]},{30 + 10 * (k % 3)},"
                      f"{'S' + str(k // 4) if k < 24 else ''}\n" for k in range(n))
    (folder / "C.csv").write_text(
        'CONSTRAINT_ID,TYPE,WHAT,CONDITION,LB,UB,ONOFF\n'
        'C1,Number,Item,"STRAND == ""NUM""",5,7,\n'
        'C2,Sum,Item,TIME,,500,\n'
        'C3,Number,Item,Per Stimulus,3,4,\n'
        'C4,Enemy,Item,"ID %in% c(""Q100"", ""Q101"")",,,\n', encoding="utf-8")
    return {k: folder / f"{k}.csv" for k in ("P", "T", "T20", "A", "C")} | {"dir": folder}


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_cat_simulate_writes_results_and_exposure(files: dict[str, Path]) -> None:
    out, exposure = files["dir"] / "R.csv", files["dir"] / "E.csv"
    result = RUNNER.invoke(_app(), [
        "cat", "simulate", "--params", str(files["P"]), "--abilities", str(files["T"]),
        "--length", "12", "--max-exposure", "0.3", "--seed", "4", "--out", str(out),
        "--exposure", str(exposure)])
    assert result.exit_code == 0, result.output
    rows = _rows(out)
    assert list(rows[0]) == ["person_id", "theta", "se", "n_items"] and len(rows) == 120
    assert {r["n_items"] for r in rows} == {"12"}
    rates = {r["item_id"]: float(r["exposure"]) for r in _rows(exposure)}
    assert len(rates) == 160 and max(rates.values()) <= 0.3 + 1 / 120
    assert sum(rates.values()) == pytest.approx(12.0)
    for words in ("RMSE", "bias", "SE coverage", "exposure: max", "overlap rate"):
        assert words in result.output
    again = files["dir"] / "R2.csv"
    RUNNER.invoke(_app(), ["cat", "simulate", "--params", str(files["P"]), "--abilities",
                           str(files["T"]), "--length", "12", "--max-exposure", "0.3",
                           "--seed", "4", "--out", str(again)])
    assert again.read_text() == out.read_text()  # same seed, same results


def test_cat_simulate_with_constraints_and_se_stop(files: dict[str, Path]) -> None:
    out = files["dir"] / "R3.csv"
    result = RUNNER.invoke(_app(), [
        "cat", "simulate", "--params", str(files["P"]), "--abilities", str(files["T20"]),
        "--length", "14", "--se-stop", "0.4", "--attributes", str(files["A"]),
        "--constraints", str(files["C"]), "--seed", "5", "--out", str(out)])
    assert result.exit_code == 0, result.output
    counts = [int(r["n_items"]) for r in _rows(out)]
    assert max(counts) <= 14 and min(counts) < 14
    assert "20 of 20 tests meet all" in result.output


def test_mst_assemble_then_simulate(files: dict[str, Path]) -> None:
    panel, out = files["dir"] / "panel.json", files["dir"] / "M.csv"
    result = RUNNER.invoke(_app(), [
        "mst", "assemble", "--params", str(files["P"]), "--attributes", str(files["A"]),
        "--constraints", str(files["C"]), "--design", "1-3-3", "--module-length", "4",
        "--out", str(panel), "--time-limit", "5"])
    assert result.exit_code == 0, result.output
    assert "independent check: all" in result.output
    content = json.loads(panel.read_text())
    assert content["design"] == "1-3-3" and len(content["panels"][0]["stages"]) == 3
    result = RUNNER.invoke(_app(), [
        "mst", "simulate", "--panel", str(panel), "--params", str(files["P"]),
        "--abilities", str(files["T"]), "--seed", "6", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert {r["n_items"] for r in _rows(out)} == {"12"}
    assert "RMSE" in result.output and "paths" in result.output


def test_bad_input_is_listed_with_exit_2(files: dict[str, Path]) -> None:
    bad = files["dir"] / "bad.csv"
    bad.write_text("person_id,theta\ns1,abc\ns1,0.5\n", encoding="utf-8")
    result = RUNNER.invoke(_app(), [
        "cat", "simulate", "--params", str(files["P"]), "--abilities", str(bad),
        "--length", "5", "--seed", "1", "--out", str(files["dir"] / "x.csv")])
    assert result.exit_code == 2
    assert "line 2" in result.output and "line 3" in result.output
    result = RUNNER.invoke(_app(), [
        "mst", "assemble", "--params", str(files["P"]), "--design", "2-3", "--module-length",
        "4", "--out", str(files["dir"] / "p.json")])
    assert result.exit_code == 2 and "routing" in result.output
    result = RUNNER.invoke(_app(), [
        "mst", "simulate", "--panel", str(files["T"]), "--params", str(files["P"]),
        "--abilities", str(files["T"]), "--seed", "1", "--out", str(files["dir"] / "x.csv")])
    assert result.exit_code == 2 and "panel file" in result.output


def test_impossible_constraints_exit_1_with_the_reason(files: dict[str, Path]) -> None:
    tight = files["dir"] / "tight.csv"
    tight.write_text('CONSTRAINT_ID,TYPE,WHAT,CONDITION,LB,UB,ONOFF\n'
                     'C1,Sum,Item,TIME,,100,\n', encoding="utf-8")
    result = RUNNER.invoke(_app(), [
        "cat", "simulate", "--params", str(files["P"]), "--abilities", str(files["T"]),
        "--length", "10", "--attributes", str(files["A"]), "--constraints", str(tight),
        "--seed", "1", "--out", str(files["dir"] / "x.csv")])
    assert result.exit_code == 1 and "C1" in result.output
