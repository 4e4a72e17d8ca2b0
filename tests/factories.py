"""Builders for rows the tests need: a small framework, items, staff with tokens."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.itembank import curricula
from app.itembank.models import Subject
from app.people import service as people

FRAMEWORK: dict[str, Any] = {
    "subject": {"code": "maths", "name": "Mathematics"},
    "levels": [{"code": f"{lv}{s}", "level": lv, "sublevel": s, "rank": 3 * (lv - 2) + i}
               for lv in (2, 3, 4) for i, s in enumerate("BPA")],
    "strands": [{"code": "NA", "name": "Number and Algebra"},
                {"code": "GM", "name": "Geometry and Measurement"}],
    "objectives": [{"code": "NA3-1", "strand": "NA", "level": 3, "text": "Add and subtract."},
                   {"code": "NA4-1", "strand": "NA", "level": 4, "text": "Multiply."},
                   {"code": "GM3-1", "strand": "GM", "level": 3, "text": "Measure length."}],
}


def framework(session: Session) -> Subject:
    return curricula.load_framework(session, curricula.Framework.model_validate(FRAMEWORK))


def item_data(code: str = "MA-1", **overrides: Any) -> dict[str, Any]:
    """A valid single-choice maths item in the import/API format."""
    data: dict[str, Any] = {
        "code": code, "subject": "maths", "strand": "NA", "objective": "NA3-1",
        "sublevel": "3P", "solo": "multistructural", "response_type": "single_choice",
        "status": "operational", "stem_html": "<p>What is 7 + 5?</p>",
        "options": [{"id": "A", "html": "11"}, {"id": "B", "html": "12"},
                    {"id": "C", "html": "13"}],
        "key": {"correct": "B"}, "max_score": 1, "expected_time_s": 30,
    }
    data.update(overrides)
    return data


def staff_token(client: TestClient, session: Session, *, role: str = "psychometrician",
                email: str = "psy@example.org") -> dict[str, str]:
    """Create a staff account and return an Authorization header for it."""
    people.create_staff(session, email=email, name="Test Staff", role=role, password="pw-12345")
    response = client.post("/api/v1/auth/token", json={"email": email, "password": "pw-12345"})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}
