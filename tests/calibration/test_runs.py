"""Calibration runs end to end on a real database: anchored recovery, failure, approval."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from app.calibration import runs, service
from app.calibration.files import ResponseTable
from app.calibration.models import CalibrationRun
from app.calibration.schemas import CalibrationCreate, RunCreate
from app.delivery.service import record_table
from app.irt.parameters import ItemParameters
from app.irt.simulate import simulate_responses
from app.itembank import service as items
from app.itembank.schemas import ItemCreate
from tests.factories import framework, item_data, staff_token

N_ANCHORS, N_NEW = 20, 6


def _bank(session: Session, rng: np.random.Generator) -> ItemParameters:
    """Anchors (operational, active calibration) and new trial items, with true parameters."""
    subject = framework(session)
    codes = [f"A{j:02d}" for j in range(N_ANCHORS)] + [f"T{j:02d}" for j in range(N_NEW)]
    for code in codes:
        status = "trial" if code.startswith("T") else "operational"
        items.create(session, data=ItemCreate.model_validate(item_data(code, status=status)))
    truth = ItemParameters.from_records([
        {"item_id": c, "model": "2pl", "a": a, "b": b} for c, a, b in zip(
            codes, rng.lognormal(0.1, 0.25, len(codes)), rng.normal(0, 1, len(codes)),
            strict=True)])
    anchors = [{"item": c, "model": "2pl", "a": float(truth.a[j]), "b": float(truth.b[j])}
               for j, c in enumerate(codes) if c.startswith("A")]
    service.create(session, data=CalibrationCreate(subject="maths", label="reference",
                                                   activate=True, parameters=anchors))
    assert subject.id
    return truth


def _responses(session: Session, truth: ItemParameters, rng: np.random.Generator,
               n: int = 3000) -> None:
    """A new cohort, θ ~ N(0.5, 1.2²), sees every anchor and about half the new items."""
    theta = rng.normal(0.5, 1.2, n)
    presented = np.ones((n, truth.n_items), bool)
    presented[:, N_ANCHORS:] = rng.random((n, N_NEW)) < 0.5
    scores = simulate_responses(truth, theta, rng, presented=presented)
    table = ResponseTable.from_dense(scores, [f"p{i}" for i in range(n)], truth.item_ids)
    subject = framework(session)
    record_table(session, table=table, subject_id=subject.id, source="trial",
                 observed_at=datetime(2026, 3, 1, tzinfo=UTC))


def _request(session: Session, label: str, anchored: bool = True) -> CalibrationRun:
    """A 2PL run over the trial items (the data are simulated from 2PL)."""
    return runs.request(session, data=RunCreate(subject="maths", label=label, model="2pl",
                                                anchored=anchored), requested_by="")


def _makers(session: Session) -> sessionmaker[Session]:
    return sessionmaker(bind=session.connection(), join_transaction_mode="create_savepoint",
                        expire_on_commit=False)


def test_anchored_run_puts_new_items_on_the_bank_scale(session: Session) -> None:
    rng = np.random.default_rng(7)
    truth = _bank(session, rng)
    _responses(session, truth, rng)
    run = _request(session, "trial 2026")
    runs.execute(_makers(session), run.id)
    session.expire_all()
    run = runs.get(session, run_id=run.id)
    assert run.status == "succeeded", run.message
    rows = {r["item_id"]: r for r in run.report["items"]}
    new = [j for j, c in enumerate(truth.item_ids) if c.startswith("T")]
    b_hat = np.array([rows[truth.item_ids[j]]["b"] for j in new])
    # ~1,500 responses per new item: SE(b) ≈ 0.07, so an RMSE above 0.15 means a wrong scale.
    assert np.sqrt(np.mean((b_hat - truth.b[new]) ** 2)) < 0.15
    assert run.report["diagnostics"]["mean"] == pytest.approx(0.5, abs=0.1)
    assert run.report["diagnostics"]["sd"] == pytest.approx(1.2, abs=0.1)
    assert rows["A00"]["anchor"] and rows["A00"]["b"] == pytest.approx(truth.b[0])
    assert len(run.report["drift"]) == N_ANCHORS
    assert sum(d["drifting"] for d in run.report["drift"]) <= 1


def test_approval_switches_the_active_calibration_and_keeps_the_old(session: Session) -> None:
    rng = np.random.default_rng(8)
    truth = _bank(session, rng)
    _responses(session, truth, rng, n=1500)
    run = _request(session, "trial")
    runs.execute(_makers(session), run.id)
    session.expire_all()
    run = runs.get(session, run_id=run.id)
    subject = framework(session)
    old = service.get_active(session, subject=subject)
    new = runs.approve(session, run=run, reason="any false drift flag accepted in this test")
    assert service.get_active(session, subject=subject).id == new.id != old.id  # type: ignore[union-attr]
    assert new.parent_id == old.id and run.status == "approved"  # type: ignore[union-attr]
    assert len(service.parameters(session, calibration=new)) == N_ANCHORS + N_NEW
    with pytest.raises(Exception, match="only a succeeded run"):
        runs.approve(session, run=run)


def test_run_without_responses_fails_with_a_reason(session: Session) -> None:
    _bank(session, np.random.default_rng(9))
    run = _request(session, "empty")
    runs.execute(_makers(session), run.id)
    session.expire_all()
    run = runs.get(session, run_id=run.id)
    assert run.status == "failed" and "has a scored response" in run.message
    runs.execute(_makers(session), run.id)  # a finished run is not claimed again
    session.expire_all()
    assert runs.get(session, run_id=run.id).status == "failed"


def test_runs_api_and_review_page(client: TestClient, session: Session) -> None:
    rng = np.random.default_rng(10)
    truth = _bank(session, rng)
    _responses(session, truth, rng, n=1200)
    auth = staff_token(client, session)
    started = client.post("/api/v1/calibration-runs", headers=auth,
                          json={"subject": "maths", "label": "api run", "model": "2pl"})
    assert started.status_code == 202 and started.json()["status"] == "queued"
    run_id = started.json()["id"]
    early = client.post(f"/api/v1/calibration-runs/{run_id}/approve", headers=auth)
    assert early.status_code == 409
    runs.execute(_makers(session), run_id)
    session.expire_all()
    report = client.get(f"/api/v1/calibration-runs/{run_id}/report", headers=auth).json()
    assert {"diagnostics", "items", "drift", "persons"} <= set(report)
    bad = client.post("/api/v1/calibration-runs", headers=auth,
                      json={"subject": "maths", "label": "x", "model": "4pl"})
    assert bad.status_code == 422


def test_unanchored_run_needs_no_active_calibration_but_anchored_does(session: Session) -> None:
    framework(session)
    with pytest.raises(Exception, match="no active calibration"):
        _request(session, "x")
    run = _request(session, "x", anchored=False)
    assert run.status == "queued"


def test_dif_flags_an_item_that_is_harder_for_one_group(session: Session) -> None:
    rng = np.random.default_rng(12)
    truth = _bank(session, rng)
    n = 4000
    theta, gender = rng.normal(0, 1, n), rng.choice(["F", "M"], n)
    scores = simulate_responses(truth, theta, rng)
    shifted = truth.subset(range(truth.n_items))
    shifted.b[N_ANCHORS] += 1.2  # T00 is much harder for the focal group
    focal = gender == "M"
    scores[focal] = simulate_responses(shifted, theta[focal], rng)
    table = ResponseTable.from_dense(scores, [f"p{i}" for i in range(n)], truth.item_ids)
    record_table(session, table=table, subject_id=framework(session).id, source="trial",
                 observed_at=datetime(2026, 3, 1, tzinfo=UTC),
                 groups={f"p{i}": {"gender": str(g)} for i, g in enumerate(gender)})
    run = _request(session, "dif")
    runs.execute(_makers(session), run.id)
    session.expire_all()
    (comparison,) = runs.get(session, run_id=run.id).report["dif"]
    rows = {r["item_id"]: r for r in comparison["items"]}
    assert comparison["variable"] == "gender" and rows["T00"]["category"] == "C"
    assert rows["T00"]["value"] < -1.5
    clean = [r for code, r in rows.items() if code != "T00"]
    assert sum(r["category"] == "C" for r in clean) <= 1


def test_unanchored_run_stores_its_link_to_the_active_scale(session: Session) -> None:
    """The new cohort is N(0.5, 1.2²) on the bank's scale; a free run fixes it at N(0, 1), so
    θ_bank = 1.2·θ_new + 0.5 is the link it must find and store."""
    rng = np.random.default_rng(13)
    truth = _bank(session, rng)
    _responses(session, truth, rng)
    run = runs.request(session, data=RunCreate(subject="maths", label="free", model="2pl",
                                               anchored=False,
                                               item_statuses=["trial", "operational"]),
                       requested_by="")
    runs.execute(_makers(session), run.id)
    session.expire_all()
    run = runs.get(session, run_id=run.id)
    assert run.status == "succeeded", run.message
    result = service.get(session, calibration_id=run.result_id)  # type: ignore[arg-type]
    assert result.link_a == pytest.approx(1.2, abs=0.08)
    assert result.link_b == pytest.approx(0.5, abs=0.08)
    assert run.report["link"]["common_items"] == N_ANCHORS
