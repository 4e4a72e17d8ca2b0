"""``kete bench load``: drive a running server with a cohort's burst and print the figures.

Phases: set-up through the API (:mod:`.cohort`); ``/health`` as fast as the server answers
it, for the yardstick; the burst (every student at once, or ``--concurrency`` at a time),
with ``--kill-after`` killing and restarting the server part-way; waiting until every
handed-in sitting is scored; the check against the database (:mod:`.verify`); the report.
"""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

import aiohttp
import httpx
import typer

from app.loadtest import report, server
from app.loadtest.calls import Caller, Http, Record
from app.loadtest.cohort import Cohort, SetupError, Staff, prepare
from app.loadtest.student import Outcome, run_student

SETUP_TIMEOUT = 600.0
"""Seconds a set-up request may take: logins.csv hashes a fresh password for every student
(argon2, ~0.05 s of CPU each), which for 1,000 students on a busy machine takes minutes."""


@dataclass
class Plan:
    """The options of one run."""

    url: str
    students: int
    answers: int
    concurrency: int
    resaves: int
    timeout: float
    give_up: float
    health_seconds: float
    health_concurrency: int
    kill_after: float | None
    restart: str | None
    drop_after: float | None
    score_timeout: float
    database_url: str
    seed: int


async def health_rate(http: Http, seconds: float, concurrency: int) -> tuple[float, int]:
    """Requests per second ``/health`` answers with ``concurrency`` in flight, and errors."""
    stop, done, errors = time.monotonic() + seconds, [0], [0]

    async def loop() -> None:
        while time.monotonic() < stop:
            try:
                ok = (await http.request("GET", "/health")).status_code == 200
            except (TimeoutError, aiohttp.ClientError):
                ok = False
            done[0] += ok
            errors[0] += not ok

    began = time.monotonic()
    await asyncio.gather(*(loop() for _ in range(concurrency)))
    return done[0] / (time.monotonic() - began), errors[0]


async def burst(http: Http, plan: Plan, cohort: Cohort, record: Record
                ) -> tuple[list[Outcome], float]:
    """Every student's burst; returns their outcomes and the burst's wall time."""
    gate = asyncio.Semaphore(plan.concurrency)
    rng = random.Random(plan.seed)

    async def one(login: dict[str, str], seed: int) -> Outcome:
        async with gate:
            caller = Caller(http, record, give_up_after=plan.give_up)
            return await run_student(caller, login, assignment_id=cohort.assignment_id,
                                     resaves=plan.resaves, rng=random.Random(seed))

    began = time.monotonic()
    faults = [asyncio.create_task(kill_and_restart(plan))] if plan.kill_after else []
    if plan.drop_after is not None:
        faults.append(asyncio.create_task(drop_connections(plan)))
    outcomes = await asyncio.gather(*(one(login, rng.randrange(1 << 30))
                                      for login in cohort.logins))
    await asyncio.gather(*faults)
    return list(outcomes), time.monotonic() - began


async def drop_connections(plan: Plan) -> None:
    assert plan.drop_after is not None
    await asyncio.sleep(plan.drop_after)
    dropped = await asyncio.to_thread(server.drop_connections, plan.database_url)
    typer.echo(f"  dropped {dropped} database connection(s) (pg_terminate_backend) at "
               f"{plan.drop_after:.1f} s")


async def kill_and_restart(plan: Plan) -> None:
    assert plan.kill_after is not None and plan.restart is not None
    await asyncio.sleep(plan.kill_after)
    port = urlsplit(plan.url).port or 80
    pids = server.kill(port)
    typer.echo(f"  killed the server (kill -9 of {sorted(pids)}) at {plan.kill_after:.1f} s; "
               f"restarting: {plan.restart}")
    server.restart(plan.restart, Path("var") / "bench-restart.log")
    up = await asyncio.to_thread(server.wait_healthy, plan.url)
    typer.echo(f"  the server answered /health again {up:.1f} s later")


async def wait_scored(plan: Plan, outcomes: list[Outcome]) -> float | None:
    """Seconds from the last acknowledged hand-in until every handed-in sitting has a
    result, or None if that did not happen within ``--score-timeout``."""
    from app.loadtest.verify import count_scored  # the database layer only when it is needed

    ids = [o.sitting_id for o in outcomes if o.handed_in and o.sitting_id is not None]
    last = max((o.handed_in_at or 0.0 for o in outcomes), default=time.monotonic())
    deadline = time.monotonic() + plan.score_timeout
    while time.monotonic() < deadline:
        if await asyncio.to_thread(count_scored, plan.database_url, ids) >= len(ids):
            return max(0.0, time.monotonic() - last)
        await asyncio.sleep(0.5)
    return None


async def run(plan: Plan, cohort: Cohort) -> None:
    http = Http(plan.url, plan.timeout)
    try:
        cpu = time.process_time()
        rate, health_errors = await health_rate(http, plan.health_seconds,
                                                plan.health_concurrency)
        health_cpu = time.process_time() - cpu
        record, cpu = Record(), time.process_time()
        outcomes, wall = await burst(http, plan, cohort, record)
        burst_cpu = time.process_time() - cpu
    finally:
        await http.close()
    scored_after = await wait_scored(plan, outcomes)
    from app.loadtest.verify import check

    checked = await asyncio.to_thread(check, plan.database_url, outcomes)
    report.show(report.Figures(
        students=plan.students, items=cohort.form_items, resaves=plan.resaves,
        concurrency=plan.concurrency, health_rate=rate, health_errors=health_errors,
        health_concurrency=plan.health_concurrency, health_seconds=plan.health_seconds,
        health_cpu=health_cpu, record=record, outcomes=outcomes, wall=wall,
        burst_cpu=burst_cpu, scored_after=scored_after, check=checked,
        faults=plan.kill_after is not None or plan.drop_after is not None))


def load_command(
    url: Annotated[str, typer.Option(help="The running server.")] = "http://127.0.0.1:8000",
    students: Annotated[int, typer.Option(min=1, help="Cohort size (one class).")] = 30,
    answers: Annotated[int, typer.Option(min=4, help="Questions on the test.")] = 10,
    concurrency: Annotated[int | None, typer.Option(
        help="Students active at once (default: all of them).")] = None,
    resaves: Annotated[int, typer.Option(
        min=0, help="Answers per student changed while their first save is in flight.")] = 2,
    subject: Annotated[str, typer.Option(help="Subject of the test.")] = "mathematics",
    leader: Annotated[str, typer.Option(help="Leader who imports the class list.")]
    = "leader@demo.kete.nz",
    leader_password: Annotated[str, typer.Option(help="The leader's password.")]
    = "kete-leader-demo",
    teacher: Annotated[str, typer.Option(help="Teacher who gives the test.")]
    = "teacher@demo.kete.nz",
    teacher_password: Annotated[str, typer.Option(help="The teacher's password.")]
    = "kete-teacher-demo",
    database_url: Annotated[str | None, typer.Option(
        help="The server's database, for the final check (default: KETE_DATABASE_URL).")]
    = None,
    timeout: Annotated[float, typer.Option(help="Seconds before one request times out.")]
    = 30.0,
    give_up: Annotated[float, typer.Option(help="Seconds before a call stops retrying.")]
    = 180.0,
    health_seconds: Annotated[float, typer.Option(help="How long /health is measured.")] = 5.0,
    health_concurrency: Annotated[int, typer.Option(
        help="/health requests in flight while it is measured.")] = 32,
    kill_after: Annotated[float | None, typer.Option(
        help="kill -9 the server this many seconds into the burst, then --restart it.")]
    = None,
    restart: Annotated[str | None, typer.Option(
        help="Shell command that starts the server again (with --kill-after).")] = None,
    drop_connections_after: Annotated[float | None, typer.Option(
        help="Terminate the server's PostgreSQL connections this many seconds into the "
        "burst (pg_terminate_backend); the server must recover by itself.")] = None,
    score_timeout: Annotated[float, typer.Option(
        help="Seconds to wait for every sitting to be scored.")] = 300.0,
    seed: Annotated[int, typer.Option(help="Seed of the students' choices.")] = 1,
) -> None:
    """A whole cohort logs in, answers and hands in at once against a running server.

    Needs a server with a calibrated bank and the staff accounts given (`kete demo` has
    both). Prints saves/s against /health measured in the same run, latency percentiles,
    errors by class, time until every sitting is scored, and the check of every
    acknowledged answer against the database. Faults on demand: --kill-after (with
    --restart) and --drop-connections-after."""
    from app.config import get_settings

    if kill_after is not None and not restart:
        raise typer.BadParameter("--kill-after needs --restart, the command that starts "
                                 "the server again")
    plan = Plan(url.rstrip("/"), students, answers, concurrency or students, resaves,
                timeout, give_up, health_seconds, health_concurrency, kill_after, restart,
                drop_connections_after, score_timeout,
                database_url or get_settings().database_url, seed)
    try:
        server.wait_healthy(plan.url, timeout=5)
        cohort = prepare(plan.url, leader=Staff(leader, leader_password),
                         teacher=Staff(teacher, teacher_password), size=students,
                         items=answers, subject=subject, timeout=max(timeout, SETUP_TIMEOUT))
    except (SetupError, TimeoutError, httpx.HTTPError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"kete bench load: {students} students × {cohort.form_items} answers "
               f"(+{resaves} changed in flight), {plan.concurrency} at once, {plan.url}")
    _event_loop_run(run(plan, cohort))


def _event_loop_run(main: object) -> None:
    try:
        import uvloop  # uvicorn[standard] brings it: a cheaper loop for the load generator

        uvloop.run(main)  # type: ignore[arg-type]
    except ImportError:
        asyncio.run(main)  # type: ignore[arg-type]
