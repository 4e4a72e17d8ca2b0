"""``kete bench reports``: the command only; the rendering stack loads when it runs, so
``import app.cli`` stays free of the web stack (batch commands start fast)."""

from __future__ import annotations

import typer


def bench_command(students: int = typer.Option(30, help="Class size."),
                  repeats: int = typer.Option(3, help="Timed runs of each (median).")) -> None:
    """Time the class report and a pathway as HTML and PDF for a synthetic class."""
    from app.reports.bench import run_bench

    run_bench(students, repeats)
