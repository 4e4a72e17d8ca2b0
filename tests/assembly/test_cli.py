"""``kete assemble`` and ``kete bench assembly`` through Typer's test runner."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from app.assembly.commands import parse_objective, register
from app.assembly.spec import MaximinInformation, TargetInformation

RUNNER = CliRunner()


def _app() -> typer.Typer:
    cli, bench = typer.Typer(), typer.Typer()
    cli.add_typer(bench, name="bench")
    register(cli, bench)
    return cli


def _science_args(folder: Path, out: Path, constraints: Path | None = None) -> list[str]:
    return ["assemble", "--pool", str(folder / "itempool_science_1000.csv"),
            "--attributes", str(folder / "itemattrib_science_1000.csv"),
            "--constraints", str(constraints or folder / "constraints_science_1000.csv"),
            "--out", str(out)]


@pytest.mark.parametrize("targets", [["--targets=-1:8,1:10"], ["--targets", "-1:8,1:10"]])
def test_assemble_science_with_tif_targets_and_minus_signs(testdesign_dir: Path, tmp_path: Path,
                                                           targets: list[str]) -> None:
    out = tmp_path / "form.csv"
    args = [*_science_args(testdesign_dir, out), "--objective", "tif", *targets]
    result = RUNNER.invoke(_app(), args)
    assert result.exit_code == 0, result.output
    assert "all 37 requirements met" in result.output
    assert "information at θ = -1" in result.output and "(target 8)" in result.output
    with open(out, newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 30 and rows[0]["ID"].startswith("SC")
    levels = [int(r["LEVEL"]) for r in rows]
    assert levels == sorted(levels)  # C32: in order of LEVEL


def test_assemble_reading_with_maxinfo_points(testdesign_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "form.csv"
    folder = testdesign_dir
    args = ["assemble", "--pool", str(folder / "itempool_reading_303.csv"),
            "--attributes", str(folder / "itemattrib_reading_303.csv"),
            "--stimuli", str(folder / "stimattrib_reading_303.csv"),
            "--constraints", str(folder / "constraints_reading_303.csv"),
            "--objective", "maxinfo", "--points", "-1,0,1", "--out", str(out)]
    result = RUNNER.invoke(_app(), args)
    assert result.exit_code == 0, result.output
    assert "note: C18" in result.output and "OFF" in result.output
    with open(out, newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len({r["STID"] for r in rows}) == 6


def test_infeasible_request_exits_non_zero_naming_constraints(testdesign_dir: Path,
                                                              tmp_path: Path) -> None:
    text = (testdesign_dir / "constraints_science_1000.csv").read_text()
    broken = tmp_path / "constraints.csv"
    broken.write_text(text.replace('"C7",Number,Item,STANDARD == 3,2,4,',
                                   '"C7",Number,Item,STANDARD == 3,12,14,'))
    args = [*_science_args(testdesign_dir, tmp_path / "form.csv", broken),
            "--objective", "tif", "--targets=-1:8,1:10"]
    result = RUNNER.invoke(_app(), args)
    assert result.exit_code == 1
    assert "C7 (STANDARD == 3) needs at least 12 items" in result.output
    assert "Traceback" not in result.output and isinstance(result.exception, SystemExit)
    assert not (tmp_path / "form.csv").exists()


def test_bad_files_give_line_level_errors(tmp_path: Path) -> None:
    pool = tmp_path / "pool.csv"
    pool.write_text("ID,MODEL,PAR1,PAR2\nA,2PL,1,0\nB,9PL,1,0\n")
    attrs = tmp_path / "attrs.csv"
    attrs.write_text("ID,LEVEL\nA,3\nB,4\n")
    cons = tmp_path / "cons.csv"
    cons.write_text("CONSTRAINT_ID,TYPE,WHAT,CONDITION,LB,UB,ONOFF\nC1,Number,Item,,1,1,\n")
    args = ["assemble", "--pool", str(pool), "--attributes", str(attrs), "--constraints",
            str(cons), "--points=-1,0,1", "--out", str(tmp_path / "f.csv")]
    result = RUNNER.invoke(_app(), args)
    assert result.exit_code == 2
    assert f"{pool}:3: unknown MODEL" in result.output
    missing = RUNNER.invoke(_app(), [*args[:2], str(tmp_path / "nope.csv"), *args[3:]])
    assert missing.exit_code == 2 and "cannot read" in missing.output


def test_objective_option_parsing() -> None:
    assert parse_objective("tif", "-1:8,1:10", None) == TargetInformation(
        thetas=(-1.0, 1.0), targets=(8.0, 10.0))
    assert parse_objective("maxinfo", None, "-1,0,1") == MaximinInformation(
        thetas=(-1.0, 0.0, 1.0))
    for bad in (("tif", None, None), ("tif", "-1=8", None), ("maxinfo", None, "a,b"),
                ("best", None, "0")):
        with pytest.raises(typer.BadParameter):
            parse_objective(*bad)


def _quick_variety_case(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The six-teacher case solves six forms for up to ten seconds each: its contract is tested
    through the API (tests/assembly/test_service.py); here it only has to be listed."""
    from app.assembly import bench

    monkeypatch.setattr(bench, "bench_six_teachers", lambda options: bench.Outcome(
        "six teachers, one request (variety)", "mean overlap ≤ 40%", True, ("stub",)))


def test_bench_command_prints_goals_and_verdicts(testdesign_dir: Path, monkeypatch) -> None:
    _quick_variety_case(monkeypatch)
    result = RUNNER.invoke(_app(), ["bench", "assembly", "--data-dir", str(testdesign_dir)])
    assert result.exit_code == 0, result.output
    for words in ("science_1000", "reading_303", "synthetic 10,000", "goal:", "greedy baseline",
                  "independent check", "proven"):
        assert words in result.output
    assert result.output.count("[PASS]") + result.output.count("[MISS]") == 4
    assert "six teachers" in result.output


def test_bench_skips_testdesign_cases_when_the_files_are_absent(tmp_path: Path,
                                                               monkeypatch) -> None:
    monkeypatch.setenv("KETE_TESTDESIGN_DIR", str(tmp_path))
    _quick_variety_case(monkeypatch)
    from app.assembly import bench

    outcomes = [o for o in bench.run_benchmarks(bench.data_dir(), bench.SolveOptions())
                if o.passed is None]
    assert len(outcomes) == 2 and "not found" in outcomes[0].lines[0]
