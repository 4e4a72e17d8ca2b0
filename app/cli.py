"""The ``kete`` command: serve, demo, database, item import/export, and the batch tools."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

_deferred_loaded = False


def _register_deferred_commands() -> None:
    """Register the commands whose modules are costly to import (test assembly, adaptive
    testing, the load test: a quarter of a second of CPU, which every ``kete calibrate``
    paid), once."""
    global _deferred_loaded
    if _deferred_loaded:
        return
    _deferred_loaded = True
    from app.assembly import adaptive_cli
    from app.assembly import commands as assembly
    from app.loadtest.command import load_command

    assembly.register(cli, bench_cli)
    adaptive_cli.register(cli, bench_cli)
    bench_cli.command("load")(load_command)


class _DeferredCommands(TyperGroup):
    """``kete`` and ``kete bench``: the deferred commands (above) are registered the first
    time one of them, or the list of all commands (help), is asked for."""

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        found = super().get_command(ctx, cmd_name)
        if found is None:  # a deferred command (or none at all)
            _register_deferred_commands()
            found = TyperGroup.get_command(self._complete(), ctx, cmd_name)
        return found

    def list_commands(self, ctx: Any) -> list[str]:
        _register_deferred_commands()
        return TyperGroup.list_commands(self._complete(), ctx)

    def _complete(self) -> TyperGroup:
        """This group rebuilt from its Typer app, now with every command."""
        from typer.main import get_command

        group = get_command(bench_cli if self.name == "bench" else cli)
        assert isinstance(group, TyperGroup)
        group.name = self.name
        return group


cli = typer.Typer(help="Kete: item bank, test builder and reports on one IRT scale.",
                  no_args_is_help=True, pretty_exceptions_enable=False, cls=_DeferredCommands)
db_cli = typer.Typer(help="Database schema (Alembic migrations).", no_args_is_help=True)
items_cli = typer.Typer(help="Import and export items and passages.", no_args_is_help=True)
params_cli = typer.Typer(help="Import and export calibrations (item parameters).",
                         no_args_is_help=True)
curricula_cli = typer.Typer(help="Curriculum frameworks (subjects, sublevels, strands, "
                            "objectives) as JSON data.", no_args_is_help=True)
bench_cli = typer.Typer(help="Benchmarks that print the figures the issues ask for.",
                        no_args_is_help=True, cls=_DeferredCommands)
cli.add_typer(db_cli, name="db")
cli.add_typer(items_cli, name="items")
cli.add_typer(curricula_cli, name="curricula")
cli.add_typer(params_cli, name="params")
responses_cli = typer.Typer(help="Scored responses (trial data) for calibration.",
                            no_args_is_help=True)
cli.add_typer(bench_cli, name="bench")
cli.add_typer(responses_cli, name="responses")


def fail(message: str, problems: list[dict] | None = None) -> None:
    """Print a person-readable error (and its problems) to stderr and exit 1."""
    typer.echo(f"error: {message}", err=True)
    for p in problems or []:
        where = " ".join(str(p[k]) for k in ("row", "line", "field") if p.get(k))
        typer.echo(f"  {where}: {p.get('message', '')}", err=True)
    raise typer.Exit(1)


WORKER_HEALTHCHECK_SECONDS = 60
"""How long ``kete serve --workers N`` lets a web process take to answer its supervisor's
health check. uvicorn's default (5 s) killed every new process on a busy 2-core machine
before it had even imported Kete, and started another, forever (none ever served)."""


@cli.command()
def serve(host: Annotated[str | None, typer.Option(help="Bind address.")] = None,
          port: Annotated[int | None, typer.Option(help="Port.")] = None,
          workers: Annotated[int | None, typer.Option(
              min=1, help="Web processes (default: KETE_WORKERS, 1). On PostgreSQL, about "
              "one per core; jobs then belong in `kete worker` processes.")] = None) -> None:
    """Serve the web application and API (after applying migrations)."""
    import uvicorn

    from app.config import get_settings
    from app.migrate import upgrade

    settings = get_settings()
    upgrade()
    host, port = host or settings.host, port or settings.port
    workers = workers or settings.workers
    typer.echo(f"Kete is serving on http://{host}:{port} with {workers} web process(es) "
               f"(API docs: http://{host}:{port}/docs)")
    # Kete decides itself whose X-Forwarded-For to believe (KETE_TRUSTED_PROXIES);
    # uvicorn's own proxy handling would believe any caller on 127.0.0.1.
    uvicorn.run("app.main:app", host=host, port=port, workers=workers, log_level="info",
                proxy_headers=False, timeout_graceful_shutdown=15,
                timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS)


@cli.command()
def demo() -> None:
    """Migrate the database and load the demo bank, school and accounts (idempotent)."""
    from app.demo import load_demo

    load_demo(echo=typer.echo)


@cli.command()
def worker(threads: Annotated[int | None, typer.Option(
        min=1, help="Worker threads (default: KETE_JOB_THREADS, 1).")] = None) -> None:
    """Consume background jobs (scoring hand-ins, calibration runs) from KETE_QUEUE_URL
    until interrupted.

    Use it when the web processes run with KETE_INPROCESS_WORKER=false. Run as many as you
    like (a Redis queue): each runs the every-minute schedule too, and a claim in the
    database lets exactly one of them enqueue each minute's job."""
    from huey.consumer import Consumer

    from app.calibration.jobs import recover_interrupted
    from app.config import get_settings
    from app.jobs import MAX_POLL_DELAY, queue, register_tasks

    register_tasks()
    recover_interrupted()
    threads = threads or get_settings().job_threads
    typer.echo(f"kete worker: consuming jobs with {threads} thread(s); Ctrl-C stops")
    Consumer(queue, workers=threads, worker_type="thread", periodic=True,
             max_delay=MAX_POLL_DELAY).run()


@cli.command("close-due")
def close_due() -> None:
    """Hand in and score every sitting whose time or window has run out (the worker also
    does this every minute)."""
    from app.delivery import scoring

    with _session() as session:
        typer.echo(f"handed in {scoring.close_due(session)} sitting(s)")


@responses_cli.command("import")
def responses_import(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False,
                                         help="Long-form CSV: person_id,item_id,score.")],
    subject: Annotated[str, typer.Option(help="Subject code of the items.")],
    source: Annotated[str, typer.Option(help="trial, sitting or import.")] = "trial",
    groups: Annotated[Path | None, typer.Option(
        exists=True, dir_okay=False,
        help="CSV person_id,<variable>,… (e.g. gender, language) for DIF analysis.")] = None,
) -> None:
    """Store scored responses (e.g. trial data) for calibration runs: all or nothing.

    item_id is the item code; person ids are kept only as pseudonymous keys, under
    ``file:<source>:`` so that a file's person "17" is never taken for Kete's own sitting 17
    (whose responses are keyed ``sitting:17``)."""
    from app.calibration.files import CsvFileError, read_responses
    from app.db import utcnow
    from app.delivery.service import record_table
    from app.itembank.curricula import get_subject

    try:
        table = read_responses(file)
    except CsvFileError as exc:
        fail(str(exc))
    person_groups = _read_groups(groups) if groups else None
    with _session() as session:
        count = record_table(session, table=table, subject_id=get_subject(
            session, code=subject).id, source=source, observed_at=utcnow(),
            person_prefix=f"file:{source}:", groups=person_groups)
    typer.echo(f"stored {count} responses of {table.n_persons} persons")


def _read_groups(path: Path) -> dict[str, dict[str, str]]:
    """person_id → {variable: label} from a CSV with a person_id column."""
    import csv

    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        if not reader.fieldnames or "person_id" not in reader.fieldnames:
            fail(f"{path}: line 1: the header needs a person_id column")
        out: dict[str, dict[str, str]] = {}
        for row in reader:
            person = (row.pop("person_id") or "").strip()
            if not person or person in out:
                fail(f"{path}: line {reader.line_num}: missing or repeated person_id")
            out[person] = {k: v.strip() for k, v in row.items() if k and v and v.strip()}
    return out


@db_cli.command("upgrade")
def db_upgrade(revision: str = "head") -> None:
    """Apply migrations up to REVISION (default: the newest)."""
    from app.migrate import upgrade

    upgrade(revision=revision)
    typer.echo(f"database upgraded to {revision}")


@db_cli.command("downgrade")
def db_downgrade(revision: Annotated[str, typer.Argument(help="Target, e.g. -1 or base.")]) -> None:
    """Revert migrations down to REVISION."""
    from app.migrate import downgrade

    downgrade(revision=revision)
    typer.echo(f"database downgraded to {revision}")


@curricula_cli.command("import")
def curricula_import(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False,
                                         help="Framework JSON: subject, levels, strands, "
                                         "objectives.")],
) -> None:
    """Create or update a subject's curriculum framework (idempotent, by codes)."""
    from pydantic import ValidationError

    from app.itembank.curricula import Framework, load_framework

    try:
        framework = Framework.model_validate_json(file.read_bytes())
    except ValidationError as exc:
        fail(f"{file} is not a valid framework", [
            {"field": ".".join(map(str, e["loc"])), "message": e["msg"]} for e in exc.errors()])
    with _session() as session:
        subject = load_framework(session, framework)
        typer.echo(f"{subject.code}: {len(framework.levels)} sublevels, "
                   f"{len(framework.strands)} strands, {len(framework.objectives)} objectives")


@curricula_cli.command("export")
def curricula_export(subject: Annotated[str, typer.Option(help="Subject code.")],
                     out: Annotated[Path, typer.Option("--out", help="JSON file to write.")]
                     ) -> None:
    """Write a subject's framework in the format `kete curricula import` reads."""
    from app.itembank.curricula import framework_of

    with _session() as session:
        out.write_text(framework_of(session, code=subject).model_dump_json(indent=1),
                       encoding="utf-8")
    typer.echo(f"wrote {out}")


@items_cli.command("import")
def items_import(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="JSON bundle or CSV.")],
    fmt: Annotated[str | None, typer.Option("--format", help="json or csv (default: by suffix)")]
    = None,
) -> None:
    """Import items (and passages, from JSON): all or nothing, problems listed by row."""
    from app.itembank.transfer import import_bank

    fmt = fmt or ("csv" if file.suffix.lower() == ".csv" else "json")
    with _session() as session:
        report = import_bank(session, file.read_bytes(), fmt=fmt)
    typer.echo(", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in report.counts().items())
               or "nothing to import")


@items_cli.command("export")
def items_export(
    out: Annotated[Path, typer.Option("--out", help="File to write.")],
    fmt: Annotated[str | None, typer.Option("--format", help="json or csv (default: by suffix)")]
    = None,
    subject: Annotated[str | None, typer.Option(help="Only this subject.")] = None,
) -> None:
    """Export items (JSON also carries passages) so that importing them gives identical items."""
    from app.itembank.transfer import export_bank

    fmt = fmt or ("csv" if out.suffix.lower() == ".csv" else "json")
    with _session() as session:
        text, _ = export_bank(session, fmt=fmt, subject=subject)
    out.write_text(text, encoding="utf-8")
    typer.echo(f"wrote {out}")


@contextmanager
def _session() -> Iterator[Session]:
    """A session that commits on success; AppErrors become clean CLI errors."""
    from app.db import get_sessionmaker
    from app.errors import AppError  # here, not at the top: batch commands skip the web stack

    session = get_sessionmaker()()
    try:
        yield session
        session.commit()
    except AppError as exc:
        session.rollback()
        fail(exc.detail, exc.problems)
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def _register_domain_commands() -> None:
    from app.calibration import commands_calibrate, commands_score, norms_cli
    from app.calibration import params_cli as calibration_params
    from app.impact import commands as impact
    from app.reports import bench_cli as report_bench

    calibration_params.register(params_cli)
    norms_cli.register(cli)
    impact.register(cli)
    commands_calibrate.register(cli, bench_cli)
    commands_score.register(cli, bench_cli)
    bench_cli.command("reports")(report_bench.bench_command)


_register_domain_commands()


def main() -> None:
    """Console-script entry point."""
    try:
        cli()
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":  # python -m app.cli (the calibration benchmark times it so)
    main()
