"""What keeps printing cheap does not change what is printed: kept style sheets give the same
cascade, each thread prints with its own fonts, and chart labels drawn as whole runs are
still drawn (issue 14; the speed itself is shown by ``kete bench reports``)."""

from __future__ import annotations

import logging
import threading
from types import SimpleNamespace
from typing import Any

import pytest

from app.ui import pdf, svg_text

LINKS = ('<link rel="stylesheet" href="/static/kete.css">'
         '<link rel="stylesheet" href="/static/report.css">')
PAGE = (f'<!doctype html><html><head>{LINKS}</head><body><main><article class="report print">'
        '<h1>Room 9</h1><p class="muted">Text.</p></article></main></body></html>')


def _colour_of_paragraph(html: str) -> Any:
    page = pdf.document(html, pdf.BASE_URL).pages[0]
    box = next(b for b in page._page_box.descendants() if getattr(b, "element_tag", "") == "p")
    return box.style["color"]


def test_kete_sheets_are_passed_parsed_when_they_are_the_only_styles() -> None:
    kept = pdf._kept_sheets(PAGE, pdf._printer())
    assert kept is not None
    html, sheets = kept
    assert "<link" not in html and len(sheets) == 2
    assert pdf._kept_sheets(PAGE, pdf._printer())[1] == sheets  # type: ignore[index]


@pytest.mark.parametrize("extra", ['<style>p { color: red }</style>',
                                   '<link rel="stylesheet" href="/static/../pyproject.toml">'])
def test_a_document_with_other_styles_keeps_its_links(extra: str) -> None:
    assert pdf._kept_sheets(PAGE.replace("</head>", f"{extra}</head>"), pdf._printer()) is None


def test_the_cascade_is_the_same_either_way() -> None:
    """``.muted`` (report.css) over ``body`` (kete.css), parsed once or read from the link."""
    kept = _colour_of_paragraph(PAGE)
    # An empty <style> makes the document take WeasyPrint's own path (links read each time).
    linked = _colour_of_paragraph(PAGE.replace("</head>", "<style></style></head>"))
    assert kept == linked and kept != _colour_of_paragraph(PAGE.replace(LINKS, ""))


def test_another_thread_prints_with_its_own_fonts() -> None:
    here = pdf._printer().fonts
    seen: list[Any] = []

    def print_there() -> None:
        seen.append((pdf._printer().fonts, pdf.page_count(PAGE)))

    worker = threading.Thread(target=print_there)
    worker.start()
    worker.join()
    assert seen and seen[0][0] is not here and seen[0][1] == 1


def test_chart_labels_are_drawn_as_whole_runs_on_this_weasyprint() -> None:
    pdf.document(PAGE, pdf.BASE_URL)
    assert svg_text.install(), (
        "WeasyPrint changed: check app/ui/svg_text.py against its SVG text drawing, then "
        "update CHECKED_MAJOR (or drop the module if WeasyPrint shapes whole runs itself)")


def test_only_plain_runs_skip_weasyprint_s_own_path() -> None:
    from xml.etree import ElementTree

    def node(xml: str) -> SimpleNamespace:  # what the check reads of WeasyPrint's SVG node
        element = ElementTree.fromstring(xml)
        return SimpleNamespace(tag=element.tag, text=element.text, attrib=element.attrib)

    assert svg_text.is_plain_run(node('<text x="10" y="20" text-anchor="end">Whānau</text>'))
    assert svg_text.is_plain_run(node('<tspan font-weight="bold">1533</tspan>'))
    assert not svg_text.is_plain_run(node('<text x="10 20 30" y="20">abc</text>'))
    assert not svg_text.is_plain_run(node('<text x="10" y="20" dx="1">abc</text>'))
    assert not svg_text.is_plain_run(node('<text x="10" y="20"></text>'))
    assert not svg_text.is_plain_run(node('<textPath href="#p">abc</textPath>'))


def test_labels_of_every_kind_render_without_errors(caplog: pytest.LogCaptureFixture) -> None:
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" width="300" height="80">'
           '<text x="290" y="20" text-anchor="end" font-weight="bold">Number and Algebra</text>'
           '<text x="150" y="40" text-anchor="middle">Wha\u0304nau<tspan> 1533</tspan></text>'
           '<text x="10 20 30" y="60" rotate="10">abc</text></svg>')
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        data = pdf.render_pdf(PAGE.replace("<p", svg + "<p"))
    assert data.startswith(b"%PDF")
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
