"""Command-line entry points: ``kete assemble`` and ``kete bench assembly``.

``register(cli, bench)`` adds them to the application's Typer apps. Exit codes of ``assemble``:
0 a form was written and passed the independent check; 1 no form (the explanation is printed);
2 bad input (every bad line is listed); 3 a form was found but failed the check (a bug).
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Annotated

import typer

from app.assembly.bench import bench_command
from app.assembly.forms import AssemblyResult, assemble, objective_line
from app.assembly.solve import SolveOptions
from app.assembly.spec import (
    Diversity,
    MaximinInformation,
    Objective,
    Spec,
    TargetInformation,
)
from app.assembly.tdconstraints import load_spec
from app.assembly.testdesign import InputError


def register(cli: typer.Typer, bench: typer.Typer) -> None:
    """Add ``assemble`` to ``cli`` and ``assembly`` to ``bench``."""
    cli.command("assemble")(assemble_command)
    bench.command("assembly")(bench_command)


def parse_objective(objective: str, targets: str | None, points: str | None) -> Objective:
    """``tif`` with ``θ:target,…`` pairs, or ``maxinfo`` with ``θ,…`` points."""
    kind = objective.strip().lower()
    try:
        if kind == "tif":
            if not targets:
                raise typer.BadParameter("--objective tif needs --targets, e.g. '-1:8,1:10'")
            pairs = [p.split(":") for p in targets.split(",") if p.strip()]
            if any(len(p) != 2 for p in pairs):
                raise typer.BadParameter("targets are θ:value pairs, e.g. '-1:8,1:10'")
            return TargetInformation(thetas=tuple(float(t) for t, _ in pairs),
                                     targets=tuple(float(v) for _, v in pairs))
        if kind == "maxinfo":
            if not points:
                raise typer.BadParameter("--objective maxinfo needs --points, e.g. '-1,0,1'")
            return MaximinInformation(thetas=tuple(float(p) for p in points.split(",")
                                                   if p.strip()))
    except ValueError as exc:
        raise typer.BadParameter(f"not a number in {targets or points!r}: {exc}") from None
    raise typer.BadParameter(f"unknown objective {objective!r}; use tif or maxinfo")


def assemble_command(
    pool: Annotated[Path, typer.Option("--pool", help="TestDesign item pool CSV")],
    attributes: Annotated[Path, typer.Option("--attributes", help="item attributes CSV")],
    constraints: Annotated[Path, typer.Option("--constraints", help="constraints CSV")],
    out: Annotated[Path, typer.Option("--out", help="where to write the form (CSV)")],
    stimuli: Annotated[Path | None, typer.Option("--stimuli", help="stimulus attributes CSV")
                       ] = None,
    objective: Annotated[str, typer.Option("--objective", help="tif or maxinfo")] = "maxinfo",
    targets: Annotated[str | None, typer.Option(
        "--targets", help='θ:information pairs for tif, e.g. "-1:8,1:10"')] = None,
    points: Annotated[str | None, typer.Option(
        "--points", help='θ points for maxinfo, e.g. "-1,0,1"')] = None,
    time_limit: Annotated[float, typer.Option("--time-limit", help="seconds")] = 10.0,
    gap: Annotated[float, typer.Option("--gap", help="relative MIP gap")] = 0.01,
    seed: Annotated[int | None, typer.Option(
        "--seed", help="diversity seed: different seeds give different equally good forms")
    ] = None,
) -> None:
    """Assemble a form from TestDesign CSV files and write it to --out."""
    goal = parse_objective(objective, targets, points)
    try:
        spec, notes = load_spec(pool, attributes, constraints, goal, stimuli)
    except InputError as exc:
        for error in exc.errors:
            typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from None
    except OSError as exc:
        typer.echo(f"error: cannot read {exc.filename}: {exc.strerror}", err=True)
        raise typer.Exit(2) from None
    if seed is not None:
        spec.diversity = Diversity(seed=seed)
    for note in notes:
        typer.echo(f"note: {note}")
    result = assemble(spec, SolveOptions(time_limit=time_limit, mip_rel_gap=gap))
    if not result.items:
        typer.echo(f"No form: {result.message}.", err=True)
        if result.explanation is not None:
            for line in result.explanation.lines():
                typer.echo(line, err=True)
        raise typer.Exit(1)
    write_form(spec, result, out)
    for line in describe_result(spec, result):
        typer.echo(line)
    typer.echo(f"Form written to {out}")
    if result.check is None or not result.check.ok:
        raise typer.Exit(3)


def describe_result(spec: Spec, result: AssemblyResult) -> list[str]:
    """Printed summary: solver outcome, information at the points, and the independent check."""
    lines = [f"Status: {result.status} ({result.message}); {len(result.items)} items; "
             f"{result.seconds:.2f} s", objective_line(spec, result)]
    obj = spec.objective
    for k, (theta, value) in enumerate(zip(obj.thetas, result.tif, strict=True)):
        target = f" (target {obj.targets[k]:g})" if isinstance(obj, TargetInformation) else ""
        lines.append(f"  information at θ = {theta:+g}: {value:.3f}{target}")
    if result.check is not None:
        lines.append(f"Independent check: {result.check.summary()}")
        lines += [f"  FAILED {r.name}: {r.detail}" for r in result.check.failures]
    return lines


def write_form(spec: Spec, result: AssemblyResult, out: Path) -> None:
    """One row per item in order: ID, position, stimulus, model, parameters and attributes."""
    pool = spec.pool
    names = sorted({k for i in result.items for k in pool.attributes[i]} - {"ID", "STID"})
    with open(out, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["ID", "POSITION", "STID", "MODEL", "A", "B", "C", *names])
        for position, i in enumerate(result.items, start=1):
            s = int(pool.stimulus_of[i])
            params = pool.params
            writer.writerow([pool.item_ids[i], position, pool.stimulus_ids[s] if s >= 0 else "",
                             str(params.model[i]).upper(), f"{params.a[i]:.6g}",
                             "" if params.b[i] != params.b[i] else f"{params.b[i]:.6g}",
                             f"{params.c[i]:.6g}",
                             *[_cell(pool.attributes[i].get(k)) for k in names]])


def _cell(value: object) -> str:
    return "" if value is None else str(value)
