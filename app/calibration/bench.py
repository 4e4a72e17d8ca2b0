"""``kete bench calibration``: Kete's MML-EM beside girth on simulated 2PL data, in one run.

(a) complete data, 20,000 persons × 100 items: Kete vs girth ``twopl_mml`` — goal: Kete ≥ 20×
    faster with RMSE(a), RMSE(b) ≤ 1.05 × girth's;
(b) a linked booklet design, 100,000 persons × 500 items, 40 items each (25 blocks of 20; a
    booklet is two neighbouring blocks): goal < 30 s and < 2 GB. girth (which codes missing
    cells as −99999 but still loops over the full persons × items matrix) runs only if its time,
    extrapolated from (a), fits in 10 minutes.

Each fit runs in a fresh subprocess that first loads the long-form (person, item, score) arrays;
the timed part builds the engine's data structure (Kete's ResponseMatrix, girth's dense
items × persons matrix) and fits. "Peak MB" is the subprocess's peak resident memory during the
timed part above its resident memory before it: the kernel's peak mark (VmHWM) is reset through
/proc/self/clear_refs first (where that is unavailable, the growth of ``ru_maxrss`` is shown, a
lower bound). Kete's time includes its standard errors.
Run: ``python -m app.calibration.bench [--quick] [--seed N]``.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.table import Table

GIRTH_LIMIT_S = 600.0


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


def simulate(case: Case, seed: int, path: Path) -> None:
    """Draw 2PL parameters, abilities N(0, 1) and responses; save them to ``path`` (.npz)."""
    from app.irt.estimation.simulate import booklet_design, random_parameters, simulate_responses

    rng = np.random.default_rng(seed)
    params = random_parameters(case.n_items, "2pl", rng)
    person = item = None
    if case.n_blocks > 1:
        person, item = booklet_design(case.n_persons, case.n_items, case.n_blocks,
                                      case.per_booklet, rng)
    data = simulate_responses(params, rng.normal(size=case.n_persons), rng, person, item)
    np.savez(path, person=data.person, item=data.item, score=data.score, a=params.a, b=params.b,
             shape=np.array(data.shape))


def _load(path: str) -> dict[str, np.ndarray]:
    with np.load(path) as z:
        return {key: z[key] for key in z.files}


def _kete(path: str) -> dict:
    from app.irt.estimation.mml import MMLEstimator
    from app.irt.estimation.responses import ResponseMatrix

    z = _load(path)

    def fit() -> tuple[np.ndarray, np.ndarray]:
        data = ResponseMatrix(z["person"], z["item"], z["score"], tuple(z["shape"]))
        params = MMLEstimator("2pl").fit(data).params_
        return params.a, params.b

    return _timed(fit, z)


def _girth(path: str) -> dict:
    from girth import twopl_mml
    from girth.utilities import INVALID_RESPONSE

    z = _load(path)

    def fit() -> tuple[np.ndarray, np.ndarray]:
        dense = np.full(tuple(z["shape"])[::-1], INVALID_RESPONSE, dtype=int)  # (items, persons)
        dense[z["item"], z["person"]] = z["score"]
        result = twopl_mml(dense)
        return np.asarray(result["Discrimination"]), np.asarray(result["Difficulty"])

    return _timed(fit, z)


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


def _timed(fit, z) -> dict:
    import resource

    before, max_before = _rss_mb("VmRSS"), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    exact = before is not None and _reset_peak()
    start = time.perf_counter()
    a, b = fit()
    seconds = time.perf_counter() - start
    peak = _rss_mb("VmHWM") if exact else None
    if peak is not None and before is not None:
        grown = peak - before
    else:  # fallback: growth of ru_maxrss (KB on Linux), a lower bound
        grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - max_before) / 1024
    return {"seconds": seconds, "memory_mb": grown,
            "rmse_a": float(np.sqrt(np.mean((a - z["a"]) ** 2))),
            "rmse_b": float(np.sqrt(np.mean((b - z["b"]) ** 2)))}


def _child(target, path, conn):
    conn.send(target(path))


def in_subprocess(target, path: Path, timeout: float) -> dict | None:
    """Run ``target(path)`` in a fresh process; None if it does not finish within ``timeout``."""
    ctx = mp.get_context("spawn")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(target, str(path), child))
    proc.start()
    result = parent.recv() if parent.poll(timeout) else None
    if result is None:
        proc.kill()
    proc.join()
    return result


def run(quick: bool = False, seed: int = 2024, console: Console | None = None) -> list[dict]:
    """Simulate both cases, fit them in subprocesses and print the comparison table."""
    console = console or Console(width=max(Console().width, 150))
    case_a, case_b = QUICK if quick else FULL
    with tempfile.TemporaryDirectory() as tmp:
        path_a, path_b = Path(tmp, "a.npz"), Path(tmp, "b.npz")
        simulate(case_a, seed, path_a)
        simulate(case_b, seed + 1, path_b)
        kete_a = in_subprocess(_kete, path_a, 3600)
        girth_a = in_subprocess(_girth, path_a, GIRTH_LIMIT_S)
        kete_b = in_subprocess(_kete, path_b, 3600)
        scale = (case_b.n_persons * case_b.n_items) / (case_a.n_persons * case_a.n_items)
        guess = girth_a["seconds"] * scale if girth_a else np.inf
        girth_b = in_subprocess(_girth, path_b, GIRTH_LIMIT_S) if guess < GIRTH_LIMIT_S else None
    rows = _rows(case_a, case_b, kete_a, girth_a, kete_b, girth_b, guess)
    if quick:  # the goals are for the full sizes; a smoke test only shows the figures
        for row in rows:
            row["pass"], row["cells"][-1] = None, "n/a (quick)" if row["cells"][-1] else ""
    table = Table(title=f"Calibration benchmark (2PL, seed {seed}, os.cpu_count() = "
                        f"{os.cpu_count()}; peak MB = peak RSS of the fitting subprocess during "
                        "the fit minus its RSS before)")
    for col in ("case", "engine", "seconds", "peak MB", "RMSE a", "RMSE b", "goal", "result"):
        table.add_column(col)
    for row in rows:
        table.add_row(*row["cells"])
    console.print(table)
    return rows


def _fmt(result: dict | None, key: str, spec: str) -> str:
    return "—" if result is None else format(result[key], spec)


def _rows(case_a: Case, case_b: Case, kete_a: dict | None, girth_a: dict | None,
          kete_b: dict | None, girth_b: dict | None, guess: float) -> list[dict]:
    def cells(case: Case, engine: str, res: dict | None, goal: str, ok: bool | None) -> dict:
        verdict = "" if ok is None else ("PASS" if ok else "MISS")
        return {"case": case.label, "engine": engine, "result": res, "pass": ok,
                "cells": [case.label, engine, _fmt(res, "seconds", ".2f"),
                          _fmt(res, "memory_mb", ".0f"), _fmt(res, "rmse_a", ".4f"),
                          _fmt(res, "rmse_b", ".4f"), goal, verdict]}

    rows = []
    if kete_a and girth_a:
        speed = girth_a["seconds"] / kete_a["seconds"]
        accurate = all(kete_a[k] <= 1.05 * girth_a[k] for k in ("rmse_a", "rmse_b"))
        rows.append(cells(case_a, "kete", kete_a, f"≥20× faster (got {speed:.0f}×), RMSE ≤ "
                          "1.05×girth's", speed >= 20 and accurate))
    else:
        rows.append(cells(case_a, "kete", kete_a, "≥20× faster, RMSE ≤ 1.05×girth's", None))
    rows.append(cells(case_a, "girth twopl_mml", girth_a, "reference" if girth_a else
                      f"did not finish in {GIRTH_LIMIT_S:.0f} s", None))
    ok_b = kete_b is not None and kete_b["seconds"] < 30 and kete_b["memory_mb"] < 2048
    rows.append(cells(case_b, "kete", kete_b, "< 30 s and < 2,048 MB", ok_b))
    reason = ("reference" if girth_b else
              f"not run: ≈{guess / 60:.0f} min extrapolated from (a) (> 10 min): girth's MML "
              "is dense, missing cells (−99999) still cost a full persons × items pass"
              if guess >= GIRTH_LIMIT_S else f"did not finish in {GIRTH_LIMIT_S:.0f} s")
    rows.append(cells(case_b, "girth twopl_mml", girth_b, reason, None))
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (a smoke test)")
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args(argv)
    run(quick=args.quick, seed=args.seed)


if __name__ == "__main__":
    main()
