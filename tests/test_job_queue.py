"""The test processes' job queues: each pytest process (each xdist worker) has its own, so
one worker's consumer never runs another's jobs against the wrong database and one worker's
``queue.flush()`` never deletes another's jobs."""

from __future__ import annotations

import os
from pathlib import Path

from app.jobs import queue


def test_this_test_process_has_a_job_queue_of_its_own() -> None:
    filename = Path(queue.storage.filename)  # type: ignore[attr-defined]
    assert filename.parent.name.startswith(f"kete-test-jobs-{os.getpid()}-")
    assert os.environ["KETE_QUEUE_URL"] == f"sqlite:///{filename}"
