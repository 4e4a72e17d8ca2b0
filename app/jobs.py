"""Background jobs on Huey: a SQLite-file queue embedded, Redis when Kete scales out.

Calibration runs and bulk PDFs go through here. On the embedded default the web process
runs one worker thread itself; at scale, `kete worker` processes consume the same queue.
"""

from __future__ import annotations

from pathlib import Path

from huey import Huey, RedisHuey, SqliteHuey
from huey.consumer import Consumer

from app.config import get_settings


def build_queue(url: str) -> Huey:
    """A Huey instance for ``redis://…`` or ``sqlite:///path`` (the default)."""
    if url.startswith(("redis://", "rediss://")):
        return RedisHuey("kete", url=url)
    path = url.removeprefix("sqlite:///")
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey("kete", filename=path)


queue = build_queue(get_settings().queue_url)


class EmbeddedConsumer(Consumer):
    """A consumer that runs inside another program: it leaves that program's signal
    handlers alone (uvicorn's Ctrl-C handling must keep working)."""

    def _set_signal_handlers(self) -> None:
        pass


def start_embedded_worker(workers: int = 1) -> EmbeddedConsumer:
    """Start worker threads (and the periodic scheduler) in this process; call
    ``stop(graceful=True)`` on shutdown."""
    import app.delivery.jobs
    import app.reports.jobs  # noqa: F401  (registers report printing)

    consumer = EmbeddedConsumer(queue, workers=workers, worker_type="thread", periodic=True)
    consumer.start()
    return consumer
