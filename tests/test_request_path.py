"""The request path under load: no connection held across thread hand-offs, a fast 503 with
Retry-After instead of a hang, and recovery from database faults without a restart."""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import anyio.to_thread
import httpx
import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from starlette.types import Receive, Scope, Send

from app import db
from app.db import StepRoute
from app.jobs import queue
from app.main import create_app
from app.overload import Admission, transient
from tests.delivery import builders
from tests.people import builders as people
from tests.people.conftest import cheap_hashing

__all__ = ["cheap_hashing"]


def test_every_route_ends_its_transaction_in_its_own_thread() -> None:
    routes = [r for r in create_app().routes if isinstance(r, APIRoute)]
    assert routes and all(isinstance(r, StepRoute) for r in routes), [
        r.path for r in routes if not isinstance(r, StepRoute)]


@dataclass
class Pupil:
    headers: dict[str, str]
    sitting_id: int
    item_id: int


@pytest.fixture
def pupil(banked: str, use_database: Callable[..., None]) -> Pupil:
    from app.delivery import sittings

    with db.get_sessionmaker()() as session:
        world = people.tenant(session, f"RP{random.randrange(10**6):06d}")
        given = builders.assigned(session, teacher=world.teacher, room=world.room,
                                  codes=builders.codes(3))
        sitting = sittings.start(session, student=world.students[0],
                                 assignment_id=given.assignment.id)
        headers = people.student_bearer(session, world.students[0], world.room)
        session.commit()
        return Pupil(headers, sitting.id, given.form.items[0].item_id)


def test_one_thread_and_one_connection_serve_many_requests_at_once(
        pupil: Pupil, use_database: Callable[..., None]) -> None:
    """Were a connection held between a request's steps, the one connection would belong to
    a request waiting for the one thread, held by a request waiting for the connection."""
    use_database(threads=50, db_pool_size=1, db_pool_timeout=2)
    app = create_app()

    async def burst() -> list[int]:
        anyio.to_thread.current_default_thread_limiter().total_tokens = 1
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://kete") as client:
            async def one(n: int) -> int:
                if n % 2:
                    response = await client.get("/api/v1/student/assignments",
                                                headers=pupil.headers)
                else:
                    response = await client.post(
                        f"/api/v1/sittings/{pupil.sitting_id}/answers", headers=pupil.headers,
                        json={"client_id": f"x{n}", "seq": n + 1, "item_id": pupil.item_id,
                              "response": "B"})
                return response.status_code
            return list(await asyncio.gather(*(one(n) for n in range(16))))

    statuses = asyncio.run(burst())
    assert statuses == [200] * 16  # none waited out the pool's time-out (a 503)


def test_admission_answers_503_at_once_instead_of_queueing_too_long() -> None:
    async def scenario() -> None:
        go = asyncio.Event()

        async def held(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["path"] != "/health":
                await go.wait()  # a request at work until the test lets it finish
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": b"ok"})

        admission = Admission(held, limit=1, max_wait=2.0)
        transport = httpx.ASGITransport(app=admission)
        async with httpx.AsyncClient(transport=transport, base_url="http://kete") as client:
            async def get(path: str) -> tuple[int, float, httpx.Headers, bytes]:
                began = time.monotonic()
                response = await client.get(path)
                return (response.status_code, time.monotonic() - began, response.headers,
                        response.content)

            first = asyncio.create_task(get("/api/v1/x"))
            await asyncio.sleep(0.05)
            status, seconds, headers, body = await get("/api/v1/x")  # waits, then 503
            assert status == 503 and 1.9 <= seconds < 7  # waited its max_wait, no longer
            assert int(headers["retry-after"]) >= 1
            assert json.loads(body)["error"] == "Unavailable"
            admission.service = 30.0  # recent requests were slow: a queue is hopeless
            queued = asyncio.create_task(get("/api/v1/x"))
            await asyncio.sleep(0.05)
            status, seconds, headers, _ = await get("/api/v1/x")  # refused without waiting
            assert status == 503 and seconds < 1.0 and int(headers["retry-after"]) >= 1
            status, seconds, _, _ = await get("/health")  # /health never waits its turn
            assert status == 200 and seconds < 1.0
            go.set()
            assert (await first)[0] == 200
            assert (await queued)[0] in (200, 503)
            assert (await get("/api/v1/x"))[0] == 200

    asyncio.run(scenario())


def test_a_students_saves_go_ahead_of_waiting_log_ins() -> None:
    async def scenario() -> None:
        go = asyncio.Event()
        started: list[str] = []

        async def held(scope: Scope, receive: Receive, send: Send) -> None:
            started.append(scope["path"])
            if len(started) == 1:
                await go.wait()  # the first request holds the only place at work
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": b"ok"})

        admission = Admission(held, limit=1, max_wait=5.0)
        transport = httpx.ASGITransport(app=admission)
        async with httpx.AsyncClient(transport=transport, base_url="http://kete") as client:
            first = asyncio.create_task(client.post("/api/v1/auth/student"))
            await asyncio.sleep(0.05)
            log_ins = [asyncio.create_task(client.post("/api/v1/auth/student"))
                       for _ in range(3)]
            await asyncio.sleep(0.05)
            save = asyncio.create_task(client.post("/api/v1/sittings/7/answers"))
            hand_in = asyncio.create_task(client.post("/api/v1/sittings/7/submit"))
            await asyncio.sleep(0.05)
            go.set()
            responses = await asyncio.gather(first, *log_ins, save, hand_in)
        assert [r.status_code for r in responses] == [200] * 6
        # the save and the hand-in arrived last but started right after the one at work
        assert started[1:3] == ["/api/v1/sittings/7/answers", "/api/v1/sittings/7/submit"]
        assert started[3:] == ["/api/v1/auth/student"] * 3

    asyncio.run(scenario())


def test_a_wait_given_up_passes_its_place_on() -> None:
    async def scenario() -> None:
        from app.overload import Slots

        slots = Slots(1)
        assert await slots.acquire(1, 1.0)  # the only place, taken
        assert not await slots.acquire(1, 0.05)  # timed out: leaves the queue
        waiter = asyncio.create_task(slots.acquire(1, 5.0))
        await asyncio.sleep(0.01)
        slots.release()
        assert await waiter  # the place went to the one still waiting
        slots.release()
        assert slots.free == 1 and slots.waiting(1) == 0  # nothing leaked, nothing lost
        assert await slots.acquire(1, 1.0)
        waiter = asyncio.create_task(slots.acquire(1, 5.0))
        await asyncio.sleep(0.01)
        slots.release()  # the place is handed to the waiter …
        waiter.cancel()  # … whose request is cancelled before it runs
        try:
            got = await waiter  # Python 3.11's wait_for keeps the place and ignores the cancel
        except asyncio.CancelledError:
            got = False  # later Pythons cancel: the place must have been passed on
        if got:
            slots.release()
        assert slots.free == 1 and slots.waiting(1) == 0

    asyncio.run(scenario())


def test_busy_pages_are_html_and_the_api_json() -> None:
    from app.overload import busy_response

    page = busy_response("/student/login", "text/html,*/*", 3, "Kete is busy.")
    api = busy_response("/api/v1/sittings/1/answers", "text/html", 3, "Kete is busy.")
    assert page.status_code == api.status_code == 503
    assert page.headers["retry-after"] == api.headers["retry-after"] == "3"
    assert page.media_type == "text/html" and b"<h1>Kete is busy</h1>" in page.body
    assert json.loads(bytes(api.body))["error"] == "Unavailable"


@pytest.fixture
def api(use_database: Callable[..., None]) -> Iterator[Callable[[], TestClient]]:
    clients: list[TestClient] = []

    def make() -> TestClient:
        client = TestClient(create_app(), raise_server_exceptions=False)
        clients.append(client)
        return client.__enter__()

    queue.flush()
    yield make
    for client in clients:
        client.__exit__(None, None, None)


def test_no_free_connection_is_a_fast_503(pupil: Pupil, use_database: Callable[..., None],
                                          api: Callable[[], TestClient]) -> None:
    use_database(db_pool_size=1, db_pool_timeout=0.5)
    client = api()
    # warm: the first request's one-off work (imports, compiled queries) is not the wait
    assert client.get("/api/v1/student/assignments", headers=pupil.headers).status_code == 200
    with db.get_engine().connect() as holder:
        holder.execute(text("SELECT 1"))  # the pool's only connection is taken
        began = time.monotonic()
        busy = client.get("/api/v1/student/assignments", headers=pupil.headers)
        assert busy.status_code == 503 and time.monotonic() - began < 10  # not a 30 s hang
        assert busy.headers["retry-after"] == "1" and busy.json()["error"] == "Unavailable"
    assert client.get("/api/v1/student/assignments", headers=pupil.headers).status_code == 200


def test_database_faults_give_fast_503s_and_the_server_recovers(
        pupil: Pupil, committed_url: str, use_database: Callable[..., None],
        api: Callable[[], TestClient]) -> None:
    def save(n: int) -> httpx.Response:
        return client.post(f"/api/v1/sittings/{pupil.sitting_id}/answers",
                           headers=pupil.headers, json={"client_id": f"f{n}", "seq": 100 + n,
                                                        "item_id": pupil.item_id,
                                                        "response": "C"})

    if committed_url.startswith("sqlite"):
        use_database(sqlite_busy_timeout=0.3)
        client = api()
        locker = db.make_engine(committed_url).connect()
        locker.exec_driver_sql("SELECT 1")  # BEGIN IMMEDIATE: another writer holds the lock
        began = time.monotonic()
        busy = save(0)
        assert busy.status_code == 503 and time.monotonic() - began < 10
        assert busy.headers["retry-after"] == "1"
        locker.rollback()
        locker.close()
    else:
        client = api()
        assert save(0).status_code == 200  # the pool now holds a live connection
        _terminate_others(committed_url)
        answers = []
        for n in range(1, 6):
            began = time.monotonic()
            answers.append((save(n).status_code, time.monotonic() - began))
        assert all(code in (200, 503) and s < 10 for code, s in answers), answers
        # dropped while the log-in is being looked up (its own short step, before the
        # handler's): the same fast 503, not a failed commit's 500
        dropped: list[int] = []

        def drop_mid_step(conn: Connection, cursor: object, statement: str,
                          *args: object) -> None:
            if "FROM student_session" in statement and not dropped:
                dropped.append(conn.connection.dbapi_connection.info.backend_pid)  # type: ignore[union-attr]
                admin = db.make_engine(committed_url)
                with admin.connect() as other:
                    other.execute(text("SELECT pg_terminate_backend(:pid)"),
                                  {"pid": dropped[0]})
                    other.commit()
                admin.dispose()

        event.listen(db.get_engine(), "before_cursor_execute", drop_mid_step)
        try:
            mid_step = save(7)
        finally:
            event.remove(db.get_engine(), "before_cursor_execute", drop_mid_step)
        assert dropped and mid_step.status_code == 503, mid_step.text
        assert mid_step.json()["error"] == "Unavailable"
    assert save(9).status_code == 200  # no restart needed


def test_dropped_connections_and_held_locks_are_transient_errors(committed_url: str) -> None:
    if committed_url.startswith("sqlite"):  # another writer holds the lock past the time-out
        holder = db.make_engine(committed_url).connect()
        holder.exec_driver_sql("SELECT 1")  # BEGIN IMMEDIATE
        impatient = create_engine(committed_url, isolation_level="AUTOCOMMIT",
                                  connect_args={"timeout": 0.1})
        with pytest.raises(DBAPIError) as failure, impatient.connect() as conn:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        impatient.dispose()
        holder.rollback()
        holder.close()
    else:  # the connection is terminated by the server while in use
        engine = db.make_engine(committed_url)
        with engine.connect() as victim:
            victim.exec_driver_sql("SELECT 1")
            _terminate_others(committed_url)
            with pytest.raises(DBAPIError) as failure:
                victim.exec_driver_sql("SELECT 1")
        engine.dispose()
    assert transient(failure.value)


def _terminate_others(url: str) -> None:
    """``pg_terminate_backend`` every other connection to this database."""
    admin = db.make_engine(url)
    with admin.connect() as conn:
        conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE "
                          "datname = current_database() AND pid <> pg_backend_pid()"))
        conn.commit()
    admin.dispose()
