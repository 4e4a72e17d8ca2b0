"""Standard errors from the observed information of the marginal likelihood (Oakes' identity).

At the MML estimate ψ̂ (every free item parameter, plus μ and σ when they are estimated) the
observed information is, by Oakes (1999),

    I(ψ̂) = −∂²Q(ψ | ψ′)/∂ψ∂ψᵀ − ∂²Q(ψ | ψ′)/∂ψ∂ψ′ᵀ      at ψ = ψ′ = ψ̂,

where ``Q(ψ | ψ′) = Σ_i Σ_q W_iq(ψ′) log[π_q(μ, σ) Π_j P_j(y_ij | θ_q; ψ)]`` is the EM objective.
Both terms are computed, not approximated:

* the first is the complete-data information. It is block-diagonal (one block per item, one for
  μ, σ) and is obtained by central differences of the analytic M-step gradient on the E-step's
  expected counts (plus the log prior of MAP items, so MAP SEs carry the prior's curvature);
* the second equals ``−Σ_i Cov(s_i | y_i)``: minus the posterior covariance of each person's
  complete-data score ``s_iq = ∂ log[π_q Π_j P_j(y_ij | θ_q)]/∂ψ``. Because every score has mean
  zero under the model at a fixed θ, an item's score is linear in its *residuals*
  ``R_ijc(q) = 1[y_ij = c] − P_jc(θ_q)`` (c = 1…m_j):  ``s_ijq = Σ_c b_jc(q)·R_ijc(q)`` with
  ``b_jc = ∂log P_jc/∂ψ − ∂log P_j0/∂ψ``; :mod:`.score_covariance` sums it with a few Gram
  products over blocks of persons that share items.

The result is the full matrix: covariances between items and with μ and σ are kept, which the
item-by-item cross-product (XPD) approximation ignores (it made SEs 5–10% too small). Its
inverse gives the covariance of ψ̂; the delta method carries it to the reported ``a, b, c`` and
steps. ``tests/irt/estimation/test_estimation_standard_errors.py`` checks the matrix against a
numerical Hessian of the marginal log-likelihood.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from scipy.linalg import lapack

from app.irt.estimation.layout import ItemLayout
from app.irt.estimation.mstep import gradient
from app.irt.estimation.mstep_dichotomous import DichotomousFamily
from app.irt.estimation.quadrature import Quadrature
from app.irt.estimation.responses import ResponseMatrix
from app.irt.estimation.score_covariance import (
    Residuals,
    ScoreCovariance,
    person_blocks,
    residuals,
)
from app.irt.estimation.threads import single_threaded_blas


@dataclass
class ObservedInformation:
    """The observed information of the free parameters, ``(n_free, n_free)``.

    ``index`` ``(n_items, n_par_max)`` gives each free internal item parameter's row (−1 where
    fixed or absent); ``latent`` names the free population parameters, which come last.
    """

    matrix: np.ndarray
    index: np.ndarray
    latent: list[str]

    def covariance(self) -> tuple[np.ndarray, bool]:
        """The inverse, and whether the matrix was positive definite (else a pseudo-inverse)."""
        if self.matrix.size == 0:
            return self.matrix.copy(), True
        sym = 0.5 * (self.matrix + self.matrix.T)
        chol, failed = lapack.dpotrf(sym, lower=True)
        if failed:
            return np.linalg.pinv(sym), False
        inverse, failed = lapack.dpotri(chol, lower=True)  # from the factor: a third the work
        if failed:
            return np.linalg.pinv(sym), False
        lower = np.tril(inverse)
        return lower + np.tril(lower, -1).T, True


def observed_information(layout: ItemLayout, data: ResponseMatrix, quadrature: Quadrature,
                         mean: float, sd: float, free_latent: tuple[bool, bool],
                         n_threads: int | None = None) -> ObservedInformation:
    """The observed information at the current estimates (see the module docstring).

    ``data`` holds the persons with at least one response; ``free_latent`` says whether μ and
    σ were estimated. Blocks of persons are summed in ``n_threads`` threads (default: all
    CPUs), each with single-threaded BLAS (see :func:`.threads.single_threaded_blas`).
    """
    nodes = quadrature.nodes
    latent = [n for n, f in zip(("mean", "sd"), free_latent, strict=True) if f]
    index = _parameter_index(layout)
    n_free = int(index.max(initial=-1)) + 1 + len(latent)
    res = residuals(layout, nodes)
    t = _latent_scores(quadrature, mean, sd, latent)  # (Q, n_latent)
    log_p, log_prior = layout.log_p_columns(nodes), quadrature.log_prior(mean, sd)
    workers = max(1, n_threads or os.cpu_count() or 1)
    blocks = person_blocks(data, res, parts=workers)

    def work(share: list[tuple[np.ndarray, np.ndarray]]) -> ScoreCovariance:
        part = ScoreCovariance(layout, res, index, n_free, t)
        for persons, runs in share:
            part.add(data, persons, runs, log_p, log_prior, nodes)
        return part

    shares = [blocks[k::workers] for k in range(workers)]
    with single_threaded_blas(), ThreadPoolExecutor(workers) as pool:
        parts = list(pool.map(work, shares))
    acc = parts[0]
    for other in parts[1:]:
        acc.merge(other)
    info = acc.matrix  # so far Σ_i s̄ s̄ᵀ − Σ_i E(s sᵀ) of the items and latent parameters
    info += _complete_information(layout, acc.counts, nodes, index, n_free)
    if latent:
        lat = slice(n_free - len(latent), n_free)
        info[lat, lat] += _latent_complete_information(quadrature, mean, sd, latent,
                                                       acc.node_mass)
        info[lat, lat] -= (acc.node_mass[:, None] * t).T @ t
        rows, cross = _item_latent_cross(res, acc.residual_mass, t, index)
        info[rows, lat] -= cross
        info[lat, rows] -= cross.T
    return ObservedInformation(info, index, latent)


def _parameter_index(layout: ItemLayout) -> np.ndarray:
    """Row of each free internal parameter ``(n_items, n_par_max)``; −1 where fixed."""
    p_max = max((blk.family.n_par for blk in layout.blocks), default=1)
    index = np.full((layout.n_items, p_max), -1, dtype=np.int64)
    free = np.zeros((layout.n_items, p_max), dtype=bool)
    for blk in layout.blocks:
        free[blk.items, : blk.family.n_par] = blk.free
    index[free] = np.arange(int(free.sum()))
    return index


def _latent_scores(quadrature: Quadrature, mean: float, sd: float,
                   latent: list[str]) -> np.ndarray:
    """``∂ log π_q / ∂(μ, σ)`` for the free latent parameters, ``(Q, n_latent)``."""
    pi = np.exp(quadrature.log_prior(mean, sd))
    z = (quadrature.nodes - mean) / sd
    cols = {"mean": z / sd, "sd": z * z / sd}
    return np.stack([cols[n] - pi @ cols[n] for n in latent], axis=1) if latent else (
        np.zeros((quadrature.n_nodes, 0)))


def _latent_complete_information(quadrature: Quadrature, mean: float, sd: float,
                                 latent: list[str], node_mass: np.ndarray) -> np.ndarray:
    """``−Σ_q N_q ∂² log π_q / ∂η²`` by central differences of the analytic scores."""
    out = np.zeros((len(latent), len(latent)))
    for k, name in enumerate(latent):
        h = 1e-5 * (abs(mean) + 1.0 if name == "mean" else sd)
        up = {"mean": mean, "sd": sd}
        down = dict(up)
        up[name] += h
        down[name] -= h
        diff = (_latent_scores(quadrature, up["mean"], up["sd"], latent)
                - _latent_scores(quadrature, down["mean"], down["sd"], latent)) / (2 * h)
        out[:, k] = -node_mass @ diff
    return 0.5 * (out + out.T)


def _complete_information(layout: ItemLayout, counts: np.ndarray, nodes: np.ndarray,
                          index: np.ndarray, n_free: int) -> np.ndarray:
    """Block-diagonal ``−∂²(Q + log prior)/∂ψ²`` of the items, by central differences of the
    analytic M-step gradient (items are separable, so one difference serves every item)."""
    out = np.zeros((n_free, n_free))
    for blk in layout.blocks:
        if not blk.free.any():
            continue
        fam, p = blk.family, blk.family.n_par
        r = layout.block_counts(blk, counts)
        hess = np.zeros((blk.items.size, p, p))
        for k in range(p):
            h = 1e-5 * np.maximum(np.abs(blk.psi[:, k]), 1.0)
            up, down = blk.psi.copy(), blk.psi.copy()
            up[:, k] += h
            down[:, k] -= h
            hess[:, :, k] = -(gradient(fam, up, r, nodes) - gradient(fam, down, r, nodes)) / (
                2 * h[:, None])
        hess = 0.5 * (hess + hess.transpose(0, 2, 1))
        rows = index[blk.items, :p]
        for a in range(p):
            for c in range(p):
                ok = (rows[:, a] >= 0) & (rows[:, c] >= 0)
                out[rows[ok, a], rows[ok, c]] += hess[ok, a, c]
    return out


def _item_latent_cross(res: Residuals, residual_mass: np.ndarray, t: np.ndarray,
                       index: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``Σ_i E(s_item s_latentᵀ | y_i)`` = ``Σ_q Σ_c b_c(q) (Σ_i W_iq R_ic(q)) t_qᵀ``: the rows
    of the free item parameters and a ``(n_rows, n_latent)`` block."""
    values = np.zeros(index.shape + (t.shape[1],))
    if res.item.size:
        np.add.at(values, res.item, np.einsum("cqp,cq,ql->cpl", res.b, residual_mass, t))
    free = index >= 0
    return index[free], values[free]


def standard_errors(layout: ItemLayout, info: ObservedInformation,
                    ) -> tuple[dict[str, np.ndarray], dict[str, float], bool]:
    """SEs of reported parameters (keyed like :attr:`ItemParameters.se`, NaN where fixed),
    of the free latent parameters, and whether the information was positive definite."""
    cov, ok = info.covariance()
    n = layout.n_items
    poly = ~np.isin(layout.models, ("rasch", "2pl", "3pl"))
    width = int(layout.n_cat[poly].max(initial=1)) - 1
    se = {"a": np.full(n, np.nan), "b": np.full(n, np.nan), "c": np.full(n, np.nan),
          "steps": np.full((n, width), np.nan)}
    for blk in layout.blocks:
        fam, p = blk.family, blk.family.n_par
        rows = info.index[blk.items, :p]
        safe = np.where(rows >= 0, rows, 0)
        block = cov[safe[:, :, None], safe[:, None, :]] if cov.size else np.zeros(
            (blk.items.size, p, p))
        both = (rows >= 0)[:, :, None] & (rows >= 0)[:, None, :]
        block = np.where(both, block, 0.0)
        jac = fam.reported_jacobian(blk.psi)
        var = np.einsum("nij,njk,nik->ni", jac, block, jac)
        depends = np.einsum("nij,nj->ni", np.abs(jac) > 0, rows >= 0) > 0
        rep = np.where(depends & (var > 0), np.sqrt(np.maximum(var, 0.0)), np.nan)
        se["a"][blk.items] = rep[:, 0]
        if isinstance(fam, DichotomousFamily):
            se["b"][blk.items], se["c"][blk.items] = rep[:, 1], rep[:, 2]
        else:
            se["steps"][blk.items, : p - 1] = np.where(fam.valid[:, 1:], rep[:, 1:], np.nan)
    first = cov.shape[0] - len(info.latent)
    latent = {name: float(np.sqrt(max(cov[first + k, first + k], 0.0)))
              for k, name in enumerate(info.latent)}
    return se, latent, ok
