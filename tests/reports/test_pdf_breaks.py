"""Where report PDFs break pages: a table row, list item or chart is never cut in two (a
quadrant row too long for any page runs on where it starts instead of leaving a page empty), a
heading (or a list's lead-in line) never ends a page without what it introduces, and a class
report does not end on a page holding nothing but its strand chart.

Checked on WeasyPrint's laid-out pages (which page each element's boxes are on) for the
benchmark's class of 30, whose objectives are long enough to fill every quadrant.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cache
from itertools import pairwise
from typing import Any

import pytest

from app.calibration.scale import demo_scale
from app.reports.bench import synthetic_class
from app.reports.data import StudentResult, demo_norms
from app.reports.group import build_class, render_class_html
from app.reports.individual import build_individual, render_individual_html
from app.ui.pdf import document

KEPT_WHOLE = ("tr", "li", "figure")
KEPT_WITH_NEXT = ("h2", "h3")


class Layout:
    """A laid-out report: for each element, the pages its boxes are on and their heights."""

    def __init__(self, html: str) -> None:
        doc = document(html, "https://kete.invalid/")
        self.pages = len(doc.pages)
        self.page_height = doc.pages[0]._page_box.height
        self.on: dict[int, list[int]] = defaultdict(list)
        self.heights: dict[int, list[float]] = defaultdict(list)
        self.elements: dict[int, Any] = {}
        for number, page in enumerate(doc.pages):
            for box in page._page_box.descendants():
                element = getattr(box, "element", None)
                if element is None or box.element_tag is None:
                    continue
                if not self.on[id(element)] or self.on[id(element)][-1] != number:
                    self.on[id(element)].append(number)
                    self.heights[id(element)].append(box.margin_height())
                self.elements[id(element)] = element
        root = next(e for e in self.elements.values() if e.tag == "html")
        self.parent = {id(child): parent for parent in root.iter() for child in parent}
        self.root = root

    def text(self, element: Any) -> str:
        return " ".join("".join(element.itertext()).split())[:70]

    def room(self, row: Any) -> float:
        """The most height a page has for a table row: below the table's header and, for
        the first row, below the heading the table starts with (which stays with it)."""
        tbody = self.parent[id(row)]
        table = self.parent[id(tbody)]
        header = sum(self.heights[id(r)][0] for r in table.iter("tr")
                     if self.parent[id(r)].tag == "thead")
        room = self.page_height - header
        siblings = list(self.parent[id(table)])
        before = siblings[siblings.index(table) - 1] if siblings.index(table) else None
        if tbody[0] is row and before is not None and before.tag in KEPT_WITH_NEXT:
            room -= self.heights[id(before)][-1]
        return room

    def too_tall(self, element: Any) -> bool:
        """A row or item taller than any page has room for (it cannot but be split)."""
        height = sum(self.heights[id(element)])
        room = self.room(element) if element.tag == "tr" else self.page_height
        return height > room

    def split(self) -> list[str]:
        """Rows, list items and charts on more than one page (a repeated table header and a
        row too tall for any page are not counted)."""
        return [self.text(e) for key, e in self.elements.items()
                if e.tag in KEPT_WHOLE and len(self.on[key]) > 1
                and self.parent[key].tag != "thead" and not self.too_tall(e)]

    def pushed(self) -> list[str]:
        """Rows taller than a page that start a page after the row before them ended: pushed
        on in vain, they leave most of a page empty and are split all the same."""
        found = []
        for parent in self.root.iter("tbody"):
            rows = list(parent)
            for before, row in pairwise(rows):
                if self.too_tall(row) and self.on[id(row)][0] != self.on[id(before)][-1]:
                    found.append(self.text(row))
        return found

    def orphaned(self) -> list[str]:
        """Headings and lead-in lines whose next element starts on a later page."""
        found = []
        for parent in self.root.iter():
            for heading, following in pairwise(list(parent)):
                lead_in = heading.tag == "p" and following.tag in ("ol", "ul")
                if heading.tag not in KEPT_WITH_NEXT and not lead_in:
                    continue
                if id(heading) in self.on and id(following) in self.on \
                        and self.on[id(heading)][-1] != self.on[id(following)][0]:
                    found.append(self.text(heading))
        return found

    def last_page_holds_only(self, section_id: str) -> bool:
        """Whether the last page's content is that section (and the closing note) alone."""
        last = self.pages - 1
        on_last = [e for key, e in self.elements.items()
                   if self.on[key][0] == last and self.parent.get(key) is not None
                   and self.parent[key].tag == "article"]
        return all(e.get("aria-labelledby") == section_id or "foot" in (e.get("class") or "")
                   for e in on_last)


@cache
def _class() -> tuple[StudentResult, ...]:
    return tuple(synthetic_class(30))


@pytest.mark.parametrize("student", [0, 3, 9, 12, 21])
def test_a_pathway_never_splits_a_quadrant_row_or_orphans_a_heading(student: int) -> None:
    view = build_individual(_class()[student], demo_scale(), demo_norms())
    layout = Layout(render_individual_html(view, pdf_version=True))
    assert layout.pages > 1  # long enough to break somewhere
    assert layout.split() == []
    assert layout.pushed() == []
    assert layout.orphaned() == []


def test_a_class_report_never_splits_a_row_or_ends_on_a_lone_strand_chart() -> None:
    view = build_class(list(_class()), demo_scale(), demo_norms(), class_name="Room 9")
    layout = Layout(render_class_html(view, pdf_version=True))
    assert layout.pages > 2
    assert layout.split() == []
    assert layout.orphaned() == []
    assert not layout.last_page_holds_only("profile-h")
