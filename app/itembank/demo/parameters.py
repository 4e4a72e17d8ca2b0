"""Simulated generating parameters for the demo bank (logistic, D = 1).

Until Kete has calibrated the demo items from real responses, the bank carries the parameters
used to simulate trial data. Difficulty follows the curriculum: each sublevel has a centre on
the θ scale, rising evenly from 2B (θ = −2.4) to 6A (θ = +2.6); deep items sit a little above
surface items of the same sublevel. Single-choice items are 3PL with c ≈ 0.8 / options,
numeric and short-answer items 2PL, select-all items with partial credit and Likert items GPCM.
"""

from __future__ import annotations

from typing import Any

import numpy as np

SUBLEVELS = tuple(f"{level}{band}" for level in range(2, 7) for band in "BPA")
THETA_LOW, THETA_HIGH = -2.4, 2.6
STEP = (THETA_HIGH - THETA_LOW) / (len(SUBLEVELS) - 1)
SUBLEVEL_THETA = {code: THETA_LOW + i * STEP for i, code in enumerate(SUBLEVELS)}
DEEP_SHIFT, SURFACE_SHIFT = 0.2, -0.1
LIKERT_STEPS = (-1.6, -0.3, 1.1)
Parameters = dict[str, Any]


def simulated_parameters(items: list[dict[str, Any]], rng: np.random.Generator
                         ) -> list[Parameters]:
    """One parameter dict per item, in item order."""
    return [_likert(item, rng) if item["response_type"] == "likert" else _achievement(item, rng)
            for item in items]


def _slope(rng: np.random.Generator, centre: float) -> float:
    """Discrimination a: lognormal around ``centre``, kept within [0.4, 2.5]."""
    return round(float(np.clip(np.exp(rng.normal(np.log(centre), 0.25)), 0.4, 2.5)), 4)


def _achievement(item: dict[str, Any], rng: np.random.Generator) -> Parameters:
    a = _slope(rng, 1.2)
    shift = DEEP_SHIFT if item["solo"] in ("relational", "extended_abstract") else SURFACE_SHIFT
    b = SUBLEVEL_THETA[item["sublevel"]] + shift + float(rng.normal(0.0, 0.3))
    if item["max_score"] > 1:
        k = item["max_score"]
        spread = np.linspace(-0.4, 0.4, k) + rng.normal(0.0, 0.1, k)
        steps = sorted(round(float(b + s), 4) for s in spread)
        return {"code": item["code"], "model": "gpcm", "a": a, "steps": steps}
    if item["response_type"] == "single_choice":
        guess = 0.8 / len(item["options"]) + float(rng.normal(0.0, 0.02))
        c = round(float(np.clip(guess, 0.05, 0.35)), 4)
        return {"code": item["code"], "model": "3pl", "a": a, "b": round(b, 4), "c": c}
    return {"code": item["code"], "model": "2pl", "a": a, "b": round(b, 4), "c": 0.0}


def _likert(item: dict[str, Any], rng: np.random.Generator) -> Parameters:
    a = _slope(rng, 1.3)
    steps = sorted(round(float(s), 4) for s in rng.normal(LIKERT_STEPS, 0.25))
    return {"code": item["code"], "model": "gpcm", "a": a, "steps": steps}
