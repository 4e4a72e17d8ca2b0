"""The numbers behind a calibration run: estimation, item statistics, fit and anchor drift.

Plain data in (a response table and anchor parameters), plain data out (a JSON-able report
plus the estimated parameters), so it can be checked without a database.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from app.irt.dif import mantel_haenszel, polytomous_dif
from app.irt.drift import anchor_drift, purify_anchors
from app.irt.estimation.mml import MMLEstimator
from app.irt.estimation.responses import ResponseMatrix
from app.irt.fit import classical_statistics, mean_squares, sx2
from app.irt.group_fit import benjamini_hochberg, theta_group_fit
from app.irt.parameters import ItemParameters
from app.irt.scoring import score_eap

Progress = Callable[[float, str], None]


@dataclass
class RunData:
    """Responses of ``n_persons`` to ``item_ids`` (long form) and which items are targets."""

    item_ids: list[str]
    person: np.ndarray
    item: np.ndarray
    score: np.ndarray
    n_persons: int
    models: list[str]
    anchors: ItemParameters | None = None
    max_scores: np.ndarray = field(default_factory=lambda: np.zeros(0))
    groups: dict[str, np.ndarray] = field(default_factory=dict)
    """Group variable → label per person ``(n_persons,)`` (None: unknown), for DIF."""
    unanswered: list[str] = field(default_factory=list)
    """Chosen items with no response in the window: not estimated, parameters kept."""

    def matrix(self) -> ResponseMatrix:
        return ResponseMatrix.from_long(self.person, self.item, self.score,
                                        (self.n_persons, len(self.item_ids)))


@dataclass
class RunResult:
    params: ItemParameters
    mean: float
    sd: float
    report: dict[str, Any]


def analyse(data: RunData, progress: Progress, max_iter: int = 500,
            tol: float = 1e-3) -> RunResult:
    """Calibrate (anchored when anchors are given), then describe every item."""
    def on_iteration(iteration: int, loglik: float, change: float) -> None:
        progress(min(0.8, 0.05 + 0.75 * iteration / max_iter),
                 f"EM iteration {iteration}: log-likelihood {loglik:.1f}, max change {change:.4f}")

    estimator = MMLEstimator(data.models, max_iter=max_iter, tol=tol, callback=on_iteration)
    estimator.fit(data.matrix(), data.item_ids, anchors=data.anchors)
    progress(0.85, "Item statistics and fit")
    params = estimator.params_
    dense = data.matrix().to_dense()
    persons = score_eap(params, dense, prior_mean=estimator.mean_, prior_sd=estimator.sd_)
    report = {
        "diagnostics": {"iterations": int(estimator.n_iter_), "converged": bool(
            estimator.converged_), "log_likelihood": float(estimator.log_likelihood_[-1]),
            "max_change": float(estimator.max_change_), "persons": int(estimator.n_persons_),
            "responses": int(data.score.size), "mean": float(estimator.mean_),
            "sd": float(estimator.sd_)},
        "items": _item_rows(params, dense, data, persons.theta,
                            (float(estimator.mean_), float(estimator.sd_))),
        "persons": _theta_histogram(persons.theta),
        "unanswered": list(data.unanswered),
    }
    progress(0.9, "DIF")
    report["dif"] = _dif(params, dense, data, persons.theta)
    progress(0.92, "Anchor drift")
    report["drift"] = _drift(data, dense)
    return RunResult(params, float(estimator.mean_), float(estimator.sd_), report)


def _item_rows(params: ItemParameters, dense: np.ndarray, data: RunData,
               theta: np.ndarray, population: tuple[float, float]) -> list[dict[str, Any]]:
    stats = classical_statistics(dense, params.max_score, criterion=theta)
    anchors = set(data.anchors.item_ids) if data.anchors is not None else set()
    fit = _fit(params, dense, theta, population,
               np.array([i not in anchors for i in params.item_ids]))
    rows = []
    for i, record in enumerate(params.to_records()):
        se = {k: _num(v[i]) for k, v in params.se.items() if k != "steps"}
        rows.append({**record, "anchor": record["item_id"] in anchors, "n": int(stats.n[i]),
                     "p_value": _num(stats.p_value[i]),
                     "point_biserial": _num(stats.point_biserial[i]),
                     "se": se, "fit_statistic": fit["names"][i],
                     **{k: _num(v[i]) for k, v in fit.items() if k != "names"}})
    return rows


def _fit(params: ItemParameters, dense: np.ndarray, theta: np.ndarray,
         population: tuple[float, float], estimated: np.ndarray) -> dict[str, np.ndarray]:
    """Item fit with valid degrees of freedom for every item that has enough responses.

    S-X² (sparse score groups collapsed) where booklets are shared by enough persons, else the
    θ-group χ² (Q1), which classroom data always allow; ``fit_q`` is the Benjamini–Hochberg
    q-value across the estimated items. Rasch-family items also get infit/outfit.
    """
    out: dict[str, np.ndarray] = {}
    rasch_family = np.isin(params.model, ["rasch", "pcm"])
    if rasch_family.any():  # each Rasch-family item, whatever the run's anchors are
        ms = mean_squares(params, dense, np.nan_to_num(theta))
        out["infit"] = np.where(rasch_family, ms.infit, np.nan)
        out["outfit"] = np.where(rasch_family, ms.outfit, np.nan)
    item_fit = sx2(params, dense, prior_mean=population[0], prior_sd=population[1])
    groups = theta_group_fit(params, dense, theta)
    use_sx2 = item_fit.df > 0
    out["sx2"], out["sx2_df"], out["sx2_p"] = item_fit.statistic, item_fit.df, item_fit.p_value
    out["fit_df"] = np.where(use_sx2, item_fit.df, groups.df).astype(float)
    out["fit_p"] = np.where(use_sx2, item_fit.p_value, groups.p_value)
    out["fit_value"] = np.where(use_sx2, item_fit.statistic, groups.statistic)
    out["names"] = np.where(use_sx2, "S-X²", np.where(groups.df > 0, "Q1 (θ groups)", ""))
    q = np.full(params.n_items, np.nan)
    q[estimated] = benjamini_hochberg(out["fit_p"][estimated])
    out["fit_q"] = q
    return out


def _dif(params: ItemParameters, dense: np.ndarray, data: RunData,
         theta: np.ndarray) -> list[dict[str, Any]]:
    """Mantel–Haenszel (polytomous: Mantel/SMD) DIF of every group against the largest one.

    Booklet data leave almost every person with their own set of items, so persons are
    matched on deciles of their θ estimate rather than on raw scores.
    """
    strata = np.digitize(theta, np.nanquantile(theta, np.linspace(0.1, 0.9, 9)))
    out = []
    for variable, labels in sorted(data.groups.items()):
        counts = Counter(v for v in labels if v)
        if len(counts) < 2:
            continue
        reference = counts.most_common(1)[0][0]
        for focal in sorted(set(counts) - {reference}):
            out.append({"variable": variable, "reference": reference, "focal": focal,
                        "n_reference": counts[reference], "n_focal": counts[focal],
                        "items": _dif_rows(params, dense, labels, reference, focal, strata)})
    return out


DIF_MIN_REFERENCE, DIF_MIN_FOCAL = 200, 100
"""Responses an item needs from each group before its DIF is computed: below them the
Mantel–Haenszel statistic is too unstable to call an item fair or unfair ("not computed")."""
NOT_COMPUTED = "not computed"


def _dif_rows(params: ItemParameters, dense: np.ndarray, labels: np.ndarray, reference: str,
              focal: str, strata: np.ndarray) -> list[dict[str, Any]]:
    """One row per item; ``q_value`` is Benjamini–Hochberg across the computed items."""
    mh = mantel_haenszel(dense, labels, reference, focal, matching=strata)
    poly = polytomous_dif(dense, labels, reference, focal, matching=strata)
    enough = (mh.n_reference >= DIF_MIN_REFERENCE) & (mh.n_focal >= DIF_MIN_FOCAL)
    p = np.where(params.is_polytomous, poly.p_value, mh.p_value)
    q = np.full(p.shape, np.nan)
    q[enough] = benjamini_hochberg(p[enough])
    rows = []
    for j, item in enumerate(params.item_ids):
        row: dict[str, Any] = {"item_id": item, "n_reference": int(mh.n_reference[j]),
                               "n_focal": int(mh.n_focal[j])}
        poly_item = bool(params.is_polytomous[j])
        row["statistic"] = "SMD effect size" if poly_item else "MH D-DIF"
        value = poly.effect_size[j] if poly_item else mh.delta[j]
        category = str(poly.category[j] if poly_item else mh.category[j])
        if not enough[j] or not np.isfinite(value) or category == "nan":
            row.update(value=None, p_value=None, q_value=None, category=NOT_COMPUTED)
        else:
            row.update(value=_num(value), p_value=_num(p[j]), q_value=_num(q[j]),
                       category=category)
        rows.append(row)
    return rows


def _drift(data: RunData, dense: np.ndarray) -> list[dict[str, Any]]:
    """Anchors estimated freely on these data, linked onto their bank values by
    Stocking–Lord, compared with those values: who has moved?

    The link is purified iteratively (the worst drifting anchor out, relink, until none
    drifts), because a drifting anchor pulls the link and hides part of its own move; every
    anchor is then judged against the purified link (``purified``: left out of it)."""
    if data.anchors is None or data.anchors.n_items < 3:
        return []
    free = MMLEstimator(data.models, standard_errors=False, tol=1e-3).fit(
        data.matrix(), data.item_ids).params_
    clean, _table, dropped = purify_anchors(free, data.anchors, "stocking-lord")
    rows = anchor_drift(clean.transformed, data.anchors).rows()
    return [{**row, "purified": row["item_id"] in dropped} for row in rows]


def _theta_histogram(theta: np.ndarray) -> dict[str, list[float]]:
    """Counts of person θ estimates in half-logit bins from −5 to 5 (for the Wright map)."""
    edges = np.linspace(-5, 5, 21)
    counts, _ = np.histogram(np.clip(theta[~np.isnan(theta)], -4.999, 4.999), bins=edges)
    return {"edges": edges.tolist(), "counts": counts.astype(int).tolist()}


def _num(value: float) -> float | None:
    return None if value is None or not np.isfinite(value) else float(value)
