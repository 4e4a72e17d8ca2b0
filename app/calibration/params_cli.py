"""``kete params import/export``: calibrations as CSV (``item_id,model,a,b,c,b1…``) or JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from app.calibration.files import (
    CsvFileError,
    read_parameters,
    read_population,
    write_parameters,
)


def register(params_cli: typer.Typer) -> None:
    """Add ``import`` and ``export`` to the ``kete params`` group."""
    params_cli.command("import")(params_import)
    params_cli.command("export")(params_export)


def params_import(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False,
                                         help="Parameters CSV, or a CalibrationCreate JSON.")],
    subject: Annotated[str | None, typer.Option(help="Subject code (CSV files).")] = None,
    label: Annotated[str | None, typer.Option(help="Calibration label (CSV files).")] = None,
    activate: Annotated[bool, typer.Option(help="Make it the active calibration.")] = False,
) -> None:
    """Store a calibration from a file; every item must already be in the bank."""
    from app.calibration import service
    from app.calibration.convert import from_item_parameters
    from app.calibration.schemas import CalibrationCreate
    from app.cli import _session, fail

    if file.suffix.lower() == ".json":
        data = CalibrationCreate.model_validate_json(file.read_bytes())
        data.activate = data.activate or activate
    else:
        if not subject or not label:
            fail("--subject and --label are needed with a CSV file")
        try:
            params = read_parameters(file)
        except CsvFileError as exc:
            fail(str(exc))
        mean, sd = read_population(file) or (0.0, 1.0)
        data = CalibrationCreate(subject=subject or "", label=label or "", kind="imported",
                                 activate=activate, parameters=from_item_parameters(params),
                                 population_mean=mean, population_sd=sd)
    with _session() as session:
        calibration = service.create(session, data=data)
        typer.echo(f"calibration {calibration.id} stored with {len(data.parameters)} items"
                   + (" and made active" if data.activate else ""))


def params_export(
    out: Annotated[Path, typer.Option("--out", help="CSV or JSON file to write.")],
    subject: Annotated[str, typer.Option(help="Subject code.")],
    calibration_id: Annotated[int | None, typer.Option(
        "--calibration", help="Calibration id (default: the active one).")] = None,
) -> None:
    """Write a calibration's parameters (with standard errors)."""
    from app.calibration import service
    from app.calibration.convert import to_item_parameters
    from app.calibration.schemas import CalibrationCreate
    from app.cli import _session, fail
    from app.itembank.curricula import get_subject

    with _session() as session:
        subj = get_subject(session, code=subject)
        calibration = (service.get(session, calibration_id=calibration_id) if calibration_id
                       else service.get_active(session, subject=subj))
        if calibration is None:
            fail(f"{subject} has no active calibration")
        assert calibration is not None
        rows = service.parameters(session, calibration=calibration)
        if out.suffix.lower() == ".json":
            body = CalibrationCreate(subject=subject, label=calibration.label,
                                     kind=calibration.kind, parameters=rows)
            out.write_text(json.dumps(body.model_dump(), indent=1), encoding="utf-8")
        else:
            write_parameters(out, to_item_parameters(rows), population=(
                calibration.population_mean, calibration.population_sd))
    typer.echo(f"wrote {len(rows)} items to {out}")
