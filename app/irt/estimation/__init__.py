"""Item parameter estimation: marginal maximum likelihood by EM (Bock & Aitkin, 1981).

Response matrices are ``(n_persons, n_items)``, dense or scipy CSR (:class:`ResponseMatrix`).
:class:`MMLEstimator` calibrates Rasch, 2PL, 3PL, GPCM, PCM and GRM items (mixed in one run),
optionally anchored on fixed items; see :mod:`.mml` for identification and :mod:`.estep`,
:mod:`.mstep`, :mod:`.accelerate` and :mod:`.standard_errors` for the algorithm.
"""

from app.irt.estimation.mml import MMLEstimator
from app.irt.estimation.quadrature import Quadrature, gauss_legendre, rectangular
from app.irt.estimation.responses import ResponseMatrix

__all__ = ["MMLEstimator", "Quadrature", "ResponseMatrix", "gauss_legendre", "rectangular"]
