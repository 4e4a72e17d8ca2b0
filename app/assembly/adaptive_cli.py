"""``kete cat simulate``, ``kete mst assemble``, ``kete mst simulate`` and
``kete bench adaptive``.

Files: parameters ``item_id,model,a,b,c,b1..bk`` and abilities ``person_id,theta`` (an ``se``
column may be present and is ignored), as everywhere in Kete; attributes and constraints in
the TestDesign CSV formats ``kete assemble`` reads (an ``STID`` attribute puts an item in a
passage). Exit codes: 0 done; 1 no test or panel meets the constraints (the reasons are
printed); 2 bad input (every problem is listed).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, NoReturn

import numpy as np
import typer
from rich.console import Console
from rich.progress import Progress

from app.assembly.adaptive_bench import bench_adaptive_command
from app.assembly.baseline import discrete_pool
from app.assembly.panel import PanelDesign, assemble_panels
from app.assembly.panel_file import (
    PanelFileError,
    panels_to_json,
    read_panels,
    write_panels,
)
from app.assembly.shadow import NoShadowTest, ShadowAssembler
from app.assembly.solve import SolveOptions
from app.assembly.spec import MaximinInformation, Pool, Spec
from app.assembly.tdconstraints import build_requirements
from app.assembly.testdesign import InputError, attach_attributes, read_constraints
from app.calibration.files import Abilities, CsvFileError, read_abilities, read_parameters
from app.irt.adaptive.cat import CATResult, simulate_cat
from app.irt.adaptive.metrics import overlap_rate, recovery
from app.irt.adaptive.mst import MSTResult, simulate_mst
from app.irt.adaptive.stopping import StoppingRule
from app.irt.parameters import ItemParameters

cat_cli = typer.Typer(help="Item-level computerised adaptive testing (simulation).",
                      no_args_is_help=True)
mst_cli = typer.Typer(help="Multistage tests: assemble panels, simulate them.",
                      no_args_is_help=True)

ParamsOpt = Annotated[Path, typer.Option("--params", help="Item parameters CSV: "
                                         "item_id,model,a,b,c,b1..bk.")]
AbilitiesOpt = Annotated[Path, typer.Option("--abilities", help="True abilities CSV: "
                                            "person_id,theta.")]
SeedOpt = Annotated[int, typer.Option("--seed", help="Random seed (same seed, same results).")]
OutOpt = Annotated[Path, typer.Option("--out", help="Results CSV: person_id,theta,se,n_items.")]
AttributesOpt = Annotated[Path | None, typer.Option(
    "--attributes", help="Item attributes CSV (TestDesign format: ID, STID for passages, …).")]
ConstraintsOpt = Annotated[Path | None, typer.Option(
    "--constraints", help="Constraints CSV (TestDesign format), for each whole test or path.")]


def register(cli: typer.Typer, bench: typer.Typer) -> None:
    """Add ``cat`` and ``mst`` to ``cli`` and ``adaptive`` to ``bench``."""
    cli.add_typer(cat_cli, name="cat")
    cli.add_typer(mst_cli, name="mst")
    bench.command("adaptive")(bench_adaptive_command)


def _bad_input(lines: list[str]) -> NoReturn:
    for line in lines:
        typer.echo(f"error: {line}", err=True)
    raise typer.Exit(2)


@contextmanager
def _input_errors() -> Iterator[None]:
    """Problems with the files become ``error:`` lines and exit status 2."""
    try:
        yield
    except InputError as exc:
        _bad_input([str(e) for e in exc.errors])
    except (CsvFileError, PanelFileError, ValueError) as exc:
        _bad_input(str(exc).splitlines())
    except OSError as exc:
        _bad_input([f"cannot read {exc.filename}: {exc.strerror}"])


def _spec(params: ItemParameters, attributes: Path | None, constraints: Path | None
          ) -> tuple[Spec, list[str]]:
    """The pool and its rules (no attributes: discrete items, no rules)."""
    if constraints is not None and attributes is None:
        raise ValueError("--constraints needs --attributes (the attributes it refers to)")
    pool: Pool = discrete_pool(params) if attributes is None else attach_attributes(
        params, attributes)
    rules, notes = ([], []) if constraints is None else build_requirements(
        pool, read_constraints(constraints))
    return Spec(pool=pool, requirements=rules, objective=MaximinInformation(thetas=(0.0,))), notes


def _abilities(path: Path) -> Abilities:
    found = read_abilities(path)
    missing = [p for p, t in zip(found.person_ids, found.theta, strict=True) if np.isnan(t)]
    if missing:
        raise ValueError(f"{path}: simulees need a true theta; missing for {missing[:5]}")
    return found


def _write_results(path: Path, persons: list[str], theta: np.ndarray, se: np.ndarray,
                   n_items: np.ndarray) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["person_id", "theta", "se", "n_items"])
        for row in zip(persons, theta, se, n_items, strict=True):
            writer.writerow([row[0], repr(float(row[1])), repr(float(row[2])), int(row[3])])


def _report(truth: np.ndarray, theta: np.ndarray, se: np.ndarray, exposure: np.ndarray,
            mean_length: float, cap: float | None) -> None:
    found = recovery(truth, theta, se)
    typer.echo(f"RMSE {found.rmse:.4f}   bias {found.bias:+.4f}   SE coverage (θ within "
               f"±1.96 SE) {found.coverage:.3f}   ({found.n} simulees)")
    above = "" if cap is None else f", above the cap {cap:g}: {int((exposure > cap).sum())}"
    typer.echo(f"exposure: max {exposure.max():.3f}, mean {exposure.mean():.3f}{above}, never "
               f"seen {int((exposure == 0).sum())} of {exposure.size} items; overlap rate "
               f"{overlap_rate(exposure, truth.size, mean_length):.3f}")


@contextmanager
def _bar(label: str, total: int) -> Iterator[Progress]:
    with Progress(console=Console(stderr=True), transient=True) as bar:
        bar.add_task(label, total=total)
        yield bar


@cat_cli.command("simulate")
def cat_simulate(
    params_file: ParamsOpt, abilities_file: AbilitiesOpt,
    length: Annotated[int, typer.Option("--length", min=1, help="Items per test (with "
                                        "--se-stop: the most a test may have).")],
    seed: SeedOpt, out: OutOpt,
    max_exposure: Annotated[float, typer.Option(
        "--max-exposure", min=0.01, max=1.0, help="Largest share of simulees an item may be "
        "given to (eligibility control); 1 turns exposure control off.")] = 0.25,
    se_stop: Annotated[float | None, typer.Option(
        "--se-stop", min=0.01, help="Stop a test once its SE is at or below this.")] = None,
    attributes: AttributesOpt = None, constraints: ConstraintsOpt = None,
    exposure_out: Annotated[Path | None, typer.Option(
        "--exposure", help="Write item_id,exposure (share of simulees who saw it).")] = None,
) -> None:
    """Simulate a CAT: shadow tests (HiGHS) when there are constraints or passages, most
    informative free item of the shadow test, EAP scoring (N(0, 1) prior), the first item
    drawn among the 5 most informative."""
    with _input_errors():
        params = read_parameters(params_file)
        people = _abilities(abilities_file)
        spec, notes = _spec(params, attributes, constraints)
        if length > params.n_items:
            raise ValueError(f"--length {length} is more than the {params.n_items} items")
        shadow = None
        if spec.requirements or spec.pool.n_stimuli:
            try:
                shadow = ShadowAssembler(spec, length)
            except NoShadowTest as exc:
                _no_test(str(exc), exc)
    for note in notes:
        typer.echo(f"note: {note}")
    rule = StoppingRule(length, se_stop)
    with _bar("simulating", people.theta.size) as bar:
        result = simulate_cat(params, people.theta, np.random.default_rng(seed), stopping=rule,
                              shadow=shadow, max_exposure=max_exposure,
                              stimulus_of=spec.pool.stimulus_of if spec.pool.n_stimuli else None,
                              progress=lambda done: bar.update(bar.task_ids[0], completed=done))
    _write_results(out, people.person_ids, result.theta, result.se, result.n_items)
    if exposure_out is not None:
        _write_exposure(exposure_out, params.item_ids, result.exposure)
    _describe_cat(result, people, rule, max_exposure, shadow)
    typer.echo(f"wrote {out}" + (f" and {exposure_out}" if exposure_out else ""))


def _no_test(message: str, exc: NoShadowTest) -> NoReturn:
    typer.echo(f"No test: {message}.", err=True)
    if exc.explanation is not None:
        for line in exc.explanation.lines():
            typer.echo(line, err=True)
    raise typer.Exit(1)


def _write_exposure(path: Path, item_ids: list[str], exposure: np.ndarray) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["item_id", "exposure"])
        writer.writerows([i, repr(float(e))] for i, e in zip(item_ids, exposure, strict=True))


def _describe_cat(result: CATResult, people: Abilities, rule: StoppingRule, cap: float,
                  shadow: ShadowAssembler | None) -> None:
    stop = f"SE ≤ {rule.se_target:g} or {rule.max_items} items" if rule.se_target else (
        f"{rule.max_items} items")
    control = "no exposure control" if cap >= 1 else f"exposure cap {cap:g}"
    typer.echo(f"CAT: {people.theta.size} simulees; stop at {stop}; {control}; items given: "
               f"mean {result.n_items.mean():.1f}, min {result.n_items.min()}, max "
               f"{result.n_items.max()}")
    _report(people.theta, result.theta, result.se, result.exposure,
            float(result.n_items.mean()), None if cap >= 1 else cap)
    ms = result.selection_seconds * 1000
    typer.echo(f"next-item selection: p50 {np.percentile(ms, 50):.1f} ms, p95 "
               f"{np.percentile(ms, 95):.1f} ms")
    if shadow is not None:
        checked = [shadow.check(s) for s in result.shadows]
        typer.echo(f"content: {sum(c.ok for c in checked)} of {len(checked)} tests meet all "
                   f"{len(shadow.spec.requirements)} requirements (checked independently)")


@mst_cli.command("assemble")
def mst_assemble(
    params_file: ParamsOpt,
    design_text: Annotated[str, typer.Option("--design", help="Modules per stage, e.g. 1-3-3.")],
    module_length: Annotated[int, typer.Option("--module-length", min=1,
                                               help="Items per module.")],
    out: Annotated[Path, typer.Option("--out", help="Panel file to write (JSON).")],
    attributes: AttributesOpt = None, constraints: ConstraintsOpt = None,
    panels: Annotated[int, typer.Option("--panels", min=1, max=10, help="Panels with no "
                                        "item in common (classmates see different modules).")]
    = 1,
    theta_mean: Annotated[float, typer.Option(help="Mean θ of the population.")] = 0.0,
    theta_sd: Annotated[float, typer.Option(min=0.1, help="SD of θ in the population.")] = 1.0,
    time_limit: Annotated[float, typer.Option("--time-limit", help="Seconds per solve.")]
    = 30.0,
) -> None:
    """Assemble multistage panels: every path meets the constraints (written for one path),
    no item twice in a panel, passages whole within a module, modules targeted at their part
    of the population, cut points where neighbouring modules' information cross."""
    with _input_errors():
        params = read_parameters(params_file)
        design = PanelDesign.parse(design_text, module_length, theta_mean, theta_sd)
        spec, notes = _spec(params, attributes, constraints)
    for note in notes:
        typer.echo(f"note: {note}")
    result = assemble_panels(spec, design, panels,
                             SolveOptions(time_limit=time_limit, mip_rel_gap=0.02))
    if not result.panels:
        typer.echo(f"No panel: {result.message}.", err=True)
        lines = result.explanation.lines() if result.explanation else [
            "One path on its own can be built: the bank has too few items for a whole panel "
            f"of {design.module_length * sum(design.stages)} different items under these "
            "rules."]
        for line in lines:
            typer.echo(line, err=True)
        raise typer.Exit(1)
    content = panels_to_json(design, result.panels, params.item_ids, {
        "assembly": {"status": result.status, "seconds": round(result.seconds, 2),
                     "checks": [c.summary() for c in result.checks], "notes": list(result.notes)}})
    write_panels(out, content)
    typer.echo(f"{len(result.panels)} panel(s) of design {design.label}, modules of "
               f"{module_length}: {result.status}, {result.seconds:.1f} s")
    for k, (panel, check) in enumerate(zip(result.panels, result.checks, strict=True), start=1):
        cuts = "; ".join(f"stage {s + 1}: {[round(c, 3) for c in panel.cuts[s]]}"
                         for s in range(1, len(panel.modules)))
        typer.echo(f"panel {k}: independent check: {check.summary()}; cut points {cuts}")
        typer.echo(f"  smallest module information at its targets: {result.information[k - 1]:.2f}")
        for failure in check.failures:
            typer.echo(f"  FAILED {failure.name}: {failure.detail}")
    for note in result.notes:
        typer.echo(f"note: {note}")
    typer.echo(f"Panel written to {out}")
    if not result.ok:
        raise typer.Exit(3)


@mst_cli.command("simulate")
def mst_simulate(
    panel_file: Annotated[Path, typer.Option("--panel", help="Panel file from `kete mst "
                                             "assemble`.")],
    params_file: ParamsOpt, abilities_file: AbilitiesOpt, seed: SeedOpt, out: OutOpt,
) -> None:
    """Simulate multistage tests: simulees are dealt the panels in turn; after each stage the
    EAP on every answered item (prior: the panel's population) routes them."""
    with _input_errors():
        params = read_parameters(params_file)
        people = _abilities(abilities_file)
        design, panels = read_panels(panel_file, params.item_ids)
    with _bar("simulating", len(design.stages)) as bar:
        result = simulate_mst(params, panels, people.theta, np.random.default_rng(seed),
                              prior_mean=design.mean, prior_sd=design.sd,
                              progress=lambda done: bar.update(bar.task_ids[0], completed=done))
    _write_results(out, people.person_ids, result.theta, result.se, result.n_items)
    _describe_mst(result, people, design, len(panels))
    typer.echo(f"wrote {out}")


def _describe_mst(result: MSTResult, people: Abilities, design: PanelDesign,
                  n_panels: int) -> None:
    typer.echo(f"MST {design.label}: {people.theta.size} simulees over {n_panels} panel(s); "
               f"{design.path_length} items each")
    _report(people.theta, result.theta, result.se, result.exposure, float(design.path_length),
            None)
    labels, counts = np.unique(["-".join(str(k + 1) for k in row) for row in result.path],
                               return_counts=True)
    typer.echo("paths (module per stage, 1 = easiest): " + ", ".join(
        f"{label} {count / people.theta.size:.1%}" for label, count in zip(labels, counts,
                                                                           strict=True)))
