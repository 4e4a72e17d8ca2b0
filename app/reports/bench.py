"""``kete bench reports``: how long a class of 30's report and a pathway take as HTML and PDF.

The class is synthetic but shaped like a real one (29 items over three strands, surface and
deep, every quadrant used, one flagged result, two year levels), so the PDFs have the pages a
teacher prints. Times are the median of a few runs after one warm-up, wall clock and the
process's own CPU time (on a busy machine the CPU time is the fairer figure). Issue 14's
goals on a quiet 2-core machine: class report PDF ≤ 1 s, pathway PDF ≤ 0.5 s.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime

import numpy as np
import typer

from app.calibration.scale import demo_scale
from app.delivery.results import Flag, ItemOutcome, Quadrant, ScoredResult, SubScore, SubScores
from app.reports import group, individual
from app.reports.data import StudentResult, demo_norms

GOALS = {"class report PDF": 1.0, "pathway PDF": 0.5}
STRANDS = {"NA": "Number and algebra", "GM": "Geometry and measurement", "ST": "Statistics"}
LEVELS = ("3B", "3P", "3A", "4B", "4P", "4A", "5B")


def _sub(score: float, se: float) -> SubScore:
    return SubScore(theta=(score - 1500) / 75, se=se / 75, scale_score=score, scale_se=se,
                    n_items=10, raw=5, max=10)


def synthetic_class(n: int = 30, items: int = 29, seed: int = 14) -> list[StudentResult]:
    """``n`` scored results on one ``items``-item maths test (Rasch-like outcomes)."""
    rng = np.random.default_rng(seed)
    difficulty = np.linspace(1390, 1590, items)
    out = []
    for k in range(n):
        score = float(rng.normal(1490, 45))
        outcomes = []
        for j, d in enumerate(difficulty):
            right = rng.random() < 1 / (1 + np.exp((d - score) / 30))
            strand = tuple(STRANDS)[j % 3]
            outcomes.append(ItemOutcome(
                position=j + 1, item=f"MA{j:03d}", objective=f"{strand}{4 + j % 2}-{j % 5}",
                objective_text=f"Objective {j % 15}: a curriculum statement of typical length "
                               "for this strand", strand=strand, sublevel=LEVELS[j % 7],
                depth="deep" if j % 3 == 0 else "surface", score=int(right), max_score=1,
                p_correct=0.5, difficulty=float(d),
                quadrant=Quadrant.of(easier=d <= score, correct=bool(right))))
        sat = datetime(2026, 3, 9, 22, tzinfo=UTC)
        scored = ScoredResult(
            sitting_id=k + 1, assignment_id=1, student_id=k + 1, calibration_id=1,
            theta=(score - 1500) / 75, se=0.25, scale_score=round(score, 1), scale_se=18.8,
            sublevel=demo_scale().sublevel(score), raw_score=sum(o.score for o in outcomes),
            max_score=items, subscores=SubScores(
                strand={s: _sub(score + rng.normal(0, 15), 30.0) for s in STRANDS},
                depth={"surface": _sub(score + 5, 22.0), "deep": _sub(score - 5, 27.0)}),
            attitude_score=2.1, flags=(Flag.RAPID_GUESSING,) if k == 7 else (),
            quadrants=tuple(outcomes), sat_at=sat, scored_at=sat)
        out.append(StudentResult(student_id=str(k + 1), name=f"Student{k + 1:02d} Whānau",
                                 year_level=5 + k % 2, test_name="Term 1 maths", scored=scored,
                                 strand_names=STRANDS))
    return out


def _time(run: Callable[[], object], repeats: int) -> tuple[float, float]:
    run()  # warm-up: fonts, templates, imports
    walls, cpus = [], []
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        run()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def run_bench(students: int, repeats: int) -> None:
    """Time the class report and a pathway as HTML and PDF for a synthetic class and print
    the medians beside the goals."""
    results = synthetic_class(students)
    scale, norms = demo_scale(), demo_norms()
    cases: dict[str, Callable[[], object]] = {
        "class report HTML": lambda: group.render_class_html(
            group.build_class(results, scale, norms, class_name="Room 9")),
        "class report PDF": lambda: group.render_class_pdf(
            group.build_class(results, scale, norms, class_name="Room 9")),
        "pathway HTML": lambda: individual.render_individual_html(
            individual.build_individual(results[3], scale, norms)),
        "pathway PDF": lambda: individual.render_individual_pdf(
            individual.build_individual(results[3], scale, norms)),
    }
    typer.echo(f"class of {students}, median of {repeats} runs after a warm-up")
    typer.echo(f"{'':20} {'wall s':>8} {'cpu s':>8}  goal (quiet 2-core machine)")
    for name, run in cases.items():
        wall, cpu = _time(run, repeats)
        goal = GOALS.get(name)
        verdict = "" if goal is None else (f"≤ {goal:.1f} s: "
                                           + ("met" if cpu <= goal else "NOT met") + " (cpu)")
        typer.echo(f"{name:20} {wall:8.3f} {cpu:8.3f}  {verdict}")
