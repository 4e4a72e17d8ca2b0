"""``kete score`` / ``kete link`` / ``kete bench scoring`` through typer's CliRunner."""

from pathlib import Path

import numpy as np
import pytest
import typer
from typer.testing import CliRunner

from app.calibration.commands_score import register
from app.calibration.files import (
    ResponseTable,
    read_abilities,
    read_parameters,
    write_parameters,
    write_responses,
)
from app.irt.linking import transform
from app.irt.parameters import ItemParameters
from app.irt.scoring import score_wle
from app.irt.simulate import simulate_responses

runner = CliRunner()


def _app() -> typer.Typer:
    cli, bench = typer.Typer(), typer.Typer()
    cli.add_typer(bench, name="bench")
    register(cli, bench)
    return cli


def _bank(n: int = 12, seed: int = 0) -> ItemParameters:
    rng = np.random.default_rng(seed)
    records = [{"item_id": f"i{k}", "model": "2pl", "a": rng.uniform(0.8, 1.8), "b": rng.normal()}
               for k in range(n - 2)]
    records += [{"item_id": "g", "model": "gpcm", "a": 1.1, "steps": [-0.5, 0.6]},
                {"item_id": "s", "model": "grm", "a": 1.4, "steps": [-1.0, 0.2, 1.0]}]
    return ItemParameters.from_records(records)


@pytest.fixture()
def files(tmp_path: Path) -> tuple[Path, Path, ItemParameters, np.ndarray]:
    params = _bank()
    rng = np.random.default_rng(1)
    x = simulate_responses(params, rng.normal(size=60), rng,
                           rng.random((60, params.n_items)) < 0.9)
    write_parameters(tmp_path / "p.csv", params)
    write_responses(tmp_path / "r.csv", ResponseTable.from_dense(
        x, [f"s{k}" for k in range(60)], params.item_ids))
    return tmp_path / "p.csv", tmp_path / "r.csv", params, x


def test_score_writes_abilities(files, tmp_path: Path) -> None:
    p, r, params, x = files
    out = tmp_path / "t.csv"
    result = runner.invoke(_app(), ["score", "--params", str(p), "--responses", str(r),
                                     "--method", "wle", "--out", str(out)])
    assert result.exit_code == 0, result.output
    abilities = read_abilities(out)
    assert abilities.person_ids[:2] == ["s0", "s1"] and len(abilities.person_ids) == 60
    expected = score_wle(params, x)
    np.testing.assert_allclose(abilities.theta, expected.theta, atol=1e-12)
    np.testing.assert_allclose(abilities.se, expected.se, atol=1e-12)


def test_score_default_is_eap_and_chunks_agree(files, tmp_path: Path, monkeypatch) -> None:
    p, r, _, _ = files
    import app.calibration.commands_score as module

    outs = []
    for chunk in (1000, 7):
        monkeypatch.setattr(module, "CHUNK", chunk)
        outs.append(tmp_path / f"t{chunk}.csv")
        result = runner.invoke(_app(), ["score", "--params", str(p), "--responses", str(r),
                                         "--out", str(outs[-1])])
        assert result.exit_code == 0, result.output
    assert "EAP" in result.output
    np.testing.assert_allclose(read_abilities(outs[0]).theta, read_abilities(outs[1]).theta,
                               atol=1e-12)


def test_score_lists_items_without_parameters(files, tmp_path: Path) -> None:
    p, r, params, _ = files
    write_parameters(p, params.subset(range(2, params.n_items)))
    result = runner.invoke(_app(), ["score", "--params", str(p), "--responses", str(r),
                                    "--out", str(tmp_path / "t.csv")])
    assert result.exit_code == 1
    assert "2 item(s) in the responses have no parameters: i0, i1" in result.output
    assert "Traceback" not in result.output


def test_score_reports_malformed_files_by_line(files, tmp_path: Path) -> None:
    p, r, _, _ = files
    r.write_text("person_id,item_id,score\ns1,i0,1\ns1,i1,x\ns2,i0,-1\n", encoding="utf-8")
    result = runner.invoke(_app(), ["score", "--params", str(p), "--responses", str(r),
                                    "--out", str(tmp_path / "t.csv")])
    assert result.exit_code == 1
    assert "line 3, score" in result.output and "line 4, score" in result.output
    r.write_text("person_id,item_id,score\ns1,i0,2\n", encoding="utf-8")
    result = runner.invoke(_app(), ["score", "--params", str(p), "--responses", str(r),
                                    "--out", str(tmp_path / "t.csv")])
    assert result.exit_code == 1 and "person s1 item i0 score 2 (max 1)" in result.output
    p.write_text("item_id,model,a,b\ni0,2pl,-1,0\n", encoding="utf-8")
    result = runner.invoke(_app(), ["score", "--params", str(p), "--responses", str(r),
                                    "--out", str(tmp_path / "t.csv")])
    assert result.exit_code == 1 and "line 2, a" in result.output
    assert not (tmp_path / "t.csv").exists() and "Traceback" not in result.output


def test_link_prints_constants_and_drift_and_writes_parameters(tmp_path: Path) -> None:
    target = _bank(16, seed=3)
    source = transform(target, 1 / 1.2, 0.5 / 1.2)  # θ_to = 1.2·θ_from − 0.5
    source.b[4] -= 1.0  # one anchor drifted
    write_parameters(tmp_path / "from.csv", source)
    write_parameters(tmp_path / "to.csv", target)
    args = ["link", "--from", str(tmp_path / "from.csv"), "--to", str(tmp_path / "to.csv")]
    result = runner.invoke(_app(), [*args, "--method", "haebara"])
    assert result.exit_code == 0, result.output
    assert "common items: 16" in result.output and "i4" in result.output
    assert "yes" in result.output
    out = tmp_path / "moved.csv"
    result = runner.invoke(_app(), [*args, "--drop-drifting", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "A = 1.200000" in result.output and "B = -0.500000" in result.output
    assert "dropped drifting anchors: i4" in result.output
    moved = read_parameters(out)
    np.testing.assert_allclose(np.delete(moved.b, 4)[:13], np.delete(target.b, 4)[:13], atol=1e-5)


def test_link_errors(tmp_path: Path) -> None:
    write_parameters(tmp_path / "a.csv", _bank(4))
    other = _bank(4)
    other.item_ids = ["i0", "x1", "x2", "x3"]
    write_parameters(tmp_path / "b.csv", other)
    result = runner.invoke(_app(), ["link", "--from", str(tmp_path / "a.csv"),
                                    "--to", str(tmp_path / "b.csv")])
    assert result.exit_code == 1 and "at least 2 common items, found 1" in result.output
    result = runner.invoke(_app(), ["link", "--from", str(tmp_path / "a.csv"),
                                    "--to", str(tmp_path / "b.csv"), "--method", "magic"])
    assert result.exit_code == 2


def test_help_documents_formats_and_bench_runs() -> None:
    result = runner.invoke(_app(), ["score", "--help"])
    assert result.exit_code == 0 and "person_id,item_id,score" in result.output
    result = runner.invoke(_app(), ["link", "--help"])
    assert "(θ_to = A·θ_from + B)" in " ".join(result.output.split())
    result = runner.invoke(_app(), ["bench", "scoring", "--persons", "500", "--items", "20"])
    assert result.exit_code == 0 and "coverage" in result.output and "wle" in result.output
