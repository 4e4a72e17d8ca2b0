"""``kete calibrate``, ``kete export-r`` and ``kete bench calibration`` through Typer's runner."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import typer
from typer.testing import CliRunner

from app.calibration import bench
from app.calibration.commands_calibrate import register
from app.calibration.files import (
    ResponseTable,
    read_abilities,
    read_parameters,
    write_parameters,
    write_responses,
)
from app.irt.estimation.simulate import simulate_responses
from app.irt.parameters import ItemParameters

runner = CliRunner()


def make_app() -> typer.Typer:
    cli, bench_cli = typer.Typer(), typer.Typer()
    register(cli, bench_cli)
    cli.add_typer(bench_cli, name="bench")
    return cli


def bank(n: int, prefix: str) -> ItemParameters:
    return ItemParameters.from_records([
        {"item_id": f"{prefix}{j}", "model": "2pl", "a": 0.8 + 0.05 * j, "b": -1 + 0.2 * j}
        for j in range(n)])


@pytest.fixture
def anchored_files(tmp_path: Path) -> tuple[Path, Path, ItemParameters]:
    anchors, new = bank(10, "A"), bank(5, "N")
    everything = ItemParameters.from_records(anchors.to_records() + new.to_records())
    rng = np.random.default_rng(5)
    data = simulate_responses(everything, rng.normal(0.3, 1.1, 1500), rng).to_dense()
    table = ResponseTable.from_dense(data, [f"s{i}" for i in range(1500)], everything.item_ids)
    write_responses(tmp_path / "responses.csv", table)
    write_parameters(tmp_path / "anchors.csv", anchors)
    return tmp_path / "responses.csv", tmp_path / "anchors.csv", anchors


def test_calibrate_with_anchors_writes_every_item_and_abilities(anchored_files, tmp_path) -> None:
    responses, anchor_file, anchors = anchored_files
    out, abilities = tmp_path / "out.csv", tmp_path / "theta.csv"
    result = runner.invoke(make_app(), [
        "calibrate", "--responses", str(responses), "--model", "2pl", "--anchors",
        str(anchor_file), "--out", str(out), "--abilities", str(abilities)])
    assert result.exit_code == 0, result.output
    params = read_parameters(out)
    assert params.item_ids == [f"A{j}" for j in range(10)] + [f"N{j}" for j in range(5)]
    np.testing.assert_array_equal(params.a[:10], anchors.a)
    assert np.isnan(params.se["b"][:10]).all() and np.isfinite(params.se["b"][10:]).all()
    theta = read_abilities(abilities)
    assert len(theta.person_ids) == 1500 and np.all(theta.se > 0)
    assert abs(theta.theta.mean() - 0.3) < 0.15


def test_calibrate_reports_bad_lines_without_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("person_id,item_id,score\np1,i1,1\np1,i1,0\np2,i2,two\n")
    result = runner.invoke(make_app(), ["calibrate", "--responses", str(bad),
                                        "--out", str(tmp_path / "o.csv")])
    assert result.exit_code == 1
    assert "line 3" in result.output and "line 4, score" in result.output
    assert "Traceback" not in result.output and not (tmp_path / "o.csv").exists()


def test_calibrate_explains_unfittable_items(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("person_id,item_id,score\np1,i1,1\np2,i1,2\np3,i1,0\n")
    result = runner.invoke(make_app(), ["calibrate", "--responses", str(path), "--model", "2pl",
                                        "--out", str(tmp_path / "o.csv")])
    assert result.exit_code == 1 and "scores above 1" in result.output


def test_help_documents_the_formats() -> None:
    result = runner.invoke(make_app(), ["calibrate", "--help"])
    assert result.exit_code == 0
    for fragment in ("person_id,item_id,score", "item_id,model,a,b,c", "person_id,theta,se"):
        assert fragment in result.output


def test_export_r(anchored_files, tmp_path: Path) -> None:
    responses, anchor_file, _ = anchored_files
    result = runner.invoke(make_app(), ["export-r", "--responses", str(responses),
                                        "--parameters", str(anchor_file),
                                        "--out-dir", str(tmp_path / "r")])
    assert result.exit_code == 0, result.output
    assert {p.name for p in (tmp_path / "r").iterdir()} == {
        "responses_wide.csv", "parameters_mirt.csv", "README.txt"}


@pytest.mark.slow  # four fresh interpreters (numpy, scipy, girth): ≈ 8 s
def test_bench_smoke(monkeypatch: pytest.MonkeyPatch) -> None:
    tiny = (bench.Case("(a) tiny", 300, 6), bench.Case("(b) tiny booklets", 400, 8, 4, 2))
    monkeypatch.setattr(bench, "QUICK", tiny)
    result = runner.invoke(make_app(), ["bench", "calibration", "--quick", "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert "girth" in result.output and "os.cpu_count()" in result.output
    assert "n/a (quick)" in result.output
