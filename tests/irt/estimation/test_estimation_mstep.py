"""M-step families: probabilities match app.irt.models, Jacobians match finite differences,
and Fisher scoring reaches the maximum of the expected complete-data log-likelihood."""

from __future__ import annotations

import numpy as np
import pytest

from app.irt.estimation.mstep import fisher_scoring, objective
from app.irt.estimation.mstep_dichotomous import DichotomousFamily
from app.irt.estimation.mstep_gpcm import GpcmFamily
from app.irt.estimation.mstep_grm import GrmFamily
from app.irt.models import category_probabilities
from app.irt.parameters import ItemParameters

THETA = np.linspace(-3, 3, 13)
BANK = ItemParameters.from_records([
    {"item_id": "r", "model": "rasch", "b": 0.3},
    {"item_id": "t", "model": "2pl", "a": 1.4, "b": -0.5},
    {"item_id": "u", "model": "3pl", "a": 0.9, "b": 1.0, "c": 0.2},
    {"item_id": "g", "model": "gpcm", "a": 1.2, "steps": [-1.0, 0.2, 1.1]},
    {"item_id": "p", "model": "pcm", "steps": [0.5, -0.4]},
    {"item_id": "s", "model": "grm", "a": 1.6, "steps": [-1.2, 0.0, 0.9]},
    {"item_id": "h", "model": "grm", "a": 0.7, "steps": [0.4]},
])


def families():
    """(family, ψ, positions in BANK) for each family, built from BANK's parameters."""
    out = []
    for cls, members in ((DichotomousFamily, ("rasch", "2pl", "3pl")),
                         (GpcmFamily, ("gpcm", "pcm")), (GrmFamily, ("grm",))):
        idx = np.nonzero(np.isin(BANK.model, members))[0]
        sub = BANK.subset(idx)
        fam = cls(sub.model, sub.n_categories)
        steps = np.nan_to_num(np.pad(sub.steps, ((0, 0), (0, fam.n_k))))
        out.append((fam, fam.from_parameters(sub.a, sub.b, sub.c, steps), idx))
    return out


@pytest.mark.parametrize("k", range(3))
def test_probabilities_match_the_response_functions(k: int) -> None:
    fam, psi, idx = families()[k]
    expected = category_probabilities(BANK.subset(idx), THETA).transpose(1, 0, 2)
    got = np.exp(fam.log_probs(psi, THETA))
    np.testing.assert_allclose(got, expected[:, :, : got.shape[2]], atol=1e-12)
    probs, _ = fam.probs_jacobian(psi, THETA)
    np.testing.assert_allclose(probs, got, atol=1e-12)


@pytest.mark.parametrize("k", range(3))
def test_jacobian_matches_finite_differences(k: int) -> None:
    fam, psi, _ = families()[k]
    _, jac = fam.probs_jacobian(psi, THETA)
    h = 1e-6
    for p in range(fam.n_par):
        up, down = psi.copy(), psi.copy()
        up[:, p] += h
        down[:, p] -= h
        with np.errstate(invalid="ignore"):  # c − h < 0 is outside the model
            diff = np.exp(fam.log_probs(up, THETA)) - np.exp(fam.log_probs(down, THETA))
        ok = np.isfinite(diff)
        np.testing.assert_allclose(jac[..., p][ok], diff[ok] / (2 * h), atol=1e-6)


@pytest.mark.parametrize("k", range(3))
def test_reported_jacobian_matches_finite_differences(k: int) -> None:
    fam, psi, _ = families()[k]
    jac = fam.reported_jacobian(psi)
    h = 1e-6
    for p in range(fam.n_par):
        up, down = psi.copy(), psi.copy()
        up[:, p] += h
        down[:, p] -= h
        numeric = (fam.reported(up) - fam.reported(down)) / (2 * h)
        ok = np.isfinite(numeric)
        np.testing.assert_allclose(jac[:, :, p][ok], numeric[ok], atol=1e-5)


@pytest.mark.parametrize("k", range(3))
def test_fisher_scoring_recovers_parameters_from_expected_counts(k: int) -> None:
    """Counts proportional to the true probabilities have their maximum at the truth."""
    fam, psi, _ = families()[k]
    if isinstance(fam, DichotomousFamily):
        fam.c_prior = None
    weights = 1000 * np.exp(-0.5 * THETA**2)
    counts = np.exp(fam.log_probs(psi, THETA)) * weights[None, :, None]
    free = fam.free_mask() & ~np.array([[m == "3pl"] * fam.n_par for m in fam.models])
    start = fam.start(counts.sum(axis=1))
    start[~free] = psi[~free]
    got = fisher_scoring(fam, start, free, counts, THETA, max_iter=100, tol=1e-10)
    np.testing.assert_allclose(got, psi, atol=1e-5)
    assert np.all(objective(fam, got, counts, THETA) >= objective(fam, start, counts, THETA))
