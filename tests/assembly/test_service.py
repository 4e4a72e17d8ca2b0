"""The teacher's test builder through the API, on a real database."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable

import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.assembly import service
from app.assembly.solve import SolveOptions
from app.calibration import service as calibration
from app.calibration.schemas import CalibrationCreate
from app.itembank import families
from app.itembank import service as items
from app.itembank.schemas import FamilyCreate, ItemCreate
from app.people import audit_words
from app.people import service as people
from app.people.audit_names import Names
from app.people.models import AuditEvent
from tests.factories import framework, item_data, staff_token

UNLIMITED = SolveOptions(time_limit=math.inf, mip_rel_gap=0.01)
"""The teachers' solver settings without their time limit: a contract test's outcome depends on
the request and the bank, never on how fast the machine is."""
LEVELS = ["2B", "2P", "2A", "3B", "3P", "3A", "4B", "4P", "4A"]


def _bank(session: Session, n: int = 90, slopes: tuple[float, float] = (0.8, 1.6),
          family: Callable[[int], str | None] = lambda j: None) -> None:
    """A bank spread over strands, sublevels and SOLO, with parameters, scale and cuts;
    discriminations drawn uniformly from ``slopes``; item ``j``'s family is ``family(j)``."""
    subject = framework(session)
    rng = np.random.default_rng(3)
    params = []
    for j in range(n):
        level = LEVELS[j % len(LEVELS)]
        strand = "NA" if j % 3 else "GM"
        data = item_data(f"I{j:03d}", strand=strand, objective="NA3-1" if strand == "NA"
                         else "GM3-1", sublevel=level, expected_time_s=int(rng.integers(40, 90)),
                         solo=["unistructural", "multistructural", "relational"][j % 3 if j % 2
                                                                                  else 0],
                         family=family(j))
        items.create(session, data=ItemCreate.model_validate(data))
        theta = -2 + 0.5 * LEVELS.index(level)
        params.append({"item": f"I{j:03d}", "model": "2pl", "a": float(rng.uniform(*slopes)),
                       "b": float(theta + rng.normal(0, 0.3))})
    calibration.create(session, data=CalibrationCreate(subject="maths", label="bank",
                                                       activate=True, parameters=params))
    calibration.set_scale(session, subject=subject, name="Maths", intercept=1500, slope=100,
                          cuts={lv: 1300 + 50 * k for k, lv in enumerate(LEVELS)})


REQUEST = {"name": "Fractions check", "subject": "maths", "duration_minutes": 20,
           "levels": {"3": "most", "4": "some"}, "strands": {"NA": "most", "GM": "some"},
           "deep_share": 0.3, "expected_level": "mostly 3P"}


def test_build_swap_accept_and_similar(client: TestClient, session: Session) -> None:
    _bank(session)
    auth = staff_token(client, session, role="teacher")
    built = client.post("/api/v1/forms", json=REQUEST, headers=auth)
    assert built.status_code == 201, built.text
    form = built.json()
    codes = [i["code"] for i in form["items"]]
    assert form["status"] == "draft" and len(codes) == len(set(codes)) >= 10
    summary = form["summary"]
    assert summary["total_time_s"] <= 20 * 60
    assert set(summary["by_level"]) <= {"3B", "3P", "3A", "4B", "4P", "4A"}
    assert 0 < summary["expected_score"] < summary["max_score"]
    assert 0 < summary["se_at_class_level"] < 1 and "<svg" in form["tif_svg"]

    swapped = client.post(f"/api/v1/forms/{form['id']}/swap", json={"item": codes[0]},
                          headers=auth).json()
    new_codes = [i["code"] for i in swapped["items"]]
    assert codes[0] not in new_codes and swapped["summary"]["total_time_s"] <= 1200
    came = [c for c in new_codes if c not in codes]
    events = list(session.scalars(select(AuditEvent).order_by(AuditEvent.id)))
    assert [audit_words.what(e, Names()) for e in events] == [  # no bare "write" beside them
        "Built test ‘Fractions check’",
        f"Swapped question 1 of test ‘Fractions check’: {codes[0]} out, {', '.join(came)} in"]
    assert audit_words.details(events[1]) == []

    similar = client.post(f"/api/v1/forms/{form['id']}/similar", headers=auth)
    assert similar.status_code == 201, similar.text
    assert not set(new_codes) & {i["code"] for i in similar.json()["items"]}
    assert similar.json()["parent_id"] == form["id"]

    accepted = client.post(f"/api/v1/forms/{form['id']}/accept", headers=auth)
    assert accepted.json()["status"] == "accepted"
    late = client.post(f"/api/v1/forms/{form['id']}/swap", json={"item": new_codes[0]},
                       headers=auth)
    assert late.status_code == 409


def test_two_teachers_get_different_tests_for_the_same_request(client: TestClient,
                                                               session: Session) -> None:
    _bank(session)
    first = client.post("/api/v1/forms", json={**REQUEST, "deep_share": None},
                        headers=staff_token(client, session, role="teacher", email="a@x.org"))
    second = client.post("/api/v1/forms", json={**REQUEST, "deep_share": None},
                         headers=staff_token(client, session, role="teacher", email="b@x.org"))
    a = {i["code"] for i in first.json()["items"]}
    b = {i["code"] for i in second.json()["items"]}
    assert a != b


def test_six_teachers_with_the_same_request_share_few_items_and_keep_the_se(
        client: TestClient, session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    """The variety contract through the API, on a bank with room for six different tests
    (similar discriminations): each test keeps 95% of the best test's information at the
    class's level, so its SE there is within 5% (in fact 2.6%) of the best; and the six share
    at most 40% of their items on average, pairwise."""
    _bank(session, n=360, slopes=(1.0, 1.0))
    # no time limit: which tests HiGHS returns depends on the requests, not the machine's speed
    monkeypatch.setattr(service, "TEACHER_OPTIONS", UNLIMITED)
    forms: list[set[str]] = []
    for k in range(6):
        auth = staff_token(client, session, role="teacher", email=f"t{k}@x.org")
        response = client.post("/api/v1/forms", json=REQUEST, headers=auth)
        assert response.status_code == 201, response.text
        summary = response.json()["summary"]
        assert summary["se_at_class_level"] <= 1.05 * summary["se_best_at_class_level"]
        forms.append({i["code"] for i in response.json()["items"]})
    shares = [len(a & b) / min(len(a), len(b)) for a, b in itertools.combinations(forms, 2)]
    assert float(np.mean(shares)) <= 0.40, shares


def test_items_of_one_template_share_a_test_only_if_the_template_says_so(
        client: TestClient, session: Session) -> None:
    _bank(session, family=lambda j: "counting" if j % 2 else "facts")
    families.upsert(session, data=FamilyCreate(code="facts", enemies=False,
                                               note="separate number facts"))
    auth = staff_token(client, session, role="teacher")
    built = client.post("/api/v1/forms", json={**REQUEST, "deep_share": None}, headers=auth)
    assert built.status_code == 201, built.text
    codes = [i["code"] for i in built.json()["items"]]
    odd = [c for c in codes if int(c[1:]) % 2]
    assert len(odd) <= 1 and len(codes) - len(odd) >= 2  # one "counting"; "facts" freely


def test_impossible_request_is_409_naming_the_requirements(client: TestClient,
                                                          session: Session) -> None:
    _bank(session)
    auth = staff_token(client, session, role="teacher")
    response = client.post("/api/v1/forms", json={**REQUEST, "deep_share": 1.0}, headers=auth)
    assert response.status_code == 409, response.text
    body = response.json()
    assert body["error"] == "Conflict" and body["problems"]
    assert any("surface/deep" in str(p) for p in body["problems"])
    advice = " ".join(p["advice"] for p in body["problems"] if "advice" in p)
    assert "deep questions" in advice and "%" in advice and "surface/deep" not in advice
    assert body["detail"].startswith("No test can meet everything you asked for.")


def test_unreadable_requests_are_422(client: TestClient, session: Session) -> None:
    _bank(session)
    auth = staff_token(client, session, role="teacher")
    apart = client.post("/api/v1/forms", json={**REQUEST, "levels": {"2": "most", "4": "some"}},
                        headers=auth)
    assert apart.status_code == 422 and "next to each other" in str(apart.json()["problems"])
    both = client.post("/api/v1/forms", json={**REQUEST, "item_count": 10}, headers=auth)
    assert both.status_code == 422
    level = client.post("/api/v1/forms", json={**REQUEST, "expected_level": "mostly 9Z"},
                        headers=auth)
    assert level.status_code == 422 and "9Z" in str(level.json()["problems"])


def test_other_schools_forms_are_not_found(client: TestClient, session: Session) -> None:
    _bank(session)
    school_a = people.get_or_create_school(session, code="A", name="A School")
    school_b = people.get_or_create_school(session, code="B", name="B School")
    for email, school in (("ta@x.org", school_a), ("tb@x.org", school_b)):
        people.create_staff(session, email=email, name=email, role="teacher", password="pw-12345",
                            school=school)
    tokens = {e: client.post("/api/v1/auth/token", json={"email": e, "password": "pw-12345"})
              .json()["access_token"] for e in ("ta@x.org", "tb@x.org")}
    form = client.post("/api/v1/forms", json=REQUEST,
                       headers={"Authorization": f"Bearer {tokens['ta@x.org']}"}).json()
    other = client.get(f"/api/v1/forms/{form['id']}",
                       headers={"Authorization": f"Bearer {tokens['tb@x.org']}"})
    missing = client.get("/api/v1/forms/999999",
                         headers={"Authorization": f"Bearer {tokens['tb@x.org']}"})
    assert other.status_code == missing.status_code == 404
    assert other.json()["error"] == missing.json()["error"]


def test_items_the_class_has_seen_are_left_out(client: TestClient, session: Session) -> None:
    from datetime import timedelta

    from app.db import utcnow
    from app.delivery.models import Assignment
    from tests.people import builders

    _bank(session)
    school = people.get_or_create_school(session, code="SEEN", name="Seen School")
    teacher = people.create_staff(session, email="seen@x.org", name="T", role="teacher",
                                  password="pw-12345", school=school)
    room = builders.group(session, school, "Room 3", teachers=[teacher])
    token = client.post("/api/v1/auth/token", json={"email": "seen@x.org",
                                                     "password": "pw-12345"}).json()
    auth = {"Authorization": f"Bearer {token['access_token']}"}
    first = client.post("/api/v1/forms", json=REQUEST, headers=auth).json()
    session.add(Assignment(form_id=first["id"], class_id=room.id, school_id=school.id,
                           opens_at=utcnow() - timedelta(days=30),
                           closes_at=utcnow() - timedelta(days=20)))
    session.flush()
    again = client.post("/api/v1/forms", json={**REQUEST, "class_id": room.id}, headers=auth)
    assert again.status_code == 201, again.text
    seen = {i["code"] for i in first["items"]}
    assert not seen & {i["code"] for i in again.json()["items"]}
    other = builders.group(session, people.get_or_create_school(session, code="OTH",
                                                                 name="Other"), "Room X")
    hidden = client.post("/api/v1/forms", json={**REQUEST, "class_id": other.id}, headers=auth)
    assert hidden.status_code == 404
