"""The item bank API: create, read, update with revisions, retire, list and filter."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.factories import framework, item_data, staff_token


def _setup(client: TestClient, session: Session) -> dict[str, str]:
    framework(session)
    return staff_token(client, session)


def test_create_and_read_item_with_key_for_staff(client: TestClient, session: Session) -> None:
    auth = _setup(client, session)
    created = client.post("/api/v1/items", json=item_data(), headers=auth)
    assert created.status_code == 201, created.text
    body = client.get("/api/v1/items/MA-1", headers=auth).json()
    assert body["key"] == {"correct": "B"}
    assert body["depth"] == "surface" and body["revision"] == 1 and body["sublevel"] == "3P"


def test_api_refuses_anonymous_callers(client: TestClient, session: Session) -> None:
    framework(session)
    response = client.get("/api/v1/items")
    assert response.status_code == 401
    assert response.json()["error"] == "NotAuthenticated"


def test_script_is_removed_from_item_html(client: TestClient, session: Session) -> None:
    auth = _setup(client, session)
    stem = '<p onclick="steal()">Sum?<script>alert(1)</script><math><mn>2</mn></math></p>'
    client.post("/api/v1/items", json=item_data(stem_html=stem), headers=auth)
    stored = client.get("/api/v1/items/MA-1", headers=auth).json()["stem_html"]
    assert "script" not in stored and "onclick" not in stored and "<math>" in stored


def test_content_edit_of_operational_item_creates_revision_and_flags_recalibration(
        client: TestClient, session: Session) -> None:
    auth = _setup(client, session)
    client.post("/api/v1/items", json=item_data(), headers=auth)
    edited = client.patch("/api/v1/items/MA-1", headers=auth,
                          json={"stem_html": "<p>What is 5 + 7?</p>", "note": "reworded"})
    assert edited.status_code == 200, edited.text
    assert edited.json()["revision"] == 2 and edited.json()["needs_recalibration"] is True
    history = client.get("/api/v1/items/MA-1/revisions", headers=auth).json()
    assert [r["number"] for r in history] == [1, 2] and history[1]["note"] == "reworded"


def test_metadata_only_edit_makes_no_revision(client: TestClient, session: Session) -> None:
    auth = _setup(client, session)
    client.post("/api/v1/items", json=item_data(status="draft"), headers=auth)
    edited = client.patch("/api/v1/items/MA-1", headers=auth, json={"status": "trial"}).json()
    assert edited["revision"] == 1 and edited["status"] == "trial"
    assert edited["needs_recalibration"] is False


def test_invalid_transition_and_retire(client: TestClient, session: Session) -> None:
    auth = _setup(client, session)
    client.post("/api/v1/items", json=item_data(), headers=auth)
    back = client.patch("/api/v1/items/MA-1", headers=auth, json={"status": "draft"})
    assert back.status_code == 409 and "operational to draft" in back.json()["detail"]
    retired = client.post("/api/v1/items/MA-1/retire", headers=auth)
    assert retired.json()["status"] == "retired"


def test_bad_items_get_clear_422s(client: TestClient, session: Session) -> None:
    auth = _setup(client, session)
    wrong_key = client.post("/api/v1/items", json=item_data(key={"correct": "Z"}), headers=auth)
    assert wrong_key.status_code == 422
    assert "option ids" in str(wrong_key.json()["problems"])
    unknown = client.post("/api/v1/items", json=item_data(strand="XX"), headers=auth)
    assert unknown.status_code == 422 and "Unknown strand" in unknown.json()["detail"]
    garbage = client.post("/api/v1/items", content=b"{not json", headers={
        **auth, "Content-Type": "application/json"})
    assert garbage.status_code == 422
    duplicate = client.post("/api/v1/items", json=item_data(), headers=auth)
    again = client.post("/api/v1/items", json=item_data(), headers=auth)
    assert duplicate.status_code == 201 and again.status_code == 409


def test_missing_item_is_404_in_the_error_shape(client: TestClient, session: Session) -> None:
    auth = _setup(client, session)
    response = client.get("/api/v1/items/NOPE", headers=auth)
    assert response.status_code == 404
    assert response.json() == {"error": "NotFound", "detail": "No item with code 'NOPE'."}


def test_list_filters_and_pagination(client: TestClient, session: Session) -> None:
    auth = _setup(client, session)
    for i, (strand, obj, level, solo) in enumerate([
        ("NA", "NA3-1", "3B", "unistructural"), ("NA", "NA4-1", "4P", "relational"),
        ("GM", "GM3-1", "3A", "extended_abstract"), ("NA", "NA3-1", "3P", "multistructural"),
    ]):
        data = item_data(f"MA-{i}", strand=strand, objective=obj, sublevel=level, solo=solo,
                         stem_html=f"<p>Question about {'fractions' if i == 2 else 'sums'}</p>")
        assert client.post("/api/v1/items", json=data, headers=auth).status_code == 201

    def codes(**params: object) -> list[str]:
        response = client.get("/api/v1/items", params=params, headers=auth)
        assert response.status_code == 200, response.text
        return [i["code"] for i in response.json()["items"]]

    assert codes(strand="NA") == ["MA-0", "MA-1", "MA-3"]
    assert codes(depth="deep") == ["MA-1", "MA-2"]
    assert codes(level_min="3P", level_max="3A") == ["MA-2", "MA-3"]
    assert codes(q="fractions") == ["MA-2"]
    assert codes(objective="NA4-1", solo="relational") == ["MA-1"]
    page = client.get("/api/v1/items", params={"page": 2, "page_size": 3}, headers=auth).json()
    assert page["total"] == 4 and [i["code"] for i in page["items"]] == ["MA-3"]
    bad = client.get("/api/v1/items", params={"level_min": "9Z"}, headers=auth)
    assert bad.status_code == 422
    assert client.get("/api/v1/items", params={"page": 0}, headers=auth).status_code == 422


def test_difficulty_filter_uses_active_calibration(client: TestClient, session: Session) -> None:
    auth = _setup(client, session)
    for i in range(3):
        client.post("/api/v1/items", json=item_data(f"MA-{i}"), headers=auth)
    calibration = {"subject": "maths", "label": "first", "activate": True, "parameters": [
        {"item": f"MA-{i}", "model": "2pl", "a": 1.0, "b": b} for i, b in enumerate((-1, 0, 1.5))
    ]}
    created = client.post("/api/v1/calibrations", json=calibration, headers=auth)
    assert created.status_code == 201, created.text
    params = {"difficulty_min": -0.5, "difficulty_max": 2}
    listed = client.get("/api/v1/items", params=params, headers=auth).json()["items"]
    assert [i["code"] for i in listed] == ["MA-1", "MA-2"]
    assert listed[1]["parameters"]["b"] == 1.5


def test_passages_crud(client: TestClient, session: Session) -> None:
    auth = _setup(client, session)
    body = {"code": "P1", "subject": "maths", "title": "Bus timetable",
            "body_html": "<p>The bus leaves at nine.</p>", "sublevel": "3B"}
    assert client.post("/api/v1/passages", json=body, headers=auth).status_code == 201
    client.post("/api/v1/items", json=item_data(passage="P1"), headers=auth)
    read = client.get("/api/v1/passages/P1", headers=auth).json()
    assert read["word_count"] == 5 and read["item_count"] == 1
    patched = client.patch("/api/v1/passages/P1", json={"title": "Timetable"}, headers=auth)
    assert patched.json()["title"] == "Timetable"
