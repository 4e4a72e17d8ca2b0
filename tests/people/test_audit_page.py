"""The audit page reads as a school leader would want: what was done in words, details as
short lines (old → new for a change), never route templates or JSON."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.main import create_app
from app.people import audit, audit_words, policy
from app.people.audit_names import Names
from app.people.dependencies import SESSION_COOKIE, Caller
from app.people.models import AuditEvent
from tests.factories import framework
from tests.people import builders

NOT_STAFF = {"public", "student:self"}


def _table(page: str) -> str:
    return page[page.index("<table"):page.index("</table>")]


def test_every_staff_write_route_has_words_and_every_worded_route_exists() -> None:
    writes = {f"{r.method} {r.path}" for r in policy.route_policies(create_app())
              if r.method in ("POST", "PUT", "PATCH", "DELETE")
              and not set(r.permissions) & NOT_STAFF}
    assert set(audit_words.ROUTES) - writes == set()  # no typo in a worded route
    assert writes - set(audit_words.ROUTES) == set()  # a new write route needs its words
    assert set(audit_words.ACTIONS) <= set(audit_words.FILTERS)


def test_a_change_of_a_rule_reads_old_to_new_and_unknowns_still_read() -> None:
    changed = AuditEvent(action="field_trial.setting", target="subject:maths", detail={
        "before": {"per_test": 2, "min_test_items": 20, "target": 300, "on_paper": False},
        "after": {"per_test": 3, "min_test_items": 20, "target": 250, "on_paper": True}})
    names = Names(found={"subject": {"maths": "Mathematics"}})
    assert audit_words.what(changed, names) == (
        "Changed the field-trial seeding rule for Mathematics")
    assert audit_words.details(changed) == [
        "Trial items per test: 2 → 3", "Responses wanted per trial item: 300 → 250",
        "On paper too: no → yes"]
    swap = AuditEvent(action="write", target="POST /tests/{form_id}/{action}", detail={
        "params": {"form_id": "7", "action": "swap"}, "changes": {"form_item": {"inserted": 1,
                                                                             "deleted": 1}}})
    assert audit_words.what(swap, Names()) == "Swapped a question of test #7"
    assert audit_words.details(swap) == ["test questions: 1 added, 1 removed"]
    swapped = AuditEvent(action="form.swap", target="form:7", detail={
        "form_id": 7, "test": "Week 5", "questions": "question 4", "out": "NA-012",
        "in": "NA-044"})
    assert audit_words.what(swapped, Names()) == (
        "Swapped question 4 of test ‘Week 5’: NA-012 out, NA-044 in")
    assert audit_words.details(swapped) == []
    built = AuditEvent(action="form.create", target="form:7", detail={
        "form_id": 7, "test": "Week 5", "mode": "screen"})
    assert audit_words.what(built, Names()) == "Built test ‘Week 5’"
    assert audit_words.details(built) == ["Mode: screen"]
    given = AuditEvent(action="assignment.create", target="assignment:3", detail={
        "form_id": 7, "test": "Week 5", "class_id": 2, "class": "Room 5",
        "opens_at": "2026-03-02T09:00+00:00", "closes_at": "2026-03-16T23:59+00:00",
        "mode": "screen", "time_limit_minutes": None})
    assert audit_words.what(given, Names()) == "Gave test ‘Week 5’ to Room 5"
    assert audit_words.details(given) == ["Opens: 2 March 2026 09:00 (UTC)",
                                          "Closes: 16 March 2026 23:59 (UTC)", "Mode: screen"]
    odd = AuditEvent(action="write", target="GET /somewhere/{x}", detail={"params": {}})
    assert audit_words.what(odd, Names()) == "Changed data (GET /somewhere/{x})"


def test_the_page_says_what_happened_in_words(client: TestClient, session: Session) -> None:
    framework(session)
    a = builders.tenant(session, "KURA-A")
    leader = builders.bearer(session, a.leader)
    pupil = a.students[0]
    client.put(f"/api/v1/classes/{a.other_room.id}/students/{pupil.id}", headers=leader)
    client.patch(f"/api/v1/students/{pupil.id}", headers=leader, json={"year_level": 7})
    client.post(f"/api/v1/staff/{a.teacher.id}/password-reset", headers=leader)
    admin = builders.staff(session, "admin")
    audit.record(session, actor=Caller.of_staff(admin), action="calibration.approve",
                 target="calibration-run:4", detail={"calibration": 9, "failing": [],
                                                     "reason": "", "left_out": [],
                                                     "operational": ["MA-7", "MA-8"]})
    audit.record(session, actor=Caller.of_staff(admin), action="field_trial.setting",
                 target="subject:maths", detail={"before": {"per_test": 2},
                                                 "after": {"per_test": 3}})
    client.cookies.set(SESSION_COOKIE, builders.cookie(session, admin))
    page = client.get("/audit")
    assert page.status_code == 200
    table = _table(page.text)
    for words in ("Put Mere Tane in Room 2", "Changed the details of Mere Tane",
                  "Reset the password of Teacher Person", "Approved calibration run #4",
                  "Made operational: MA-7, MA-8", "students: 1 changed",
                  "Changed the field-trial seeding rule for Mathematics",
                  "Trial items per test: 2 → 3"):
        assert words in table, words
    assert not re.search(r"[{}]|&#34;|/api/v1|calibration-run:", table)
    assert "Failing gates" not in table  # empty lists say nothing
    only = _table(client.get("/audit", params={"action": "calibration.approve"}).text)
    assert "Approved calibration run #4" in only and "Mere Tane" not in only
    none = client.get("/audit", params={"action": "norms.import"}).text
    assert "No events yet" not in none  # there are events, just none of this kind
    assert "No events of this kind (Norms imported) yet." in none
    assert '<a href="/audit">Show everything</a>' in none
