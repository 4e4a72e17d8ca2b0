"""Report charts: well-formed, labelled in words as well as colour, faithful to the data."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from app.calibration.scale import demo_scale
from app.ui.scale_charts import nice_range, profile_chart, quadrant_scatter, scale_strip


def test_nice_range_uses_round_steps() -> None:
    assert nice_range(1351, 1749, steps=8) == (1350.0, 1750.0, 50.0)
    assert nice_range(-3, 37) == (-10.0, 40.0, 20.0) or nice_range(-3, 37)[2] in (10.0, 20.0)


def test_scale_strip_shows_bands_norm_and_score_in_words() -> None:
    svg = scale_strip((1350, 1750), levels=demo_scale().bands(), chart_id="s", title="Score",
                      desc="d <&>", norm=("Year 6 norm", 1466, 58),
                      score=(1480, 18, "Aroha: 1480 ± 18 (4B)"))
    root = ET.fromstring(svg)
    assert root.get("aria-labelledby") == "s-t s-d" and "d &lt;&amp;&gt;" in svg
    assert ">4B</text>" in svg and ">Aroha: 1480 ± 18 (4B)</text>" in svg
    assert "Year 6 norm: mean 1466; two in three students 1408–1524" in svg
    assert ">1350</text>" in svg and ">1750</text>" in svg


def test_scale_strip_dot_plot_stacks_equal_scores() -> None:
    dots = [(1480.0, "A"), (1480.0, "B"), (1600.0, "C")]
    svg = scale_strip((1350, 1750), levels=demo_scale().bands(), chart_id="s", title="t",
                      desc="d", dots=dots)
    ET.fromstring(svg)
    ys = sorted(float(y) for y in re.findall(r'<circle cx="[^"]+" cy="([^"]+)"', svg))
    assert len(ys) == 3 and ys[0] < ys[1] == ys[2]  # A and B stacked; C on the baseline


def test_profile_chart_says_above_only_when_the_95_percent_interval_clears() -> None:
    svg = profile_chart([("Number", 30, 20), ("Geometry", -10, 20), ("Stats", -50, 20)],
                        reference="overall 1480", chart_id="p", title="Profile", desc="d")
    ET.fromstring(svg)
    assert "+30 ± 39: about the same" in svg  # one SE clears it, the 95% interval does not
    assert "-10 ± 39: about the same" in svg
    assert "-50 ± 39: below" in svg and "overall 1480" in svg


def test_quadrant_scatter_names_every_point_and_quadrant() -> None:
    corners = ("TL", "TR", "BL", "BR")
    svg = quadrant_scatter([(1480, 40, "Aroha"), (1520, 5, "Ben")], x_cut=1490, y_cut=23,
                           x_label="Achievement", y_label="Progress", corners=corners,
                           chart_id="q", title="t", desc="d")
    ET.fromstring(svg)
    assert all(f">{c}</text>" in svg for c in corners)
    assert ">Aroha</text>" in svg and "Ben: 1520, +5" in svg
