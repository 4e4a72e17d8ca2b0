"""PDFs from the same HTML as the pages, via WeasyPrint.

A report page and its PDF come from one template (:mod:`app.ui.templates`). PDFs fetch only
Kete's own ``/static`` files: no other URL (e.g. one pasted into an item) is ever fetched
while printing.

Printing is kept cheap (issue 14: a pathway in ≤ 0.5 s of CPU): each thread keeps one font
configuration and Kete's style sheets parsed once (see :class:`_Printer`), the program
loaded before the first print is frozen out of the garbage collector's sweeps (see
:func:`_weasyprint`), and chart labels are shaped as whole runs (:mod:`app.ui.svg_text`).
"""

from __future__ import annotations

import gc
import mimetypes
import re
import threading
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

APP = Path(__file__).resolve().parents[1]
STATIC = APP / "static"
BASE_URL = "https://kete.invalid/"
"""Relative and root-relative links in a report resolve here; the fetcher maps ``/static``."""

_STATIC_SHEET = re.compile(r'<link rel="stylesheet" href="/static/([\w-]+\.css)">')
"""A template's link to one of Kete's own style sheets (as ``base.html`` writes it)."""


@cache
def _weasyprint() -> ModuleType:
    """WeasyPrint, imported on first use (it loads Pango/Cairo, which pages never need), with
    chart labels drawn as whole runs.

    Then everything loaded so far (the app, WeasyPrint, their modules and caches) is moved out
    of the cyclic garbage collector's reach (``gc.freeze``): a print allocates ~10⁵ objects,
    which sets off full collections, and each of those swept the whole program (0.17 s in a
    server process; 0.07 s of an average pathway print). Garbage is collected first; what is
    alive now and later dies in a reference cycle stays allocated (once, a request's worth).
    """
    import weasyprint

    from app.ui import svg_text

    svg_text.install()
    gc.collect()
    gc.freeze()
    return weasyprint


class _Printer(threading.local):
    """One thread's font configuration and parsed style sheets, reused by each print.

    Per thread, because Pango's font objects must not be shared between threads; a style
    sheet is parsed again if its file changed.
    """

    def __init__(self) -> None:
        from weasyprint.text.fonts import FontConfiguration

        self.fonts = FontConfiguration()
        self.sheets: dict[str, tuple[int, Any]] = {}

    def sheet(self, name: str) -> Any:
        """Kete's static style sheet ``name``, parsed for print media."""
        path = STATIC / name
        changed = path.stat().st_mtime_ns
        kept = self.sheets.get(name)
        if kept is None or kept[0] != changed:
            css = _weasyprint().CSS(string=path.read_text(encoding="utf-8"), media_type="print",
                                    base_url=f"{BASE_URL}static/{name}",
                                    url_fetcher=_static_fetcher(), font_config=self.fonts)
            kept = self.sheets[name] = (changed, css)
        return kept[1]


def _static_fetcher() -> Any:
    """A WeasyPrint fetcher that serves ``/static/…`` from Kete's folder and refuses the rest."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnly(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            prefix = BASE_URL + "static/"
            if url.startswith(prefix):
                path = (STATIC / url[len(prefix):].split("?")[0]).resolve()
                if path.is_relative_to(STATIC) and path.is_file():
                    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                    return URLFetcherResponse(url, body=path.read_bytes(),
                                              headers={"Content-Type": kind})
            raise ValueError(f"report PDFs load only Kete's own static files, not {url}")

    return StaticOnly(fail_on_errors=False)


def _kept_sheets(html: str, printer: _Printer) -> tuple[str, list[Any]] | None:
    """``html`` without its links to Kete's style sheets, and those sheets already parsed.

    None unless those links are the document's only styles: passed apart, the sheets rank as
    the user's rather than the author's, which is the same cascade only when no author sheet
    (a ``<style>`` or another link) competes with them.
    """
    names = _STATIC_SHEET.findall(html)
    rest = _STATIC_SHEET.sub("", html)
    if not names or "<style" in rest.lower() or "<link" in rest.lower():
        return None
    if not all((STATIC / name).is_file() for name in names):
        return None
    return rest, [printer.sheet(name) for name in names]


@cache
def _printer() -> _Printer:
    """The printer of whichever thread asks (a ``threading.local``: each thread has its own)."""
    _weasyprint()
    return _Printer()


def document(html: str, base_url: str) -> Any:
    """WeasyPrint's laid-out document of ``html`` (its pages, ready to write)."""
    weasyprint = _weasyprint()
    printer = _printer()
    kept = _kept_sheets(html, printer) if base_url == BASE_URL else None
    source, sheets = kept or (html, None)
    return weasyprint.HTML(string=source, base_url=base_url,
                           url_fetcher=_static_fetcher()).render(
        font_config=printer.fonts, stylesheets=sheets)


def render_pdf(html: str, *, base_url: str = BASE_URL) -> bytes:
    """An A4 PDF of a report's HTML (page size, margins and page numbers come from report.css)."""
    return bytes(document(html, base_url).write_pdf())


def page_count(html: str, *, base_url: str = BASE_URL) -> int:
    """How many pages the PDF of ``html`` has."""
    return len(document(html, base_url).pages)
