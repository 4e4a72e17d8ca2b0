"""``kete bench calibration``: the whole ``kete calibrate`` run beside girth's fit, in one table.

(a) complete data, 20,000 persons × 100 2PL items: the **whole** ``kete calibrate`` run — a fresh
    interpreter, imports, reading the CSV, EM, standard errors, writing the parameters — against
    girth's ``twopl_mml`` **fit alone** (its data already in memory as the dense items × persons
    matrix it needs). Goal: Kete ≥ 20 × faster, RMSE(a) and RMSE(b) ≤ 1.05 × girth's.
(b) a linked booklet design, 100,000 persons × 500 items, 40 each (25 blocks of 20; a booklet is
    two neighbouring blocks): 4 M responses. Goal: the whole ``kete calibrate`` run ≤ 5 s.
    girth (dense, it still loops over every person × item cell) runs only if its time,
    extrapolated from (a), fits in 10 minutes.

``kete calibrate`` runs three times and the median run is the one reported (a one-second run
on a shared machine is at the mercy of its neighbours); girth's fit runs once. Both engines run
in subprocesses; "peak MB" is the subprocess's peak resident memory (for
``kete calibrate`` its whole life, from ``wait4``; for girth the growth during the fit). The
machine's load average is printed with the figures: on a shared machine they are only
indicative. Run: ``kete bench calibration [--quick] [--seed N]``.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console
from rich.table import Table

GIRTH_LIMIT_S = 600.0
SPEED_GOAL, RMSE_GOAL, BOOKLET_GOAL_S = 20.0, 1.05, 5.0


@dataclass(frozen=True)
class Case:
    """A simulated design: ``n_blocks`` item blocks, ``per_booklet`` blocks per person."""

    label: str
    n_persons: int
    n_items: int
    n_blocks: int = 1
    per_booklet: int = 1


FULL = (Case("(a) complete 20000×100", 20_000, 100),
        Case("(b) booklets 100000×500 (40 each)", 100_000, 500, 25, 2))
QUICK = (Case("(a) complete 2000×20", 2_000, 20),
         Case("(b) booklets 5000×50 (10 each)", 5_000, 50, 10, 2))


def simulate(case: Case, seed: int, folder: Path) -> Path:
    """Draw 2PL parameters, abilities N(0, 1) and responses; write ``responses.csv`` (the
    input of ``kete calibrate``) and ``truth.npz`` (generating values, long-form arrays)."""
    from app.calibration.files import ResponseTable, write_responses
    from app.irt.estimation.simulate import booklet_design, random_parameters, simulate_responses

    rng = np.random.default_rng(seed)
    params = random_parameters(case.n_items, "2pl", rng)
    person = item = None
    if case.n_blocks > 1:
        person, item = booklet_design(case.n_persons, case.n_items, case.n_blocks,
                                      case.per_booklet, rng)
    data = simulate_responses(params, rng.normal(size=case.n_persons), rng, person, item)
    folder.mkdir(parents=True, exist_ok=True)
    table = ResponseTable([f"p{i}" for i in range(case.n_persons)], list(params.item_ids),
                          data.person.astype(np.int64), data.item.astype(np.int64),
                          data.score.astype(np.int64))
    write_responses(folder / "responses.csv", table)
    np.savez(folder / "truth.npz", person=data.person, item=data.item, score=data.score,
             a=params.a, b=params.b, shape=np.array(data.shape))
    return folder


def kete_whole_run(folder: Path, timeout: float = 3600.0) -> dict | None:
    """Run ``kete calibrate`` on ``folder/responses.csv`` in a fresh interpreter; time it
    from spawn to exit and read its parameters back (None if it fails or times out)."""
    out = folder / "kete.csv"
    command = [sys.executable, "-m", "app.cli", "calibrate", "--responses",
               str(folder / "responses.csv"), "--model", "2pl", "--out", str(out)]
    start = time.perf_counter()
    with open(folder / "kete.err", "wb") as err:
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=err)
    try:
        _, status, usage = _wait4(proc, timeout)
    except TimeoutError:
        proc.kill()
        proc.wait()
        return None
    seconds = time.perf_counter() - start
    if status != 0:
        return None
    from app.calibration.files import read_parameters

    params = read_parameters(out)
    return _scored(seconds, usage.ru_maxrss / 1024, params.item_ids, params.a, params.b,
                   folder)


def _wait4(proc: subprocess.Popen, timeout: float) -> tuple[int, int, Any]:
    """``os.wait4`` with a deadline (the child's own resource usage, peak RSS included)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            proc.returncode = os.waitstatus_to_exitcode(status)
            return pid, proc.returncode, usage
        time.sleep(0.005)
    raise TimeoutError


def _scored(seconds: float, memory_mb: float, item_ids: list[str], a: np.ndarray,
            b: np.ndarray, folder: Path) -> dict:
    with np.load(folder / "truth.npz") as z:
        true_a, true_b = z["a"], z["b"]
    order = [int(i.removeprefix("i")) - 1 for i in item_ids]  # simulated ids are i001…
    return {"seconds": seconds, "memory_mb": memory_mb,
            "rmse_a": float(np.sqrt(np.mean((a - true_a[order]) ** 2))),
            "rmse_b": float(np.sqrt(np.mean((b - true_b[order]) ** 2)))}


def _girth_fit(folder: str) -> dict:
    """girth's ``twopl_mml`` on the case, timing the fit alone (run in a subprocess)."""
    from girth import twopl_mml
    from girth.utilities import INVALID_RESPONSE

    with np.load(Path(folder) / "truth.npz") as z:
        shape, person, item, score = tuple(z["shape"]), z["person"], z["item"], z["score"]
    dense = np.full(shape[::-1], INVALID_RESPONSE, dtype=int)  # (items, persons)
    dense[item, person] = score
    before = _rss_mb("VmRSS")
    exact = before is not None and _reset_peak()
    start = time.perf_counter()
    result = twopl_mml(dense)
    seconds = time.perf_counter() - start
    peak = _rss_mb("VmHWM") if exact else None
    grown = peak - before if peak is not None and before is not None else float("nan")
    ids = [f"i{j + 1:03d}" for j in range(shape[1])]
    return _scored(seconds, grown, ids, np.asarray(result["Discrimination"]),
                   np.asarray(result["Difficulty"]), Path(folder))


def _rss_mb(key: str) -> float | None:
    """``VmRSS`` / ``VmHWM`` of this process in MB from /proc (None where unavailable)."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def _reset_peak() -> bool:
    """Reset the kernel's peak-RSS mark (VmHWM) so it measures from now (Linux ≥ 4.0)."""
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


def _child(target: Callable[[str], dict], folder: str, conn: Any) -> None:
    conn.send(target(folder))


def girth_fit(folder: Path, timeout: float = GIRTH_LIMIT_S) -> dict | None:
    """girth's fit in a fresh process; None if it does not finish within ``timeout``."""
    ctx = mp.get_context("spawn")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(_girth_fit, str(folder), child))
    proc.start()
    result = parent.recv() if parent.poll(timeout) else None
    if result is None:
        proc.kill()
    proc.join()
    return result


Runner = Callable[[Path], dict | None]


def run(quick: bool = False, seed: int = 2024, console: Console | None = None,
        kete: Runner = kete_whole_run, girth: Runner = girth_fit) -> list[dict]:
    """Simulate both cases, run both engines and print the comparison table."""
    console = console or Console(width=max(Console().width, 160))
    case_a, case_b = QUICK if quick else FULL
    load = os.getloadavg() if hasattr(os, "getloadavg") else (float("nan"),) * 3
    with tempfile.TemporaryDirectory() as tmp:
        folder_a = simulate(case_a, seed, Path(tmp, "a"))
        folder_b = simulate(case_b, seed + 1, Path(tmp, "b"))
        kete_a, girth_a = _median_of(kete, folder_a, KETE_REPEATS), girth(folder_a)
        kete_b = _median_of(kete, folder_b, KETE_REPEATS)
        scale = (case_b.n_persons * case_b.n_items) / (case_a.n_persons * case_a.n_items)
        guess = girth_a["seconds"] * scale if girth_a else np.inf
        girth_b = girth(folder_b) if guess < GIRTH_LIMIT_S else None
    rows = comparison(case_a, case_b, kete_a, girth_a, kete_b, girth_b, guess)
    if quick:  # the goals are for the full sizes; a smoke test only shows the figures
        for row in rows:
            row["pass"], row["cells"][-1] = None, "n/a (quick)" if row["cells"][-1] else ""
    table = Table(title=f"Calibration benchmark (2PL, seed {seed}; os.cpu_count() = "
                        f"{os.cpu_count()}; load average {load[0]:.2f}, {load[1]:.2f}, "
                        f"{load[2]:.2f} at the start)")
    for col in ("case", "engine", "timed", "seconds", "peak MB", "RMSE a", "RMSE b", "goal",
                "result"):
        table.add_column(col)
    for row in rows:
        table.add_row(*row["cells"])
    console.print(table)
    return rows


KETE_REPEATS = 3
"""``kete calibrate`` runs a second or two, so one run on a shared machine says as much about
the neighbours as about Kete: it runs three times and the median run counts. girth's fit runs
once (tens of seconds, so a moment's noise averages out, and three would take minutes)."""


def _median_of(runner: Runner, folder: Path, repeats: int) -> dict | None:
    """The run of median time among ``repeats`` (None if any run fails)."""
    runs = [runner(folder) for _ in range(repeats)]
    if any(r is None for r in runs):
        return None
    ordered = sorted(runs, key=lambda r: r["seconds"])  # type: ignore[index]
    return ordered[len(ordered) // 2]


def _fmt(result: dict | None, key: str, spec: str) -> str:
    return "—" if result is None else format(result[key], spec)


def comparison(case_a: Case, case_b: Case, kete_a: dict | None, girth_a: dict | None,
               kete_b: dict | None, girth_b: dict | None, guess: float) -> list[dict]:
    """The table's rows: each with its cells, the result and whether the goal was met."""
    def cells(case: Case, engine: str, timed: str, res: dict | None, goal: str,
              ok: bool | None) -> dict:
        verdict = "" if ok is None else ("PASS" if ok else "MISS")
        return {"case": case.label, "engine": engine, "result": res, "pass": ok,
                "cells": [case.label, engine, timed, _fmt(res, "seconds", ".2f"),
                          _fmt(res, "memory_mb", ".0f"), _fmt(res, "rmse_a", ".4f"),
                          _fmt(res, "rmse_b", ".4f"), goal, verdict]}

    whole, fit = f"whole kete calibrate run (median of {KETE_REPEATS})", "twopl_mml fit alone"
    rows = []
    if kete_a and girth_a:
        speed = girth_a["seconds"] / kete_a["seconds"]
        accurate = all(kete_a[k] <= RMSE_GOAL * girth_a[k] for k in ("rmse_a", "rmse_b"))
        rows.append(cells(case_a, "kete", whole, kete_a, f"≥{SPEED_GOAL:.0f}× faster (got "
                          f"{speed:.1f}×), RMSE ≤ {RMSE_GOAL}×girth's",
                          speed >= SPEED_GOAL and accurate))
    else:
        rows.append(cells(case_a, "kete", whole, kete_a, f"≥{SPEED_GOAL:.0f}× faster, RMSE ≤ "
                          f"{RMSE_GOAL}×girth's", None))
    rows.append(cells(case_a, "girth", fit, girth_a, "reference" if girth_a else
                      f"did not finish in {GIRTH_LIMIT_S:.0f} s", None))
    ok_b = kete_b is not None and kete_b["seconds"] <= BOOKLET_GOAL_S
    rows.append(cells(case_b, "kete", whole, kete_b, f"≤ {BOOKLET_GOAL_S:.0f} s", ok_b))
    reason = ("reference" if girth_b else
              f"not run: ≈{guess / 60:.0f} min extrapolated from (a) (> 10 min): girth's MML "
              "is dense, missing cells (−99999) still cost a full persons × items pass"
              if guess >= GIRTH_LIMIT_S else f"did not finish in {GIRTH_LIMIT_S:.0f} s")
    rows.append(cells(case_b, "girth", fit, girth_b, reason, None))
    return rows
