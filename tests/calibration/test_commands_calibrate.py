"""``kete calibrate``, ``kete export-r`` and ``kete bench calibration`` through Typer's runner."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import typer
from typer.testing import CliRunner

from app.calibration import bench
from app.calibration.commands_calibrate import register
from app.calibration.commands_score import register as score_register
from app.calibration.files import (
    ResponseTable,
    read_abilities,
    read_parameters,
    read_population,
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


def test_score_agrees_with_calibrate_abilities(anchored_files, tmp_path) -> None:
    """One person, one EAP: kete score on kete calibrate's output uses the calibration's own
    population (written in the file) as its prior, as --abilities does."""
    responses, anchor_file, _ = anchored_files
    out, abilities, scored = tmp_path / "out.csv", tmp_path / "a.csv", tmp_path / "s.csv"
    assert runner.invoke(make_app(), [
        "calibrate", "--responses", str(responses), "--anchors", str(anchor_file),
        "--out", str(out), "--abilities", str(abilities)]).exit_code == 0
    mean, sd = read_population(out)
    assert mean == pytest.approx(0.3, abs=0.15) and sd == pytest.approx(1.1, abs=0.15)
    app = typer.Typer()
    app.command("x")(lambda: None)
    score_register(app, typer.Typer())
    result = runner.invoke(app, ["score", "--params", str(out), "--responses", str(responses),
                                 "--out", str(scored)])
    assert result.exit_code == 0, result.output
    assert f"prior N({mean:g}, {sd:g}²)" in result.output
    a, s = read_abilities(abilities), read_abilities(scored)
    assert a.person_ids == s.person_ids
    np.testing.assert_allclose(s.theta, a.theta, atol=1e-12)
    np.testing.assert_allclose(s.se, a.se, atol=1e-12)
    assert runner.invoke(app, ["score", "--params", str(out), "--responses", str(responses),
                               "--out", str(scored), "--prior-mean", "0",
                               "--prior-sd", "1"]).exit_code == 0
    assert not np.allclose(read_abilities(scored).theta, a.theta, atol=1e-3)  # told otherwise


def test_output_names_the_method_and_priors(anchored_files, tmp_path) -> None:
    responses, _, _ = anchored_files
    out = tmp_path / "out.csv"
    result = runner.invoke(make_app(), ["calibrate", "--responses", str(responses),
                                        "--model", "3pl", "--max-iter", "30", "--out", str(out)])
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert "Bayes modal (MAP) with priors log a ~ N(0, 0.5²)" in said
    assert "observed information (Oakes' identity, full matrix)" in said
    head = out.read_text().splitlines()[:3]
    assert head[0].startswith("# population mean=") and "Bayes modal" in head[1]
    assert read_parameters(out).n_items == 15  # the comments do not get in the way
    help_text = " ".join(runner.invoke(make_app(), ["calibrate", "--help"]).output.split())
    assert "Bayes modal" in help_text and "Oakes" in help_text


def test_batch_commands_import_nothing_of_the_web_stack() -> None:
    code = ("import sys, app.cli; print(sorted(m for m in ('fastapi', 'starlette', "
            "'sqlalchemy', 'jinja2', 'uvicorn', 'pydantic', 'weasyprint', 'huey') "
            "if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "[]"


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


def test_bench_runs_end_to_end_in_process(monkeypatch: pytest.MonkeyPatch,
                                          tmp_path: Path) -> None:
    """The benchmark's pipeline on tiny cases, with both engines run in this process (the real
    command spawns fresh interpreters to time the whole run; that is for people, not CI)."""
    tiny = (bench.Case("(a) tiny", 300, 6), bench.Case("(b) tiny booklets", 400, 8, 4, 2))
    monkeypatch.setattr(bench, "QUICK", tiny)

    def kete_in_process(folder: Path) -> dict:
        out = folder / "kete.csv"
        result = runner.invoke(make_app(), ["calibrate", "--responses",
                                            str(folder / "responses.csv"), "--out", str(out)])
        assert result.exit_code == 0, result.output
        p = read_parameters(out)
        return bench._scored(1.0, 0.0, p.item_ids, p.a, p.b, folder)

    rows = bench.run(quick=True, seed=3, kete=kete_in_process,
                     girth=lambda folder: bench._girth_fit(str(folder)))
    assert [r["engine"] for r in rows] == ["kete", "girth", "kete", "girth"]
    kete_a, girth_a = rows[0]["result"], rows[1]["result"]
    assert abs(kete_a["rmse_b"] - girth_a["rmse_b"]) < 0.1  # the same data, the same model


def test_bench_verdicts() -> None:
    a, b = bench.FULL
    fast = {"seconds": 1.0, "memory_mb": 1.0, "rmse_a": 0.05, "rmse_b": 0.04}
    girth = {"seconds": 40.0, "memory_mb": 1.0, "rmse_a": 0.05, "rmse_b": 0.04}
    rows = bench.comparison(a, b, fast, girth, {**fast, "seconds": 4.0}, None, 4000.0)
    assert [r["pass"] for r in rows] == [True, None, True, None]
    assert "40.0×" in rows[0]["cells"][7] and "not run" in rows[3]["cells"][7]
    worse = {**fast, "rmse_a": 0.06}  # 20% above girth's RMSE
    slow = {**fast, "seconds": 6.0}
    rows = bench.comparison(a, b, worse, girth, slow, None, 4000.0)
    assert [r["pass"] for r in rows] == [False, None, False, None]
