"""Tests on paper: a key-free booklet, a marking guide with every key, the entry grid and API."""

from __future__ import annotations

from datetime import timedelta
from typing import Literal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.assembly.models import Form
from app.db import utcnow
from app.delivery import marking, paper, sittings
from app.delivery.models import Assignment, Result, Sitting
from app.delivery.schemas import AssignmentCreate
from app.itembank import passages
from app.itembank import service as items
from app.itembank.schemas import ItemCreate, PassageCreate
from app.people.dependencies import SESSION_COOKIE, Caller
from app.ui.pdf import document
from tests.delivery import builders
from tests.factories import item_data
from tests.people import builders as people

A4_CSS_PX = (794.0, 1123.0)
NUMERIC_KEY, TEXT_KEY = 4817, "kererū"
FRACTION = "<math><mfrac><mn>1</mn><mn>2</mn></mfrac></math>"
EXTRAS = ["NUM", "MULTI", "TEXT", "PASS1", "PASS2"]
STEMS = {"NUM": "How many eggs are in the big tray?", "MULTI": "Which are even numbers?",
         "TEXT": "Name a native bird.", "PASS1": "When does the sea rise?",
         "PASS2": "What pulls the sea?"}


def _extras(session: Session) -> None:
    """A numeric, a multiple choice (partial credit), a short text and a passage pair."""
    passages.create(session, data=PassageCreate(
        code="P-TIDES", subject="maths", title="Tides",
        body_html="<p>The sea rises and falls twice a day.</p>"))
    options = [{"id": i, "html": t} for i, t in zip("ABCD", ("2", "3", "8", "9"), strict=True)]
    made = [("NUM", {"response_type": "numeric", "options": [],
                     "key": {"value": NUMERIC_KEY, "tolerance": 0.5},
                     "stem_html": f"<p>{STEMS['NUM']} {FRACTION}</p>"}),
            ("MULTI", {"response_type": "multiple_choice", "options": options, "max_score": 2,
                       "key": {"correct": ["A", "C"], "partial_credit": True}}),
            ("TEXT", {"response_type": "short_text", "options": [],
                      "key": {"accepted": [TEXT_KEY, "tūī"]}}),
            ("PASS1", {"passage": "P-TIDES"}), ("PASS2", {"passage": "P-TIDES"})]
    for code, fields in made:
        fields.setdefault("stem_html", f"<p>{STEMS[code]}</p>")
        items.create(session, data=ItemCreate.model_validate(item_data(code, **fields)))


@pytest.fixture
def world(session: Session) -> people.Tenant:
    builders.bank(session)
    _extras(session)
    return people.tenant(session, "PAPER-A")


def _paper_assignment(session: Session, world: people.Tenant, codes: list[str],
                      mode: Literal["screen", "paper"] = "paper") -> Assignment:
    made = builders.form(session, staff=world.teacher, codes=codes)
    now = utcnow()
    return sittings.assign(session, caller=Caller.of_staff(world.teacher), data=AssignmentCreate(
        form_id=made.id, class_id=world.room.id, opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=1), mode=mode))


def _full_form(session: Session, world: people.Tenant) -> Form:
    return builders.form(session, staff=world.teacher,
                         codes=builders.codes(3) + EXTRAS + ["OPEN"])


def test_the_booklet_is_a4_in_order_and_holds_no_key(session: Session,
                                                     world: people.Tenant) -> None:
    booklet = paper.paper_of(session, _full_form(session, world))
    html = paper.render_booklet_html(booklet)
    stems = ["What is 7 + 5?"] * 3 + [STEMS[c] for c in EXTRAS] + ["Explain why."]
    at, found = 0, []
    for stem in stems:
        at = html.index(stem, at + 1)
        found.append(at)
    assert found == sorted(found) and [q.label for q in booklet.questions] == [
        str(n) for n in range(1, 10)]
    assert html.index("The sea rises") < html.index(STEMS["PASS1"])
    assert [q.label for q in booklet.attitude] == ["A1", "A2"] and "Very much" in html
    assert "<mfrac>" in html and "Tick all that apply" in html and "Page" not in html
    for secret in (builders.SECRET_KEY_TEXT, TEXT_KEY, "tūī", str(NUMERIC_KEY), "correct",
                   "accepted", "partial", "teacher_marked"):
        assert secret not in html
    assert html.count('class="box ticked"') == 1  # the cover's example, never an answer
    doc = document(html, "https://kete.invalid/")
    width, height = doc.pages[0].width, doc.pages[0].height
    assert (round(width), round(height)) == pytest.approx(A4_CSS_PX, abs=1)
    assert len(doc.pages) >= 2
    assert paper.render_booklet_pdf(booklet).startswith(b"%PDF")


def test_the_marking_guide_has_every_key(session: Session, world: people.Tenant) -> None:
    booklet = paper.paper_of(session, _full_form(session, world))
    html = paper.render_guide_html(session, booklet)
    for text in ("B (12)", "A (2), C (8)", "minus one per wrong tick", str(NUMERIC_KEY),
                 "± 0.5", TEXT_KEY, "tūī", builders.SECRET_KEY_TEXT, "marking queue",
                 "Number and Algebra", "Geometry and Measurement", "2B", "3P"):
        assert text in html, text
    assert [e.label for e in paper.guide_entries(session, booklet)] == [
        str(n) for n in range(1, 10)]
    assert "1 = No way" in html  # how to enter the attitude statements
    assert paper.render_guide_pdf(session, booklet).startswith(b"%PDF")


def test_pdf_routes_serve_own_accepted_forms_only(client: TestClient, session: Session,
                                                  world: people.Tenant) -> None:
    made = builders.form(session, staff=world.teacher, codes=builders.codes(4))
    draft = builders.form(session, staff=world.teacher, codes=builders.codes(4),
                          status="draft")
    mine = people.bearer(session, world.teacher)
    for name in ("booklet.pdf", "marking-guide.pdf"):
        got = client.get(f"/api/v1/forms/{made.id}/{name}", headers=mine)
        assert got.status_code == 200 and got.content.startswith(b"%PDF")
        assert got.headers["content-type"] == "application/pdf"
        assert client.get(f"/api/v1/forms/{draft.id}/{name}", headers=mine).status_code == 409
    other = people.bearer(session, people.tenant(session, "PAPER-B").teacher)
    for name in ("booklet.pdf", "marking-guide.pdf"):
        assert client.get(f"/api/v1/forms/{made.id}/{name}", headers=other).status_code == 404


def _answers(n: int, letter: str = "B") -> dict[str, str]:
    return {str(k): letter for k in range(1, n + 1)} | {"A1": "4", "A2": "2"}


def test_a_row_saved_through_the_api_is_a_scored_sitting(
        client: TestClient, session: Session, world: people.Tenant) -> None:
    assignment = _paper_assignment(session, world, builders.codes(6))
    auth = people.bearer(session, world.teacher)
    url = f"/api/v1/assignments/{assignment.id}/paper-responses"
    body = {"student_id": world.students[0].id, "answers": _answers(6) | {"6": "a"}}
    saved = client.post(url, json=body, headers=auth)
    assert saved.status_code == 200, saved.text
    assert saved.json()["status"] == "scored"
    result = session.scalar(select(Result).where(Result.sitting_id == saved.json()["sitting_id"]))
    assert result is not None and result.raw_score == 5 and result.attitude_score == 2.0
    again = client.post(url, json=body | {"answers": _answers(6)}, headers=auth)
    assert again.json()["sitting_id"] == saved.json()["sitting_id"]
    rescored = session.scalar(select(Result).where(Result.sitting_id == saved.json()["sitting_id"]))
    assert rescored is not None and rescored.raw_score == 6


def test_bad_cells_are_named_and_nothing_is_written(
        client: TestClient, session: Session, world: people.Tenant) -> None:
    assignment = _paper_assignment(session, world, builders.codes(3) + ["NUM", "MULTI"])
    auth = people.bearer(session, world.teacher)
    body = {"student_id": world.students[1].id,
            "answers": {"1": "E", "2": "B", "4": "lots", "5": "AX", "A1": "5", "99": "A"}}
    refused = client.post(f"/api/v1/assignments/{assignment.id}/paper-responses", json=body,
                          headers=auth)
    assert refused.status_code == 422
    messages = [p["message"] for p in refused.json()["problems"]]
    assert "Q1: 'E' is not an option (A–C)" in messages
    assert "Q4: 'lots' is not a number" in messages
    assert "Q5: 'AX' is not an option (A–D)" in messages
    assert "A1: '5' is not 1–4" in messages and "99 is not a question of this test" in messages
    assert session.scalar(select(Sitting).where(Sitting.assignment_id == assignment.id)) is None


def test_the_entry_grid_page_saves_a_row_and_names_bad_cells(
        client: TestClient, session: Session, world: people.Tenant) -> None:
    assignment = _paper_assignment(session, world, builders.codes(3) + ["NUM", "OPEN"])
    token, csrf = people.cookie_and_csrf(session, world.teacher)
    client.cookies.set(SESSION_COOKIE, token)
    url = f"/assignments/{assignment.id}/paper"
    page = client.get(url)
    assert page.status_code == 200
    assert '<th scope="row">Mere Tane</th>' in page.text
    assert 'aria-label="Sione Fifita, question 4"' in page.text and 'scope="col"' in page.text
    good, bad = world.students
    form = {"csrf": csrf, "save": str(good.id), f"r{good.id}.1": "b", f"r{good.id}.4": "1/2",
            f"r{good.id}.5": "because it is", f"r{bad.id}.1": "E"}
    saved = client.post(url, data=form)
    assert saved.status_code == 200 and "Saved 1 row." in saved.text
    assert 'value="E"' in saved.text  # the unsaved row keeps what was typed
    sitting = session.scalar(select(Sitting).where(Sitting.student_id == good.id))
    assert sitting is not None and sitting.status == "submitted"  # OPEN waits for a mark
    (entry,) = marking.queue(session, caller=Caller.of_staff(world.teacher))
    assert entry.response == "because it is"
    refused = client.post(url, data={**form, "save": str(bad.id)})
    assert refused.status_code == 422 and "Q1: &#39;E&#39; is not an option (A–C)" in refused.text
    assert 'aria-invalid="true"' in refused.text
    assert session.scalar(select(Sitting).where(Sitting.student_id == bad.id)) is None


def test_other_schools_teachers_and_screen_tests_are_refused(
        client: TestClient, session: Session, world: people.Tenant) -> None:
    assignment = _paper_assignment(session, world, builders.codes(3))
    screen = _paper_assignment(session, world, builders.codes(3), mode="screen")
    body = {"student_id": world.students[0].id, "answers": {"1": "B"}}
    url = "/api/v1/assignments/{}/paper-responses"
    other = people.tenant(session, "PAPER-B")
    theirs = people.bearer(session, other.teacher)
    assert client.post(url.format(assignment.id), json=body, headers=theirs).status_code == 404
    assert client.get(f"/api/v1/assignments/{assignment.id}/booklet.pdf",
                      headers=theirs).status_code == 404
    client.cookies.set(SESSION_COOKIE, people.cookie(session, other.teacher))
    assert client.get(f"/assignments/{assignment.id}/paper").status_code == 404
    colleague = people.bearer(session, world.other_teacher)  # same school, not their class
    assert client.post(url.format(assignment.id), json=body,
                       headers=colleague).status_code == 404
    mine = people.bearer(session, world.teacher)
    assert client.post(url.format(screen.id), json=body, headers=mine).status_code == 409
    outsider = body | {"student_id": other.students[0].id}
    assert client.post(url.format(assignment.id), json=outsider, headers=mine).status_code == 422
