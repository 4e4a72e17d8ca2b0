"""The service shell: health, the OpenAPI page, error shapes, settings."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from app.config import DEFAULT_SECRET, Settings
from app.main import create_app


@pytest.fixture(scope="module")
def bare_client() -> TestClient:
    return TestClient(create_app(), raise_server_exceptions=False)


def test_health_answers_200(bare_client: TestClient) -> None:
    assert bare_client.get("/health").json() == {"status": "ok"}


def test_docs_page_is_served(bare_client: TestClient) -> None:
    response = bare_client.get("/docs")
    assert response.status_code == 200 and "swagger" in response.text.lower()


def test_every_schema_field_is_described(bare_client: TestClient) -> None:
    """People read /docs to learn what a, b, c, θ and SE mean: no field goes unexplained."""
    spec = bare_client.get("/openapi.json").json()
    missing = []
    for name, schema in spec["components"]["schemas"].items():
        if name in ("HTTPValidationError", "ValidationError") or name.startswith("Body_"):
            continue
        for prop, body in schema.get("properties", {}).items():
            if not body.get("description"):
                missing.append(f"{name}.{prop}")
    assert missing == []


def test_every_operation_has_a_summary(bare_client: TestClient) -> None:
    spec = bare_client.get("/openapi.json").json()
    for path, operations in spec["paths"].items():
        for method, op in operations.items():
            assert op.get("summary"), f"{method.upper()} {path} has no summary"


def test_unknown_route_uses_the_error_shape(bare_client: TestClient) -> None:
    response = bare_client.get("/api/v1/nothing-here")
    assert response.status_code == 404 and response.json()["error"] == "NotFound"


def test_production_refuses_the_default_secret() -> None:
    with pytest.raises(ValueError, match="KETE_SECRET_KEY"):
        Settings(environment="production", secret_key=DEFAULT_SECRET)
    assert Settings(environment="production", secret_key="s3cret").environment == "production"


def test_request_sessions_commit_before_the_response_is_sent() -> None:
    """A redirect after a write (log-in → home) must find the write committed: the session
    dependency ends with the handler, not after the response (a race the browser tests hit)."""
    from typing import get_args

    from app.db import SessionDep

    assert get_args(SessionDep)[1].scope == "function"
