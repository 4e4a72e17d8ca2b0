"""Fractions in questions are as large as the text around them, in the teacher's preview and
bank pages (kete.css) and in the student's player (player.css) — measured in Chromium."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

STATIC = Path(__file__).resolve().parents[2] / "app" / "static"
QUESTION = """<p id="stem">Which fractions are equal to <math><mfrac><mn id="top">2</mn>
<mn id="bottom">3</mn></mfrac></math> and to <math><msup><mn>2</mn><mn id="power">3</mn>
</msup></math>?</p>"""


@pytest.mark.parametrize("sheet", ["kete.css", "player.css"])
def test_fraction_parts_are_the_size_of_the_question_text(browser: object, sheet: str) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    try:
        page.set_content(f"<html><body>{QUESTION}</body></html>")
        page.add_style_tag(content=(STATIC / sheet).read_text(encoding="utf-8"))

        def size(selector: str) -> float:
            return float(page.eval_on_selector(
                selector, "e => parseFloat(getComputedStyle(e).fontSize)"))

        text = size("#stem")
        assert size("#top") == pytest.approx(text) and size("#bottom") == pytest.approx(text)
        assert size("#power") < text  # an exponent is still written smaller
    finally:
        page.close()
