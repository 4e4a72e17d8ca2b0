"""A live Kete server on a real SQLite file (with its job worker, as ``kete serve`` runs on
the embedded default) and Debian's Chromium driven by Playwright.

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
from app.jobs import queue, start_embedded_worker
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
    queue.flush()  # jobs other tests of this process queued belong to their own databases
    worker = start_embedded_worker()  # the embedded default: hand-ins are scored by jobs
    yield lambda: f"http://127.0.0.1:{port}"
    worker.stop(graceful=True)
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


def navigate(page: object, locator: object) -> None:
    """Click something that loads a new page and wait until that page has loaded."""
    with page.expect_navigation():  # type: ignore[attr-defined]
        locator.click()  # type: ignore[attr-defined]


def staff_login(page: object, base: str, email: str, password: str) -> None:
    """Log in through the form; fail with the page's text if the log-in did not happen."""
    page.goto(f"{base}/login")  # type: ignore[attr-defined]
    page.get_by_label("E-mail").fill(email)  # type: ignore[attr-defined]
    page.get_by_label("Password").fill(password)  # type: ignore[attr-defined]
    navigate(page, page.get_by_role("button", name="Log in"))  # type: ignore[attr-defined]
    url = page.url  # type: ignore[attr-defined]
    cookies = [c["name"] for c in page.context.cookies()]  # type: ignore[attr-defined]
    assert "/login" not in url, f"log-in failed: {url} cookies={cookies} " \
        f"{page.inner_text('main')}"  # type: ignore[attr-defined]
