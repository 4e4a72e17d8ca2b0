"""Quality gates a run's items pass before its calibration can be approved.

An estimated item fails when its fit is rejected at a false discovery rate of 5% across the
run's items (Benjamini–Hochberg q < .05), when a Rasch-family item's infit or outfit mean
square is outside 0.7–1.3, or when it shows large DIF (ETS C) with q < .05 for any recorded
group. An anchor fails when it drifts. A run that did not converge fails as a whole. "Not
computed" (too few responses for fit or DIF) is shown as such, and is not a pass.
"""

from __future__ import annotations

from typing import Any

from app.calibration import dif_words

FDR = 0.05
MEAN_SQUARE_RANGE = (0.7, 1.3)


def item_failures(report: dict[str, Any]) -> dict[str, list[str]]:
    """Item code → the gates it fails, as short phrases (items that pass are absent)."""
    out: dict[str, list[str]] = {}
    for row in report.get("items", []):
        reasons = _fit_failures(row) if not row.get("anchor") else []
        if reasons:
            out[row["item_id"]] = reasons
    for comparison in report.get("dif", []):
        for row in comparison["items"]:
            q = row.get("q_value")
            if row["category"] in ("C", "CC") and q is not None and q < FDR:
                out.setdefault(row["item_id"], []).append(
                    f"large DIF ({dif_words.short(comparison)}, q = {q:.3f})")
    for row in report.get("drift", []):
        if row["drifting"]:
            out.setdefault(row["item_id"], []).append(
                f"anchor drift (Δb {row['delta_b']:+.2f}, robust z {row['z']:.1f})")
    return out


def _fit_failures(row: dict[str, Any]) -> list[str]:
    reasons = []
    q = row.get("fit_q")
    if q is not None and q < FDR:
        reasons.append(f"misfit ({row.get('fit_statistic')}, q = {q:.3f})")
    low, high = MEAN_SQUARE_RANGE
    for name in ("infit", "outfit"):
        value = row.get(name)
        if value is not None and not low <= value <= high:
            reasons.append(f"{name} {value:.2f}")
    return reasons


def run_failures(report: dict[str, Any]) -> list[str]:
    """Gates the run fails as a whole."""
    diagnostics = report.get("diagnostics") or {}
    if diagnostics and not diagnostics.get("converged", True):
        return [f"EM did not converge in {diagnostics.get('iterations')} iterations"]
    return []


def not_computed(report: dict[str, Any]) -> list[str]:
    """Estimated items without a fit statistic (too few responses to form groups)."""
    return [r["item_id"] for r in report.get("items", [])
            if not r.get("anchor") and r.get("fit_p") is None]
