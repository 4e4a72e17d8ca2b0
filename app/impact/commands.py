"""``kete results export``: the results CSV for a school management system."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def register(cli: typer.Typer) -> None:
    """Add the ``kete results`` group."""
    results_cli = typer.Typer(help="Scored results for school management systems.",
                              no_args_is_help=True)
    results_cli.command("export")(results_export)
    cli.add_typer(results_cli, name="results")


def results_export(
    out: Annotated[Path, typer.Option("--out", help="CSV file to write.")],
    school: Annotated[str | None, typer.Option(
        help="School code (needed when the database holds several schools).")] = None,
    subject: Annotated[str | None, typer.Option(help="Only this subject.")] = None,
) -> None:
    """Write one row per scored result (the same columns as GET /api/v1/results.csv)."""
    from sqlalchemy import select

    from app.assembly.models import Form
    from app.cli import _session, fail
    from app.delivery.models import Assignment
    from app.impact import export, results
    from app.itembank.curricula import get_subject
    from app.people.models import School

    with _session() as session:
        schools = list(session.scalars(select(School).order_by(School.code)))
        chosen = [s for s in schools if school is None or s.code == school.upper()]
        if not chosen:
            fail(f"no school {school!r}")
        if len(chosen) > 1:
            fail(f"the database holds {len(chosen)} schools: name one with --school "
                 f"({', '.join(s.code for s in chosen)})")
        where = [Assignment.school_id == chosen[0].id]
        if subject:
            where.append(Form.subject_id == get_subject(session, code=subject).id)
        rows = results.rows(session, *where)
        out.write_text(export.to_csv(rows, export.strand_codes(session, rows)),
                       encoding="utf-8")
    typer.echo(f"wrote {len(rows)} results of {chosen[0].code} to {out}")
