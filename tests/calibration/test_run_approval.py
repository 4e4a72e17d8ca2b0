"""Approving a run grows the bank: the trial items it estimated become operational, with
their new parameters, audited, out of the field-trial queue and open to new tests."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.assembly.service import bank_records
from app.calibration import field_trial, runs, service
from app.calibration.files import ResponseTable
from app.calibration.models import CalibrationRun
from app.delivery.service import record_table
from app.irt.parameters import ItemParameters
from app.irt.simulate import simulate_responses
from app.itembank import service as items
from app.itembank.schemas import ItemCreate
from app.people import service as people
from app.people.dependencies import SESSION_COOKIE
from app.people.models import AuditEvent
from app.ui.templates import signed
from tests.calibration.test_runs_classroom import N_NEW, _classroom_bank, _run, _sittings
from tests.factories import framework, item_data, staff_token
from tests.people.builders import cookie_and_csrf

TRIAL = [f"T{j:02d}" for j in range(N_NEW)]


def _psychometrician(client: TestClient, session: Session) -> str:
    staff = people.create_staff(session, email="psy@example.org", name="P",
                                role="psychometrician", password="pw-12345")
    token, csrf = cookie_and_csrf(session, staff)
    client.cookies.set(SESSION_COOKIE, token)
    return csrf


def test_approving_a_run_makes_its_trial_items_operational(client: TestClient,
                                                           session: Session) -> None:
    rng = np.random.default_rng(31)
    truth = _classroom_bank(session, rng)
    _sittings(session, truth, rng, n=1500)
    subject = framework(session)
    assert set(TRIAL) <= set(field_trial.ready_codes(session, subject_id=subject.id))
    run = _run(session, anchored=True)
    assert run.status == "succeeded", run.message
    csrf = _psychometrician(client, session)
    page = client.get(f"/calibration/runs/{run.id}")
    assert f"{N_NEW} trial item(s) become operational" in page.text
    approved = client.post(f"/calibration/runs/{run.id}/approve",
                           data={"csrf": csrf, "reason": "accepted for this test"},
                           follow_redirects=False)
    assert approved.status_code == 303, approved.text
    session.expire_all()
    assert (f"Approved: calibration #{runs.get(session, run_id=run.id).result_id} is now the "
            "active one for Mathematics.") in client.get(approved.headers["location"]).text
    run = runs.get(session, run_id=run.id)
    assert run.status == "approved" and run.report["approval"]["operational"] == TRIAL
    assert f"{N_NEW} trial item(s) became operational" in run.message
    assert {items.get(session, code=c).status for c in TRIAL} == {"operational"}
    records = {r["code"]: r for r in bank_records(session, subject)}
    estimated = {r["item_id"]: r for r in run.report["items"]}
    assert set(TRIAL) <= set(records)
    assert records["T03"]["b"] == estimated["T03"]["b"]  # the new parameters
    assert field_trial.progress(session, subject_id=subject.id) == []  # queue empty
    assert "ready for the next run" not in client.get("/calibration/runs").text
    assert "queued for the next run" not in client.get("/bank/T03").text
    events = session.scalars(select(AuditEvent).where(AuditEvent.action == "item.operational"))
    assert sorted(e.target for e in events) == [f"item:{c}" for c in TRIAL]


def test_failing_trial_items_left_out_stay_trial(session: Session) -> None:
    from tests.calibration.test_runs_classroom import _misfit_run

    run = _misfit_run(session)
    runs.approve(session, run=run, leave_out=True)
    assert items.get(session, code="T00").status == "trial"
    assert items.get(session, code="T01").status == "operational"
    assert "T00" not in run.report["approval"]["operational"]
    active = service.get_active(session, subject=framework(session))
    assert active is not None


def test_a_rasch_run_is_all_rasch_family_with_infit_and_outfit(client: TestClient,
                                                               session: Session) -> None:
    """Model "Rasch (PCM for partial credit)": the partial-credit item is PCM (a = 1), and
    every estimated item has infit/outfit even though the anchors are 2PL."""
    rng = np.random.default_rng(34)
    truth = _classroom_bank(session, rng)
    items.create(session, data=ItemCreate.model_validate(item_data(
        "P00", status="trial", response_type="multiple_choice", max_score=2,
        key={"correct": ["A", "B"], "partial_credit": True})))
    keep = [r for r in truth.to_records() if r["item_id"][0] in "AT"]
    sim = ItemParameters.from_records(
        [*keep, {"item_id": "P00", "model": "pcm", "steps": [-0.6, 0.4]}])
    scores = simulate_responses(sim, rng.normal(0.3, 1.0, 1500), rng)
    table = ResponseTable.from_dense(scores, [f"s{i}" for i in range(1500)], sim.item_ids)
    record_table(session, table=table, subject_id=framework(session).id, source="sitting",
                 observed_at=datetime(2026, 3, 1, tzinfo=UTC))
    run = _run(session, model="rasch")
    assert run.status == "succeeded", run.message
    rows = {r["item_id"]: r for r in run.report["items"]}
    assert rows["P00"]["model"] == "pcm" and rows["P00"]["a"] == 1.0
    assert {rows[c]["model"] for c in TRIAL} == {"rasch"}
    assert all(rows[c]["infit"] is not None and rows[c]["outfit"] is not None
               for c in [*TRIAL, "P00"])
    assert rows["A00"].get("infit") is None  # a 2PL anchor: mean squares do not apply
    _psychometrician(client, session)
    page = client.get(f"/calibration/runs/{run.id}", params={"find": "P00"})
    assert "infit" in page.text.split("<tbody>", 1)[1]


def test_signed_numbers_never_print_a_negative_zero() -> None:
    assert signed(-0.0004, 3) == "0.000" and signed(-0.0, 1) == "0.0"
    assert signed(-0.04, 1) == "0.0" and signed(0.0, 3) == "0.000"
    assert signed(0.25, 2) == "+0.25" and signed(-0.25, 2) == "-0.25"


def test_review_names_calibrations_and_a_superseded_run_cannot_be_approved(
        client: TestClient, session: Session) -> None:
    rng = np.random.default_rng(35)
    truth = _classroom_bank(session, rng)
    _sittings(session, truth, rng, n=1200)
    first, second = _run(session), _run(session)
    assert first.status == second.status == "succeeded", (first.message, second.message)
    old = service.get_active(session, subject=framework(session))
    assert old is not None
    csrf = _psychometrician(client, session)
    page = client.get(f"/calibration/runs/{second.id}").text
    assert f"calibration #{second.result_id} from this run" in page
    assert f"the active calibration #{old.id}" in page and "this run (#" not in page
    assert f"instead of the active calibration #{old.id}" in page
    runs.approve(session, run=first, reason="accepted for this test")
    page = client.get(f"/calibration/runs/{second.id}").text
    assert 'id="superseded"' in page and "Cannot be approved" in page
    assert f"/calibration/runs/{second.id}/approve" not in page
    assert "Discard this run" in page
    refused = client.post(f"/calibration/runs/{second.id}/approve",
                          data={"csrf": csrf, "reason": "accepted for this test"})
    assert refused.status_code == 409 and f"calibration #{first.result_id} is active now" in \
        refused.text
    assert runs.get(session, run_id=second.id).status == "succeeded"


def test_review_table_empty_state_and_curves_note(client: TestClient, session: Session,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from app.calibration import review
    from tests.calibration.test_runs_classroom import _misfit_run

    run = _misfit_run(session)
    run.report = {**run.report, "items": [
        {**r, "fit_q": 0.01} if not r["anchor"] else r for r in run.report["items"]]}
    session.flush()
    monkeypatch.setattr(review, "MAX_CURVES", 4)
    _psychometrician(client, session)
    page = client.get(f"/calibration/runs/{run.id}").text
    assert "first 4 of 6 shown" in page and 'id="icc-note"' in page
    for query in ({"find": "zzz"}, {"show": "anchors", "find": "T0"}):
        empty = client.get(f"/calibration/runs/{run.id}", params=query).text
        assert 'id="no-items"' in empty and "No item matches" in empty
        assert "<tbody>" not in empty.split('id="items"', 1)[1].split('id="exposure"', 1)[0]
        assert "Show all" in empty and " of 0 items" not in empty and "0 of " not in empty


def test_twelve_lines_look_different() -> None:
    from app.ui.charts import line_chart

    svg = line_chart(np.arange(3.0), {f"s{k}": np.arange(3.0) * k for k in range(12)},
                     chart_id="c", title="t", desc="d", x_label="x", y_label="y")
    styles = {(line.split('stroke="')[1][:7], "dasharray" in line)
              for line in svg.splitlines() if line.startswith("<polyline")}
    assert len(styles) == 12


def test_unknown_item_codes_are_refused_on_the_form_and_the_api(
        client: TestClient, session: Session) -> None:
    _classroom_bank(session, np.random.default_rng(36))
    csrf = _psychometrician(client, session)
    refused = client.post("/calibration/runs", data={
        "csrf": csrf, "subject": "maths", "label": "x", "items": "codes",
        "codes": "T01 MA-XX-9999, ZZ-1", "model": "2pl"})
    assert refused.status_code == 422
    assert "2 item code(s) are not" in refused.text and "MA-XX-9999, ZZ-1" in refused.text
    assert 'value="codes" checked' in refused.text
    headers = staff_token(client, session, email="api@example.org")
    api = client.post("/api/v1/calibration-runs", headers=headers, json={
        "subject": "maths", "label": "x", "item_codes": ["MA-XX-9999"]})
    assert api.status_code == 422 and "MA-XX-9999" in api.json()["detail"]
    assert session.scalar(select(func.count()).select_from(CalibrationRun)) == 0
