"""The impact cycle's objective chooser in Chromium: each checkbox sits at the start of its
objective's line (not stretched across the column above it), and no objective is split
between the two columns."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser
STATIC = Path(__file__).resolve().parents[2] / "app" / "static"
TEXT = "Explain decimal place value to two places and order, round, add and subtract decimals."


def test_checkboxes_are_inline_and_objectives_stay_whole(browser) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    labels = "".join(f'<label><input type="checkbox" name="objectives" value="NA4-{n}"> '
                     f'<strong>NA4-{n}</strong> {TEXT}</label>' for n in range(9))
    page.set_content('<!doctype html><html><body><main><form class="card stack"><fieldset>'
                     f'<div class="checks">{labels}</div></fieldset></form></main></body></html>')
    page.add_style_tag(path=str(STATIC / "kete.css"))
    page.add_style_tag(path=str(STATIC / "impact.css"))
    boxes = page.evaluate("""() => [...document.querySelectorAll('.checks label')].map(l => {
        const box = l.querySelector('input').getBoundingClientRect();
        const code = l.querySelector('strong').getBoundingClientRect();
        return {input_width: box.width, same_line: Math.abs(box.top - code.top) < code.height,
                fragments: l.getClientRects().length};
    })""")
    page.close()
    assert all(b["input_width"] < 40 and b["same_line"] for b in boxes), boxes
    assert all(b["fragments"] == 1 for b in boxes), boxes  # two rects: split across columns
