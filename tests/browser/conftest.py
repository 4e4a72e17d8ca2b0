"""A live Kete server on a real SQLite file and Debian's Chromium driven by Playwright.

Skips with a clear reason where Chromium is missing; CI installs it, and in CI a skip fails.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import uvicorn

from app import config, db
from app.migrate import upgrade

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[], str]]:
    """Serve the app on 127.0.0.1 against a fresh, migrated SQLite file; yields a URL maker
    after the test module's ``seed`` fixture has committed its rows."""
    url = f"sqlite:///{tmp_path_factory.mktemp('live') / 'kete.db'}"
    previous = os.environ.get("KETE_DATABASE_URL")
    os.environ["KETE_DATABASE_URL"] = url
    for cached in (config.get_settings, db.get_engine, db.get_sessionmaker):
        cached.cache_clear()
    upgrade(url)
    from app.main import create_app

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(), host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(100):
        if server.started:
            break
        time.sleep(0.05)
    yield lambda: f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    db.get_engine().dispose()
    if previous is None:
        os.environ.pop("KETE_DATABASE_URL", None)
    else:
        os.environ["KETE_DATABASE_URL"] = previous
    for cached in (config.get_settings, db.get_engine, db.get_sessionmaker):
        cached.cache_clear()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"browser tests need Debian's Chromium at {CHROMIUM} (CI installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


def screenshot(page: object, name: str) -> None:
    """Keep a full-page screenshot as a test artefact (test-artifacts/, ignored by git)."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]
