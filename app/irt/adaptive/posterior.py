"""Ability on a quadrature grid, updated one answer at a time (EAP, posterior SD as SE).

An adaptive test needs an interim θ̂ after every answer. Holding each person's log-posterior on
fixed nodes ``θ_q`` makes an update cost O(n_nodes): add ``log P_i(x | θ_q)`` of the answered
item. With the same nodes and prior the estimate equals :func:`app.irt.scoring.score_eap` on
the answered items (checked in the tests), so interim and final scores agree.

Shapes: ``n_persons`` posteriors are held together, ``(n_persons, n_nodes)``.
"""

from __future__ import annotations

import numpy as np

from app.irt.models import category_probabilities
from app.irt.parameters import ItemParameters
from app.irt.scoring import normal_quadrature

_TINY = 1e-300


class LogProbabilities:
    """``log P(X_i = k | θ_q)`` of every item at every node, ``(n_items, n_nodes, n_cat)``."""

    def __init__(self, params: ItemParameters, nodes: np.ndarray) -> None:
        self.nodes = np.asarray(nodes, dtype=float)
        probs = category_probabilities(params, self.nodes)  # (n_nodes, n_items, n_cat)
        self.table = np.log(np.maximum(probs, _TINY)).transpose(1, 0, 2).copy()

    @classmethod
    def normal(cls, params: ItemParameters, mean: float = 0.0, sd: float = 1.0,
               n_points: int = 81) -> tuple[LogProbabilities, np.ndarray]:
        """The table on :func:`normal_quadrature` nodes, with the log prior weights."""
        nodes, weights = normal_quadrature(mean, sd, n_points)
        return cls(params, nodes), np.log(weights)


class GridPosterior:
    """Log-posteriors of ``n_persons`` persons on the nodes of a :class:`LogProbabilities`.

    Args:
        table: log category probabilities of the bank's items.
        log_prior: ``(n_nodes,)`` log prior weights (normalisation does not matter).
        n_persons: how many posteriors to hold.
    """

    def __init__(self, table: LogProbabilities, log_prior: np.ndarray, n_persons: int = 1) -> None:
        self.table = table
        self.log_post = np.tile(np.asarray(log_prior, dtype=float), (n_persons, 1))

    def update(self, items: np.ndarray | int, scores: np.ndarray | float,
               persons: np.ndarray | slice | int | None = None) -> None:
        """Add one answer per person: item position ``items[p]`` scored ``scores[p]``.

        ``persons`` picks which posteriors (default: all, in order).
        """
        who = slice(None) if persons is None else persons
        items = np.atleast_1d(np.asarray(items, dtype=int))
        scores = np.atleast_1d(np.asarray(scores, dtype=int))
        self.log_post[who] += self.table.table[items, :, scores]

    def weights(self) -> np.ndarray:
        """Normalised posterior weights on the nodes, ``(n_persons, n_nodes)``."""
        w = np.exp(self.log_post - self.log_post.max(axis=1, keepdims=True))
        return w / w.sum(axis=1, keepdims=True)

    def estimates(self) -> tuple[np.ndarray, np.ndarray]:
        """EAP θ and posterior SD, each ``(n_persons,)``."""
        w = self.weights()
        nodes = self.table.nodes
        theta = w @ nodes
        se = np.sqrt(np.maximum(w @ nodes**2 - theta**2, 0.0))
        return theta, se
