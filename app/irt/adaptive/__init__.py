"""Adaptive testing cores: item-level CAT (shadow tests, exposure control, stopping) and
multistage tests (panels, routing), with simulation.

numpy/scipy only, like the rest of :mod:`app.irt`. The integer programmes that assemble shadow
tests and MST panels live in :mod:`app.assembly` and plug in through
:class:`~app.irt.adaptive.selection.ShadowTest`.
"""

from app.irt.adaptive.cat import CATResult, simulate_cat
from app.irt.adaptive.exposure import EligibilityControl
from app.irt.adaptive.information import InformationTable
from app.irt.adaptive.metrics import Recovery, exposure_rates, overlap_rate, recovery
from app.irt.adaptive.mst import (
    MSTResult,
    Panel,
    information_cuts,
    route,
    simulate_mst,
)
from app.irt.adaptive.posterior import GridPosterior, LogProbabilities
from app.irt.adaptive.selection import (
    MaxInformationShadow,
    ShadowTest,
    closed_stimuli,
    next_item,
)
from app.irt.adaptive.stopping import StoppingRule

__all__ = [
    "CATResult", "EligibilityControl", "GridPosterior", "InformationTable", "LogProbabilities",
    "MSTResult", "MaxInformationShadow", "Panel", "Recovery", "ShadowTest", "StoppingRule",
    "closed_stimuli", "exposure_rates", "information_cuts", "next_item", "overlap_rate",
    "recovery", "route", "simulate_cat", "simulate_mst",
]
