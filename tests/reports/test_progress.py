"""Progress: Hattie's effect size against the 0.40 hinge, and each student's year's growth."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from app.reports.data import StudentResult, demo_norms
from app.reports.progress import HINGE, build_progress, effect_size, render_progress_html
from tests.reports.builders import pre_post, result


def test_effect_size_on_known_numbers() -> None:
    # means 20 → 24, sample SDs 10 and 10: d = 4 / 10 exactly the hinge
    assert effect_size([10, 20, 30], [14, 24, 34]) == pytest.approx(HINGE)
    # SDs 10 and 20 average 15: d = 6 / 15
    assert effect_size([10, 20, 30], [6, 26, 46]) == pytest.approx(0.4)
    assert effect_size([10, 20, 30], [12, 22, 32]) == pytest.approx(0.2)
    assert effect_size([10], [20]) is None and effect_size([5, 5], [5, 5]) is None


def cohort(scores: list[float], gain: float) -> tuple[list[StudentResult], list[StudentResult]]:
    """The same students before and after, everyone gaining ``gain``."""
    names = [f"S{k}" for k in range(len(scores))]
    return ([result(n, s, items=()) for n, s in zip(names, scores, strict=True)],
            [result(n, s + gain, items=()) for n, s in zip(names, scores, strict=True)])


def test_hinge_verdicts() -> None:
    norms = demo_norms()
    at = build_progress(*cohort([1460, 1470, 1480], 4), norms, title="t")  # SD 10, gain 4
    assert at.d == pytest.approx(HINGE)
    assert "at or above the 0.40 hinge" in at.verdict
    below = build_progress(*cohort([1460, 1470, 1480], 3.9), norms, title="t")
    assert "growth, but below the 0.40 hinge" in below.verdict
    none = build_progress(*cohort([1460, 1470, 1480], -2), norms, title="t")
    assert "no growth on average" in none.verdict
    assert at.caution is not None  # fewer than 10 students


def test_each_student_against_a_years_expected_growth() -> None:
    pre, post = pre_post()
    view = build_progress(pre, post, demo_norms(), title="Room 12")
    by_name = {s.name: s for s in view.students}
    assert by_name["Aroha Ngata"].gain == 40 and by_name["Aroha Ngata"].made_year
    assert by_name["Caleb Wong"].expected == 23 and by_name["Caleb Wong"].made_year is False
    assert by_name["Caleb Wong"].within_error  # 20 vs 23 with ±25: too close to call
    assert by_name["Aroha Ngata"].quadrant == "Below the norm, progressing well"
    assert by_name["Dana Fifita"].quadrant == "Above the norm, less progress"
    assert view.made_year == 3 and view.n == 5 and view.unmatched == ("Gus Hemi",)
    assert view.students[0].name == "Aroha Ngata"  # largest gain first


def test_half_a_year_halves_the_expected_growth() -> None:
    pre, post = pre_post()
    view = build_progress(pre, post, demo_norms(), title="Term 1–2", years=0.5)
    assert {s.expected for s in view.students} == {11.5}
    assert view.made_year == 4


def test_page_and_chart() -> None:
    pre, post = pre_post()
    view = build_progress(pre, post, demo_norms(), title="Room 12")
    html = render_progress_html(view)
    for text in ("Room 12", "d = 0.88", "3 of 5", "+40 ± 25", "Not yet", "(within error)",
                 "Gus Hemi", "Below the norm, progressing well"):
        assert text in html, text
    root = ET.fromstring(str(view.chart))
    assert root.get("role") == "img" and str(view.chart).count("<circle") == 5


def test_no_matched_students() -> None:
    view = build_progress([], [result(items=())], demo_norms(), title="Room 12")
    assert view.n == 0 and view.d is None and view.chart is None
    assert "No student has both" in render_progress_html(view)


def test_time_between_tests_is_said_in_words() -> None:
    from app.reports.progress import span_text

    assert span_text(1.0) == "a year"
    assert span_text(0.6516) == "about 8 months"
    assert span_text(2.5) == "about 2.5 years"
