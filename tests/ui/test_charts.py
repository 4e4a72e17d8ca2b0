"""SVG charts: accessible (title, description, labelled axes) and faithful to the data."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from app.ui.charts import Frame, line_chart, wright_map


def test_line_chart_is_accessible_and_escapes_text() -> None:
    svg = line_chart([-2, 0, 2], {"TIF": [1.0, 5.0, 2.0]}, chart_id="c1", title="TIF",
                     desc="A & B", x_label="Ability θ (logits)", y_label="Test information",
                     band=(-1, 1), marks=[(0.0, 5.0, "target 5")])
    root = ET.fromstring(svg)  # well-formed XML
    assert root.get("role") == "img" and root.get("aria-labelledby") == "c1-t c1-d"
    assert "A &amp; B" in svg and "Ability θ (logits)" in svg and "<circle" in svg


def test_line_chart_places_points_on_the_frame() -> None:
    svg = line_chart([0, 1], {"a": [0.0, 1.0]}, chart_id="c", title="t", desc="d",
                     x_label="x", y_label="y", y_range=(0.0, 1.0))
    frame = Frame(x_range=(0.0, 1.0), y_range=(0.0, 1.0))
    points = re.search(r'points="([^"]+)"', svg).group(1).split()  # type: ignore[union-attr]
    expected = [f"{frame.px(v):.1f},{frame.py(v):.1f}" for v in (0.0, 1.0)]
    assert points == expected
    assert frame.py(1.0) < frame.py(0.0)  # larger values are higher up


def test_wright_map_draws_every_person_bin_and_item() -> None:
    edges = [-2.0, -1.0, 0.0, 1.0, 2.0]
    svg = wright_map(edges, [1, 4, 3, 0], [-1.5, 0.2, 0.4], chart_id="w", title="Wright",
                     desc="persons and items")
    ET.fromstring(svg)
    assert svg.count("<rect") == 1 + 4 and svg.count("item at") == 3
    assert "4 persons between θ -1.0 and 0.0" in svg
