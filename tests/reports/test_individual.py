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
    assert fractions.items == ("M106 · 4B (about as hard as 4A)",
                               "M108 · 4B (about as hard as 5B)")
    assert fractions.easiest == 1530
    bars = next(o for o in quads["Achieved"].objectives if o.code == "ST3-1")
    assert bars.items == ("M102 · 3B",)  # written for 3B and measured there
    assert "check these first" in quads["Gaps"].meaning


def test_what_next_teaches_to_be_achieved_and_checks_gaps_each_objective_once() -> None:
    items = (item("A", "NA3-3", "Gaps", 1450), item("B", "NA4-2", "To be achieved", 1560),
             item("C", "ST4-2", "To be achieved", 1510), item("D", "NA4-2", "Gaps", 1470),
             item("E", "NA3-1", "Achieved", 1400))
    view = view_of(items=items)
    assert [s.code for s in view.what_next.teach] == ["ST4-2", "NA4-2"]
    assert [s.code for s in view.what_next.check] == ["NA3-3"]
    assert view.what_next.too_easy is None and view.what_next.all_right is None
    assert view.items_right == 1 and view.items_total == 5


def test_a_test_too_easy_says_so_instead_of_listing_slips_as_next_steps() -> None:
    items = (item("A", "NA3-1", "Achieved", 1400), item("B", "ST3-1", "Gaps", 1395),
             item("C", "GM3-1", "Achieved", 1390))
    view = view_of(items=items, score=1500, sublevel="4P")
    assert view.what_next.teach == () and [s.code for s in view.what_next.check] == ["ST3-1"]
    assert view.what_next.too_easy is not None and "around 4A" in view.what_next.too_easy
    html = render_individual_html(view)
    assert "cannot show what to teach next" in html and "Check first" in html
    assert "Teach next" not in html


def test_part_marks_are_counted_as_the_quadrants_count_them() -> None:
    """28 right and one with 1 of 2 marks: 29 of 29 right by the half-marks rule, and the
    page says part marks were given rather than "every item answered correctly"."""
    items = tuple(item(f"M{k}", "NA3-1", "Achieved", 1400) for k in range(28)) + (
        item("P", "NA3-3", "Achieved", 1410, score=1, max_score=2),)
    view = view_of(items=items, score=1500, sublevel="4P")
    assert (view.items_right, view.items_total, view.items_partial) == (29, 29, 1)
    assert view.what_next.all_right == ("Every item earned at least half its marks (1 with "
                                        "part marks).")
    html = render_individual_html(view)
    assert "Every item was answered correctly" not in html and "1 with part marks" in html


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
                 "+31 ± 51: about the same", "95% interval", "/static/report.css"):
        assert text in html, text
    six = demo_norms().get(6, date(2026, 3, 9))
    assert six is not None
    assert f"Year 6 students at the start of the year average {six.mean:.0f}" in html
    assert "Illustrative norms." in html and "not a national sample" in html


def test_charts_are_well_formed_and_labelled() -> None:
    view = view_of()
    for svg in (view.score_chart, view.profile_chart):
        root = ET.fromstring(str(svg))
        assert root.get("role") == "img"
    assert "Aroha Ngata: 1480 ± 18 (4B)" in view.score_chart
    six = demo_norms().get(6, date(2026, 3, 9))
    assert six is not None and f"Year 6 norm: mean {six.mean:.0f}" in view.score_chart


def test_all_correct_and_no_subscores_degrade_gracefully() -> None:
    items = (item("E", "NA3-1", "Achieved", 1400),)
    view = build_individual(result(items=items, attitude=None, subscores=False), demo_scale(),
                            demo_norms())
    html = render_individual_html(view)
    assert view.what_next.teach == () and view.profile_chart is None
    assert "give a test around 4P" in html and "Not asked" in html


def test_helpers() -> None:
    assert level_text("3P") == "Level 3 Proficient (3P)" and level_text("below 2B") == "below 2B"
    assert time_of_year(date(2026, 3, 1)) == "start" and time_of_year(date(2026, 10, 1)) == "end"
