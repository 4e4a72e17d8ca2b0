"""One-time messages after a form: shown once from a signed cookie, never from the URL."""

from __future__ import annotations

import base64
import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.people.dependencies import SESSION_COOKIE
from app.ui import flash
from tests.people import builders
from tests.people.conftest import cheap_hashing

__all__ = ["cheap_hashing"]

NOTICE = '<p role="status" class="notice">'


def test_a_sealed_message_opens_until_it_expires_and_not_once_altered() -> None:
    sealed = flash.seal("Target saved — ā.", now=1000.0)
    assert flash.unseal(sealed, now=1000.0 + flash.LIFETIME_S) == "Target saved — ā."
    assert flash.unseal(sealed, now=1001.0 + flash.LIFETIME_S) is None
    payload, _, signature = sealed.partition(".")
    forged = base64.urlsafe_b64encode(json.dumps(["Hacked", 2000]).encode()).decode()
    for bad in (f"{forged}.{signature}", f"{payload}.{signature[:-2]}xx", payload, "", ".",
                "ā.ū", f"{forged.rstrip('=')}.{flash._signature(forged.rstrip('='))}x"):
        assert flash.unseal(bad, now=1000.0) is None, bad


@pytest.mark.parametrize("value", [[1, 2], ["a"], {"m": "a"}, "text", ["a", "soon"]])
def test_a_signed_cookie_of_the_wrong_shape_shows_nothing(value: object) -> None:
    payload = base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")
    assert flash.unseal(f"{payload}.{flash._signature(payload)}", now=0.0) is None


def _teacher(client: TestClient, session: Session) -> tuple[builders.Tenant, str]:
    a = builders.tenant(session, "KURA-A")
    token, csrf = builders.cookie_and_csrf(session, a.teacher)
    client.cookies.set(SESSION_COOKIE, token)
    return a, csrf


def test_the_message_shows_once_after_the_form_and_not_on_reload(
        client: TestClient, session: Session) -> None:
    a, csrf = _teacher(client, session)
    sent = client.post("/groups", data={"csrf": csrf, "name": "Tuesday group", "class_id":
                                        a.room.id, "student_ids": [s.id for s in a.students]},
                       follow_redirects=False)
    assert sent.status_code == 303 and sent.headers["location"] == f"/groups?class_id={a.room.id}"
    assert "message" not in sent.headers["location"]
    cookie = sent.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "max-age=60" in cookie
    page = client.get(sent.headers["location"])
    assert f"{NOTICE}Group &#39;Tuesday group&#39; made with 2 students.</p>" in page.text
    assert flash.COOKIE not in client.cookies
    assert NOTICE not in client.get(sent.headers["location"]).text


def test_a_refusal_is_shown_the_same_way(client: TestClient, session: Session) -> None:
    _, csrf = _teacher(client, session)
    page = client.post("/groups", data={"csrf": csrf, "name": "Nobody"})
    assert page.status_code == 200 and NOTICE in page.text
    assert NOTICE not in client.get("/groups").text


def test_a_message_in_the_url_shows_nothing(client: TestClient, session: Session) -> None:
    a, _ = _teacher(client, session)
    for path in ("/groups", "/cycles", "/norms", f"/classes/{a.room.id}"):
        page = client.get(path, params={"message": "Hacked: email your password to x@y.z"})
        assert page.status_code == 200, path
        assert "Hacked" not in page.text and NOTICE not in page.text, path


def test_a_tampered_or_foreign_cookie_shows_nothing_and_is_cleared(
        client: TestClient, session: Session) -> None:
    _teacher(client, session)
    genuine = flash.seal("Target saved.")
    payload, _, signature = genuine.partition(".")
    forged = base64.urlsafe_b64encode(json.dumps(["Hacked", 2**40]).encode()).decode()
    for value in (f"{forged}.{signature}", "Hacked", "%%%.###", f"{payload}.{signature}x"):
        client.cookies.set(flash.COOKIE, value)
        page = client.get("/groups")
        assert page.status_code == 200 and NOTICE not in page.text, value
        assert "Hacked" not in page.text
        assert 'kete_flash=""' in page.headers["set-cookie"], value  # cleared
        assert "max-age=0" in page.headers["set-cookie"].lower(), value
