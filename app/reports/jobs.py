"""Report printing on the job queue: class reports too big to print within a request."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.db import get_sessionmaker
from app.delivery.models import Assignment
from app.jobs import queue
from app.reports import group, printing, service


def print_class_report_in(session: Session, assignment_id: int) -> bool:
    """Print and keep the class report of an assignment unless its current content is kept
    already; True when it printed."""
    assignment = session.get(Assignment, assignment_id)
    if assignment is None:
        return False
    html = group.render_class_html(service.class_view(session, assignment), pdf_version=True)
    key = f"class:{assignment_id}"
    if printing.cached(session, key=key, html=html) is not None:
        return False
    printing.print_and_keep(session, key=key, html=html)
    return True


@queue.task()
def print_class_report(assignment_id: int) -> bool:
    """:func:`print_class_report_in` on the job queue, in a session of its own."""
    with get_sessionmaker()() as session, session.begin():
        return print_class_report_in(session, assignment_id)
