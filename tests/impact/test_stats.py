"""The statistics of progress against known truth: a hand computation, simulation coverage of
the interval, gains beyond error, Wilson shares and small-group suppression."""

from __future__ import annotations

import math

import numpy as np
import pytest

from app.impact import stats


def test_effect_size_matches_a_hand_computation() -> None:
    # pre 10..18 by 2: mean 14, variance 40/4 = 10; post: mean 17, variance 46/4 = 11.5;
    # covariance 42/4 = 10.5; V = 10.75; d = 3/√10.75.
    # Var(d) = (10 + 11.5 − 2·10.5)/(5·10.75) + (9/10.75)·(100 + 132.25 + 2·10.5²)/(8·10.75²·4)
    es = stats.effect_size([10, 12, 14, 16, 18], [13, 14, 18, 19, 21])
    assert es is not None
    d = 3 / math.sqrt(10.75)
    var = 0.5 / 53.75 + (9 / 10.75) * 452.75 / (8 * 10.75**2 * 4)
    assert es.n == 5 and es.mean_pre == 14 and es.mean_post == 17
    assert es.d == pytest.approx(d, rel=1e-12) and es.d == pytest.approx(0.91499, abs=1e-5)
    assert es.r == pytest.approx(10.5 / math.sqrt(115), rel=1e-12)
    assert es.se == pytest.approx(math.sqrt(var), rel=1e-12)
    assert es.interval == pytest.approx((d - 1.959964 * math.sqrt(var),
                                         d + 1.959964 * math.sqrt(var)), rel=1e-6)
    assert es.interval == pytest.approx((0.2596, 1.5703), abs=1e-4)


def test_effect_size_is_undefined_without_pairs_or_spread() -> None:
    assert stats.effect_size([1.0, 2.0], [2.0, 3.0]) is None
    assert stats.effect_size([5.0] * 4, [5.0] * 4) is None
    with pytest.raises(ValueError):
        stats.effect_size([1.0, 2.0, 3.0], [1.0, 2.0])


@pytest.mark.parametrize(("n", "rho", "delta", "sd_post"), [
    (25, 0.8, 0.40, 1.0), (25, 0.5, 0.0, 1.0), (10, 0.9, 1.0, 1.0), (60, 0.7, 0.7, 1.3),
])
def test_interval_covers_the_true_effect_about_95_percent(n: int, rho: float, delta: float,
                                                          sd_post: float) -> None:
    """Simulated classes tested twice with a known effect: the 95% interval must contain the
    true d in 93.5–96.5% of 4,000 replications (the Monte Carlo SE of a coverage is 0.34%)."""
    rng = np.random.default_rng([13, n])
    cov = [[1.0, rho * sd_post], [rho * sd_post, sd_post**2]]
    true_d = delta / math.sqrt((1 + sd_post**2) / 2)
    reps = 4000
    hits = 0
    for scores in rng.multivariate_normal([0.0, delta], cov, size=(reps, n)):
        es = stats.effect_size(scores[:, 0], scores[:, 1])
        assert es is not None
        hits += es.low <= true_d <= es.high
    assert 0.935 <= hits / reps <= 0.965


def test_interval_shrinks_like_one_over_root_n() -> None:
    pre = np.array([1400.0, 1420, 1435, 1450, 1460, 1480, 1490, 1510, 1530, 1555])
    post = pre + np.array([30.0, 5, 40, 22, 18, 35, 10, 28, 15, 33])
    one, four = (stats.effect_size(np.tile(pre, k), np.tile(post, k)) for k in (1, 4))
    assert one is not None and four is not None
    assert four.d == pytest.approx(one.d, rel=0.05)  # the same class, four times over
    assert four.se == pytest.approx(one.se / 2, rel=0.1)


def test_pro_rata_hinge_and_expected_d() -> None:
    assert stats.pro_rata_hinge(stats.WEEKS_PER_YEAR) == pytest.approx(0.40)
    assert stats.pro_rata_hinge(stats.WEEKS_PER_YEAR / 2) == pytest.approx(0.20)
    assert stats.pro_rata_hinge(-3) == 0.0
    # Two students expected to grow 20 and 30 points; norm SDs 50 then 50: d = 25/50.
    assert stats.expected_d([20.0, 30.0], [50.0, 50.0], [50.0, 50.0]) == pytest.approx(0.5)
    assert stats.expected_d([], [], []) is None


def test_a_gain_is_more_than_expected_only_beyond_error() -> None:
    # SEs 15 and 20: gain SE 25, so the margin must exceed 1.96·25 = 49.
    close = stats.gain(1400, 15, 1470, 20, expected=23.0)
    assert close.gain == 70 and close.se == pytest.approx(25.0)
    assert close.verdict == "as expected" and close.beyond_expected == pytest.approx(47.0)
    assert stats.gain(1400, 15, 1475, 20, expected=23.0).verdict == "more than expected"
    assert stats.gain(1400, 15, 1370, 20, expected=23.0).verdict == "less than expected"
    assert stats.gain(1400, 15, 1500, 20, expected=None).verdict == "no norm"


def test_side_of_zero_beyond_error() -> None:
    assert stats.side(40.0, 20.0) == "above"
    assert stats.side(-40.0, 20.0) == "below"
    assert stats.side(39.0, 20.0) == "within error"


def test_wilson_share_interval() -> None:
    # 15 of 20: Wilson 95% interval [0.5313, 0.8881] (textbook value).
    s = stats.share(15, 20)
    assert s.value == 0.75
    assert (s.low, s.high) == pytest.approx((0.5313, 0.8881), abs=1e-4)
    assert stats.share(0, 10).low == 0.0 and stats.share(10, 10).high == 1.0
    assert stats.share(0, 0).n == 0


def test_groups_under_five_are_suppressed_with_their_complement() -> None:
    assert stats.suppressed({"F": 12, "M": 11}) == set()
    # One small group alone would be revealed by total − the others: hide the next smallest.
    assert stats.suppressed({"Māori": 3, "Pākehā": 9, "Pasifika": 6, "Asian": 7}) == {
        "Māori", "Pasifika"}
    assert stats.suppressed({"a": 2, "b": 4, "c": 20}) == {"a", "b"}
    assert stats.suppressed({"a": 5, "b": 0}) == set()


def test_summary() -> None:
    s = stats.summary([1.0, 2.0, 3.0])
    assert (s.n, s.mean, s.sd) == (3, 2.0, 1.0)
    assert stats.summary([4.0]).sd is None and stats.summary([]).n == 0
