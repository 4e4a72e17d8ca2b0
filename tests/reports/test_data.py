"""Plain report data: the demo norms are consistent with the scale; cut scores map to sublevels."""

from __future__ import annotations

import itertools
from datetime import date

import numpy as np
import pytest

from app.calibration.scale import demo_scale
from app.reports.data import demo_norms


def test_demo_norms_mix_to_the_reference_population() -> None:
    norms = demo_norms()  # the illustrative norms of calibration, on the 1500 + 75θ scale
    assert norms.illustrative and "not a national sample" in norms.label
    rng = np.random.default_rng(7)
    cells = [norms.get(y, date(2026, m, 15)) for y in range(4, 11) for m in range(2, 13)]
    sample = np.concatenate([rng.normal(c.mean, c.sd, 5_000) for c in cells if c])
    assert abs(sample.mean() - 1500) < 3 and abs(sample.std() - 75) < 3  # θ ~ N(0, 1)


def test_demo_norms_grow_about_0_4_sd_a_year_more_when_younger() -> None:
    norms = demo_norms()
    growths = []
    for year in range(4, 10):
        this, nxt = norms.get(year), norms.get(year + 1)
        assert this is not None and nxt is not None
        growths.append((nxt.mean - this.mean) / this.sd)
    assert 0.38 < float(np.mean(growths)) < 0.42  # Hattie's hinge on average
    assert all(a > b for a, b in itertools.pairwise(growths))  # slowing with age
    assert norms.yearly_growth(6) == pytest.approx(
        norms.get(6, "end").mean - norms.get(6, "start").mean)  # type: ignore[union-attr]
    assert norms.get(3) is None and norms.yearly_growth(11) is None


def test_scale_maps_scores_to_sublevels() -> None:
    scale = demo_scale()
    assert scale.score(0.0) == 1500 and scale.score(1.0) == 1575
    assert scale.sublevel(1467) == "4B" and scale.sublevel(1466.9) == "3A"
    assert scale.sublevel(1200) == "below 2B" and scale.sublevel(2000) == "6A"
    bands = scale.bands()
    assert bands[0] == ("2B", 1307, 1333) and bands[-1][0] == "6A"
    assert all(a[2] == b[1] for a, b in itertools.pairwise(bands))
