"""The Individual Learning Pathway: quadrants, what next, flags and the rendered page."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date
from typing import Any

from app.calibration.scale import demo_scale
from app.delivery.results import Flag
from app.reports.data import demo_norms
from app.reports.individual import (
    IndividualView,
    build_individual,
    level_text,
    render_individual_html,
    time_of_year,
)
from tests.reports.builders import item, result


def view_of(**kwargs: Any) -> IndividualView:
    """The pathway of a hand-made result."""
    return build_individual(result(**kwargs), demo_scale(), demo_norms())


def test_quadrants_list_the_objectives_behind_their_items() -> None:
    view = view_of()
    quads = {q.name: q for q in view.quadrants}
    assert [q.name for q in view.quadrants] == ["Achieved", "Strengths", "Gaps",
                                                "To be achieved"]
    assert [o.code for o in quads["Achieved"].objectives] == ["ST3-1", "NA3-1"]  # easiest first
    assert [o.code for o in quads["Gaps"].objectives] == ["GM3-1", "NA3-3"]
    fractions = next(o for o in quads["To be achieved"].objectives if o.code == "NA4-2")
    assert fractions.items == ("M106", "M108") and fractions.easiest == 1530
    assert "check these first" in quads["Gaps"].meaning


def test_what_next_is_to_be_achieved_then_gaps_each_objective_once() -> None:
    items = (item("A", "NA3-3", "Gaps", 1450), item("B", "NA4-2", "To be achieved", 1560),
             item("C", "ST4-2", "To be achieved", 1510), item("D", "NA4-2", "Gaps", 1470),
             item("E", "NA3-1", "Achieved", 1400))
    view = view_of(items=items)
    assert [(s.code, s.quadrant) for s in view.next_steps] == [
        ("ST4-2", "To be achieved"), ("NA4-2", "To be achieved"), ("NA3-3", "Gaps")]
    assert view.items_right == 1 and view.items_total == 5


def test_flags_are_spelled_out_and_shown_first() -> None:
    view = view_of(flags=(Flag.RAPID_GUESSING, Flag.FEW_CORRECT))
    assert view.flags[0].startswith("Rapid guessing") and "Fewer than 3" in view.flags[1]
    html = render_individual_html(view)
    assert html.index("Read this result with care") < html.index("Where the score sits")


def test_page_shows_the_key_figures() -> None:
    view = view_of(score=1480, attitude=2.3)
    html = render_individual_html(view)
    for text in ("Aroha Ngata", "1480", "± 18", "4B", "Level 4 Basic (4B)", "Year 6",
                 "2.3 out of 3: mostly positive", "What next",
                 "Compare distributions using summary statistics", "Geometry and measurement",
                 "+31 ± 26: above", "/static/report.css"):
        assert text in html, text
    assert "Year 6 students at the start of the year average 1466" in html


def test_charts_are_well_formed_and_labelled() -> None:
    view = view_of()
    for svg in (view.score_chart, view.profile_chart):
        root = ET.fromstring(str(svg))
        assert root.get("role") == "img"
    assert "Aroha Ngata: 1480 ± 18 (4B)" in view.score_chart
    assert "Year 6 norm: mean 1466" in view.score_chart


def test_all_correct_and_no_subscores_degrade_gracefully() -> None:
    items = (item("E", "NA3-1", "Achieved", 1400),)
    view = build_individual(result(items=items, attitude=None, subscores=False), demo_scale(),
                            demo_norms())
    html = render_individual_html(view)
    assert view.next_steps == () and view.profile_chart is None
    assert "set a harder test" in html and "Not asked" in html


def test_helpers() -> None:
    assert level_text("3P") == "Level 3 Proficient (3P)" and level_text("below 2B") == "below 2B"
    assert time_of_year(date(2026, 3, 1)) == "start" and time_of_year(date(2026, 10, 1)) == "end"
