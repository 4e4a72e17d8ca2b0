"""The class report: group pathway shares, what next, levels with names, empty state."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

import pytest

from app.calibration.scale import demo_scale
from app.delivery.results import Flag
from app.reports.data import demo_norms
from app.reports.group import build_class, class_profile, group_pathway, render_class_html
from tests.reports.builders import a_class, item, result


def test_group_pathway_shares_count_students_who_met_the_objective() -> None:
    lines = {p.code: p for p in group_pathway(a_class())}
    assert lines["NA4-2"].share == 1.0 and lines["NA4-2"].met == 6
    assert lines["NA3-3"].students == ("Aroha Ngata", "Ben Tui")
    assert lines["NA3-3"].share == pytest.approx(2 / 6)
    assert lines["ST4-2"].met == 5 and lines["ST4-2"].share == 0.0  # Fatima did not meet it
    assert [p.code for p in group_pathway(a_class())][:2] == ["NA4-2", "NA3-3"]


def test_what_next_splits_whole_class_and_small_groups() -> None:
    view = build_class(a_class(), demo_scale(), demo_norms(), class_name="Room 12")
    assert [p.code for p in view.whole_class] == ["NA4-2"]
    assert [p.code for p in view.small_groups] == ["NA3-3"]
    assert view.flagged == (("Dana Fifita", "Rapid guessing"),)
    assert view.year_level == 6 and view.n == 6


def test_levels_list_names_from_the_highest_sublevel() -> None:
    view = build_class(a_class(), demo_scale(), demo_norms(), class_name="Room 12")
    assert [(row.sublevel, row.names) for row in view.levels] == [
        ("4A", ("Eru Parata",)), ("4P", ("Caleb Wong", "Fatima Ali")),
        ("4B", ("Aroha Ngata",)), ("3A", ("Ben Tui",)), ("3P", ("Dana Fifita",))]


def test_profile_error_never_falls_below_measurement_error() -> None:
    rows = {label: (d, se) for label, d, se in class_profile(a_class())}
    d, se = rows["Geometry and measurement"]
    assert d == pytest.approx(31) and se == pytest.approx(26 / 6**0.5)


def test_below_the_norm_band_and_page_figures() -> None:
    students = [*a_class(), result("Hemi Rua", 1390, sublevel="3B")]
    view = build_class(students, demo_scale(), demo_norms(), class_name="Room 12")
    six = demo_norms().get(6, date(2026, 3, 9))
    assert six is not None and 1390 < six.mean - six.sd < min(r.scale_score for r in a_class())
    assert view.below_norm == ("Hemi Rua",)
    html = render_class_html(view)
    for text in ("Room 12", "7 students", "Teach the whole class",
                 "Understand operations on fractions", "100%", "Aroha Ngata, Ben Tui",
                 "Hemi Rua", "Curriculum levels", "Check first"):
        assert text in html, text
    svg = str(view.distribution_chart)
    assert ET.fromstring(svg).get("role") == "img" and svg.count("<circle") == 7


def test_empty_class_has_an_empty_state() -> None:
    view = build_class([], demo_scale(), demo_norms(), class_name="Room 13")
    html = render_class_html(view)
    assert view.n == 0 and view.distribution_chart is None
    assert "No one in this class has a scored result" in html


def test_flagged_results_do_not_drive_the_class_what_next() -> None:
    """One student guessed rapidly and got the fractions items wrong; nobody else did."""
    right = (item("M101", "NA3-1", "Achieved", 1420),
             item("M106", "NA4-2", "Strengths", 1530, "deep"))
    wrong = (right[0], item("M106", "NA4-2", "To be achieved", 1530, "deep"))
    students = [result("Aroha Ngata", 1540, items=right), result("Ben Tui", 1545, items=right),
                result("Dana Fifita", 1415, items=wrong, flags=(Flag.RAPID_GUESSING,))]
    view = build_class(students, demo_scale(), demo_norms(), class_name="Room 12")
    assert view.whole_class == () and view.small_groups == ()
    assert view.left_out == ("Dana Fifita",)
    assert {p.code: p.met for p in view.pathway}["NA4-2"] == 2
    html = render_class_html(view)
    assert "Left out of these lists: Dana Fifita" in html and "rapid guessing" in html


def test_a_mixed_class_is_compared_with_each_students_own_year() -> None:
    """Each student against their own year's norm on the day (demo norms)."""
    students = [result("Ana Year5", 1395, year=5), result("Ben Year6", 1395, year=6),
                result("Cy Year6", 1500, year=6)]
    view = build_class(students, demo_scale(), demo_norms(), class_name="Room 5/6")
    assert view.below_norm == ("Ben Year6",)  # 1395 is within Year 5's band, below Year 6's
    assert view.years == (5, 6)
    assert "Year 5 students" in view.norm_text and "Year 6 students" in view.norm_text
    svg = str(view.distribution_chart)
    five, six = (demo_norms().get(y, date(2026, 3, 9)) for y in (5, 6))
    assert five is not None and six is not None
    assert f"Year 5 norm: mean {five.mean:.0f}" in svg
    assert f"Year 6 norm: mean {six.mean:.0f}" in svg
    assert "Illustrative norms." in render_class_html(view)
    assert "Years 5 and 6, each compared with their own year" in render_class_html(view)


def test_the_pathway_table_names_the_fewer_side() -> None:
    gap = (item("M104", "NA3-3", "Gaps", 1450),)
    done = (item("M104", "NA3-3", "Achieved", 1450),)
    students = [result("Aroha Ngata", items=gap), result("Ben Tui", items=gap),
                result("Caleb Wong", items=done)]
    view = build_class(students, demo_scale(), demo_norms(), class_name="Room 12")
    line = next(p for p in view.pathway if p.code == "NA3-3")
    assert line.students == ("Aroha Ngata", "Ben Tui") and line.achieved == ("Caleb Wong",)
    assert "All who met it except Caleb Wong" in render_class_html(view)


def test_an_empty_group_pathway_is_a_sentence_not_an_empty_table() -> None:
    flagged = result("Aroha Ngata", flags=(Flag.RAPID_GUESSING,))
    view = build_class([flagged], demo_scale(), demo_norms(), class_name="Room 9")
    assert view.pathway == ()
    for html in (render_class_html(view), render_class_html(view, pdf_version=True)):
        section = html.split('id="path-h"')[1].split("</section>")[0]
        assert "<table" not in section and "Students yet to achieve it" not in section
        assert "No objective to show" in section and "Aroha Ngata" in section
    shown = build_class(a_class(), demo_scale(), demo_norms(), class_name="Room 9")
    section = render_class_html(shown).split('id="path-h"')[1].split("</section>")[0]
    assert "<table" in section and "No objective to show" not in section
