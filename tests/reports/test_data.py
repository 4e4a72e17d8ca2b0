"""Plain report data: the demo norms are consistent with the scale; cut scores map to sublevels."""

from __future__ import annotations

import itertools

import numpy as np

from app.calibration.scale import demo_scale
from app.reports.data import demo_norms


def test_demo_norms_mix_to_the_reference_population() -> None:
    norms = demo_norms()
    rng = np.random.default_rng(7)
    sample = np.concatenate([rng.normal(c.mean, c.sd, 20_000) for c in norms.cells.values()])
    assert abs(sample.mean() - 1500) < 2 and abs(sample.std() - 75) < 2  # θ ~ N(0, 1)


def test_demo_norms_grow_by_about_0_4_sd_a_year() -> None:
    norms = demo_norms()
    for year in range(4, 10):
        this, nxt = norms.get(year), norms.get(year + 1)
        assert this is not None and nxt is not None
        assert abs((nxt.mean - this.mean) / this.sd - 0.40) < 0.01
        assert norms.yearly_growth(year) == nxt.mean - this.mean
    assert norms.get(3) is None and norms.yearly_growth(11) is None


def test_scale_maps_scores_to_sublevels() -> None:
    scale = demo_scale()
    assert scale.score(0.0) == 1500 and scale.score(1.0) == 1575
    assert scale.sublevel(1467) == "4B" and scale.sublevel(1466.9) == "3A"
    assert scale.sublevel(1200) == "below 2B" and scale.sublevel(2000) == "6A"
    bands = scale.bands()
    assert bands[0] == ("2B", 1307, 1333) and bands[-1][0] == "6A"
    assert all(a[2] == b[1] for a, b in itertools.pairwise(bands))
