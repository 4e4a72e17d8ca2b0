"""Oakes' second term: ``Σ_i Cov(s_i | y_i)``, the posterior covariance of the persons'
complete-data scores, summed over persons (see :mod:`.standard_errors`).

An estimated item's score at node ``q`` is ``Σ_c b_c(q)·R_ic(q)`` with residuals
``R_ic(q) = 1[y_i = c] − P_c(θ_q)`` (``c ≥ 1``, one *residual column* each). So

    Σ_i E(s sᵀ | y_i)  =  Σ_q b(q) K_q b(q)ᵀ,    K_q = Σ_i W_iq R_i(q) R_i(q)ᵀ,

and ``Σ_i s̄_i s̄_iᵀ`` with ``s̄_i = Σ_q W_iq s_iq`` makes the covariance. Two shortcuts keep this
at the cost of a few Gram products:

* **canonical columns.** For Rasch, 2PL, PCM and GPCM items (exponential-family logits) the
  free part of ``b_c(q)`` is linear in θ: ``u_c + θ_q v_c``. Then only the three moments
  ``Σ_q θ_q^m K_q`` (m = 0, 1, 2) are needed, and each is one weighted Gram product of the
  0/1 score indicators plus low-rank corrections. 3PL and GRM columns take the per-node path.
* **persons in blocks sharing items.** Persons are sorted by the set of estimated items they
  saw (a hash, :mod:`.item_sets`), so a block's dense matrices span few columns, and the terms
  that depend only on which items were presented are computed once per distinct set. The
  persons of a booklet make a block of their own: the observed information of a booklet design
  is block-sparse, and a block spanning several booklets would mostly multiply zeros.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.irt.estimation.estep import _posterior
from app.irt.estimation.item_sets import item_set_runs, local_responses, one_hot
from app.irt.estimation.layout import ItemLayout
from app.irt.estimation.responses import ResponseMatrix

EPS_W = 1e-10  # posterior weights below this are left out of per-node products
_CELLS = 250_000  # persons × residual columns per block (small: memory reused, not page-faulted)
SOLO_RUN = 64  # persons: a run (booklet) at least this large is a block of its own


@dataclass
class Residuals:
    """Residual columns (one per estimated item and category ``c ≥ 1``), sorted by item.

    ``probs`` ``(n_rc, Q)`` is ``P_c(θ_q)``; ``b`` ``(n_rc, Q, p_max)`` the score coefficients
    (zero for fixed parameters); ``canonical`` ``(n_rc,)`` marks columns whose ``b`` is
    ``u + θ·v`` exactly, with ``u``, ``v`` ``(n_rc, p_max)``.
    """

    item: np.ndarray
    category: np.ndarray  # (n_rc,) the score c ≥ 1 of each column
    first: np.ndarray  # (n_items,) first column of each item, −1 when not estimated
    count: np.ndarray  # (n_items,) columns per item
    probs: np.ndarray
    b: np.ndarray
    canonical: np.ndarray
    u: np.ndarray
    v: np.ndarray


def residuals(layout: ItemLayout, nodes: np.ndarray) -> Residuals:
    """The residual columns of every item with a free parameter, at ``nodes``."""
    p_max = max((blk.family.n_par for blk in layout.blocks), default=1)
    items, cats, probs, bs = [], [], [], []
    for blk in layout.blocks:
        fam = blk.family
        p, jac = fam.probs_jacobian(blk.psi, nodes)  # (n, Q, K), (n, Q, K, p)
        g = jac / np.where(p > 0, p, 1.0)[..., None]
        b = (g[:, :, 1:, :] - g[:, :, :1, :]) * blk.free[:, None, None, :]
        for local in np.flatnonzero(blk.free.any(axis=1)):
            m = int(fam.n_cat[local]) - 1
            items.append(np.full(m, blk.items[local]))
            cats.append(np.arange(1, m + 1))
            probs.append(p[local, :, 1:m + 1].T)
            pad = np.zeros((m, nodes.size, p_max))
            pad[:, :, : fam.n_par] = b[local, :, :m, :].transpose(1, 0, 2)
            bs.append(pad)
    first = np.full(layout.n_items, -1, dtype=np.int64)
    count = np.zeros(layout.n_items, dtype=np.int64)
    if not items:
        empty = np.zeros((0, p_max))
        none = np.zeros(0, dtype=np.int64)
        return Residuals(none, none, first, count, np.zeros((0, nodes.size)),
                         np.zeros((0, nodes.size, p_max)), np.zeros(0, bool), empty, empty)
    item = np.concatenate(items)  # blocks are sorted by item within, not across: sort
    order = np.argsort(item, kind="stable")
    item, b_all = item[order], np.concatenate(bs)[order]
    uniq, at, n = np.unique(item, return_index=True, return_counts=True)
    first[uniq], count[uniq] = at, n
    canonical, u, v = _linear_in_theta(b_all, nodes)
    return Residuals(item, np.concatenate(cats)[order], first, count,
                     np.concatenate(probs)[order], b_all, canonical, u, v)


def _linear_in_theta(b: np.ndarray, nodes: np.ndarray
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Which columns have ``b(q) = u + θ_q v`` (to rounding), and ``u``, ``v``."""
    v = (b[:, -1, :] - b[:, 0, :]) / (nodes[-1] - nodes[0])
    u = b[:, 0, :] - nodes[0] * v
    fitted = u[:, None, :] + nodes[None, :, None] * v[:, None, :]
    scale = 1.0 + np.abs(b).max(axis=(1, 2))
    canonical = np.abs(fitted - b).max(axis=(1, 2)) <= 1e-9 * scale
    return canonical, u, v


def person_blocks(data: ResponseMatrix, res: Residuals,
                  parts: int = 1) -> list[tuple[np.ndarray, np.ndarray]]:
    """Blocks of persons ``(persons, run starts)`` sorted by the set of estimated items they
    saw (:mod:`.item_sets`); within a block, persons from one run start to the next saw the
    same set. A booklet (a run of at least :data:`SOLO_RUN` persons) is a block of its own, so
    its dense matrices span its own columns only; smaller runs are grouped while persons ×
    (columns of the runs, an upper bound of the union) stays under :data:`_CELLS` — and
    under a ``parts``-th of the data, so that ``parts`` threads have work. (A run larger than
    that is split: its persons still share their items.)"""
    if data.n_persons == 0:
        return []
    runs = item_set_runs(data, counted=res.first >= 0)
    order = runs.order
    heads = order[runs.starts[:-1]]  # a person of each run: all saw its items
    local, item, _ = local_responses(data, heads)
    widths_all = np.repeat(np.bincount(local, weights=res.count[item], minlength=heads.size),
                           runs.sizes()).astype(np.int64)  # residual columns per person
    budget = min(_CELLS, max(int(widths_all.sum()) // max(parts, 1), 1))
    limit = max(budget // max(int(widths_all.max(initial=1)), 1), 64)  # persons per run piece
    piece = np.arange(order.size) - np.repeat(runs.starts[:-1], runs.sizes())
    new_run = np.zeros(order.size, dtype=bool)
    new_run[runs.starts[:-1]] = True
    solo = np.repeat(runs.sizes() >= SOLO_RUN, runs.sizes())
    starts = np.flatnonzero(new_run | (piece % limit == 0))
    ends = np.r_[starts[1:], order.size]
    widths = widths_all[starts]
    blocks, first, persons, columns = [], 0, 0, 0
    for k in range(starts.size):
        size = int(ends[k] - starts[k])
        wider = min(columns + int(widths[k]), res.item.size)
        alone = bool(solo[starts[k]]) or (k > first and bool(solo[starts[k - 1]]))
        if k > first and (alone or (persons + size) * max(wider, 1) > budget):
            blocks.append(_block(order, starts, ends, first, k))
            first, persons, wider = k, 0, int(widths[k])
        persons, columns = persons + size, wider
    blocks.append(_block(order, starts, ends, first, starts.size))
    return blocks


def _block(order: np.ndarray, starts: np.ndarray, ends: np.ndarray, first: int,
           stop: int) -> tuple[np.ndarray, np.ndarray]:
    lo = starts[first]
    return order[lo:ends[stop - 1]], starts[first:stop] - lo


class ScoreCovariance:
    """Accumulates, block by block, the E-step counts and ``Σ s̄ s̄ᵀ − Σ E(s sᵀ)``.

    ``matrix`` ``(n_free, n_free)`` (latent rows last); ``counts`` ``(n_columns, Q)`` (of the
    estimated items' columns; zero for fixed items),
    ``node_mass`` ``(Q,)`` and ``residual_mass`` ``(n_rc, Q)`` (``Σ_i W_iq R_ic(q)``) are what
    the other terms need.
    """

    def __init__(self, layout: ItemLayout, res: Residuals, index: np.ndarray, n_free: int,
                 t: np.ndarray) -> None:
        self.layout, self.res, self.index, self.t = layout, res, index, t
        self.n_latent = t.shape[1]
        self.matrix = np.zeros((n_free, n_free))
        self.counts = np.zeros((layout.n_columns, t.shape[0]))
        self.node_mass = np.zeros(t.shape[0])
        self.residual_mass = np.zeros((res.item.size, t.shape[0]))

    def merge(self, other: ScoreCovariance) -> None:
        """Add another accumulator's sums (of other persons) to these."""
        self.matrix += other.matrix
        self.counts += other.counts
        self.node_mass += other.node_mass
        self.residual_mass += other.residual_mass

    def add(self, data: ResponseMatrix, persons: np.ndarray, runs: np.ndarray,
            log_p: np.ndarray, log_prior: np.ndarray, nodes: np.ndarray) -> None:
        """One block of persons of ``data`` (see :func:`person_blocks`)."""
        local, item, score = local_responses(data, persons)
        cols = self.layout.offsets[item] + score
        y, used = one_hot(local, cols, persons.size, self.layout.n_columns, np.float64)
        w, _ = _posterior(y, log_p[used], log_prior)
        self.node_mass += w.sum(axis=0)
        block = _Block.build(self.res, w, local, item, score)
        if block is None:
            if self.n_latent:
                self._add_outer(np.zeros(0, dtype=np.int64), w @ self.t)
            return
        self._add_counts(block, w)
        gram = block.expected_outer(nodes, runs)
        self._scatter(block, gram, block.mean_scores(), w)

    def _add_counts(self, block: _Block, w: np.ndarray) -> None:
        """Expected counts of the estimated items' score columns (``Yᵀ W``, which the
        complete-data information needs) and the residual mass ``Σ_i W_iq R_ic(q)``."""
        observed, presented = block.observed.T @ w, block.presence.T @ w  # (n_l, Q)
        self.residual_mass[block.cols] += observed - block.probs * presented
        items = self.res.item[block.cols]
        columns = self.layout.offsets[items] + self.res.category[block.cols]
        self.counts[columns] += observed
        firsts = np.flatnonzero(np.r_[True, items[1:] != items[:-1]])
        self.counts[self.layout.offsets[items[firsts]]] += presented[firsts] - np.add.reduceat(
            observed, firsts, axis=0)

    def _scatter(self, block: _Block, gram: np.ndarray, sbar: np.ndarray,
                 w: np.ndarray) -> None:
        """Add ``−Σ E(s sᵀ)`` (item part) and ``+Σ s̄ s̄ᵀ`` (with latent part) of a block."""
        union, p_max = block.union, gram.shape[0]
        starts = np.searchsorted(block.cols, self.res.first[union])
        single = block.cols.size == union.size  # one column per item: nothing to sum

        def per_item(x: np.ndarray, axis: int) -> np.ndarray:
            return x if single else np.add.reduceat(x, starts, axis=axis)

        rows = self.index[union]  # (n_u, p_max)
        free = [(p, np.flatnonzero(rows[:, p] >= 0)) for p in range(p_max)]
        free = [(p, ia) for p, ia in free if ia.size]
        for pa, ia in free:
            for pc, ic in free:
                summed = per_item(per_item(gram[pa, pc], 0), 1)
                self.matrix[np.ix_(rows[ia, pa], rows[ic, pc])] -= summed[np.ix_(ia, ic)]
        parts = [per_item(sbar[p], 1)[:, ia] for p, ia in free]
        self._add_outer(np.concatenate([rows[ia, p] for p, ia in free]),
                        np.concatenate([*parts, w @ self.t], axis=1))

    def _add_outer(self, item_rows: np.ndarray, sbar: np.ndarray) -> None:
        """``+ Σ_i s̄_i s̄_iᵀ`` for item rows ``item_rows`` followed by the latent rows."""
        n = self.matrix.shape[0]
        targets = np.concatenate([item_rows, np.arange(n - self.n_latent, n)])
        self.matrix[np.ix_(targets, targets)] += sbar.T @ sbar


@dataclass
class _Block:
    """Dense residual data of one block: its residual columns ``cols`` and, per person,
    ``presence`` and ``observed`` 0/1 indicators ``(n, n_l)``, posterior ``w`` ``(n, Q)``."""

    res: Residuals
    union: np.ndarray
    cols: np.ndarray
    presence: np.ndarray
    observed: np.ndarray
    w: np.ndarray
    # (Σ_q W θ^m for m = 0, 1, 2; A₀; A₁) of the canonical columns, left by _moment_grams
    _canonical_products: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None

    @property
    def probs(self) -> np.ndarray:
        return self.res.probs[self.cols]

    @classmethod
    def build(cls, res: Residuals, w: np.ndarray, local: np.ndarray, item: np.ndarray,
              score: np.ndarray) -> _Block | None:
        est = res.first[item] >= 0
        if not est.all():
            local, item, score = local[est], item[est], score[est]
        if item.size == 0:
            return None
        seen = np.zeros(res.first.size, dtype=bool)
        seen[item] = True
        union = np.flatnonzero(seen)
        cols = np.concatenate([np.arange(res.first[j], res.first[j] + res.count[j])
                               for j in union])
        where = np.full(res.item.size, -1, dtype=np.int64)
        where[cols] = np.arange(cols.size)
        n_l = cols.size
        start = local * n_l + where[res.first[item]]  # flat index of each item's first column
        presence = np.zeros(w.shape[0] * n_l)
        observed = np.zeros(w.shape[0] * n_l)
        count = res.count[item]
        presence[start] = 1.0
        for c in range(1, int(count.max())):
            presence[start[c < count] + c] = 1.0
        hit = score > 0
        observed[start[hit] + score[hit] - 1] = 1.0
        presence, observed = presence.reshape(-1, n_l), observed.reshape(-1, n_l)
        return cls(res, union, cols, presence, observed, w)

    def mean_scores(self) -> np.ndarray:
        """``s̄`` per parameter, person and residual column, ``(p_max, n, n_l)`` (summed per
        item later): ``Σ_q W_iq b_c(q) R_ic(q) = O ∘ (W bᵀ) − M ∘ (W (b∘P)ᵀ)``. Canonical
        columns reuse the products of :meth:`_moment_grams` (run first): with
        ``b = u + θv``, ``W bᵀ`` is ``u·ΣW + v·(Wθ)`` and ``M ∘ (W (b∘P)ᵀ)`` is ``u·A₀ + v·A₁``."""
        b = self.res.b[self.cols]  # (n_l, Q, p)
        out = np.zeros((b.shape[2], self.w.shape[0], self.cols.size))
        canon = np.flatnonzero(self.res.canonical[self.cols])
        other = np.flatnonzero(~self.res.canonical[self.cols])
        if canon.size:
            assert self._canonical_products is not None, "expected_outer runs first"
            d, a0, a1 = self._canonical_products
            obs = self.observed[:, canon]
            u, v = self.res.u[self.cols[canon]], self.res.v[self.cols[canon]]  # (L, p)
            for p in np.flatnonzero(np.abs(b[canon]).max(axis=(0, 1)) > 0):
                part = obs * (d[:, :1] * u[:, p] + d[:, 1:2] * v[:, p])
                part -= a0 * u[:, p]
                part -= a1 * v[:, p]
                if other.size:
                    out[p][:, canon] = part
                else:
                    out[p] = part
        if other.size:
            probs = self.probs[other]
            obs, pres = self.observed[:, other], self.presence[:, other]
            for p in np.flatnonzero(np.abs(b[other]).max(axis=(0, 1)) > 0):
                out[p][:, other] = (obs * (self.w @ b[other, :, p].T)
                                    - pres * (self.w @ (b[other, :, p] * probs).T))
        return out

    def expected_outer(self, nodes: np.ndarray, runs: np.ndarray) -> np.ndarray:
        """``Σ_i Σ_q W_iq b(q) R_i(q) R_i(q)ᵀ b(q)ᵀ`` per residual-column pair and parameter
        pair, ``(p_max, p_max, n_l, n_l)``."""
        res, p_max = self.res, self.res.b.shape[2]
        n_l = self.cols.size
        gram = np.zeros((p_max, p_max, n_l, n_l))
        canon = np.flatnonzero(res.canonical[self.cols])
        other = np.flatnonzero(~res.canonical[self.cols])
        if canon.size:
            moments = self._moment_grams(canon, nodes, runs)
            u, v = res.u[self.cols[canon]], res.v[self.cols[canon]]
            part = (_outer(u, u, moments[0]) + _outer(u, v, moments[1])
                    + _outer(v, u, moments[1]) + _outer(v, v, moments[2]))
            gram[:, :, canon[:, None], canon[None, :]] = part
        if other.size:
            self._per_node(gram, canon, other)
        return gram

    def _moment_grams(self, canon: np.ndarray, nodes: np.ndarray,
                      runs: np.ndarray) -> list[np.ndarray]:
        """``Σ_q θ_q^m K_q`` on the canonical columns for m = 0, 1, 2 (module docstring):
        ``OᵀD_mO − OᵀA_m − A_mᵀO + T_m`` with ``D_m = diag(Σ_q W θ^m)``,
        ``A_m = M ∘ (W θ^m Pᵀ)`` and ``T_m`` the presented-pairs term, per run of persons.
        The three moments share three products (stacked side by side)."""
        obs, pres = self.observed[:, canon], self.presence[:, canon]
        probs = self.probs[canon]  # (L, Q)
        n, size = obs.shape
        powers = nodes[None, :] ** np.arange(3)[:, None]  # (3, Q)
        d = self.w @ powers.T  # (n, 3): Σ_q W θ^m
        a = self.w @ (powers[:, None, :] * probs[None]).reshape(3 * size, -1).T  # (n, 3L)
        if not pres.all():  # a booklet's persons all saw its items
            a *= np.tile(pres, 3)
        gram = ((obs[:, None, :] * d[:, :, None]).reshape(n, 3 * size).T @ obs)  # (3L, L)
        cross = obs.T @ a  # (L, 3L)
        run_mass = np.add.reduceat(self.w, runs, axis=0)  # (n_runs, Q)
        seen = [np.flatnonzero(pres[lo]) for lo in runs]
        out = []
        for m in range(3):
            part = slice(m * size, (m + 1) * size)
            moment = gram[part] - cross[:, part] - cross[:, part].T
            for k, cols in enumerate(seen):
                if cols.size:
                    pk = probs[cols]
                    moment[np.ix_(cols, cols)] += (pk * (run_mass[k] * powers[m])) @ pk.T
            out.append(moment)
        self._canonical_products = (d, np.ascontiguousarray(a[:, :size]),
                                    np.ascontiguousarray(a[:, size:2 * size]))
        return out

    def _per_node(self, gram: np.ndarray, canon: np.ndarray, other: np.ndarray) -> None:
        """The pairs that involve a non-canonical (3PL, GRM) column, node by node."""
        b = self.res.b[self.cols]
        probs = self.probs
        for q in np.flatnonzero(self.w.max(axis=0) > EPS_W):
            keep = np.flatnonzero(self.w[:, q] > EPS_W)
            r = self.observed[keep] - self.presence[keep] * probs[:, q]
            k = (r * self.w[keep, q][:, None]).T @ r[:, other]  # (n_l, n_other)
            part = _outer(b[:, q, :], b[other, q, :], k)  # (p, p, n_l, n_other)
            gram[:, :, :, other] += part
            if canon.size:
                gram[:, :, other[:, None], canon[None, :]] += part[:, :, canon, :].transpose(
                    1, 0, 3, 2)


def _outer(x: np.ndarray, y: np.ndarray, k: np.ndarray) -> np.ndarray:
    """``out[p, r, a, c] = x[a, p] · y[c, r] · k[a, c]``."""
    return x.T[:, None, :, None] * y.T[None, :, None, :] * k[None, None]
