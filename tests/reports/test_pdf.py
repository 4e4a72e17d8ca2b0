"""PDFs come from the same HTML: A4, paged, styled, and fetching nothing but Kete's static files."""

from __future__ import annotations

import pytest

from app.calibration.scale import demo_scale
from app.delivery.results import Flag
from app.reports.data import demo_norms
from app.reports.group import build_class, render_class_html, render_class_pdf
from app.reports.individual import build_individual, render_individual_pdf
from app.ui.pdf import document, page_count, render_pdf
from tests.reports.builders import a_class, result

A4_CSS_PX = (794.0, 1123.0)  # 210 × 297 mm at 96 px per inch


def test_individual_pdf_is_a_short_a4_document() -> None:
    view = build_individual(result(flags=(Flag.RAPID_GUESSING,)), demo_scale(), demo_norms())
    data = render_individual_pdf(view)
    assert data.startswith(b"%PDF") and b"%%EOF" in data[-32:]


def test_class_pdf_pages_are_a4() -> None:
    html = render_class_html(build_class(a_class(), demo_scale(), demo_norms(),
                                         class_name="Room 12"), pdf_version=True)
    doc = document(html, "https://kete.invalid/")
    width, height = doc.pages[0].width, doc.pages[0].height
    assert (round(width), round(height)) == pytest.approx(A4_CSS_PX, abs=1)
    assert 1 <= len(doc.pages) <= 3
    assert render_class_pdf(build_class([], demo_scale(), demo_norms(),
                                        class_name="Empty")).startswith(b"%PDF")


def test_only_kete_static_files_are_fetched(caplog: pytest.LogCaptureFixture) -> None:
    html = ('<link rel="stylesheet" href="/static/report.css">'
            '<img src="http://example.com/tracker.png"><img src="file:///etc/passwd">'
            '<link rel="stylesheet" href="/static/../../pyproject.toml"><p>Hello</p>')
    assert page_count(html) == 1 and render_pdf(html).startswith(b"%PDF")
    refused = " ".join(r.getMessage() for r in caplog.records)
    assert "example.com" in refused and "/etc/passwd" in refused and "pyproject" in refused
    assert "report.css" not in refused
