"""``kete bench load`` against a live server (no browser): a small cohort is imported, given
a test, logs in, answers with no pause and hands in; the bench checks every acknowledged
answer against the database and prints the issue's targets. It shares the live server of
the browser tests (a real uvicorn on a real SQLite file, with its job worker)."""

from __future__ import annotations

import os
from collections.abc import Callable

import pytest
from typer.testing import CliRunner

from app import db
from app.cli import cli
from app.people import service as people
from tests.assembly.test_service import _bank


@pytest.fixture(scope="module")
def seeded(live_server: Callable[[], str]) -> str:
    with db.get_sessionmaker()() as session:
        _bank(session)
        school = people.get_or_create_school(session, code="BENCH", name="Bench School")
        people.create_staff(session, email="lead@bench.nz", name="Lee Leader", role="leader",
                            password="pw-lead-1234", school=school)
        people.create_staff(session, email="teach@bench.nz", name="Tai Teacher",
                            role="teacher", password="pw-teach-1234", school=school)
        session.commit()
    return live_server()


def test_the_load_bench_runs_a_cohort_and_checks_every_answer(seeded: str) -> None:
    result = CliRunner().invoke(cli, [
        "bench", "load", "--url", seeded, "--students", "6", "--answers", "5",
        "--subject", "maths", "--leader", "lead@bench.nz", "--leader-password", "pw-lead-1234",
        "--teacher", "teach@bench.nz", "--teacher-password", "pw-teach-1234",
        "--database-url", os.environ["KETE_DATABASE_URL"], "--health-seconds", "0.5",
        "--score-timeout", "60"])
    out = result.output
    assert result.exit_code == 0, out
    assert "6 students × 5 answers" in out and "/health:" in out and "saves/s" in out
    # every save acknowledged and checked: 6 students × (5 answers + 2 changed in flight)
    assert "42 acknowledged saves checked against the database: 0 lost, 0 overwritten by " \
        "an older save, 0 holding another save's answer, 0 duplicated" in out, out
    assert "scoring: 6/6 handed in" in out and "unscored 0" in out, out
    assert "met    no 5xx" in out and "met    every student handed in (6)" in out, out
