"""How the items of a (possibly mixed-model) calibration map onto families and columns.

Item ``j`` with ``m_j`` categories owns indicator columns ``offsets[j] … offsets[j] + m_j − 1``
(one per score). Items are grouped into families — dichotomous (Rasch/2PL/3PL), GPCM/PCM and
GRM — that the M-step updates together; each family block holds its internal parameters ``ψ``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.irt.estimation.mstep import ItemFamily
from app.irt.estimation.mstep_dichotomous import DichotomousFamily
from app.irt.estimation.mstep_gpcm import GpcmFamily
from app.irt.estimation.mstep_grm import GrmFamily
from app.irt.parameters import ItemParameters

FAMILIES = {"dichotomous": ("rasch", "2pl", "3pl"), "gpcm": ("gpcm", "pcm"), "grm": ("grm",)}


@dataclass
class FamilyBlock:
    """The items of one family: global ``items`` ``(n_g,)``, internal ``psi`` ``(n_g, n_par)``.

    ``cols`` ``(n_g, K)`` is the indicator column of each (item, category), −1 where the item
    has fewer categories; ``free`` ``(n_g, n_par)`` marks estimated parameters.
    """

    family: ItemFamily
    items: np.ndarray
    cols: np.ndarray
    psi: np.ndarray
    free: np.ndarray


class ItemLayout:
    """Families and indicator columns for ``n_items`` items.

    Args:
        models: model per item ``(n_items,)``.
        n_cat: categories per item ``(n_items,)``.
        a_prior: ``(mean, sd)`` of a lognormal slope prior, applied where ``a_prior_mask``.
        c_prior: Beta ``(α, β)`` prior on 3PL lower asymptotes (None: no prior).
        b_prior: normal ``(mean, sd)`` prior on 3PL difficulties (None: no prior).
    """

    def __init__(self, models: np.ndarray, n_cat: np.ndarray,
                 a_prior: tuple[float, float] | None, a_prior_mask: np.ndarray,
                 c_prior: tuple[float, float] | None,
                 b_prior: tuple[float, float] | None = (0.0, 3.0)) -> None:
        self.models = np.asarray(models, dtype=object)
        self.n_cat = np.asarray(n_cat, dtype=int)
        self.n_items = self.models.size
        self.offsets = np.concatenate([[0], np.cumsum(self.n_cat)[:-1]]).astype(np.int64)
        self.n_columns = int(self.n_cat.sum())
        self.blocks: list[FamilyBlock] = []
        for name, members in FAMILIES.items():
            items = np.nonzero(np.isin(self.models, members))[0]
            if items.size == 0:
                continue
            args = (self.models[items], self.n_cat[items], a_prior, a_prior_mask[items])
            family: ItemFamily = (DichotomousFamily(*args, c_prior=c_prior, b_prior=b_prior)
                                  if name == "dichotomous" else
                                  GpcmFamily(*args) if name == "gpcm" else GrmFamily(*args))
            k = np.arange(family.n_k)
            cols = np.where(family.valid, self.offsets[items][:, None] + k, -1)
            empty = np.zeros((items.size, family.n_par))
            self.blocks.append(FamilyBlock(family, items, cols, empty, family.free_mask()))

    def start(self, counts: np.ndarray) -> None:
        """Starting values from category counts ``(n_items, max_cat)``."""
        for blk in self.blocks:
            blk.psi = blk.family.start(counts[blk.items, : blk.family.n_k])

    def fix(self, items: np.ndarray, params: ItemParameters) -> None:
        """Set items at global positions ``items`` to ``params`` (same order) and fix them."""
        where = {int(j): i for i, j in enumerate(items)}
        for blk in self.blocks:
            local = np.array([n for n, j in enumerate(blk.items) if int(j) in where], dtype=int)
            if local.size == 0:
                continue
            sub = params.subset([where[int(blk.items[n])] for n in local])
            steps = np.full((local.size, blk.family.n_k), np.nan)
            width = min(sub.steps.shape[1], steps.shape[1])
            steps[:, :width] = sub.steps[:, :width]
            blk.psi[local] = _from_params(blk.family, local, sub.a, sub.b, sub.c, steps)
            blk.free[local] = False

    def log_p_columns(self, theta: np.ndarray) -> np.ndarray:
        """``log P(X_j = k | θ_q)`` for every indicator column, ``(n_columns, n_nodes)``."""
        out = np.empty((self.n_columns, theta.size))
        for blk in self.blocks:
            logp = blk.family.log_probs(blk.psi, theta).transpose(0, 2, 1)  # (n_g, K, Q)
            ok = blk.cols >= 0
            out[blk.cols[ok]] = logp[ok]
        return out

    def block_counts(self, blk: FamilyBlock, counts: np.ndarray) -> np.ndarray:
        """Expected counts of a block's items, ``(n_g, n_nodes, K)``, from ``(n_columns, Q)``."""
        out = np.zeros(blk.cols.shape + (counts.shape[1],))
        ok = blk.cols >= 0
        out[ok] = counts[blk.cols[ok]]
        return out.transpose(0, 2, 1)

    def get_state(self) -> np.ndarray:
        """The free internal parameters of all blocks as one vector (for EM acceleration)."""
        parts = [blk.psi[blk.free] for blk in self.blocks]
        return np.concatenate(parts) if parts else np.zeros(0)

    def set_state(self, state: np.ndarray) -> None:
        """Inverse of :meth:`get_state`."""
        start = 0
        for blk in self.blocks:
            n = int(blk.free.sum())
            blk.psi = blk.psi.copy()
            blk.psi[blk.free] = state[start:start + n]
            start += n

    def feasible(self) -> bool:
        """Whether every block's ψ satisfies its constraints (a > 0, 0 ≤ c < 1, GRM order)."""
        return all(bool(blk.family.feasible(blk.psi).all()) for blk in self.blocks)

    def log_prior(self) -> float:
        """Sum of the log priors of the free items."""
        return float(sum(blk.family.log_prior(blk.psi)[0][blk.free.any(axis=1)].sum()
                         for blk in self.blocks))

    def reported(self) -> np.ndarray:
        """Reported parameters of all free items concatenated (for convergence checks)."""
        parts = [np.where(b.free, b.family.reported(b.psi), 0.0).ravel() for b in self.blocks]
        return np.nan_to_num(np.concatenate(parts)) if parts else np.zeros(0)

    def parameters(self, item_ids: list[str]) -> ItemParameters:
        """The current estimates as :class:`ItemParameters` (standard errors not included)."""
        poly = ~np.isin(self.models, FAMILIES["dichotomous"])
        width = int(self.n_cat[poly].max(initial=1)) - 1
        a = np.ones(self.n_items)
        b = np.full(self.n_items, np.nan)
        c = np.zeros(self.n_items)
        steps = np.full((self.n_items, width), np.nan)
        for blk in self.blocks:
            values = blk.family.to_parameters(blk.psi)
            a[blk.items] = values["a"]
            if "b" in values:
                b[blk.items], c[blk.items] = values["b"], values["c"]
            else:
                steps[blk.items, : values["steps"].shape[1]] = values["steps"]
        return ItemParameters(list(item_ids), self.models.copy(), a, b, c, steps)


def _from_params(family: ItemFamily, local: np.ndarray, a: np.ndarray, b: np.ndarray,
                 c: np.ndarray, steps: np.ndarray) -> np.ndarray:
    """ψ rows for the items at ``local`` positions of ``family`` from reported parameters."""
    full_a = np.ones(family.n)
    full_b = np.zeros(family.n)
    full_c = np.zeros(family.n)
    full_steps = np.zeros((family.n, family.n_k))
    full_a[local], full_b[local], full_c[local] = a, np.nan_to_num(b), c
    full_steps[local] = np.nan_to_num(steps)
    return family.from_parameters(full_a, full_b, full_c, full_steps)[local]
