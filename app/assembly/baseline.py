"""The yardstick for adaptive tests: the best fixed test of the same length, for the same
population, assembled by Kete's own 0-1 programme.

"Best" is found, not assumed: maximin-information forms are assembled for a family of θ point
sets spread over the population (μ; μ ± σ/2; μ − σ, μ, μ + σ; …), each is simulated on the
same simulees and scored by EAP with the population as prior, and the form with the smallest
RMSE is the yardstick. Choosing it on the very simulees it is compared on favours the fixed
test slightly, which makes the comparison conservative for the adaptive test.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.assembly.forms import assemble
from app.assembly.solve import SolveOptions
from app.assembly.spec import CountBound, MaximinInformation, Pool, Spec
from app.irt.adaptive.metrics import Recovery, recovery
from app.irt.parameters import ItemParameters
from app.irt.scoring import score_eap
from app.irt.simulate import simulate_responses

POINT_SETS = ((0.0,), (-0.5, 0.5), (-1.0, 0.0, 1.0), (-1.5, -0.5, 0.5, 1.5),
              (-2.0, -1.0, 0.0, 1.0, 2.0))
"""θ point sets in population SDs from the mean."""


@dataclass(frozen=True)
class FixedBaseline:
    """The best fixed form found: its items, the point set it was built for, its recovery,
    and every candidate's RMSE (point set → RMSE)."""

    items: tuple[int, ...]
    points: tuple[float, ...]
    recovery: Recovery
    candidates: dict[tuple[float, ...], float]


def discrete_pool(params: ItemParameters) -> Pool:
    """A pool of discrete items (no passages, no attributes beyond the ID)."""
    return Pool(params=params, attributes=[{"ID": i} for i in params.item_ids],
                stimulus_of=np.full(params.n_items, -1))


def best_fixed_form(params: ItemParameters, length: int, theta: np.ndarray,
                    rng: np.random.Generator, *, mean: float = 0.0, sd: float = 1.0,
                    options: SolveOptions | None = None) -> FixedBaseline:
    """Assemble the candidates (``length`` items each), simulate them on ``theta``, keep the
    best by RMSE."""
    pool = discrete_pool(params)
    length_rule = CountBound(cid="length", label=f"{length} items",
                             members=tuple(range(params.n_items)), lb=length, ub=length)
    best: FixedBaseline | None = None
    scores: dict[tuple[float, ...], float] = {}
    for unit_points in POINT_SETS:
        points = tuple(round(mean + sd * p, 4) for p in unit_points)
        spec = Spec(pool=pool, requirements=[length_rule],
                    objective=MaximinInformation(thetas=points), name="fixed baseline")
        form = assemble(spec, options or SolveOptions(time_limit=20.0))
        if not form.items:
            continue
        sub = params.subset(list(form.items))
        est = score_eap(sub, simulate_responses(sub, theta, rng), prior_mean=mean, prior_sd=sd)
        found = recovery(theta, est.theta, est.se)
        scores[points] = found.rmse
        if best is None or found.rmse < best.recovery.rmse:
            best = FixedBaseline(form.items, points, found, scores)
    if best is None:
        raise ValueError(f"no fixed form of {length} items could be assembled")
    return FixedBaseline(best.items, best.points, best.recovery, scores)
