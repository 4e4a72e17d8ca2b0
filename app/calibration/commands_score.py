"""``kete score``, ``kete link`` and ``kete bench scoring``: batch person scoring and linking.

File formats are those of :mod:`app.calibration.files` (CSV, UTF-8, one header row).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import numpy as np
import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from app.calibration.files import (
    Abilities,
    CsvFileError,
    ResponseTable,
    read_parameters,
    read_population,
    read_responses,
    write_abilities,
    write_parameters,
)
from app.irt.parameters import ItemParameters
from app.irt.scoring import AbilityEstimates, ScoreFlag, score

if TYPE_CHECKING:
    from app.irt.drift import DriftTable

CHUNK = 2000  # persons scored per progress step
_SHOWN = 20


class ScoringMethod(StrEnum):
    eap = "eap"
    map = "map"
    mle = "mle"
    wle = "wle"


class LinkingMethod(StrEnum):
    stocking_lord = "stocking-lord"
    haebara = "haebara"
    mean_sigma = "mean-sigma"
    mean_mean = "mean-mean"


def register(cli: typer.Typer, bench: typer.Typer) -> None:
    """Add ``score`` and ``link`` to ``cli`` and ``scoring`` to the ``bench`` group."""
    cli.command("score")(score_command)
    cli.command("link")(link_command)
    bench.command("scoring")(bench_scoring)


def _fail(message: str) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(1)


@contextmanager
def _clean_errors() -> Iterator[None]:
    """File and data problems become an ``error:`` message and exit status 1, no traceback."""
    try:
        yield
    except CsvFileError as exc:
        _fail(str(exc))
    except ValueError as exc:
        _fail(str(exc))


def _listing(names: list[str]) -> str:
    more = f" … and {len(names) - _SHOWN} more" if len(names) > _SHOWN else ""
    return ", ".join(names[:_SHOWN]) + more


def _columns(params: ItemParameters, table: ResponseTable) -> np.ndarray:
    """Each response-file item's column in the parameter file; ValueError naming the items
    without parameters and the scores above an item's maximum."""
    position = {item: i for i, item in enumerate(params.item_ids)}
    missing = [item for item in table.item_ids if item not in position]
    if missing:
        raise ValueError(f"{len(missing)} item(s) in the responses have no parameters: "
                         f"{_listing(missing)}")
    column = np.array([position[item] for item in table.item_ids], dtype=int)
    too_high = table.scores > params.max_score[column[table.item_index]]
    if too_high.any():
        bad = [f"person {table.person_ids[table.person_index[r]]} item "
               f"{table.item_ids[table.item_index[r]]} score {table.scores[r]} (max "
               f"{params.max_score[column[table.item_index[r]]]})"
               for r in np.flatnonzero(too_high)]
        raise ValueError(f"scores above the item's maximum: {_listing(bad)}")
    return column


def score_table(params: ItemParameters, table: ResponseTable, method: str,
                options: dict[str, float]) -> AbilityEstimates:
    """Score every person of ``table`` on ``params`` in chunks of :data:`CHUNK` persons (each
    made dense only while it is scored), with a progress bar on stderr for big files.

    ``kete score`` and ``kete calibrate --abilities`` both score through here.
    """
    column = _columns(params, table)
    order = np.argsort(table.person_index, kind="stable")
    person, item = table.person_index[order], column[table.item_index[order]]
    scores = table.scores[order]
    bounds = np.searchsorted(person, np.arange(0, table.n_persons + CHUNK, CHUNK))
    parts = []
    with Progress(console=Console(stderr=True), transient=True,
                  disable=table.n_persons <= CHUNK) as progress:
        task = progress.add_task(f"scoring ({method})", total=table.n_persons)
        for k, start in enumerate(range(0, max(table.n_persons, 1), CHUNK)):
            size = min(CHUNK, table.n_persons - start)
            x = np.full((size, params.n_items), np.nan)
            lo, hi = bounds[k], bounds[k + 1]
            x[person[lo:hi] - start, item[lo:hi]] = scores[lo:hi]
            parts.append(score(params, x, method, **options))
            progress.advance(task, size)
    return AbilityEstimates(theta=np.concatenate([p.theta for p in parts]),
                            se=np.concatenate([p.se for p in parts]),
                            flags=np.concatenate([p.flags for p in parts]), method=method)


def score_command(
    params_file: Annotated[Path, typer.Option("--params", exists=True, dir_okay=False,
                                              help="Item parameters CSV.")],
    responses_file: Annotated[Path, typer.Option("--responses", exists=True, dir_okay=False,
                                                 help="Responses CSV (long form).")],
    out: Annotated[Path, typer.Option("--out", dir_okay=False, help="Abilities CSV to write.")],
    method: Annotated[ScoringMethod, typer.Option(help="Estimator.")] = ScoringMethod.eap,
    prior_mean: Annotated[float | None, typer.Option(
        help="EAP/MAP prior mean (default: the calibration's population, else 0).")] = None,
    prior_sd: Annotated[float | None, typer.Option(
        help="EAP/MAP prior SD (default: the calibration's population, else 1).")] = None,
    bound: Annotated[float, typer.Option(help="MLE/WLE search range ±bound (logits).")] = 6.0,
) -> None:
    """Score persons: write person_id,theta,se for every person in the responses.

    Parameters CSV: item_id,model,a,b,c,b1..bk (model rasch, 2pl, 3pl, gpcm, pcm or grm; blank
    cells where not applicable). Responses CSV: person_id,item_id,score, one row per presented
    item. EAP (default) reports the posterior SD as SE; MLE puts all-right/all-wrong patterns at
    ±bound; WLE is finite for them. EAP and MAP use the calibration's own population as the
    prior — the '# population mean=… sd=…' line that kete calibrate writes — so they agree with
    kete calibrate --abilities; without that line, or with --prior-mean/--prior-sd, N(0, 1) or
    the values given.
    """
    with _clean_errors():
        params, table = read_parameters(params_file), read_responses(responses_file)
        population = read_population(params_file) or (0.0, 1.0)
        mean = population[0] if prior_mean is None else prior_mean
        sd = population[1] if prior_sd is None else prior_sd
        if sd <= 0:
            raise ValueError("--prior-sd must be positive")
        bayes = method in (ScoringMethod.eap, ScoringMethod.map)
        options = {"prior_mean": mean, "prior_sd": sd} if bayes else {"bound": bound}
        result = score_table(params, table, method.value, options)
        write_abilities(out, Abilities(table.person_ids, result.theta, result.se))
    at_bound = int(result.has(ScoreFlag.AT_BOUND).sum())
    note = f"; {at_bound} at ±{bound:g} (all right or all wrong)" if at_bound else ""
    prior = f" with prior N({mean:g}, {sd:g}²)" if bayes else ""
    typer.echo(f"scored {table.n_persons} persons on {params.n_items} items by "
               f"{method.value.upper()}{prior}{note}; wrote {out}", err=True)


def link_command(
    from_file: Annotated[Path, typer.Option("--from", exists=True, dir_okay=False,
                                            help="Parameters CSV of the calibration to move.")],
    to_file: Annotated[Path, typer.Option("--to", exists=True, dir_okay=False,
                                          help="Parameters CSV that defines the scale.")],
    method: Annotated[LinkingMethod, typer.Option(help="Linking method.")]
    = LinkingMethod.stocking_lord,
    out: Annotated[Path | None, typer.Option("--out", dir_okay=False,
                                             help="Write the moved --from parameters here.")]
    = None,
    drop_drifting: Annotated[bool, typer.Option(
        help="Drop drifting anchors one at a time and relink until none drift.")] = False,
) -> None:
    """Link --from onto the scale of --to through their common items (θ_to = A·θ_from + B).

    Both files are parameter CSVs (item_id,model,a,b,c,b1..bk); common items are matched by
    item_id. Prints A, B, the number of common items and the anchor drift table (Δb, Δa, robust
    z; drifting when |z| > 2.7 and |Δb| > 0.3). --out writes every --from item on the --to scale:
    a → a/A, b and steps → A·b + B, c unchanged.
    """
    from app.irt.drift import anchor_drift, purify_anchors
    from app.irt.linking import link

    with _clean_errors():
        source, target = read_parameters(from_file), read_parameters(to_file)
        dropped: list[str] = []
        if drop_drifting:
            result, drift, dropped = purify_anchors(source, target, method.value)
        else:
            result = link(source, target, method.value)
            drift = anchor_drift(result.transformed, target)
        if out is not None:
            write_parameters(out, result.transformed)
    typer.echo(f"method: {method.value}\nA = {result.A:.6f}\nB = {result.B:.6f}\n"
               f"common items: {len(result.common_items)}")
    if dropped:
        typer.echo(f"dropped drifting anchors: {', '.join(dropped)}")
    _print_drift(drift)
    if out is not None:
        typer.echo(f"wrote {out}")


def _print_drift(drift: DriftTable) -> None:
    table = Table(title="anchor drift (to − linked from)")
    for name in ("item", "Δb", "Δa", "robust z", "drifting"):
        table.add_column(name, justify="left" if name == "item" else "right")
    for row in drift.rows():
        table.add_row(str(row["item_id"]), f"{row['delta_b']:+.3f}", f"{row['delta_a']:+.3f}",
                      f"{row['z']:+.2f}", "yes" if row["drifting"] else "")
    Console(width=100).print(table)


def bench_scoring(
    persons: Annotated[int, typer.Option(help="Simulated persons.")] = 5000,
    items: Annotated[int, typer.Option(help="2PL items on the test.")] = 40,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 2024,
) -> None:
    """Score simulated students by every method: bias, RMSE, 95% coverage, SE vs SD, time."""
    from app.irt.simulate import simulate_responses

    rng = np.random.default_rng(seed)
    params = ItemParameters.from_records([
        {"item_id": f"i{k}", "model": "2pl", "a": rng.uniform(0.7, 2.0), "b": rng.normal()}
        for k in range(items)])
    theta = rng.normal(size=persons)
    x = simulate_responses(params, theta, rng)
    middle = np.abs(theta) < 1.5
    typer.echo("method  bias(|θ|<1.5)  RMSE   coverage  rms SE  SD(error)  seconds")
    for method in ScoringMethod:
        start = time.perf_counter()
        est = score(params, x, method.value)
        seconds = time.perf_counter() - start
        error = est.theta - theta
        coverage = np.mean(np.abs(error) <= 1.96 * est.se)
        typer.echo(f"{method.value:6}  {np.mean(error[middle]):+13.4f}  "
                   f"{np.sqrt(np.mean(error**2)):.3f}  {coverage:8.3f}  "
                   f"{np.sqrt(np.mean(est.se[middle] ** 2)):6.3f}  "
                   f"{np.std(error[middle]):9.3f}  {seconds:7.2f}")
