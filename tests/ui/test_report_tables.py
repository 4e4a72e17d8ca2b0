"""Report tables fit the page: a row header with long words (an objective, a test's name)
wraps instead of pushing the table past the page's edge."""

from __future__ import annotations

from pathlib import Path

from app.ui.pdf import document

OBJECTIVE = ("NA3-3 Explain place value in whole numbers up to 10 000 and round them to the "
             "nearest ten, hundred or thousand.")
TEMPLATES = Path(__file__).resolve().parents[2] / "app" / "impact" / "templates"


def _widths(row_header: str) -> tuple[float, float]:
    """(the table's width, the page's content width) in CSS pixels."""
    html = ('<!doctype html><html><head><link rel="stylesheet" href="/static/kete.css">'
            '<link rel="stylesheet" href="/static/report.css"></head><body><main>'
            '<article class="report print"><h1>Cycle</h1><table class="list compact"><thead>'
            '<tr><th>Objective</th><th class="num">Before (predicted)</th>'
            '<th class="num">After (predicted)</th><th class="num">Change beyond difficulty</th>'
            f'<th>Verdict</th></tr></thead><tbody><tr>{row_header}<td class="num">63% (60%) · '
            '2 items</td><td class="num">80% (78%) · 1 item</td><td class="num">-1 ± 21 '
            'points</td><td>no clear change</td></tr></tbody></table></article></main></body>'
            '</html>')
    page = document(html, "https://kete.invalid/").pages[0]
    table = next(b for b in page._page_box.descendants()
                 if getattr(b, "element_tag", None) == "table")
    return table.margin_width(), page._page_box.width


def test_a_long_objective_wraps_within_the_page() -> None:
    width, page = _widths(f'<th scope="row" class="wrap">{OBJECTIVE}</th>')
    assert width <= page


def test_the_cycle_and_record_tables_mark_their_long_row_headers() -> None:
    assert '<th scope="row" class="wrap">{{ m.code }}' in (TEMPLATES / "cycle.html").read_text()
    assert ('<th scope="row" class="wrap">{{ p.result.test_name }}'
            in (TEMPLATES / "record.html").read_text())
