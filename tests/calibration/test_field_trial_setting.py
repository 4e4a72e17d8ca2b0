"""The field-trial seeding rule can be read and changed (API and the runs page), and the bank's
pages show how far each trial item is towards its target."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.calibration import field_trial
from app.calibration.models import FieldTrialSetting
from app.db import utcnow
from app.delivery.models import ScoredResponse
from app.itembank import service as items
from app.itembank.models import Item
from app.itembank.schemas import ItemCreate
from app.people.dependencies import SESSION_COOKIE
from app.people.models import AuditEvent
from tests.factories import framework, item_data
from tests.people import builders as people

URL = "/api/v1/subjects/maths/field-trial"
RULE = {"per_test": 3, "min_test_items": 24, "target": 250, "on_paper": True}


@pytest.fixture
def subject_id(session: Session) -> int:
    return framework(session).id


def _staff(session: Session, role: str) -> dict[str, str]:
    return people.bearer(session, people.staff(session, role))


def test_get_gives_the_defaults_until_a_rule_is_saved(client: TestClient, session: Session,
                                                      subject_id: int) -> None:
    got = client.get(URL, headers=_staff(session, "teacher"))
    assert got.status_code == 200, got.text
    assert got.json() == {"subject": "maths", "per_test": 2, "min_test_items": 20,
                          "target": 300, "on_paper": False, "is_default": True}
    assert client.get("/api/v1/subjects/NOPE/field-trial",
                      headers=_staff(session, "admin")).status_code == 404


def test_a_psychometrician_changes_the_rule_and_it_is_audited(
        client: TestClient, session: Session, subject_id: int) -> None:
    auth = _staff(session, "psychometrician")
    put = client.put(URL, json=RULE, headers=auth)
    assert put.status_code == 200, put.text
    assert put.json() == {"subject": "maths", **RULE, "is_default": False}
    assert client.get(URL, headers=auth).json()["target"] == 250
    stored = field_trial.setting(session, subject_id=subject_id)
    assert (stored.per_test, stored.min_test_items, stored.target, stored.on_paper) == (
        3, 24, 250, True)
    again = client.put(URL, json={**RULE, "per_test": 0}, headers=auth)  # 0: seeding off
    assert again.status_code == 200 and again.json()["per_test"] == 0
    assert session.scalars(select(FieldTrialSetting)).all() == [stored]  # one row, updated
    events = session.scalars(select(AuditEvent).where(
        AuditEvent.action == "field_trial.setting").order_by(AuditEvent.id)).all()
    assert [e.target for e in events] == ["subject:maths", "subject:maths"]
    assert events[0].detail == {"before": {"per_test": 2, "min_test_items": 20, "target": 300,
                                           "on_paper": False}, "after": RULE}
    assert events[1].detail["after"]["per_test"] == 0


@pytest.mark.parametrize(("change", "says"), [
    ({"per_test": -1}, "per_test"), ({"per_test": 11}, "per_test"),
    ({"min_test_items": 4}, "min_test_items"), ({"target": 10}, "target"),
    ({"per_test": 8, "min_test_items": 24}, "at least 32"),
    ({"per_test": "two"}, "per_test"), ({"colour": "red"}, "colour")])
def test_a_rule_that_cannot_work_is_refused_with_why(client: TestClient, session: Session,
                                                     subject_id: int, change: dict,
                                                     says: str) -> None:
    bad = client.put(URL, json={**RULE, **change}, headers=_staff(session, "admin"))
    assert bad.status_code == 422, bad.text
    assert bad.json()["error"] == "ValidationError" and says in bad.text
    assert field_trial.setting(session, subject_id=subject_id).id is None  # nothing stored


def test_only_psychometricians_and_admins_change_it(client: TestClient, session: Session,
                                                    subject_id: int) -> None:
    for role in ("teacher", "leader", "item_writer"):
        assert client.put(URL, json=RULE, headers=_staff(session, role)).status_code == 403
    assert client.put(URL, json=RULE).status_code == 401


def _page_login(client: TestClient, session: Session, role: str) -> str:
    token, csrf = people.cookie_and_csrf(session, people.staff(session, role))
    client.cookies.set(SESSION_COOKIE, token)
    return csrf


def test_the_runs_page_form_saves_the_rule_or_says_what_is_wrong(
        client: TestClient, session: Session, subject_id: int) -> None:
    csrf = _page_login(client, session, "psychometrician")
    page = client.get("/calibration/runs")
    assert page.status_code == 200 and 'action="/calibration/field-trial/maths"' in page.text
    bad = client.post("/calibration/field-trial/maths", data={
        "csrf": csrf, "per_test": "6", "min_test_items": "20", "target": "300"})
    assert bad.status_code == 422
    assert "Not saved. 6 trial items would be more than a quarter of a 20-item test" in bad.text
    assert 'value="6"' in bad.text  # what was sent is shown again to correct
    worse = client.post("/calibration/field-trial/maths", data={
        "csrf": csrf, "per_test": "x", "min_test_items": "20", "target": "5"})
    assert worse.status_code == 422
    assert "Trial items per test: enter a whole number." in worse.text
    assert "Responses wanted: enter a whole number of at least 100." in worse.text
    assert "Input should be" not in worse.text
    short = client.post("/calibration/field-trial/maths", data={
        "csrf": csrf, "per_test": "0", "min_test_items": "3", "target": "100000000"})
    assert "Shortest test: enter a whole number of at least 5." in short.text
    assert "Responses wanted: enter a whole number of at most 100000." in short.text
    assert "Input should be" not in short.text
    assert field_trial.setting(session, subject_id=subject_id).id is None
    ok = client.post("/calibration/field-trial/maths", data={
        "csrf": csrf, "per_test": "1", "min_test_items": "12", "target": "400",
        "on_paper": "on"}, follow_redirects=False)
    assert ok.status_code == 303 and ok.headers["location"] == "/calibration/runs#seeding"
    saved = "rule saved. Tests accepted from now on follow it"
    assert saved in client.get("/calibration/runs").text
    assert saved not in client.get("/calibration/runs").text  # once, not on reload
    assert saved not in client.get("/calibration/runs?saved=maths").text  # nor from a link
    assert field_trial.as_dict(field_trial.setting(session, subject_id=subject_id)) == {
        "per_test": 1, "min_test_items": 12, "target": 400, "on_paper": True}
    assert session.scalar(select(AuditEvent.detail).where(
        AuditEvent.action == "field_trial.setting"))["after"]["target"] == 400


def test_a_teacher_reads_the_rule_but_gets_no_form(client: TestClient, session: Session,
                                                   subject_id: int) -> None:
    csrf = _page_login(client, session, "teacher")
    page = client.get("/calibration/runs")
    assert "2 trial item(s) in each test of 20 or more scored items" in page.text
    assert "/calibration/field-trial/maths" not in page.text
    refused = client.post("/calibration/field-trial/maths", data={
        "csrf": csrf, "per_test": "1", "min_test_items": "12", "target": "400"})
    assert refused.status_code == 403


def test_the_bank_pages_show_each_trial_items_progress(client: TestClient, session: Session,
                                                       subject_id: int) -> None:
    for code, status in (("TR-A", "trial"), ("TR-B", "trial"), ("OP-C", "operational")):
        items.create(session, data=ItemCreate.model_validate(item_data(code, status=status)))
    session.add(FieldTrialSetting(subject_id=subject_id, per_test=2, min_test_items=20,
                                  target=3, on_paper=False))
    a, b = (session.scalar(select(Item).where(Item.code == c)) for c in ("TR-A", "TR-B"))
    assert a is not None and b is not None
    session.add_all(ScoredResponse(person_key=f"p{k}", item_id=item.id, score=1, source="trial",
                                   item_revision_id=item.current_revision_id,
                                   observed_at=utcnow())
                    for item, n in ((a, 3), (b, 1)) for k in range(n))
    session.flush()
    _page_login(client, session, "teacher")
    bank = client.get("/bank?subject=maths")
    assert bank.status_code == 200
    assert "ready for calibration (3 responses)" in bank.text
    assert "1 of 3 responses" in bank.text and bank.text.count("trial-progress") == 2
    ready = client.get("/bank/TR-A").text
    assert "ready for calibration" in ready and "queued for the next run" in ready
    assert "1 of 3 responses collected" in client.get("/bank/TR-B").text
    assert "Field trial" not in client.get("/bank/OP-C").text
