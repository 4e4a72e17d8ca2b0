"""The bench's printed report: rates, latency percentiles, errors by class, scoring delay,
the database check, and each target of issue 9 with whether this run met it."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

import typer

from app.loadtest.calls import Record, percentile
from app.loadtest.student import Outcome

if TYPE_CHECKING:  # the database check is imported only when a run reaches it
    from app.loadtest.verify import Check

KINDS = ("log-in", "start", "save", "hand-in")
SERVER_ERRORS = ("503", "5xx")


@dataclass
class Figures:
    students: int
    items: int
    resaves: int
    concurrency: int
    health_rate: float
    health_errors: int
    health_concurrency: int
    health_seconds: float
    health_cpu: float
    record: Record
    outcomes: list[Outcome]
    wall: float
    burst_cpu: float
    scored_after: float | None
    check: Check
    faults: bool

    @property
    def save_rate(self) -> float:
        finished = self.record.finished.get("save", [])
        began = self.record.first_start.get("save")
        if not finished or began is None:
            return 0.0
        return len(finished) / max(1e-9, max(finished) - began)


def _ms(seconds: float) -> str:
    return "—" if math.isnan(seconds) else f"{seconds * 1000:.0f} ms"


def show(f: Figures) -> None:
    echo = typer.echo
    load = os.getloadavg()
    echo(f"load average before the report: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} "
         f"on {os.cpu_count()} cores")
    echo(f"/health: {f.health_rate:.0f} requests/s ({f.health_concurrency} in flight, "
         f"{f.health_seconds:g} s, {f.health_errors} errors; bench CPU "
         f"{f.health_cpu / f.health_seconds:.0%} of one core)")
    echo(f"burst: {f.wall:.1f} s; bench CPU {f.burst_cpu:.1f} s "
         f"({f.burst_cpu / max(f.wall, 1e-9):.0%} of one core)")
    for kind in KINDS:
        values = f.record.latencies.get(kind, [])
        echo(f"  {kind:<8} {len(values):>6} done   p50 {_ms(percentile(values, 50)):>8}   "
             f"p95 {_ms(percentile(values, 95)):>8}   p99 {_ms(percentile(values, 99)):>8}   "
             f"max {_ms(max(values) if values else math.nan):>8}")
    echo(f"  saves/s {f.save_rate:.1f} = {f.save_rate / max(f.health_rate, 1e-9):.0%} of "
         "/health's rate")
    _errors(f.record)
    _scoring(f)
    _answers(f.check)
    _targets(f)


def _errors(record: Record) -> None:
    attempts = sum(record.attempts.values())
    echo = typer.echo
    echo(f"attempts: {attempts}; by class (retried ones were sent again):")
    by_class: dict[str, int] = {}
    for (_kind, outcome), n in record.attempts.items():
        by_class[outcome] = by_class.get(outcome, 0) + n
    echo("  " + ", ".join(f"{outcome} {n}" for outcome, n in sorted(by_class.items())))
    for (kind, outcome), n in sorted(record.failures.items()):
        echo(f"  FAILED {kind}: {outcome} × {n}")
    for outcome, example in record.examples.items():
        echo(f"  e.g. {outcome}: {example}")


def _scoring(f: Figures) -> None:
    handed_in = sum(o.handed_in for o in f.outcomes)
    delays = f.check.to_scored
    after = "not within the time-out" if f.scored_after is None else \
        f"{f.scored_after:.1f} s after the last hand-in"
    typer.echo(f"scoring: {handed_in}/{f.students} handed in; all scored {after}; hand-in → "
               f"scored p50 {percentile(delays, 50):.1f} s, max "
               f"{max(delays) if delays else math.nan:.1f} s; unscored {f.check.unscored}")


def _answers(c: Check) -> None:
    typer.echo(f"answers: {c.acknowledged} acknowledged saves checked against the database: "
               f"{c.lost} lost, {c.older_kept} overwritten by an older save, {c.mismatched} "
               f"holding another save's answer, {c.duplicated} duplicated")
    for example in c.examples:
        typer.echo(f"  e.g. {example}")


def _targets(f: Figures) -> None:
    attempts = f.record.attempts
    server_errors = sum(n for (_k, o), n in attempts.items() if o in SERVER_ERRORS)
    timeouts = sum(n for (_k, o), n in attempts.items() if o == "timeout")
    saves = f.record.latencies.get("save", [])
    delays = f.check.to_scored
    everyone = sum(o.handed_in for o in f.outcomes) == f.students
    rows = [
        ("no 5xx (503 included)", server_errors == 0, f"{server_errors}"),
        ("no time-out", timeouts == 0, f"{timeouts}"),
        ("every student handed in", everyone, f"{sum(o.handed_in for o in f.outcomes)}"),
        ("no lost or reordered answer", f.check.clean, "see answers"),
        ("every sitting scored within 60 s of hand-in",
         f.check.unscored == 0 and bool(delays) and max(delays) <= 60,
         f"max {max(delays) if delays else math.nan:.1f} s"),
        ("saves/s ≥ 20% of /health", f.save_rate >= 0.2 * f.health_rate,
         f"{f.save_rate / max(f.health_rate, 1e-9):.0%}"),
        ("save p99 ≤ 2 s", bool(saves) and percentile(saves, 99) <= 2.0,
         _ms(percentile(saves, 99))),
    ]
    if f.faults:
        typer.echo("targets under a fault (retried errors and lost time are expected; every "
                   "student must finish and every acknowledged answer be there):")
        rows = [r for r in rows if r[0].startswith(("no lost", "every student"))]
    else:
        typer.echo("targets of issue 9:")
    for name, met, value in rows:
        typer.echo(f"  {'met   ' if met else 'MISSED'} {name} ({value})")
