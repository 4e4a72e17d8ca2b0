"""Errors answered where a person meets them: a browser gets a page, an API client JSON."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.people.dependencies import SESSION_COOKIE
from tests.people import builders as people

BROWSER = {"accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


def test_a_mistyped_address_in_a_browser_is_a_page(client: TestClient) -> None:
    response = client.get("/no-such-page", headers=BROWSER)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "<h1>Not found</h1>" in response.text
    assert "There is no page at this address" in response.text


def test_the_api_and_non_browsers_keep_json_for_an_unknown_address(client: TestClient) -> None:
    for path, headers in (("/api/v1/no-such-thing", BROWSER), ("/no-such-page", {})):
        response = client.get(path, headers=headers)
        assert response.status_code == 404
        assert response.json()["error"] == "NotFound"


def test_a_missing_class_or_test_page_leads_back_to_its_list(client: TestClient,
                                                              session: Session) -> None:
    """Not "Back to the bank" from a class or a test that is not there."""
    tenant = people.tenant(session, "ERR-A")
    client.cookies.set(SESSION_COOKIE, people.cookie(session, tenant.teacher))
    for path, back in (("/classes/999999", '<a href="/classes">Back to your classes</a>'),
                       ("/tests/999999", '<a href="/tests">Back to the tests</a>')):
        response = client.get(path)
        assert response.status_code == 404
        assert back in response.text


def test_a_page_names_a_bad_field_as_its_form_does(client: TestClient,
                                                   session: Session) -> None:
    """"class id: …", not "path.class_id: …"; the API keeps the full location."""
    tenant = people.tenant(session, "ERR-B")
    client.cookies.set(SESSION_COOKIE, people.cookie(session, tenant.teacher))
    page = client.get("/classes/abc")
    assert page.status_code == 422 and "<li>class id: " in page.text
    assert "path.class_id" not in page.text
    api = client.get("/api/v1/classes/abc", headers=people.bearer(session, tenant.teacher))
    assert api.json()["problems"][0]["field"] == "path.class_id"


def test_the_favicon_is_served_and_linked(client: TestClient) -> None:
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.headers["content-type"] == "image/svg+xml"
    assert client.get("/static/favicon.svg").status_code == 200
    assert '<link rel="icon" href="/static/favicon.svg"' in client.get("/login").text
