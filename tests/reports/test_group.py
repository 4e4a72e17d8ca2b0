"""The class report: group pathway shares, what next, levels with names, empty state."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from app.calibration.scale import demo_scale
from app.reports.data import demo_norms
from app.reports.group import build_class, class_profile, group_pathway, render_class_html
from tests.reports.builders import a_class, result


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
    assert view.below_norm == ("Hemi Rua",)  # Year 6 start: 1466 − 58 = 1408
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
