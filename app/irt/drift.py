"""Anchor-item drift: did an anchor's parameters change between two calibrations after linking?

For each common item, after the from-calibration has been linked onto the to-scale
(:func:`app.irt.linking.link`):

* ``Δb = β_to − β*_from``, where β is the item's location (``b``, or the mean of the GPCM steps /
  GRM thresholds) and ``*`` means "transformed onto the to-scale";
* ``Δa = a_to − a*_from``;
* a robust z, ``z = (Δb − median(Δb)) / (1.4826·MAD(Δb))``: the MAD, scaled to estimate an SD
  under normality, is not inflated by the drifting items themselves, unlike the SD.

An anchor is flagged as **drifting** when ``|z| > z_threshold`` (default 2.7) **and**
``|Δb| > delta_threshold`` (default 0.3 logits). Both are required on purpose: when the anchors
agree very closely the MAD is tiny and z alone flags shifts of no practical size; ``|Δb|`` alone
ignores how noisy the two calibrations are. A flagged anchor should be reviewed, dropped from the
anchor set and the link re-estimated; :func:`purify_anchors` does that iteratively, because a
drifting anchor also pulls the link constants and so hides part of its own displacement.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.irt.linking import LinkResult, common_items, link
from app.irt.parameters import ItemParameters

Z_THRESHOLD = 2.7
DELTA_THRESHOLD = 0.3
_MAD_TO_SD = 1.4826


@dataclass(frozen=True)
class DriftTable:
    """Per-anchor drift, arrays ``(n_common,)`` in the order of ``item_ids``."""

    item_ids: list[str]
    delta_b: np.ndarray
    delta_a: np.ndarray
    z: np.ndarray
    drifting: np.ndarray

    def rows(self) -> list[dict[str, object]]:
        """One dict per anchor (for tables and CSV output)."""
        return [{"item_id": item, "delta_b": float(db), "delta_a": float(da), "z": float(z),
                 "drifting": bool(f)}
                for item, db, da, z, f in zip(self.item_ids, self.delta_b, self.delta_a,
                                              self.z, self.drifting, strict=True)]


def robust_z(values: np.ndarray) -> np.ndarray:
    """``(x − median) / (1.4826·MAD)``; ±inf (0 at the median) when the MAD is 0."""
    x = np.asarray(values, dtype=float)
    centred = x - np.median(x)
    scale = _MAD_TO_SD * np.median(np.abs(centred))
    if scale > 0:
        return centred / scale
    return np.where(centred == 0, 0.0, np.where(centred > 0, np.inf, -np.inf))


def anchor_drift(linked: ItemParameters, target: ItemParameters, *,
                 exclude: tuple[str, ...] | list[str] = (), z_threshold: float = Z_THRESHOLD,
                 delta_threshold: float = DELTA_THRESHOLD) -> DriftTable:
    """Drift of the items common to ``linked`` (already on the to-scale) and ``target``.

    Items in ``exclude`` are left out (they are not anchors any more).
    """
    src, tgt = common_items(linked, target, exclude)
    delta_b = target.location()[tgt] - linked.location()[src]
    delta_a = target.a[tgt] - linked.a[src]
    z = robust_z(delta_b) if delta_b.size else delta_b
    drifting = (np.abs(z) > z_threshold) & (np.abs(delta_b) > delta_threshold)
    return DriftTable([linked.item_ids[i] for i in src], delta_b, delta_a, z, drifting)


def purify_anchors(source: ItemParameters, target: ItemParameters,
                   method: str = "stocking-lord", *, max_rounds: int = 10,
                   min_anchors: int = 2, z_threshold: float = Z_THRESHOLD,
                   delta_threshold: float = DELTA_THRESHOLD,
                   ) -> tuple[LinkResult, DriftTable, list[str]]:
    """Link, drop the worst drifting anchor, relink — until no anchor drifts.

    One anchor (the largest ``|z|``) is dropped per round, as a big drifter distorts everyone
    else's z. Returns the final link, the drift table of the remaining anchors, and the ids
    dropped, in the order they were dropped.
    """
    dropped: list[str] = []
    for _ in range(max_rounds + 1):
        result = link(source, target, method, exclude=dropped)
        table = anchor_drift(result.transformed, target, exclude=dropped,
                             z_threshold=z_threshold, delta_threshold=delta_threshold)
        if not table.drifting.any() or len(table.item_ids) - 1 < min_anchors:
            break
        if len(dropped) == max_rounds:
            break
        worst = int(np.argmax(np.where(table.drifting, np.abs(table.z), -1.0)))
        dropped.append(table.item_ids[worst])
    return result, table, dropped
