"""PDFs from the same HTML as the pages, via WeasyPrint.

A report page and its PDF come from one template (:mod:`app.ui.templates`). PDFs fetch only
Kete's own ``/static`` files: no other URL (e.g. one pasted into an item) is ever fetched
while printing.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any

APP = Path(__file__).resolve().parents[1]
STATIC = APP / "static"
BASE_URL = "https://kete.invalid/"
"""Relative and root-relative links in a report resolve here; the fetcher maps ``/static``."""


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


def document(html: str, base_url: str) -> Any:
    from weasyprint import HTML  # imported late: it loads Pango/Cairo, which pages never need

    return HTML(string=html, base_url=base_url, url_fetcher=_static_fetcher()).render()


def render_pdf(html: str, *, base_url: str = BASE_URL) -> bytes:
    """An A4 PDF of a report's HTML (page size, margins and page numbers come from report.css)."""
    return bytes(document(html, base_url).write_pdf())


def page_count(html: str, *, base_url: str = BASE_URL) -> int:
    """How many pages the PDF of ``html`` has."""
    return len(document(html, base_url).pages)
