"""``kete calibrate``, ``kete export-r`` and ``kete bench calibration`` (batch work on CSV files).

The lead wires :func:`register` into ``app/cli.py``; nothing here touches the database.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from app.calibration import files
from app.calibration.files import CsvFileError
from app.irt.parameters import ItemParameters

if TYPE_CHECKING:
    from app.irt.estimation.mml import MMLEstimator

FORMATS = """Files: CSV, UTF-8, one header row, columns in any order.

responses: person_id,item_id,score
  One row per presented item (no row = not presented).
  Scores are whole numbers 0, 1, … (0/1 for dichotomous items).

parameters: item_id,model,a,b,c,b1,…,bk[,se_a,se_b,se_c,se_b1,…]
  model is rasch, 2pl, 3pl, gpcm, pcm or grm. Leave a cell blank when it
  does not apply: b for polytomous items, b1… for dichotomous ones,
  c unless 3pl, a for rasch/pcm (a = 1). Lines starting with # before the
  header are comments; kete calibrate writes the population first:
  "# population mean=… sd=…" (kete score's default prior), then the method.

abilities: person_id,theta,se
  EAP ability and posterior SD on the logit scale (D = 1).
"""


class ModelChoice(StrEnum):
    rasch = "rasch"
    twopl = "2pl"
    threepl = "3pl"
    gpcm = "gpcm"
    pcm = "pcm"
    grm = "grm"


class LatentChoice(StrEnum):
    auto = "auto"
    fixed = "fixed"
    free_sd = "free-sd"
    free = "free"


def register(cli: typer.Typer, bench: typer.Typer) -> None:
    """Add ``calibrate`` and ``export-r`` to ``cli`` and ``calibration`` to ``bench``."""
    cli.command("calibrate", epilog=FORMATS)(calibrate)
    cli.command("export-r", epilog=FORMATS)(export_r)
    bench.command("calibration")(bench_calibration)


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(1)


def _read(reader, path: Path):
    """Call a files.py reader; bad data becomes line-level messages and exit status 1."""
    try:
        return reader(path)
    except CsvFileError as exc:
        _fail(str(exc))
    except (OSError, UnicodeDecodeError) as exc:
        _fail(f"{path}: {exc}")


def calibrate(
    responses: Annotated[Path, typer.Option(help="Responses CSV (long form).")],
    out: Annotated[Path, typer.Option(help="Where to write the item parameters CSV.")],
    model: Annotated[ModelChoice, typer.Option(help="Model of the estimated items.")] = (
        ModelChoice.twopl),
    anchors: Annotated[Path | None, typer.Option(
        help="Parameters CSV of anchor items: kept fixed; μ and σ are estimated.")] = None,
    abilities: Annotated[Path | None, typer.Option(
        help="Also write EAP abilities and posterior SDs to this CSV.")] = None,
    max_iter: Annotated[int, typer.Option(help="Most EM iterations.")] = 500,
    tol: Annotated[float, typer.Option(help="Stop when no parameter moves more.")] = 1e-4,
    latent: Annotated[LatentChoice, typer.Option(
        help="Population: fixed N(0,1); free-sd (estimate σ); free (anchors: estimate μ, σ); "
             "auto = free with anchors, free-sd for Rasch/PCM, else fixed.")] = (
        LatentChoice.auto),
    strict: Annotated[bool, typer.Option(
        help="Reference mode: float64 throughout and a tolerance of at most 1e-6.")] = False,
) -> None:
    """Estimate item parameters by marginal maximum likelihood (Bock–Aitkin EM).

    Without --anchors the population is N(0, 1), the reference scale (Rasch and
    PCM: N(0, σ²) with σ estimated). With --anchors those items keep their
    values, μ and σ are estimated, and the new items land on the bank's scale.
    The quadrature (61 nodes on μ ± 6σ) follows the estimated population.

    3PL items are estimated Bayes modal (MAP) with priors log a ~ N(0, 0.5²),
    c ~ Beta(5, 17) and b ~ N(0, 3²); every other model by maximum likelihood.
    Standard errors come from the observed information (Oakes' identity, the
    full matrix). The output lists every item in the responses, anchors
    included (blank SEs), after a '# population mean=… sd=…' line; --abilities
    scores everyone by EAP with that population as the prior, exactly as
    kete score does with the output file.
    """
    table = _read(files.read_responses, responses)
    anchor_params = _read(files.read_parameters, anchors) if anchors is not None else None
    console = Console(stderr=True)
    estimator = _fit_with_progress(table, anchor_params, console, model=model.value,
                                   max_iter=max_iter, tol=tol, strict=strict,
                                   latent=latent.value.replace("-", "_"))
    population = (estimator.mean_, estimator.sd_)
    files.write_parameters(out, estimator.params_, population=population, notes=(
        f"estimation: {estimator.method_}",
        f"standard errors: {estimator.se_method_ or 'not computed'}"))
    _summary(console, estimator, table.n_items)
    if abilities is not None:
        from app.calibration.commands_score import score_table

        est = score_table(estimator.params_, table, "eap",
                          {"prior_mean": population[0], "prior_sd": population[1]})
        files.write_abilities(abilities, files.Abilities(table.person_ids, est.theta, est.se))


def _fit_with_progress(table: files.ResponseTable, anchors: ItemParameters | None,
                       console: Console, **options: Any) -> MMLEstimator:
    """Fit with a transient progress bar (iteration, log-likelihood, last change) on stderr."""
    from app.irt.estimation.mml import MMLEstimator

    columns = (TextColumn("EM"), BarColumn(), TextColumn("{task.completed} it"),
               TextColumn("{task.fields[status]}"), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("em", total=options["max_iter"], status="")

        def show(iteration: int, objective: float, change: float) -> None:
            progress.update(task, completed=iteration,
                            status=f"logL {objective:,.1f}  Δ {change:.1e}")

        estimator = MMLEstimator(options.pop("model"), callback=show, **options)
        try:
            estimator.fit(table.to_matrix(), table.item_ids, anchors=anchors)
        except ValueError as exc:
            _fail(str(exc))
    return estimator


def _summary(console: Console, est: MMLEstimator, n_items: int) -> None:
    state = "converged" if est.converged_ else "NOT converged (raise --max-iter?)"
    console.print(f"{n_items} items ({len(est.anchors_used_)} anchors), {est.n_persons_} persons; "
                  f"EM {state} after {est.n_iter_} iterations (last change "
                  f"{est.max_change_:.1e}); logL {est.log_likelihood_[-1]:,.2f}; "
                  f"population N({est.mean_:.3f}, {est.sd_:.3f}²)")
    console.print(f"estimation: {est.method_}; standard errors: {est.se_method_}")
    if not est.information_ok_:
        console.print("warning: the information matrix is not positive definite (an item the "
                      "data hardly identify); its SEs come from a pseudo-inverse.")


def export_r(
    responses: Annotated[Path, typer.Option(help="Responses CSV (long form).")],
    out_dir: Annotated[Path, typer.Option(help="Folder for the R files (created).")],
    parameters: Annotated[Path | None, typer.Option(
        help="Parameters CSV to convert to a mirt-style table.")] = None,
) -> None:
    """Write files for a second opinion in R (mirt, TAM).

    responses_wide.csv: person_id, then one column per item; NA = not
    presented. parameters_mirt.csv: mirt's slope-intercept form (a1, d, g,
    u with d = −a·b; d1…dk for gpcm/graded). README.txt: how to load them.
    """
    from app.calibration import r_export

    table = _read(files.read_responses, responses)
    params = _read(files.read_parameters, parameters) if parameters is not None else None
    written = r_export.export(out_dir, table, params)
    for path in written:
        typer.echo(str(path))


def bench_calibration(
    quick: Annotated[bool, typer.Option(help="Small sizes (a smoke test).")] = False,
    seed: Annotated[int, typer.Option(help="Seed of the simulated data.")] = 2024,
) -> None:
    """Kete's MML-EM against girth: 2PL on complete data and on a sparse booklet design."""
    from app.calibration import bench

    bench.run(quick=quick, seed=seed)

