"""DIF: planted shifts of known size get B/C (BB/CC); clean items get A (AA)."""

import numpy as np
import pytest

from app.irt.dif import ets_category, ets_polytomous_category, mantel_haenszel, polytomous_dif
from app.irt.parameters import ItemParameters
from app.irt.scoring import score_eap
from app.irt.simulate import random_presentation, simulate_responses

N_GROUP = 2500


def _two_groups(params: ItemParameters, shifted: dict[int, float], seed: int,
                presented: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """Reference N(0, 1) and a weaker focal group N(−0.5, 1); items in ``shifted`` are harder
    for the focal group by the given logits (their b or steps move)."""
    rng = np.random.default_rng(seed)
    focal = params.subset(np.arange(params.n_items))
    focal.b, focal.steps = focal.b.copy(), focal.steps.copy()
    for i, shift in shifted.items():
        focal.b[i] += shift
        focal.steps[i] += shift
    mask = random_presentation(N_GROUP, params.n_items, presented, rng)
    x_ref = simulate_responses(params, rng.normal(0, 1, N_GROUP), rng, mask)
    x_foc = simulate_responses(focal, rng.normal(-0.5, 1, N_GROUP), rng, mask)
    return np.vstack([x_ref, x_foc]), np.repeat(np.array(["ref", "foc"]), N_GROUP)


def _rasch(n: int, seed: int) -> ItemParameters:
    b = np.random.default_rng(seed).normal(size=n)
    return ItemParameters.from_records(
        [{"item_id": f"i{k}", "model": "rasch", "b": v} for k, v in enumerate(b)])


def test_mh_on_a_hand_worked_table() -> None:
    x = np.array([[1, 0], [0, 1], [1, 0], [0, 1], [1, 1], [1, 1], [1, 1], [0, 1]] * 5, float)
    group = np.array(["r", "r", "f", "f", "r", "r", "f", "f"] * 5)
    mh = mantel_haenszel(x, group, "r", "f", matching="rest")
    assert mh.n_reference.tolist() == [20, 20] and mh.n_focal.tolist() == [20, 20]
    # Item 0, matched on item 1. Rest 0: everyone right (A·D = B·C = 0, no information).
    # Rest 1: reference 10 right / 5 wrong, focal 5 right / 10 wrong, T = 30:
    # α = (10·10/30) / (5·5/30) = 4; E(A) = 15·15/30; Var(A) = 15·15·15·15/(30²·29).
    assert mh.alpha[0] == pytest.approx(4.0)
    assert mh.chi2[0] == pytest.approx((abs(10 - 7.5) - 0.5) ** 2 / (15**4 / (30**2 * 29)))
    assert mh.delta[0] == pytest.approx(-2.35 * np.log(4.0))


def test_ets_rules_at_their_boundaries() -> None:
    delta = np.array([-0.9, -1.2, -1.6, -1.6, 1.6, -2.0])
    se = np.array([0.1, 0.1, 0.5, 0.2, 0.2, 0.2])
    p = np.array([0.001, 0.2, 0.001, 0.001, 0.001, 0.001])
    assert ets_category(delta, se, p).tolist() == ["A", "A", "B", "C", "C", "C"]
    assert ets_polytomous_category(np.array([0.1, 0.2, -0.3, 0.3]),
                                   np.array([0.01, 0.01, 0.01, 0.2])).tolist() == [
        "AA", "BB", "CC", "AA"]


def test_mh_flags_planted_dif_and_passes_clean_items() -> None:
    params = _rasch(25, 1)
    x, group = _two_groups(params, {0: 1.0, 1: 0.6}, seed=2)
    mh = mantel_haenszel(x, group, "ref", "foc")
    assert mh.category[0] == "C" and mh.delta[0] == pytest.approx(-2.35, abs=0.4)
    assert mh.category[1] in ("B", "C") and mh.delta[1] == pytest.approx(-1.41, abs=0.4)
    assert np.all(mh.category[2:] == "A")
    assert np.all(np.abs(mh.delta[2:]) < 0.8)
    assert mh.p_value[0] < 1e-10


def test_mh_with_booklets_stratifies_by_booklet_and_score() -> None:
    params = _rasch(20, 3)
    x, group = _two_groups(params, {4: 1.0}, seed=4)
    x[::2, 12:] = np.nan  # booklet 1: items 0..11; booklet 2: items 4..19
    x[1::2, :4] = np.nan
    mh = mantel_haenszel(x, group, "ref", "foc", matching="rest")
    assert mh.category[4] == "C" and mh.delta[4] == pytest.approx(-2.35, abs=0.5)
    assert np.all(np.delete(mh.category, 4) == "A")
    assert mh.n_reference[0] == N_GROUP // 2 and mh.n_reference[4] == N_GROUP


def test_external_strata_for_adaptive_data() -> None:
    params = _rasch(20, 5)
    x, group = _two_groups(params, {2: 1.0}, seed=6, presented=0.6)
    theta = score_eap(params, x).theta
    deciles = np.searchsorted(np.quantile(theta, np.linspace(0.1, 0.9, 9)), theta)
    mh = mantel_haenszel(x, group, "ref", "foc", matching=deciles)
    assert mh.category[2] in ("B", "C") and mh.delta[2] < -1.0
    assert np.mean(np.delete(mh.category, 2) == "A") >= 0.9


def test_polytomous_dif() -> None:
    rng = np.random.default_rng(5)
    params = ItemParameters.from_records(
        [{"item_id": f"g{k}", "model": "gpcm", "a": rng.uniform(0.8, 1.6),
          "steps": np.sort(rng.normal(size=3)).tolist()} for k in range(8)]
        + [{"item_id": f"d{k}", "model": "2pl", "a": 1.2, "b": b}
           for k, b in enumerate(rng.normal(size=12))])
    x, group = _two_groups(params, {0: 0.8}, seed=6)
    dif = polytomous_dif(x, group, "ref", "foc")
    assert dif.category[0] == "CC" and dif.smd[0] < -0.3
    assert np.all(dif.category[1:8] == "AA")
    assert np.mean(dif.category[8:] == "AA") == 1.0


def test_group_errors() -> None:
    x = np.zeros((4, 2))
    with pytest.raises(ValueError, match="both groups need persons"):
        mantel_haenszel(x, np.array(["a"] * 4), "a", "b")
    with pytest.raises(ValueError, match="matching"):
        polytomous_dif(x, np.array(["a", "b"] * 2), "a", "b", matching="theta")
