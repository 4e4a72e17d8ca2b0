"""Killing the server under test (``kill -9``, every process serving its port) and starting
it again with the command the person running the bench gave (``--restart``)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from pathlib import Path

import httpx


def listeners(port: int) -> set[int]:
    """Ids of the processes holding a listening TCP socket on ``port`` (Linux ``/proc``):
    with ``--workers N`` that is the supervisor and every worker."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            local, state, inode = fields[1], fields[3], fields[9]
            if state == "0A" and int(local.rsplit(":", 1)[1], 16) == port:
                inodes.add(f"socket:[{inode}]")
    pids = set()
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if any(os.readlink(fd) in inodes for fd in (proc / "fd").iterdir()):
                pids.add(int(proc.name))
        except OSError:
            continue
    return pids


def kill(port: int) -> set[int]:
    """``kill -9`` every process serving ``port``; returns their ids."""
    pids = listeners(port)
    if not pids:
        raise RuntimeError(f"no process of this user listens on port {port}; cannot kill it")
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while listeners(port) and time.monotonic() < deadline:
        time.sleep(0.05)
    return pids


def restart(command: str, log: Path) -> int:
    """Start ``command`` (a shell command line) detached, its output to ``log``."""
    with log.open("ab") as out:
        process = subprocess.Popen(command, shell=True, stdout=out, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True)
    return process.pid


def wait_healthy(base_url: str, timeout: float = 120.0) -> float:
    """Seconds until ``/health`` answers 200; raises TimeoutError after ``timeout``."""
    began = time.monotonic()
    while time.monotonic() - began < timeout:
        try:
            if httpx.get(f"{base_url}/health", timeout=2).status_code == 200:
                return time.monotonic() - began
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise TimeoutError(f"{base_url}/health did not answer within {timeout:.0f} s")


def drop_connections(database_url: str) -> int:
    """``pg_terminate_backend`` every other connection to the server's PostgreSQL database
    (a fault to recover from); returns how many were dropped."""
    from sqlalchemy import create_engine, text

    if not database_url.startswith("postgresql"):
        raise RuntimeError("--drop-connections-after needs the server's database on PostgreSQL")
    engine = create_engine(database_url)
    try:
        with engine.begin() as conn:
            return len(conn.execute(text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE "
                "datname = current_database() AND pid <> pg_backend_pid()")).all())
    finally:
        engine.dispose()
