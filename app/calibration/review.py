"""What the review page shows about a run: tables and SVG charts, as plain data."""

from __future__ import annotations

from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from app.calibration import service
from app.calibration.convert import to_item_parameters
from app.calibration.models import CalibrationRun
from app.irt.models import expected_score, test_information
from app.itembank.models import Subject
from app.ui.charts import line_chart, wright_map

THETA = np.linspace(-4, 4, 81)


def review(session: Session, run: CalibrationRun) -> dict[str, Any]:
    """Tables and charts for one run (empty charts until it has succeeded)."""
    report = run.report or {}
    items = report.get("items", [])
    out: dict[str, Any] = {"run": run, "report": report, "diagnostics": report.get("diagnostics"),
                           "items": items, "drift": report.get("drift", []),
                           "dif": report.get("dif", []), "charts": {}}
    if not items:
        return out
    estimated = [row for row in items if not row["anchor"]]
    out["charts"] = {
        "icc": _icc_chart(estimated[:8]),
        "wright": wright_map(report["persons"]["edges"], report["persons"]["counts"],
                             [_location(row) for row in items], chart_id="wright",
                             title="Wright map", desc=f"{report['diagnostics']['persons']} "
                             f"persons and {len(items)} items on the θ scale."),
        "tif": _bank_information(session, run),
    }
    out["misfit"] = [row["item_id"] for row in items
                     if row.get("sx2_p") is not None and row["sx2_p"] < 0.01]
    return out


def _location(row: dict[str, Any]) -> float:
    return row["b"] if row["b"] is not None else float(np.mean(row["steps"]))


def _icc_chart(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return ""
    params = to_item_parameters([service.ParameterIn(
        item=r["item_id"], model=r["model"], a=r["a"], b=r["b"], c=r["c"], steps=r["steps"])
        for r in rows])
    scores = expected_score(params, THETA) / params.max_score
    series = {item: scores[:, j] for j, item in enumerate(params.item_ids)}
    return line_chart(THETA, series, chart_id="icc", title="Item characteristic curves",
                      desc=f"Expected score (as a fraction of the maximum) against θ for "
                      f"{len(rows)} newly estimated items.", x_label="θ (logits)",
                      y_label="Expected score / max", y_range=(0.0, 1.0))


def _bank_information(session: Session, run: CalibrationRun) -> str:
    """Test information of all operational-bank parameters: the new calibration vs active."""
    subject = session.get(Subject, run.subject_id)
    assert subject is not None
    series = {}
    active = service.get_active(session, subject=subject)
    for name, calibration in (("active", active), ("this run", service.get(
            session, calibration_id=run.result_id) if run.result_id else None)):
        if calibration is not None:
            params = to_item_parameters(service.parameters(session, calibration=calibration))
            series[f"{name} (#{calibration.id})"] = test_information(params, THETA)
    return line_chart(THETA, series, chart_id="tif", title="Information of the whole bank",
                      desc="Sum of item information over every calibrated item, against θ.",
                      x_label="θ (logits)", y_label="Information")
