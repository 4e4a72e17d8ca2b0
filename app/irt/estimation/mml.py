"""Marginal maximum likelihood by EM (Bock & Aitkin, 1981) for Rasch, 2PL, 3PL, GPCM, PCM, GRM.

The marginal likelihood of person ``i``'s responses ``y_i`` integrates the latent ability over a
normal population on a fixed quadrature grid ``x_q`` with masses ``π_q(μ, σ)``:

    L_i = Σ_q π_q Π_{j presented to i} P_j(y_ij | x_q).

EM alternates an E-step (posterior ``W_iq ∝ π_q Π_j P_j(y_ij | x_q)`` and expected counts
``r_jkq = Σ_i W_iq·1[y_ij = k]``, see :mod:`.estep`) and an M-step (Fisher scoring of every item on
its counts, see :mod:`.mstep`; μ and σ, when free, become the mean and SD of the posterior mass).

Identification (``latent``): ``"fixed"`` holds the population at N(mean, sd²) — the reference
calibration, N(0, 1); ``"free_sd"`` estimates σ with μ fixed (the Rasch/PCM convention of mirt
and TAM, where slopes are fixed at 1); ``"free"`` estimates μ and σ and needs anchors, whose
fixed parameters carry the bank's scale (fixed-parameter calibration). ``"auto"`` is ``"free"``
with anchors, ``"free_sd"`` without anchors when every estimated item is Rasch or PCM (fixing σ
at 1 there would shrink every difficulty whenever the population's SD is not 1), and
``"fixed"`` otherwise.

The quadrature follows the population: by default 61 equally spaced nodes on μ ± 6σ. When μ or
σ are estimated, EM runs to convergence, the grid is re-centred on the estimates, and EM goes on
until the grid and the estimates agree (a few rounds at most), so a narrow or shifted
population is integrated as finely as N(0, 1) is.

Priors: 3PL items are estimated Bayes modal (MAP) by default — lognormal slopes, Beta lower
asymptotes, normal difficulties; every other model is maximum likelihood unless priors are
asked for. :attr:`MMLEstimator.method_` names what was done, priors included.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from typing import Literal

import numpy as np

from app.irt.estimation.accelerate import squarem
from app.irt.estimation.estep import EStep
from app.irt.estimation.layout import ItemLayout
from app.irt.estimation.mstep import fisher_scoring
from app.irt.estimation.mstep_dichotomous import DichotomousFamily
from app.irt.estimation.quadrature import Quadrature, centred
from app.irt.estimation.responses import ResponseMatrix
from app.irt.estimation.setup import ItemSetup, resolve_items
from app.irt.estimation.standard_errors import observed_information, standard_errors
from app.irt.estimation.threads import single_threaded_blas
from app.irt.parameters import ItemParameters

SE_METHOD = "observed information (Oakes' identity, full matrix)"
STRICT_TOL = 1e-6
_REGRID_ROUNDS = 5
_MIN_GRID_SD = 0.1  # a grid never narrower than ±0.6 logits, even if σ̂ collapses

Latent = Literal["auto", "fixed", "free_sd", "free"]
Callback = Callable[[int, float, float], None]


class MMLEstimator:
    """Bock–Aitkin MML-EM item calibration (sklearn-style: ``fit`` returns ``self``).

    Args:
        model: one model for every estimated item, or one per item (mixed calibration).
        quadrature: a fixed grid; default: 61 equally spaced nodes on μ ± 6σ that follow the
            estimated population (see the module docstring).
        latent: identification, see the module docstring.
        mean, sd: the population's fixed values (or starting values when free).
        max_iter, tol: EM stops when no reported parameter (a, b, c, steps, μ, σ) moves more
            than ``tol`` in an iteration.
        a_prior: ``(mean, sd)`` of a lognormal prior on slopes of estimated items; ``"auto"``
            uses ``(0, 0.5)`` on 3PL items only; None for none.
        c_prior: Beta ``(α, β)`` prior on 3PL lower asymptotes (default (5, 17)); None for none.
        b_prior: normal ``(mean, sd)`` prior on 3PL difficulties (default (0, 3)), which stops
            ``b`` running off for items far too hard or easy for the sample; None for none.
        standard_errors: compute standard errors from the observed information
            (see :mod:`.standard_errors`).
        precision: ``"single"`` (float32 E-step products, about twice as fast) or ``"double"``.
        strict: float64 throughout and a tolerance of at most 1e-6 (for reference results).
        accelerate: SQUAREM extrapolation of the EM steps (see :mod:`.accelerate`).
        n_threads: E-step threads (default: all CPUs).
        callback: called after every iteration with ``(iteration, log_likelihood, max_change)``.

    Fitted attributes: ``params_`` (:class:`ItemParameters` with ``se``, NaN for fixed
    values), ``mean_``, ``sd_`` and their SEs ``mean_se_``, ``sd_se_`` (NaN when fixed),
    ``method_`` (estimation method and priors in words), ``se_method_``,
    ``information_ok_`` (False: the information was not positive definite and SEs come from a
    pseudo-inverse), ``n_iter_`` (E-steps), ``converged_``, ``log_likelihood_``
    (``(n_iter_,)``: marginal log-likelihood, plus log priors of MAP items, at each E-step's
    point — SQUAREM's rejected trial jumps show as dips), ``max_change_`` (largest move of a
    reported parameter in the last EM step), ``item_ids_``, ``n_persons_`` (persons with at
    least one response), ``anchors_used_``.
    """

    def __init__(self, model: str | Sequence[str] = "2pl", *, quadrature: Quadrature | None = None,
                 latent: Latent = "auto", mean: float = 0.0, sd: float = 1.0,
                 max_iter: int = 500, tol: float = 1e-4,
                 a_prior: tuple[float, float] | Literal["auto"] | None = "auto",
                 c_prior: tuple[float, float] | None = (5.0, 17.0),
                 b_prior: tuple[float, float] | None = (0.0, 3.0),
                 standard_errors: bool = True, precision: Literal["single", "double"] = "single",
                 strict: bool = False, accelerate: bool = True, n_threads: int | None = None,
                 callback: Callback | None = None) -> None:
        self.model = model
        self.quadrature = quadrature
        self.latent = latent
        self.mean = mean
        self.sd = sd
        self.max_iter = max_iter
        self.tol = tol
        self.a_prior = a_prior
        self.c_prior = c_prior
        self.b_prior = b_prior
        self.standard_errors = standard_errors
        self.precision = precision
        self.strict = strict
        self.accelerate = accelerate
        self.n_threads = n_threads
        self.callback = callback

    def fit(self, responses: ResponseMatrix | np.ndarray, item_ids: Sequence[str] | None = None,
            anchors: ItemParameters | None = None) -> MMLEstimator:
        """Calibrate; see :meth:`_fit` (BLAS is single-threaded meanwhile: our threads do the
        parallel work, see :mod:`.threads`)."""
        with single_threaded_blas():
            return self._fit(responses, item_ids, anchors)

    def _fit(self, responses: ResponseMatrix | np.ndarray, item_ids: Sequence[str] | None,
             anchors: ItemParameters | None) -> MMLEstimator:
        """Calibrate on ``responses`` ``(n_persons, n_items)`` (NaN / absent = not presented).

        ``anchors`` holds fixed parameters for some of ``item_ids`` (matched by id); the others
        are estimated on the anchors' scale.
        """
        data = responses if isinstance(responses, ResponseMatrix) else (
            ResponseMatrix.from_dense(np.asarray(responses, dtype=float)))
        ids = [str(j) for j in (item_ids if item_ids is not None else range(data.n_items))]
        if len(ids) != data.n_items:
            raise ValueError(f"{len(ids)} item ids for {data.n_items} items")
        setup = resolve_items(data, ids, self.model, anchors)
        mode = self._latent_mode(setup.models, setup.anchor_positions)
        layout = self._layout_for(setup, data)
        active = data.take_persons(data.responses_per_person() > 0)
        double = self.strict or self.precision == "double"
        # booklets dense, rare item sets sparse, in our own threads with single-threaded BLAS
        # (waking BLAS threads for every small product costs more than the product itself on
        # a busy 2-core machine)
        estep = EStep.from_responses(active, layout.offsets, layout.n_columns,
                                     np.float64 if double else np.float32, self.n_threads)
        try:
            self._fit_latent(layout, estep, mode)
            params = layout.parameters(ids)
            self.mean_se_ = self.sd_se_ = float("nan")
            self.se_method_: str | None = None
            self.information_ok_ = True
            if self.standard_errors:
                self._standard_errors(layout, active, mode, params)
        finally:
            estep.close()
        self._layout = layout
        self.params_, self.item_ids_, self.n_persons_ = params, ids, active.n_persons
        self.anchors_used_ = [ids[j] for j in setup.anchor_positions]
        self.latent_ = mode
        self.method_ = describe_method(layout, self._priors(setup.models)[0], self.c_prior,
                                       self.b_prior)
        return self

    def _fit_latent(self, layout: ItemLayout, estep: EStep, mode: str) -> None:
        """EM, re-centring the default grid on the estimated population until they agree."""
        self.mean_, self.sd_ = float(self.mean), float(self.sd)
        self.quadrature_ = self.quadrature or centred(self.mean_, self.sd_)
        iterations, trace = 0, []
        self._counter = itertools.count(1)  # E-steps over all rounds, for the callback
        for _ in range(_REGRID_ROUNDS):
            n_iter, objective = self._run_em(layout, estep, mode)
            iterations += n_iter
            trace.append(objective)
            if self.quadrature is not None or mode == "fixed":
                break
            grid = centred(self.mean_, max(self.sd_, _MIN_GRID_SD))
            if _same_grid(grid, self.quadrature_):
                break
            self.quadrature_ = grid
        self.n_iter_: int = iterations
        self.log_likelihood_: np.ndarray = np.concatenate(trace)

    def _standard_errors(self, layout: ItemLayout, active: ResponseMatrix, mode: str,
                         params: ItemParameters) -> None:
        free = (mode == "free", mode in ("free", "free_sd"))
        info = observed_information(layout, active, self.quadrature_, self.mean_, self.sd_,
                                    free, self.n_threads)
        params.se, latent_se, self.information_ok_ = standard_errors(layout, info)
        self.mean_se_ = latent_se.get("mean", float("nan"))
        self.sd_se_ = latent_se.get("sd", float("nan"))
        names = " and ".join(n for n, f in zip(("μ", "σ"), free, strict=True) if f)
        self.se_method_ = SE_METHOD + (f" with {names}" if names else "")

    def _layout_for(self, setup: ItemSetup, data: ResponseMatrix) -> ItemLayout:
        """Families and columns with starting values; anchors fixed at their parameters."""
        layout = ItemLayout(setup.models, setup.n_cat, *self._priors(setup.models),
                            c_prior=self.c_prior, b_prior=self.b_prior)
        layout.start(data.category_counts(int(setup.n_cat.max(initial=2))))
        if setup.anchor_params is not None:
            layout.fix(setup.anchor_positions, setup.anchor_params)
        return layout

    def _run_em(self, layout: ItemLayout, estep: EStep, mode: str) -> tuple[int, np.ndarray]:
        """EM (SQUAREM-accelerated) on the state ``[free ψ…, μ, σ]``; returns the number of
        E-steps and the objective at each."""
        nodes = self.quadrature_.nodes

        tol = min(self.tol, STRICT_TOL) if self.strict else self.tol

        def em_map(state: np.ndarray) -> tuple[np.ndarray, float, float]:
            layout.set_state(state[:-2])
            mean, sd = float(state[-2]), float(state[-1])
            before = np.concatenate([layout.reported(), [mean, sd]])
            exp = estep.expect(layout.log_p_columns(nodes), self.quadrature_.log_prior(mean, sd))
            objective = exp.log_likelihood + layout.log_prior()
            for blk in layout.blocks:
                counts = layout.block_counts(blk, exp.counts)
                blk.psi = fisher_scoring(blk.family, blk.psi, blk.free, counts, nodes)
            mean, sd = _update_latent(exp.node_mass, nodes, mean, sd, mode)
            after = np.concatenate([layout.reported(), [mean, sd]])
            change = float(np.max(np.abs(after - before), initial=0.0))
            if self.callback is not None:
                self.callback(next(self._counter), objective, change)
            return np.concatenate([layout.get_state(), [mean, sd]]), objective, change

        def feasible(state: np.ndarray) -> bool:
            layout.set_state(state[:-2])
            return bool(state[-1] > 0.05) and layout.feasible()

        start = np.concatenate([layout.get_state(), [self.mean_, self.sd_]])
        state, converged, trace = squarem(start, em_map, feasible, tol, self.max_iter,
                                          accelerate=self.accelerate)
        layout.set_state(state[:-2])
        self.mean_, self.sd_ = float(state[-2]), float(state[-1])
        self.converged_ = converged
        self.max_change_ = trace.change[-1] if trace.change else 0.0
        return len(trace.change), np.asarray(trace.objective)

    def _latent_mode(self, models: np.ndarray, anchor_positions: np.ndarray) -> str:
        mode = self.latent
        estimated = np.setdiff1d(np.arange(models.size), anchor_positions)
        slopes = ~np.isin(models[estimated], ("rasch", "pcm"))
        if mode == "auto":
            mode = "free" if anchor_positions.size else "fixed" if slopes.any() else "free_sd"
        if mode == "free" and anchor_positions.size == 0:
            raise ValueError("latent='free' needs anchor items to fix the scale")
        if mode == "free_sd" and anchor_positions.size == 0 and slopes.any():
            raise ValueError("latent='free_sd' without anchors needs every item Rasch or PCM "
                             "(estimated slopes and σ are not jointly identified)")
        if mode not in ("fixed", "free_sd", "free"):
            raise ValueError(f"unknown latent mode {mode!r}")
        return mode

    def _priors(self, models: np.ndarray) -> tuple[tuple[float, float] | None, np.ndarray]:
        if self.a_prior == "auto":
            return (0.0, 0.5), models == "3pl"
        return self.a_prior, ~np.isin(models, ("rasch", "pcm"))

    def eap(self, responses: ResponseMatrix | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """EAP ability and posterior SD per person, each ``(n_persons,)``, on the fitted items.

        Persons without responses get the population mean and SD.
        """
        data = responses if isinstance(responses, ResponseMatrix) else (
            ResponseMatrix.from_dense(np.asarray(responses, dtype=float)))
        layout, nodes = self._layout, self.quadrature_.nodes
        indicator = data.indicator(layout.offsets, layout.n_columns, sparse=True)
        estep = EStep.from_indicator(indicator, np.float64, self.n_threads)
        theta, sd = np.empty(data.n_persons), np.empty(data.n_persons)
        log_prior = self.quadrature_.log_prior(self.mean_, self.sd_)
        for persons, post in estep.posteriors(layout.log_p_columns(nodes), log_prior):
            mean = post @ nodes
            theta[persons] = mean
            sd[persons] = np.sqrt(np.maximum(post @ nodes**2 - mean**2, 0.0))
        estep.close()
        return theta, sd


def _update_latent(mass: np.ndarray, nodes: np.ndarray, mean: float, sd: float,
                   mode: str) -> tuple[float, float]:
    """EM update of μ and σ: the mean and SD of the posterior mass ``(n_nodes,)`` on the grid."""
    if mode == "fixed":
        return mean, sd
    total = mass.sum()
    if mode == "free":
        mean = float(mass @ nodes / total)
    sd = float(np.sqrt(mass @ (nodes - mean) ** 2 / total))
    return mean, sd


def _same_grid(a: Quadrature, b: Quadrature) -> bool:
    """Whether two centred grids differ by less than 2% of their spread in centre and width."""
    centre_a, centre_b = a.nodes.mean(), b.nodes.mean()
    width_a, width_b = np.ptp(a.nodes), np.ptp(b.nodes)
    return bool(abs(centre_a - centre_b) < 0.02 * width_b / 12
                and abs(width_a / width_b - 1.0) < 0.02)


def describe_method(layout: ItemLayout, a_prior: tuple[float, float] | None,
                    c_prior: tuple[float, float] | None,
                    b_prior: tuple[float, float] | None) -> str:
    """"maximum likelihood" or "Bayes modal (MAP) with priors …": what was estimated how."""
    priors = []
    for blk in layout.blocks:
        estimated = blk.free.any(axis=1)
        fam = blk.family
        slopes = estimated & fam.a_prior_mask & blk.free[:, 0]
        if a_prior is not None and slopes.any():
            models = sorted({str(m).upper() for m in fam.models[slopes]})
            priors.append(f"log a ~ N({_g(a_prior[0])}, {_g(a_prior[1])}²) on "
                          f"{'/'.join(models)} slopes")
        if isinstance(fam, DichotomousFamily) and (estimated & fam.is_3pl).any():
            if c_prior is not None:
                priors.append(f"c ~ Beta({_g(c_prior[0])}, {_g(c_prior[1])}) on 3PL items")
            if b_prior is not None:
                priors.append(f"b ~ N({_g(b_prior[0])}, {_g(b_prior[1])}²) on 3PL items")
    if not priors:
        return "maximum likelihood"
    return "Bayes modal (MAP) with priors " + "; ".join(dict.fromkeys(priors))


def _g(value: float) -> str:
    return f"{value:g}"
