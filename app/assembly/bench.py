"""``kete bench assembly``: the assembler against its public yardsticks.

Cases (goal in brackets):

a. science_1000, its 36 constraints, TIF targets 8 at θ = -1 and 10 at θ = 1
   [both within 0.05, under 1 s];
b. reading_303, its constraints (passages), maximin information at θ = -1, 0, 1
   [optimal within a 1% gap, under 2 s];
c. a synthetic 10,000-item bank with 400 passages and an e-asTTle-style teacher request with
   earlier forms' exposure: the most informative form [within a 1% gap], then the most varied
   form keeping 95% of its information at the class's level [no more items from earlier forms
   than the best form has], both solves together under 2 s;
d. six teachers making one request on a 3,000-item bank, each after the others (teachers'
   solver settings, time limits included) [mean pairwise overlap ≤ 40%; each SE at the class's
   level ≤ 1.05 × the best form's].

Each case prints the solve time (model building, solving, ordering and checking), objective,
proven bound and gap, the greedy baseline's objective, and the independent check. The TestDesign
files are found at ``../shared/benchmarks/testdesign`` from the repository root, or wherever
``--data-dir`` or ``KETE_TESTDESIGN_DIR`` says.
"""

from __future__ import annotations

import itertools
import os
import time
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Annotated

import numpy as np
import typer

from app.assembly.check import check_form
from app.assembly.forms import AssemblyResult, assemble, form_objective, objective_line
from app.assembly.greedy import greedy_form
from app.assembly.order import order_form
from app.assembly.request import RequestSpec, TeacherRequest, build_request_spec
from app.assembly.solve import TEACHER_OPTIONS, SolveOptions
from app.assembly.spec import MaximinInformation, Spec, TargetInformation
from app.assembly.synthetic import sublevel_theta, synthetic_bank
from app.assembly.tdconstraints import load_spec
from app.irt.models import item_information, standard_error, test_information

REPO_ROOT = Path(__file__).resolve().parents[2]


def data_dir(option: Path | None = None) -> Path:
    """The TestDesign benchmark folder: option, else ``KETE_TESTDESIGN_DIR``, else shared/."""
    if option is not None:
        return option
    env = os.environ.get("KETE_TESTDESIGN_DIR")
    if env:
        return Path(env)
    return (REPO_ROOT / ".." / "shared" / "benchmarks" / "testdesign").resolve()


@dataclass(frozen=True)
class Outcome:
    """One benchmark case: what was measured and whether the goal was met."""

    case: str
    goal: str
    passed: bool | None  # None: skipped
    lines: tuple[str, ...]


def _greedy(spec: Spec) -> tuple[float, str]:
    items = order_form(spec, greedy_form(spec))
    info = item_information(spec.pool.params, np.asarray(spec.objective.thetas))
    return form_objective(spec, info[:, items].sum(axis=1)), check_form(spec, items).summary()


def _lines(spec: Spec, result: AssemblyResult) -> list[str]:
    greedy_value, greedy_check = _greedy(spec)
    return [f"status {result.status}; {len(result.items)} items; solve time "
            f"{result.seconds:.3f} s",
            objective_line(spec, result),
            f"information at θ {list(spec.objective.thetas)}: "
            f"{[round(v, 3) for v in result.tif]}",
            f"greedy baseline objective {greedy_value:.4f} (check: {greedy_check})",
            f"independent check: {result.check.summary() if result.check else 'no form'}"]


def bench_science(folder: Path, options: SolveOptions) -> Outcome:
    """Case (a): science_1000 with TIF targets 8 at θ = -1 and 10 at θ = 1."""
    goal = "both TIF values within 0.05 of target, < 1 s"
    spec, _ = load_spec(folder / "itempool_science_1000.csv",
                        folder / "itemattrib_science_1000.csv",
                        folder / "constraints_science_1000.csv",
                        TargetInformation(thetas=(-1.0, 1.0), targets=(8.0, 10.0)))
    result = assemble(spec, options)
    passed = (result.ok and result.objective is not None and result.objective <= 0.05
              and result.seconds < 1.0)
    return Outcome("science_1000 (TIF targets)", goal, passed, tuple(_lines(spec, result)))


def bench_reading(folder: Path, options: SolveOptions) -> Outcome:
    """Case (b): reading_303 with passages, maximin information at θ = -1, 0, 1."""
    goal = "optimal within 1% gap, < 2 s"
    spec, notes = load_spec(folder / "itempool_reading_303.csv",
                            folder / "itemattrib_reading_303.csv",
                            folder / "constraints_reading_303.csv",
                            MaximinInformation(thetas=(-1.0, 0.0, 1.0)),
                            folder / "stimattrib_reading_303.csv")
    result = assemble(spec, options)
    passed = (result.ok and result.gap is not None and result.gap <= 0.01
              and result.seconds < 2.0)
    return Outcome("reading_303 (passages, maximin)", goal, passed,
                   (*_lines(spec, result), *(f"note: {n}" for n in notes)))


def teacher_request(bank: list[dict], seed: int = 1) -> TeacherRequest:
    """The benchmark's request: 40 minutes, levels 3 (most) and 4 (some), class mostly 3P."""
    return TeacherRequest(
        levels={"3": "most", "4": "some"},
        strands={"Finding information": "most", "Knowledge": "some", "Understanding": "some",
                 "Connections": "none"},
        expected_level="mostly 3P", sublevel_theta=sublevel_theta(), duration_minutes=40,
        deep_share=0.4, exclude=[r["code"] for r in bank[::37]],
        exposure={r["code"]: 3.0 for r in bank[::11]}, seed=seed)


def bench_synthetic(options: SolveOptions) -> Outcome:
    """Case (c): a 10,000-item bank with 400 passages and a teacher's request."""
    goal = ("best form within 1% gap; varied form ≥ 95% of its information at the class's "
            "level, fewer earlier items; < 2 s")
    start = time.perf_counter()
    bank = synthetic_bank(10_000, 400)
    made = time.perf_counter()
    request = teacher_request(bank)
    request_spec = build_request_spec(bank, request)
    built = time.perf_counter()
    result = assemble(request_spec.spec, options)
    pool = request_spec.spec.pool
    exposed = {pool.index(code) for code in request.exposure if code in pool.item_ids}
    shared = len(exposed & set(result.items))
    shared_best = len(exposed & set(result.best_items))
    share = _share_at_level(request_spec, result)
    passed = (result.ok and result.best_gap is not None and result.best_gap <= 0.01
              and share >= request_spec.spec.diversity.floor - 1e-9
              and shared <= shared_best and result.seconds < 2.0)
    lines = [f"bank generated in {made - start:.2f} s; request → spec in {built - made:.2f} s; "
             f"{pool.n_items} eligible items in {pool.n_stimuli} passages, {len(exposed)} of "
             "them on earlier forms",
             f"most informative form: objective {result.best or 0.0:.4f}, gap "
             f"{result.best_gap or 0.0:.2%}; {shared_best} items from earlier forms",
             f"varied form: {share:.1%} of its information at the class's level; {shared} items "
             "from earlier forms",
             *_lines(request_spec.spec, result)]
    return Outcome("synthetic 10,000 items / 400 passages (teacher request)", goal, passed,
                   tuple(lines))


def _share_at_level(request_spec: RequestSpec, result: AssemblyResult) -> float:
    """The varied form's information at the class's level over the best form's there."""
    params, centre = request_spec.spec.pool.params, np.array([request_spec.class_level.centre])
    best = test_information(params.subset(list(result.best_items or result.items)), centre)
    return float(test_information(params.subset(list(result.items)), centre)[0] / best[0])


TEACHERS = 6


def bench_six_teachers(options: SolveOptions) -> Outcome:
    """Case (d): six teachers, one request; pairwise overlap and SE against the best form."""
    goal = "mean overlap ≤ 40%; each SE at the class's level ≤ 1.05 × the best form's"
    bank = synthetic_bank(3000, 80, seed=11)
    forms: list[set[str]] = []
    ratios, ends, seconds = [], [], []
    for k in range(TEACHERS):
        exposure = Counter(code for form in forms for code in form)
        request = replace(teacher_request(bank, seed=k + 1), exposure=dict(exposure),
                          duration_minutes=30)
        request_spec = build_request_spec(bank, request)
        result = assemble(request_spec.spec, options)
        if not result.ok:
            return Outcome("six teachers, one request (variety)", goal, False,
                           (f"teacher {k + 1}: no form ({result.status})",))
        params, centre = request_spec.spec.pool.params, request_spec.class_level.centre
        se = float(standard_error(params.subset(list(result.items)), np.array([centre]))[0])
        best = float(standard_error(params.subset(list(result.best_items or result.items)),
                                    np.array([centre]))[0])
        ratios.append(se / best)
        best_tif = test_information(params.subset(list(result.best_items or result.items)),
                                    np.asarray(request_spec.spec.objective.thetas))
        ends.append(float(np.min(np.asarray(result.tif) / best_tif)))
        seconds.append(result.seconds)
        forms.append(set(result.item_ids(request_spec.spec)))
    shares = [len(a & b) / min(len(a), len(b)) for a, b in itertools.combinations(forms, 2)]
    mean = float(np.mean(shares))
    passed = mean <= 0.40 and max(ratios) <= 1.05
    lines = (f"{TEACHERS} forms of {sorted(len(f) for f in forms)} items; mean pairwise overlap "
             f"{mean:.1%} (largest {max(shares):.1%})",
             "SE at the class's level / the best form's: "
             + ", ".join(f"{r:.3f}" for r in ratios),
             "least information over the class's range (its ends) / the best form's: "
             + ", ".join(f"{e:.2f}" for e in ends),
             "solve times (s): " + ", ".join(f"{t:.1f}" for t in seconds))
    return Outcome("six teachers, one request (variety)", goal, passed, lines)


def run_benchmarks(folder: Path, options: SolveOptions) -> list[Outcome]:
    """All cases; TestDesign cases are skipped (with the reason) if their files are missing."""
    outcomes = []
    for case in (bench_science, bench_reading):
        if not (folder / "itempool_science_1000.csv").exists():
            outcomes.append(Outcome(case.__doc__ or case.__name__, "", None,
                                    (f"SKIPPED: TestDesign files not found in {folder}",)))
            continue
        outcomes.append(case(folder, options))
    outcomes.append(bench_synthetic(options))
    outcomes.append(bench_six_teachers(TEACHER_OPTIONS))
    return outcomes


def bench_command(
    data: Annotated[Path | None, typer.Option(
        "--data-dir", help="folder with the TestDesign CSVs (or set KETE_TESTDESIGN_DIR)")
    ] = None,
    time_limit: Annotated[float, typer.Option("--time-limit", help="seconds per case")] = 20.0,
) -> None:
    """Benchmark the assembler on science_1000, reading_303 and a synthetic 10,000-item bank."""
    options = SolveOptions(time_limit=time_limit)
    for outcome in run_benchmarks(data_dir(data), options):
        verdict = {True: "PASS", False: "MISS", None: "SKIP"}[outcome.passed]
        typer.echo(f"[{verdict}] {outcome.case} — goal: {outcome.goal}")
        for line in outcome.lines:
            typer.echo(f"    {line}")
