"""What a teacher sees after assembly: the form in order, its balance, and how well it measures.

The summary lists the items in presentation order, counts by curriculum level, strand and
surface/deep, the total expected time, the class's expected score (averaged over the class's θ
distribution from the expected level), the standard error of measurement at the class's level,
and an accessible SVG of the test information curve.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from app.assembly.check import CheckReport
from app.assembly.forms import AssemblyResult
from app.assembly.mismatch import compare
from app.assembly.order import difficulty
from app.assembly.request import RequestSpec
from app.calibration.scale import Scale
from app.irt.models import expected_score, standard_error, test_information
from app.ui.charts import line_chart


@dataclass
class FormSummary:
    """Plain data about one form (ready for a template or JSON)."""

    items: list[dict]
    by_level: dict[str, int]
    by_strand: dict[str, int]
    by_depth: dict[str, int]
    total_time_s: float
    expected_score: float
    max_score: float
    se_at_class_level: float
    se_best_at_class_level: float
    """The same for the most informative form the bank allows (a varied form keeps at least
    95% of its information at the class's level, so its SE there is at most about 2.6%
    larger)."""
    reported_strands: list[str]
    tif_svg: str
    check: CheckReport | None
    notes: list[str] = field(default_factory=list)
    differences: list[str] = field(default_factory=list)
    """Where the form differs from the request, in the wizard's terms."""
    warnings: list[str] = field(default_factory=list)
    """Why the class may not be able to do it (too hard, too easy, little precision)."""


def class_expected_score(request_spec: RequestSpec, items: list[int]) -> float:
    """Mean expected raw score of the class: ``E_θ Σ_i E[X_i | θ]`` with θ ~ N(centre, sd²)."""
    level = request_spec.class_level
    nodes, weights = np.polynomial.hermite_e.hermegauss(21)
    thetas = level.centre + level.sd * nodes
    params = request_spec.spec.pool.params.subset(items)
    per_theta = expected_score(params, thetas).sum(axis=1)
    return float(np.sum(per_theta * weights) / np.sum(weights))


def summarize(request_spec: RequestSpec, result: AssemblyResult,
              scale_slope: float | None = None, *, scale: Scale | None = None) -> FormSummary:
    """The teacher-facing summary of ``result`` (assembled from ``request_spec``);
    ``scale_slope`` turns logits into reporting-scale points for the warnings."""
    spec, items = request_spec.spec, list(result.items)
    records = [request_spec.records[i] for i in items]
    b = difficulty(spec)
    rows = [{"position": k + 1, "code": r["code"], "strand": r["strand"],
             "sublevel": r["sublevel"], "depth": r.get("depth"), "passage": r.get("passage"),
             "expected_time_s": float(r["expected_time_s"]), "difficulty": round(float(b[i]), 3)}
            for k, (i, r) in enumerate(zip(items, records, strict=True))]
    params = spec.pool.params.subset(items)
    level = request_spec.class_level
    total_time = float(sum(float(r["expected_time_s"]) for r in records))
    score = class_expected_score(request_spec, items)
    max_score = float(params.max_score.sum())
    se = float(standard_error(params, np.array([level.centre]))[0])
    comparison = compare(request_spec, items, total_time_s=total_time, expected_score=score,
                         max_score=max_score, se_theta=se,
                         se_points=None if scale_slope is None else se * scale_slope)
    return FormSummary(
        items=rows,
        by_level=dict(Counter(str(r["sublevel"]) for r in records)),
        by_strand=dict(Counter(str(r["strand"]) for r in records)),
        by_depth=dict(Counter(str(r.get("depth")) for r in records)),
        total_time_s=total_time,
        expected_score=score,
        max_score=max_score,
        se_at_class_level=se,
        se_best_at_class_level=float(standard_error(spec.pool.params.subset(
            list(result.best_items or items)), np.array([level.centre]))[0]),
        reported_strands=list(request_spec.reported_strands),
        tif_svg=_chart(request_spec, items, scale),
        check=result.check,
        notes=list(request_spec.notes),
        differences=comparison.differences,
        warnings=comparison.warnings,
    )


def _chart(request_spec: RequestSpec, items: list[int], scale: Scale | None = None) -> str:
    """The test information curve; on the reporting scale (scale points, with the curriculum
    levels in the description) when the subject has one, else in logits."""
    level = request_spec.class_level
    grid = np.linspace(min(-3.0, level.low - 1), max(3.0, level.high + 1), 61)
    info = test_information(request_spec.spec.pool.params.subset(items), grid)
    peak = float(grid[int(np.argmax(info))])
    at = float(np.interp(level.centre, grid, info))
    se = 1 / np.sqrt(max(at, 1e-9))
    if scale is not None:
        desc = (f"How precisely the {len(items)} items measure across the scale. They measure "
                f"best at {scale.score(peak):.0f} ({scale.sublevel(scale.score(peak))}); at the "
                f"class's expected level ({level.text}) the measurement error is about "
                f"± {scale.score_se(se):.0f} scale points. The shaded band is the class's range.")
        return line_chart(np.array([scale.score(t) for t in grid]), {"Test information": info},
                          chart_id="tif", title="Test information curve", desc=desc,
                          x_label="Scale score", y_label="Test information",
                          band=(scale.score(level.low), scale.score(level.high)),
                          x_format=lambda v: f"{v:.0f}")
    desc = (f"Test information of {len(items)} items across ability θ. It peaks at θ = "
            f"{peak:.2f} with {info.max():.1f}; at the class's expected level "
            f"({level.text}, θ = {level.centre:.2f}) it is {at:.1f}, a standard error of "
            f"{se:.2f} logits. The shaded band is the class's range.")
    return line_chart(grid, {"Test information": info}, chart_id="tif",
                      title="Test information curve", desc=desc, x_label="Ability θ (logits)",
                      y_label="Test information", band=(level.low, level.high))
