"""What the review page shows about a run: the quality gates, one page of the item table
(sorted, filtered) and SVG charts, as plain data."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from app.calibration import dif_words, gates, runs, service
from app.calibration.convert import to_item_parameters
from app.calibration.models import CalibrationRun
from app.irt.models import expected_score, test_information
from app.itembank.models import Subject
from app.ui.charts import line_chart, wright_map

THETA = np.linspace(-4, 4, 81)
PAGE_SIZE = 50
MAX_CURVES = 12
INFO_AT = (-2.0, -1.0, 0.0, 1.0, 2.0)
SORTS = {"item": "item_id", "fit": "fit_q", "n": "n", "p": "p_value", "a": "a", "b": "b",
         "rpb": "point_biserial"}
SHOWS = ("failing", "estimated", "anchors", "all")


@dataclass(frozen=True)
class TableView:
    """Which slice of the item table to show (from the page's query string)."""

    show: str = "all"
    sort: str = "fit"
    find: str = ""
    page: int = 1


def review(session: Session, run: CalibrationRun, view: TableView | None = None
           ) -> dict[str, Any]:
    """Tables and charts for one run (empty charts until it has succeeded)."""
    view = view or TableView()
    report = run.report or {}
    items = report.get("items", [])
    failing = gates.item_failures(report)
    out: dict[str, Any] = {"run": run, "report": report, "diagnostics": report.get("diagnostics"),
                           "drift": report.get("drift", []),
                           "dif": [dif_words.described(c) for c in report.get("dif", [])],
                           "dif_min": {"focal": dif_words.DIF_MIN_FOCAL,
                                       "reference": dif_words.DIF_MIN_REFERENCE},
                           "charts": {}, "failing": failing,
                           "run_failures": gates.run_failures(report),
                           "not_computed": gates.not_computed(report), "view": view,
                           "sorts": SORTS, "shows": SHOWS, "exposure": None,
                           "information": [], "info_at": INFO_AT}
    out.update(_page(items, failing, view))
    if not items:
        return out
    out["rescoring"] = report.get("rescoring") if run.status == "succeeded" else None
    if run.status == "succeeded":
        out["superseded"] = runs.superseded(session, run=run)
        trial = runs.trial_estimated(session, run=run)
        out["to_operational"] = {"codes": trial,
                                 "failing": [c for c in trial if c in failing]}
    flagged = sorted((row for row in items if row["item_id"] in failing and not row["anchor"]),
                     key=lambda r: (r.get("fit_q") is None, r.get("fit_q") or 0.0))
    if len(flagged) > MAX_CURVES:
        out["icc_note"] = (f"Curves of the first {MAX_CURVES} of {len(flagged)} failing "
                           "estimated items shown, the worst-fitting first; every failing item "
                           "is listed first in the table below.")
    out["exposure"] = report.get("exposure") or runs.exposure_of(session, run, report)
    tif_chart, out["information"] = _bank_information(session, run)
    out["charts"] = {
        "icc": _icc_chart(flagged[:MAX_CURVES], len(flagged)),
        "wright": wright_map(report["persons"]["edges"], report["persons"]["counts"],
                             [_location(row) for row in items], chart_id="wright",
                             title="Wright map", desc=f"{report['diagnostics']['persons']} "
                             f"persons and {len(items)} items on the θ scale."),
        "tif": tif_chart,
    }
    return out


def _page(items: list[dict[str, Any]], failing: dict[str, list[str]],
          view: TableView) -> dict[str, Any]:
    """Failing items first, then by the chosen column; one page of ``PAGE_SIZE`` rows."""
    chosen = [r for r in items if _shown(r, failing, view)]
    key = SORTS.get(view.sort, "fit_q")
    chosen.sort(key=lambda r: (r["item_id"] not in failing, r.get(key) is None,
                               r.get(key) if r.get(key) is not None else 0, r["item_id"]))
    pages = max(1, -(-len(chosen) // PAGE_SIZE))
    page = min(max(view.page, 1), pages)
    rows = [{**r, "failures": failing.get(r["item_id"], [])}
            for r in chosen[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]]
    return {"items": rows, "page": page, "pages": pages, "shown": len(chosen),
            "total": len(items)}


def _shown(row: dict[str, Any], failing: dict[str, list[str]], view: TableView) -> bool:
    if view.find and view.find.lower() not in row["item_id"].lower():
        return False
    return {"failing": row["item_id"] in failing, "estimated": not row["anchor"],
            "anchors": row["anchor"]}.get(view.show, True)


def _location(row: dict[str, Any]) -> float:
    return row["b"] if row["b"] is not None else float(np.mean(row["steps"]))


def _icc_chart(rows: list[dict[str, Any]], n_flagged: int) -> str:
    if not rows:
        return ""
    params = to_item_parameters([service.ParameterIn(
        item=r["item_id"], model=r["model"], a=r["a"], b=r["b"], c=r["c"], steps=r["steps"])
        for r in rows])
    scores = expected_score(params, THETA) / params.max_score
    series = {item: scores[:, j] for j, item in enumerate(params.item_ids)}
    more = f" (first {len(rows)} of {n_flagged} shown)" if n_flagged > len(rows) else ""
    return line_chart(THETA, series, chart_id="icc", title=f"Curves of the flagged items{more}",
                      desc=f"Expected score (as a fraction of the maximum) against θ for the "
                      f"estimated items that fail a quality gate{more}.", x_label="θ (logits)",
                      y_label="Expected score / max", y_range=(0.0, 1.0))


def _bank_information(session: Session, run: CalibrationRun
                      ) -> tuple[str, list[dict[str, Any]]]:
    """Test information of all calibrated bank items, the new calibration against the active
    one: a chart, and a row per calibration with its items, where its information peaks and
    its value at each of :data:`INFO_AT`."""
    subject = session.get(Subject, run.subject_id)
    assert subject is not None
    series, rows = {}, []
    active = service.get_active(session, subject=subject)
    result = service.get(session, calibration_id=run.result_id) if run.result_id else None
    named = [] if active is None or active is result else [
        (f"the active calibration #{active.id}", active)]
    if result is not None:
        now = ", now active" if result is active else ""
        named.append((f"calibration #{result.id} from this run{now}", result))
    for label, calibration in named:  # calibration ids, not run numbers
        params = to_item_parameters(service.parameters(session, calibration=calibration))
        info = test_information(params, THETA)
        series[label] = info
        rows.append({"label": label, "items": len(params.item_ids),
                     "peak": float(THETA[int(np.argmax(info))]),
                     "at": [float(np.interp(t, THETA, info)) for t in INFO_AT]})
    chart = line_chart(THETA, series, chart_id="tif", title="Information of the whole bank",
                       desc="Sum of item information over every calibrated item, against θ.",
                       x_label="θ (logits)", y_label="Information")
    return chart, rows
