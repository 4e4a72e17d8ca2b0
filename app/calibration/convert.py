"""Between stored parameter rows (``ParameterIn``) and the numerical core's ``ItemParameters``."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from app.calibration.schemas import ParameterIn
from app.irt.parameters import ItemParameters


def to_item_parameters(rows: Sequence[ParameterIn]) -> ItemParameters:
    """Stack parameter rows (item codes become ``item_ids``), standard errors included."""
    params = ItemParameters.from_records([
        {"item_id": r.item, "model": r.model, "a": r.a, "b": r.b, "c": r.c, "steps": r.steps}
        for r in rows])
    width = params.steps.shape[1]
    se_steps = np.full((len(rows), width), np.nan)
    for i, r in enumerate(rows):
        se_steps[i, : len(r.se_steps)] = r.se_steps
    params.se = {name: np.array([_nan(getattr(r, f"se_{name}")) for r in rows])
                 for name in ("a", "b", "c")}
    params.se["steps"] = se_steps
    return params


def from_item_parameters(params: ItemParameters) -> list[ParameterIn]:
    """One ``ParameterIn`` per item; NaN standard errors become ``None``/absent."""
    out = []
    for i, record in enumerate(params.to_records()):
        se = {k: _none(v[i]) for k, v in params.se.items() if k != "steps"}
        se_steps = params.se.get("steps")
        steps_se = [] if se_steps is None else [
            float(x) for x in se_steps[i][: len(record["steps"])] if not math.isnan(x)]
        out.append(ParameterIn(
            item=record["item_id"], model=record["model"], a=record["a"], b=record["b"],
            c=record["c"], steps=record["steps"], se_a=se.get("a"), se_b=se.get("b"),
            se_c=se.get("c"), se_steps=steps_se))
    return out


def _nan(value: float | None) -> float:
    return math.nan if value is None else value


def _none(value: float) -> float | None:
    return None if math.isnan(value) else float(value)
