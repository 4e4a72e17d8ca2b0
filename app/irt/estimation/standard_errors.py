"""Standard errors of item parameters by the cross-product (XPD) approximation.

At the MML estimate the observed information of item ``j``'s parameters is approximated by the
sum over persons of outer products of their marginal scores (the empirical Fisher information):

    s_ij = ∂ log L_i / ∂ψ_j = Σ_q W_iq · ∂ log P_j(y_ij | θ_q) / ∂ψ_j,    I_j ≈ Σ_i s_ij s_ijᵀ,

plus the prior's information for MAP estimates. Blocks are per item: covariances between items
(and with μ, σ when they are estimated) are ignored, which makes the SEs slightly optimistic when
many parameters are estimated from few persons. The delta method carries the covariance of the
internal ``ψ`` to the reported ``a, b, c`` and steps.
"""

from __future__ import annotations

import numpy as np

from app.irt.estimation.estep import EStep
from app.irt.estimation.layout import ItemLayout
from app.irt.estimation.mstep_dichotomous import DichotomousFamily
from app.irt.estimation.responses import ResponseMatrix


def xpd_information(layout: ItemLayout, estep: EStep, data: ResponseMatrix,
                    log_prior: np.ndarray, nodes: np.ndarray) -> np.ndarray:
    """Per-item XPD information in ψ, ``(n_items, n_par_max, n_par_max)``.

    ``data`` holds exactly the persons of ``estep`` (in the same order).
    """
    n_par = max((blk.family.n_par for blk in layout.blocks), default=1)
    grad_cols = np.zeros((n_par, layout.n_columns, nodes.size))  # ∂ log P / ∂ψ_p per column
    used = np.zeros(n_par, dtype=bool)
    for blk in layout.blocks:
        probs, jac = blk.family.probs_jacobian(blk.psi, nodes)  # (n, Q, K), (n, Q, K, p)
        dlog = jac / np.where(probs > 0, probs, 1.0)[..., None]
        ok = blk.cols >= 0
        grad_cols[: blk.family.n_par, blk.cols[ok]] = dlog.transpose(3, 0, 2, 1)[:, ok]
        used[: blk.family.n_par] |= blk.free.any(axis=0)
    cols = layout.offsets[data.item] + data.score
    pointer = data.person_pointer()
    info = np.zeros((layout.n_items, n_par, n_par))
    for start, post in estep.posteriors(layout.log_p_columns(nodes), log_prior):
        lo, hi = pointer[start], pointer[start + post.shape[0]]
        rows, items = data.person[lo:hi] - start, data.item[lo:hi]
        scores = np.zeros((hi - lo, n_par))
        for p in np.nonzero(used)[0]:  # s_rp = (W · G_pᵀ)[person, column], via BLAS
            scores[:, p] = (post @ grad_cols[p].T)[rows, cols[lo:hi]]
        for p in np.nonzero(used)[0]:
            for r in np.nonzero(used)[0][p <= np.nonzero(used)[0]]:
                v = np.bincount(items, scores[:, p] * scores[:, r], minlength=layout.n_items)
                info[:, p, r] += v
                info[:, r, p] = info[:, p, r]
    return info


def standard_errors(layout: ItemLayout, info: np.ndarray) -> dict[str, np.ndarray]:
    """SEs of reported parameters, keyed like :attr:`ItemParameters.se`; NaN where fixed."""
    n = layout.n_items
    poly = ~np.isin(layout.models, ("rasch", "2pl", "3pl"))
    width = int(layout.n_cat[poly].max(initial=1)) - 1
    se = {"a": np.full(n, np.nan), "b": np.full(n, np.nan), "c": np.full(n, np.nan),
          "steps": np.full((n, width), np.nan)}
    for blk in layout.blocks:
        fam, p = blk.family, blk.family.n_par
        total = info[blk.items, :p, :p] + fam.log_prior(blk.psi)[2]
        both = blk.free[:, :, None] & blk.free[:, None, :]
        eye = np.broadcast_to(np.eye(p), total.shape)
        cov = np.linalg.pinv(np.where(both, total, eye))
        cov = np.where(both, cov, 0.0)
        jac = fam.reported_jacobian(blk.psi)
        var = np.einsum("nij,njk,nik->ni", jac, cov, jac)
        # a reported value is estimated when any parameter it depends on is free
        depends = np.einsum("nij,nj->ni", np.abs(jac) > 0, blk.free) > 0
        rep_se = np.where(depends, np.sqrt(np.maximum(var, 0.0)), np.nan)
        se["a"][blk.items] = rep_se[:, 0]
        if isinstance(fam, DichotomousFamily):
            se["b"][blk.items], se["c"][blk.items] = rep_se[:, 1], rep_se[:, 2]
        else:
            se["steps"][blk.items, : p - 1] = np.where(fam.valid[:, 1:], rep_se[:, 1:], np.nan)
    return se
