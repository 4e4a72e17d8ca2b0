"""The ``kete`` command against a real SQLite file: migrations, import/export, clean errors."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from app import config, db
from app.cli import cli
from tests.factories import FRAMEWORK, item_data

runner = CliRunner()


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("KETE_DATABASE_URL", url)
    for cached in (config.get_settings, db.get_engine, db.get_sessionmaker):
        cached.cache_clear()
    yield url
    db.get_engine().dispose()
    for cached in (config.get_settings, db.get_engine, db.get_sessionmaker):
        cached.cache_clear()


def _load_framework() -> None:
    from app.itembank.curricula import Framework, load_framework

    session = db.get_sessionmaker()()
    load_framework(session, Framework.model_validate(FRAMEWORK))
    session.commit()
    session.close()


def test_db_upgrade_then_items_import_export_round_trip(database: str, tmp_path: Path) -> None:
    assert runner.invoke(cli, ["db", "upgrade"]).exit_code == 0
    _load_framework()
    source = tmp_path / "items.json"
    source.write_text(json.dumps({"items": [item_data("MA-1"), item_data("MA-2")]}))
    result = runner.invoke(cli, ["items", "import", str(source)])
    assert result.exit_code == 0, result.output
    assert "items created: 2" in result.output
    out = tmp_path / "out.csv"
    assert runner.invoke(cli, ["items", "export", "--out", str(out)]).exit_code == 0
    again = runner.invoke(cli, ["items", "import", str(out)])
    assert again.exit_code == 0 and "items unchanged: 2" in again.output


def test_bad_import_exits_nonzero_with_rows_and_no_traceback(database: str,
                                                             tmp_path: Path) -> None:
    runner.invoke(cli, ["db", "upgrade"])
    _load_framework()
    source = tmp_path / "bad.json"
    source.write_text(json.dumps({"items": [item_data("MA-1", strand="ZZ")]}))
    result = runner.invoke(cli, ["items", "import", str(source)])
    assert result.exit_code == 1
    assert "items[0] strand: unknown strand 'ZZ'" in result.output
    assert "Traceback" not in result.output


def test_params_import_and_export_csv(database: str, tmp_path: Path) -> None:
    runner.invoke(cli, ["db", "upgrade"])
    _load_framework()
    source = tmp_path / "items.json"
    source.write_text(json.dumps({"items": [item_data("MA-1"), item_data("MA-2")]}))
    runner.invoke(cli, ["items", "import", str(source)])
    params = tmp_path / "p.csv"
    params.write_text("item_id,model,a,b,c,se_a,se_b,se_c\nMA-1,2pl,1.2,-0.5,,0.1,0.05,\n"
                      "MA-2,3pl,0.9,0.7,0.2,0.1,0.08,0.02\n")
    result = runner.invoke(cli, ["params", "import", str(params), "--subject", "maths",
                                 "--label", "trial 1", "--activate"])
    assert result.exit_code == 0, result.output
    out = tmp_path / "out.csv"
    exported = runner.invoke(cli, ["params", "export", "--subject", "maths", "--out", str(out)])
    assert exported.exit_code == 0, exported.output
    lines = out.read_text().splitlines()
    assert lines[0] == "# population mean=0.0 sd=1.0"  # the calibration's population
    assert lines[2].startswith("MA-1,2pl,1.2,-0.5,") and lines[3].startswith("MA-2,3pl,0.9,0.7,0.2")
    missing = tmp_path / "missing.csv"
    missing.write_text("item_id,model,a,b\nNOPE,2pl,1,0\n")
    refused = runner.invoke(cli, ["params", "import", str(missing), "--subject", "maths",
                                  "--label", "x"])
    assert refused.exit_code == 1 and "NOPE" in refused.output


def test_responses_import_is_all_or_nothing(database: str, tmp_path: Path) -> None:
    runner.invoke(cli, ["db", "upgrade"])
    _load_framework()
    source = tmp_path / "items.json"
    source.write_text(json.dumps({"items": [item_data("MA-1"), item_data("MA-2")]}))
    runner.invoke(cli, ["items", "import", str(source)])
    good = tmp_path / "r.csv"
    good.write_text("person_id,item_id,score\np1,MA-1,1\np1,MA-2,0\np2,MA-1,0\n")
    result = runner.invoke(cli, ["responses", "import", str(good), "--subject", "maths"])
    assert result.exit_code == 0 and "stored 3 responses of 2 persons" in result.output
    again = runner.invoke(cli, ["responses", "import", str(good), "--subject", "maths"])
    assert again.exit_code == 1 and "already recorded" in again.output
    bad = tmp_path / "bad.csv"
    bad.write_text("person_id,item_id,score\np3,MA-1,2\np3,MA-9,x\n")
    refused = runner.invoke(cli, ["responses", "import", str(bad), "--subject", "maths"])
    assert refused.exit_code == 1 and "line 3" in refused.output


def test_imported_sitting_responses_are_never_taken_for_kete_s_own_sittings(
        database: str, tmp_path: Path) -> None:
    """A file's person "17" imported as sittings is its own person: Kete's sitting 17 (keyed
    ``sitting:17`` by scoring) keeps its responses and the file's are stored beside them."""
    from sqlalchemy import select

    from app.delivery.models import ScoredResponse
    from app.itembank.models import Item

    runner.invoke(cli, ["db", "upgrade"])
    _load_framework()
    source = tmp_path / "items.json"
    source.write_text(json.dumps({"items": [item_data("MA-1")]}))
    runner.invoke(cli, ["items", "import", str(source)])
    with db.get_sessionmaker()() as session, session.begin():
        item = session.scalars(select(Item)).one()
        session.add(ScoredResponse(person_key="sitting:17", item_id=item.id, score=1,
                                   source="sitting"))
    file = tmp_path / "r.csv"
    file.write_text("person_id,item_id,score\n17,MA-1,0\n")
    result = runner.invoke(cli, ["responses", "import", str(file), "--subject", "maths",
                                 "--source", "sitting"])
    assert result.exit_code == 0, result.output
    with db.get_sessionmaker()() as session:
        rows = session.execute(select(ScoredResponse.person_key, ScoredResponse.score))
        stored = {key: score for key, score in rows}
    assert stored["sitting:17"] == 1 and len(stored) == 2
    assert stored[next(k for k in stored if k != "sitting:17")] == 0


def test_curricula_import_export_round_trip(database: str, tmp_path: Path) -> None:
    runner.invoke(cli, ["db", "upgrade"])
    source = tmp_path / "fw.json"
    source.write_text(json.dumps(FRAMEWORK))
    result = runner.invoke(cli, ["curricula", "import", str(source)])
    assert result.exit_code == 0, result.output
    assert "maths: 9 sublevels, 2 strands, 3 objectives" in result.output
    out = tmp_path / "out.json"
    assert runner.invoke(cli, ["curricula", "export", "--subject", "maths", "--out",
                               str(out)]).exit_code == 0
    exported = json.loads(out.read_text())
    key = lambda o: o["code"]  # noqa: E731
    assert sorted(exported["objectives"], key=key) == sorted(FRAMEWORK["objectives"], key=key)
    assert exported["levels"] == FRAMEWORK["levels"]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({**FRAMEWORK, "levels": []}))
    refused = runner.invoke(cli, ["curricula", "import", str(bad)])
    assert refused.exit_code == 1 and "levels" in refused.output


def test_close_due_runs_on_the_configured_database(database: str) -> None:
    runner.invoke(cli, ["db", "upgrade"])
    result = runner.invoke(cli, ["close-due"])
    assert result.exit_code == 0 and "handed in 0 sitting(s)" in result.output


def test_serve_runs_n_web_processes_that_may_start_slowly(
        database: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """``kete serve --workers N`` migrates once, then hands uvicorn N processes whose health
    check waits long enough for a process importing Kete on a busy machine (uvicorn's 5 s
    default killed them before they answered, over and over)."""
    import uvicorn

    calls: list[dict[str, object]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: calls.append(options))
    result = runner.invoke(cli, ["serve", "--workers", "3", "--port", "8119"])
    assert result.exit_code == 0, result.output
    (options,) = calls
    assert options["workers"] == 3 and options["port"] == 8119
    assert int(options["timeout_worker_healthcheck"]) >= 30  # type: ignore[call-overload]
    with db.get_engine().connect() as conn:  # migrated before serving
        assert db.get_engine().dialect.has_table(conn, "alembic_version")


def test_demo_names_the_address_kete_serve_will_listen_on(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """``KETE_PORT=8151 make demo`` serves on 8151, so the printed log-in address says so."""
    from app.demo import accounts_heading

    monkeypatch.setenv("KETE_PORT", "8151")
    config.get_settings.cache_clear()
    try:
        assert "http://127.0.0.1:8151/login" in accounts_heading()
    finally:
        monkeypatch.delenv("KETE_PORT")
        config.get_settings.cache_clear()
    assert "http://127.0.0.1:8000/login" in accounts_heading()
