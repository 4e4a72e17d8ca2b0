"""``kete norms import/export/list``: norms as CSV data (see :mod:`app.calibration.norm_sets`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def register(cli: typer.Typer) -> None:
    """Add the ``kete norms`` group."""
    norms_cli = typer.Typer(help="Norms: scale-score means and SDs by subject, year level and "
                            "term or week, with their source.", no_args_is_help=True)
    norms_cli.command("import")(norms_import)
    norms_cli.command("export")(norms_export)
    norms_cli.command("list")(norms_list)
    cli.add_typer(norms_cli, name="norms")


def norms_import(
    file: Annotated[Path, typer.Argument(
        exists=True, dir_okay=False,
        help="CSV with the header subject,year_level,term,week,mean,sd,n,source; each row a "
             "term (1-4) or a week of the school year (from 1 February).")],
) -> None:
    """Import norms (all or nothing): each subject in the file gets them as its active norms."""
    from app.calibration.norm_sets import import_csv
    from app.cli import _session
    from app.itembank.models import Subject

    with _session() as session:
        made = import_csv(session, file.read_bytes(), imported_by="kete norms import")
        for norm_set in made:
            subject = session.get(Subject, norm_set.subject_id)
            typer.echo(f"{subject.code if subject else norm_set.subject_id}: "
                       f"{len(norm_set.norms)} norms from {norm_set.source!r} are now active")


def norms_export(subject: Annotated[str, typer.Option(help="Subject code.")],
                 out: Annotated[Path, typer.Option("--out", help="CSV file to write.")]) -> None:
    """Write the norms a subject's reports use (imported, or the illustrative ones)."""
    from app.calibration.norm_sets import table, to_csv
    from app.cli import _session, fail
    from app.itembank.curricula import get_subject

    with _session() as session:
        norm_table = table(session, subject_id=get_subject(session, code=subject).id)
        if norm_table is None:
            fail(f"{subject} has no reporting scale, so it has no norms yet")
            return
        out.write_text(to_csv(norm_table), encoding="utf-8")
    typer.echo(f"wrote {out}")


def norms_list() -> None:
    """Which norms each subject's reports use."""
    from app.calibration.norm_sets import get_all
    from app.cli import _session

    with _session() as session:
        for subject, _norm_set, norm_table in get_all(session):
            if norm_table is None:
                typer.echo(f"{subject.code}: no norms (no reporting scale)")
            else:
                kind = "illustrative" if norm_table.illustrative else "imported"
                typer.echo(f"{subject.code}: {norm_table.source} ({kind}; "
                           f"{len(norm_table.points)} points, Years "
                           f"{min(norm_table.year_levels)}-{max(norm_table.year_levels)})")
