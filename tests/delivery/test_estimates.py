"""The numbers of a result: recovery of known θ, scale, sublevels, quadrants, flags."""

from __future__ import annotations

import numpy as np
import pytest

from app.calibration.scale import Scale
from app.delivery import estimates
from app.delivery.estimates import Metric
from app.delivery.results import Flag
from app.irt.models import expected_score
from app.irt.parameters import ItemParameters
from app.irt.simulate import simulate_responses


def _form(n: int = 30, seed: int = 11) -> ItemParameters:
    rng = np.random.default_rng(seed)
    return ItemParameters.from_records([
        {"item_id": f"I{j}", "model": "2pl", "a": float(rng.uniform(0.8, 1.8)),
         "b": float(b)} for j, b in enumerate(np.linspace(-2.2, 2.2, n))])


def recovery(seed: int = 2026, n: int = 300) -> tuple[float, float]:
    """Mean bias of θ̂ and coverage of θ̂ ± 1.96·SE for ``n`` simulees on a 30-item form."""
    rng = np.random.default_rng(seed)
    params = _form()
    theta = rng.normal(0.0, 1.0, n)
    scores = simulate_responses(params, theta, rng)
    est, se, _ = estimates.estimate(params, scores, Metric())
    return float(np.mean(est - theta)), float(np.mean(np.abs(est - theta) <= 1.96 * se))


def test_known_abilities_are_recovered_with_honest_standard_errors() -> None:
    bias, coverage = recovery()
    assert abs(bias) < 0.1
    assert 0.9 <= coverage <= 0.98


def test_the_link_moves_theta_and_scales_the_se() -> None:
    params = _form(10)
    x = np.array([[1, 1, 1, 1, 1, 0, 1, 0, 0, 0]], dtype=float)
    plain = estimates.estimate(params, x, Metric())
    linked = estimates.estimate(params, x, Metric(link_a=2.0, link_b=0.5))
    assert linked[0][0] == pytest.approx(2 * plain[0][0] + 0.5)
    assert linked[1][0] == pytest.approx(2 * plain[1][0])
    assert linked[2][0] == pytest.approx(plain[0][0])


def test_sublevel_is_the_highest_cut_at_or_below_the_score() -> None:
    scale = Scale.of("s", 1500, 100, [("3P", 1450.0), ("3B", 1400.0), ("3A", 1500.0)])
    assert scale.sublevel(1450.0) == "3P" and scale.sublevel(1449.9) == "3B"
    assert scale.sublevel(1399.0) == "below 3B" and scale.sublevel(2000.0) == "3A"
    assert scale.rank("below 3B") == -1 < scale.rank("3B") < scale.rank("3A")
    assert (scale.score(0.5), scale.score_se(0.3)) == pytest.approx((1550.0, 30.0))
    assert Scale.of("s", 1500, 100, {}).sublevel(1400.0) == ""


@pytest.mark.parametrize(("p", "score", "quadrant"), [
    (0.8, 1, "Achieved"), (0.3, 1, "Strengths"), (0.8, 0, "Gaps"), (0.3, 0, "To be achieved"),
    (0.5, 1, "Achieved")])
def test_quadrants(p: float, score: int, quadrant: str) -> None:
    assert estimates.quadrant_of(p, score, 1) == quadrant


def test_flags() -> None:
    ones = np.ones(10)
    assert estimates.flags(np.array([1, 1, 0, 0.0]), ones[:4], [20, 30]) == [
        Flag.FEW_CORRECT]
    assert estimates.flags(ones, ones, [3, 4, 4]) == [Flag.ALL_CORRECT, Flag.RAPID_GUESSING]
    two = np.full(4, 2.0)  # part marks: one of two marks counts as right, as in the quadrants
    assert estimates.flags(np.array([1, 1, 2, 0.0]), two, []) == []
    assert estimates.flags(np.array([1, 1, 1, 0.0]), ones[:4], []) == []


def test_half_marks_theta_is_where_the_expected_share_is_one_half() -> None:
    params = ItemParameters.from_records([
        {"item_id": "rasch", "model": "rasch", "b": 0.4},
        {"item_id": "3pl", "model": "3pl", "a": 1.2, "b": 0.5, "c": 0.25},
        {"item_id": "gpcm", "model": "gpcm", "a": 0.9, "steps": [-0.6, 0.8]}])
    place = estimates.half_marks_theta(params)
    assert place[0] == pytest.approx(0.4, abs=1e-6)
    assert place[1] < 0.5  # guessing puts P = 0.5 below b
    shares = np.diagonal(expected_score(params, place)) / params.max_score
    assert shares == pytest.approx(0.5, abs=1e-6)
