"""Adaptive tests from the teacher's wizard, through the API on a real database."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.assembly.models import Form, FormItem
from app.itembank.models import Item
from tests.assembly.adaptive_builders import (
    CAT_REQUEST,
    MST_REQUEST,
    adaptive_bank,
    patient_solver,
)
from tests.factories import staff_token

__all__ = ["patient_solver"]


def test_mst_from_the_wizard_previews_stage_one_only(client: TestClient, session: Session,
                                                     patient_solver: None) -> None:
    adaptive_bank(session)
    auth = staff_token(client, session, role="teacher")
    built = client.post("/api/v1/forms", json=MST_REQUEST, headers=auth)
    assert built.status_code == 201, built.text
    form = built.json()
    assert form["kind"] == "mst" and form["mode"] == "screen"
    info = form["adaptive"]
    assert info["design"] == "1-3-3" and info["module_length"] == 5 and info["panels"] == 2
    stored = session.get(Form, form["id"])
    assert stored is not None and stored.design is not None
    panels = stored.design["panels"]
    routing = [code for p in panels for code in p["stages"][0]["modules"][0]["items"]]
    later = {code for p in panels for stage in p["stages"][1:] for m in stage["modules"]
             for code in m["items"]}
    assert [i["code"] for i in form["items"]] == routing  # teachers preview stage 1 only
    assert not later & {i["code"] for i in form["items"]}
    every = [code for p in panels for stage in p["stages"] for m in stage["modules"]
             for code in m["items"]]
    assert len(every) == len(set(every)) == 2 * 7 * 5  # no item twice, panels disjoint
    codes = set(session.scalars(select(Item.code).join(FormItem, FormItem.item_id == Item.id)
                                .where(FormItem.form_id == form["id"])))
    assert codes == set(every) and "OPEN1" not in codes  # auto-marked items only
    paths = form["summary"]["paths"]
    assert paths["by_strand"]["NA"][0] >= 1 and paths["time_s"][1] > 0
    for p in panels:
        assert all(len(s["cuts"]) == len(s["modules"]) - 1 for s in p["stages"])


def test_cat_from_the_wizard_shows_no_items(client: TestClient, session: Session) -> None:
    adaptive_bank(session)
    auth = staff_token(client, session, role="teacher")
    built = client.post("/api/v1/forms", json={**CAT_REQUEST, "se_stop": 0.35}, headers=auth)
    assert built.status_code == 201, built.text
    form = built.json()
    assert form["kind"] == "cat" and form["items"] == []
    assert form["adaptive"]["length"] == 15 and form["adaptive"]["max_exposure"] == 0.25
    assert form["adaptive"]["se_stop"] == 0.35 and form["adaptive"]["pool"] >= 45
    swap = client.post(f"/api/v1/forms/{form['id']}/swap", json={"item": "A001"},
                       headers=auth)
    assert swap.status_code == 409
    similar = client.post(f"/api/v1/forms/{form['id']}/similar", headers=auth)
    assert similar.status_code == 409
    assert client.post(f"/api/v1/forms/{form['id']}/accept", headers=auth).status_code == 200
    booklet = client.get(f"/api/v1/forms/{form['id']}/booklet.pdf", headers=auth)
    assert booklet.status_code == 409 and "on screen only" in booklet.json()["detail"]


def test_adaptive_tests_are_on_screen_only_and_need_a_big_enough_bank(
        client: TestClient, session: Session) -> None:
    adaptive_bank(session, n=60)
    auth = staff_token(client, session, role="teacher")
    paper = client.post("/api/v1/forms", json={**MST_REQUEST, "mode": "paper"}, headers=auth)
    assert paper.status_code == 422 and "on screen" in paper.text
    small = client.post("/api/v1/forms", json={**CAT_REQUEST, "item_count": 20}, headers=auth)
    assert small.status_code == 409 and "at least 60" in small.json()["detail"]
    big = client.post("/api/v1/forms", json={**MST_REQUEST, "item_count": 45}, headers=auth)
    assert big.status_code == 409


def test_the_wizard_builds_an_mst_and_its_preview_shows_stage_one_only(
        client: TestClient, session: Session, patient_solver: None) -> None:
    from app.people.dependencies import SESSION_COOKIE
    from tests.people import builders as people

    adaptive_bank(session)
    world = people.tenant(session, "WIZ")
    token, csrf = people.cookie_and_csrf(session, world.teacher)
    client.cookies.set(SESSION_COOKIE, token)
    assert 'value="mst"' in client.get("/tests/new").text
    form = {"csrf": csrf, "name": "Adaptive number", "subject": "maths", "kind": "mst",
            "duration_minutes": "12", "maths.level_3": "most", "maths.level_4": "some",
            "maths.strand_NA": "most",
            "maths.strand_GM": "some", "deep_share": "30", "expected_level": "mostly 3P",
            "mode": "screen", "panels": "1"}
    built = client.post("/tests/new", data=form, follow_redirects=False)
    assert built.status_code == 303, built.text
    page = client.get(built.headers["location"])
    assert page.status_code == 200 and "First stage" in page.text
    stored = session.get(Form, int(built.headers["location"].rsplit("/", 1)[1]))
    assert stored is not None and stored.kind == "mst" and stored.design is not None
    stages = stored.design["panels"][0]["stages"]
    assert all(code in page.text for code in stages[0]["modules"][0]["items"])
    hidden = [c for stage in stages[1:] for m in stage["modules"] for c in m["items"]]
    assert not any(f">{code}<" in page.text for code in hidden)
    assert "booklet.pdf" not in page.text
    paper = client.post("/tests/new", data={**form, "mode": "paper"}, follow_redirects=False)
    assert paper.status_code == 422 and "on screen only" in paper.text


def test_an_adaptive_request_no_test_can_meet_is_explained_in_the_wizards_words(
        client: TestClient, session: Session) -> None:
    adaptive_bank(session, n=60)
    auth = staff_token(client, session, role="teacher")
    for request in ({**MST_REQUEST, "item_count": 45}, {**MST_REQUEST, "deep_share": 0.9}):
        refused = client.post("/api/v1/forms", json=request, headers=auth)
        assert refused.status_code == 409
        detail = refused.json()["detail"]
        assert detail.startswith("No adaptive test can meet everything you asked for. ")
        assert "Try:" in detail
        for engineer in ("path length", "minimum from", "maximum from", "(got", "seconds"):
            assert engineer not in detail, (engineer, detail)
        assert all(p["advice"] for p in refused.json()["problems"])
    too_long = client.post("/api/v1/forms", json={**MST_REQUEST, "item_count": 45},
                           headers=auth).json()["detail"]
    assert "45 questions cannot be found. Try: ask for " in too_long


def test_the_wizard_speaks_scale_points_not_logits(client: TestClient, session: Session,
                                                   patient_solver: None) -> None:
    from app.people.dependencies import SESSION_COOKIE
    from tests.people import builders as people

    adaptive_bank(session)  # maths on 1500 + 100·θ
    world = people.tenant(session, "WIZ")
    token, csrf = people.cookie_and_csrf(session, world.teacher)
    client.cookies.set(SESSION_COOKIE, token)
    wizard = client.get("/tests/new").text
    assert "logits" not in wizard and "scale points" in wizard
    form = {"csrf": csrf, "name": "Number by question", "subject": "maths", "kind": "cat",
            "duration_minutes": "20", "maths.level_3": "most", "maths.level_4": "some",
            "maths.strand_NA": "most", "maths.strand_GM": "some", "deep_share": "30",
            "expected_level": "mostly 3P", "mode": "screen", "se_stop": "30"}
    built = client.post("/tests/new", data=form, follow_redirects=False)
    assert built.status_code == 303, built.text
    stored = session.get(Form, int(built.headers["location"].rsplit("/", 1)[1]))
    assert stored is not None and stored.summary["adaptive"]["se_stop"] == 0.3  # 30 points
    page = client.get(built.headers["location"]).text
    assert "± 30 scale points" in page and "logits" not in page
    linear = client.post("/tests/new", data={**form, "kind": "linear", "se_stop": "",
                                             "name": "Number check"}, follow_redirects=False)
    assert linear.status_code == 303, linear.text
    preview = client.get(linear.headers["location"]).text
    assert "scale points" in preview and "logits" not in preview and "θ" not in preview
    assert "Scale score" in preview  # the information curve's axis
