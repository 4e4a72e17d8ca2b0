"""Rendered report PDFs, kept until the report's content changes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, utcnow


class ReportPdf(Base):
    """One report's latest PDF. ``version`` is a digest of the exact HTML and CSS it was
    printed from, so a PDF is served only while the report would still print the same."""

    __tablename__ = "report_pdf"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    version: Mapped[str] = mapped_column(String(64))
    body: Mapped[bytes] = mapped_column(LargeBinary)
    made_at: Mapped[datetime] = mapped_column(default=utcnow)
