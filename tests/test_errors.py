"""Errors answered where a person meets them: a browser gets a page, an API client JSON."""

from __future__ import annotations

from fastapi.testclient import TestClient

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
