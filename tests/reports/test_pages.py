"""Report pages on real scored sittings: pathway, class report, progress; HTML and PDF."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.delivery import sittings
from app.delivery.schemas import AnswerSave
from app.people.dependencies import SESSION_COOKIE
from app.people.models import AuditEvent
from app.reports import jobs as report_jobs
from app.reports import printing
from app.reports.models import ReportPdf
from tests.delivery import builders
from tests.people import builders as people
from tests.people.conftest import cheap_hashing

__all__ = ["cheap_hashing"]


def _sit(session: Session, world: people.Tenant, right: int, *, rapid: int | None = None
         ) -> tuple[int, list[int]]:
    """Give a 20-item test to the class; every student answers the first ``right + k`` right
    (student ``rapid`` answers everything in 2 seconds)."""
    given = builders.assigned(session, teacher=world.teacher, room=world.room,
                              codes=builders.codes(20))
    ids = []
    for k, student in enumerate(world.students):
        sitting = sittings.start(session, student=student, assignment_id=given.assignment.id)
        for seq, fi in enumerate(given.form.items, start=1):
            sittings.save_answer(session, sitting=sitting, data=AnswerSave.model_validate({
                "client_id": f"{sitting.id}-{seq}", "seq": seq, "item_id": fi.item_id,
                "response": "B" if seq <= right + k else "A",
                "time_s": 2 if k == rapid else 30}))
        sittings.submit(session, sitting=sitting)
        ids.append(sitting.id)
    return given.assignment.id, ids


@pytest.fixture
def world(session: Session) -> people.Tenant:
    builders.bank(session)
    return people.tenant(session, "REP-A")


def _login(client: TestClient, session: Session, staff: object) -> None:
    client.cookies.set(SESSION_COOKIE, people.cookie(session, staff))  # type: ignore[arg-type]


def test_pathway_class_and_progress_reports(client: TestClient, session: Session,
                                            world: people.Tenant) -> None:
    before, sitting_ids = _sit(session, world, right=6)
    after, _ = _sit(session, world, right=11)
    _login(client, session, world.teacher)
    pathway = client.get(f"/reports/sittings/{sitting_ids[0]}")
    assert pathway.status_code == 200, pathway.text
    assert "What next" in pathway.text and "To be achieved" in pathway.text
    pdf = client.get(f"/reports/sittings/{sitting_ids[0]}", params={"format": "pdf"})
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content[:4] == b"%PDF"
    report = client.get(f"/reports/assignments/{before}")
    assert report.status_code == 200 and world.students[0].first_name in report.text
    assert 'aria-label="Main"' in report.text  # the site's navigation on report pages
    progress = client.get("/reports/progress", params={"pre": before, "post": after},
                          follow_redirects=False)  # the old link lands on the progress page
    assert progress.headers["location"] == (f"/progress?from_assignment={before}"
                                            f"&to_assignment={after}")
    page = client.get(f"/classes/{world.room.id}")
    assert "Class report" in page.text
    assert f"/progress?class_id={world.room.id}&from_assignment={before}" in page.text


def test_other_schools_reports_are_not_found(client: TestClient, session: Session,
                                             world: people.Tenant) -> None:
    assignment, sitting_ids = _sit(session, world, right=8)
    other = people.tenant(session, "REP-B")
    _login(client, session, other.teacher)
    for path in (f"/reports/sittings/{sitting_ids[0]}", f"/reports/assignments/{assignment}",
                 "/reports/sittings/999999"):
        response = client.get(path)
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("text/html")
        assert "<h1>Not found</h1>" in response.text


def test_rapid_guessing_is_explained_and_left_out_through_the_real_flow(
        client: TestClient, session: Session, world: people.Tenant) -> None:
    """Delivery flags the sitting; the pathway explains the flag and the class report leaves
    it out of the class's what next (the old report tests used codes scoring never emits)."""
    assignment, ids = _sit(session, world, right=6, rapid=0)
    _login(client, session, world.teacher)
    pathway = client.get(f"/reports/sittings/{ids[0]}").text
    assert "Rapid guessing: the answers came too fast to have been read" in pathway
    report = client.get(f"/reports/assignments/{assignment}").text
    name = f"{world.students[0].first_name} {world.students[0].last_name}"
    assert f"Left out of these lists: {name}" in report


def test_class_pdf_is_kept_until_the_report_changes(client: TestClient, session: Session,
                                                   world: people.Tenant) -> None:
    assignment, _ = _sit(session, world, right=6)
    _login(client, session, world.teacher)
    first = client.get(f"/reports/assignments/{assignment}", params={"format": "pdf"})
    assert first.status_code == 200 and first.content[:4] == b"%PDF"
    kept = session.get(ReportPdf, f"class:{assignment}")
    assert kept is not None and kept.body == first.content
    version, made = kept.version, kept.made_at
    again = client.get(f"/reports/assignments/{assignment}", params={"format": "pdf"})
    assert again.content == first.content and kept.made_at == made  # served from the cache
    world.students[0].first_name = "Renamed"  # the report's content changes
    session.flush()
    changed = client.get(f"/reports/assignments/{assignment}", params={"format": "pdf"})
    session.refresh(kept)
    assert changed.status_code == 200 and kept.version != version


def test_opening_a_report_pdf_is_a_read_not_a_change(client: TestClient, session: Session,
                                                     world: people.Tenant) -> None:
    """Printing a PDF fills a cache; the audit trail lists changes, so opening a report's
    PDF (printed or from the cache) appears there no more than opening its page does."""
    assignment, ids = _sit(session, world, right=6)
    _login(client, session, world.teacher)
    for path in (f"/reports/assignments/{assignment}", f"/reports/sittings/{ids[0]}"):
        for _ in range(2):  # printed and kept, then served from the cache
            assert client.get(path, params={"format": "pdf"}).content[:4] == b"%PDF"
    assert session.get(ReportPdf, f"class:{assignment}") is not None
    events = session.scalars(select(AuditEvent)).all()
    assert [e.action for e in events] == ["assignment.create"]  # given by the builder
    _login(client, session, world.leader)
    page = client.get("/audit").text
    assert "Gave test ‘Number check’ to Room 1" in page and "report_pdf" not in page


def test_a_big_class_pdf_is_printed_off_the_request(client: TestClient, session: Session,
                                                    world: people.Tenant,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    assignment, _ = _sit(session, world, right=6)
    _login(client, session, world.teacher)
    queued: list[int] = []
    monkeypatch.setattr(printing, "INLINE_STUDENTS", 1)
    monkeypatch.setattr(report_jobs, "print_class_report", queued.append)
    waiting = client.get(f"/reports/assignments/{assignment}", params={"format": "pdf"})
    assert waiting.status_code == 202 and queued == [assignment]
    assert "Preparing the PDF" in waiting.text and 'http-equiv="refresh"' in waiting.text
    assert report_jobs.print_class_report_in(session, assignment) is True  # the worker's part
    assert report_jobs.print_class_report_in(session, assignment) is False  # kept already
    ready = client.get(f"/reports/assignments/{assignment}", params={"format": "pdf"})
    assert ready.status_code == 200 and ready.content[:4] == b"%PDF" and len(queued) == 1
