"""Simulating item-level CAT: shadow tests, eligibility exposure control, EAP, stopping.

For each simulee in turn (exposure counts carry over from one to the next, as in live
testing): draw the eligible items; start at the prior mean; then repeatedly assemble the
shadow test at θ̂, give its most informative free item (the first one at random among the
``first_items`` most informative, so that not everyone starts alike), draw the response from
the model at the true θ, and update the EAP — until the stopping rule says so. The final score
is the EAP on every answered item, with the posterior SD as SE.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from app.irt.adaptive.exposure import EligibilityControl
from app.irt.adaptive.information import InformationTable
from app.irt.adaptive.posterior import GridPosterior, LogProbabilities
from app.irt.adaptive.selection import (
    MaxInformationShadow,
    ShadowTest,
    closed_stimuli,
    next_item,
)
from app.irt.adaptive.stopping import StoppingRule
from app.irt.models import category_probabilities
from app.irt.parameters import ItemParameters


@dataclass
class CATResult:
    """What a CAT simulation gives back.

    Attributes:
        theta: final EAP per simulee, ``(n_persons,)``.
        se: posterior SD, ``(n_persons,)``.
        n_items: items given, ``(n_persons,)``.
        given: per simulee, the item positions given, in order.
        shadows: per simulee, the last shadow test (the whole test the rules were held for).
        exposure: share of simulees who saw each item, ``(n_items,)``.
        selection_seconds: wall time of every next-item selection (θ̂ known → item chosen).
        selection_cpu_seconds: the same selections' processor time (less disturbed by other
            work on a shared machine).
    """

    theta: np.ndarray
    se: np.ndarray
    n_items: np.ndarray
    given: list[np.ndarray]
    shadows: list[np.ndarray]
    exposure: np.ndarray
    selection_seconds: np.ndarray
    selection_cpu_seconds: np.ndarray


def simulate_cat(params: ItemParameters, theta: np.ndarray, rng: np.random.Generator, *,
                 stopping: StoppingRule, shadow: ShadowTest | None = None,
                 max_exposure: float = 1.0, stimulus_of: np.ndarray | None = None,
                 first_items: int = 5, prior_mean: float = 0.0, prior_sd: float = 1.0,
                 progress: Callable[[int], None] | None = None) -> CATResult:
    """Run a CAT for simulees at true abilities ``theta`` ``(n_persons,)``.

    Args:
        params: the bank.
        theta: true abilities.
        rng: the source of all randomness (eligibility, first item, responses).
        stopping: test length, or SE target with a maximum.
        shadow: the shadow-test assembler (default: no content rules,
            :class:`MaxInformationShadow`); its length should be ``stopping.max_items``.
        max_exposure: eligibility control's ``r_max`` (1 = no exposure control).
        stimulus_of: ``(n_items,)`` passage position of each item, -1 if none (testlets).
        first_items: the first item is drawn among this many most informative ones.
        prior_mean, prior_sd: the normal prior of the EAP.
        progress: called with the number of simulees finished after each one.
    """
    theta = np.atleast_1d(np.asarray(theta, dtype=float))
    shadow = shadow or MaxInformationShadow(stopping.max_items)
    table, log_prior = LogProbabilities.normal(params, prior_mean, prior_sd)
    info_table = InformationTable(params)
    control = EligibilityControl(params.n_items, max_exposure)
    out_theta, out_se = np.empty(theta.size), np.empty(theta.size)
    given_all: list[np.ndarray] = []
    shadows: list[np.ndarray] = []
    seconds: list[float] = []
    cpu: list[float] = []
    for p, true_theta in enumerate(theta):
        cdf = np.cumsum(category_probabilities(params, np.array([true_theta]))[0], axis=1)
        eligible = control.draw(rng)
        posterior = GridPosterior(table, log_prior)
        given: list[int] = []
        current: np.ndarray | None = None
        estimate, se = prior_mean, prior_sd
        while not stopping.done(len(given), se):
            start, start_cpu = time.perf_counter(), time.process_time()
            info = info_table.at(estimate)
            current = shadow(info, given, eligible, closed_stimuli(given, stimulus_of), current)
            item = next_item(current, given, info, stimulus_of, rng,
                             first_items if not given else 1)
            seconds.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
            if item is None:
                break
            score = min(int(np.sum(cdf[item] < rng.random())), cdf.shape[1] - 1)
            posterior.update(item, score)
            est, sd = posterior.estimates()
            estimate, se = float(est[0]), float(sd[0])
            given.append(item)
        out_theta[p], out_se[p] = estimate, se
        control.record(eligible, given)
        given_all.append(np.array(given, dtype=int))
        shadows.append(np.asarray(current if current is not None else [], dtype=int))
        if progress is not None:
            progress(p + 1)
    return CATResult(out_theta, out_se, np.array([g.size for g in given_all]), given_all,
                     shadows, control.rates, np.array(seconds), np.array(cpu))
