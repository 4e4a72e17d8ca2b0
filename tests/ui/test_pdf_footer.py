"""Every report PDF's footer: the report's title and "Page n of m", each readable on one line."""

from __future__ import annotations

from app.ui.pdf import document

TITLE = "Term 1 maths (Room 5 Kōwhai) → Term 4 maths (Room 5 Kōwhai)"  # the progress page's


def _margin_lines(html: str) -> dict[str, list[str]]:
    """Each bottom margin box's lines of text, on the first page."""
    from weasyprint.formatting_structure.boxes import LineBox, TextBox

    page = document(html, "https://kete.invalid/").pages[0]
    found: dict[str, list[str]] = {}
    for box in page._page_box.children:
        keyword = getattr(box, "at_keyword", "")
        if not keyword.startswith("@bottom"):
            continue
        lines = [line for line in box.descendants() if isinstance(line, LineBox)]
        found[keyword] = ["".join(t.text for t in line.descendants() if isinstance(t, TextBox))
                          for line in lines]
    return found


def test_the_page_number_stays_on_one_line_beside_a_long_title() -> None:
    html = ('<!doctype html><html><head><link rel="stylesheet" href="/static/kete.css">'
            '<link rel="stylesheet" href="/static/report.css"></head><body><main>'
            f'<article class="report print"><h1>{TITLE}</h1><p>Text.</p></article>'
            '</main></body></html>')
    boxes = _margin_lines(html)
    numbers = [lines for lines in boxes.values() if lines and lines[0].startswith("Page")]
    assert numbers == [["Page 1 of 1"]]
