"""Report PDFs: printed once per content, cached, and for big classes printed off the request.

A PDF's cache key names the report (``class:17``); its version is a digest of the report's
HTML and of the CSS the printer reads, so any change of data, names, norms, templates or
styles gives a new version and a stale PDF is never served. Building the HTML is cheap
(tens of milliseconds); printing is not. A class report for more than
:data:`INLINE_STUDENTS` students is printed by a background job while the teacher's page
waits and reloads, so a big class never holds a request thread for the print.
"""

from __future__ import annotations

import hashlib
from functools import cache

from sqlalchemy.orm import Session

from app.db import utcnow
from app.reports.models import ReportPdf
from app.ui import pdf

INLINE_STUDENTS = 40
"""Class reports for up to this many students print within the request (about a second)."""


@cache
def _styles_digest() -> str:
    digest = hashlib.sha256()
    for path in sorted(pdf.STATIC.glob("*.css")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def version_of(html: str) -> str:
    """The content version of a report: its HTML and the styles it is printed with."""
    return hashlib.sha256((_styles_digest() + html).encode("utf-8")).hexdigest()


def cached(session: Session, *, key: str, html: str) -> bytes | None:
    """The stored PDF of ``key`` if it was printed from this very content, else None."""
    row = session.get(ReportPdf, key)
    return row.body if row is not None and row.version == version_of(html) else None


def print_and_keep(session: Session, *, key: str, html: str) -> bytes:
    """Print ``html`` as a PDF and keep it for the next request of the same content."""
    body = pdf.render_pdf(html)
    row = session.get(ReportPdf, key) or ReportPdf(key=key, version="", body=b"")
    row.version, row.body, row.made_at = version_of(html), body, utcnow()
    session.add(row)
    session.flush()
    return body
