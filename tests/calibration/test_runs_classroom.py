"""Runs as classroom data make them: attitude items with parameters, anchors nobody answered,
too few anchors, drifting anchors; retry, discard and the pages that start and follow runs."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.calibration import field_trial, runs, service
from app.calibration.files import ResponseTable
from app.calibration.models import FieldTrialSetting
from app.calibration.schemas import CalibrationCreate, RunCreate
from app.delivery.service import record_table
from app.errors import Conflict
from app.irt.parameters import ItemParameters
from app.irt.simulate import simulate_responses
from app.itembank import service as items
from app.itembank.schemas import ItemCreate
from app.people import service as people
from app.people.dependencies import SESSION_COOKIE
from tests.calibration.test_runs import _makers
from tests.factories import framework, item_data
from tests.people.builders import cookie_and_csrf

N_ANCHORS, N_SILENT, N_NEW = 16, 4, 6
ATTITUDE = {"subject": "maths", "kind": "attitude", "strand": None, "objective": None,
            "sublevel": None, "solo": None, "response_type": "likert",
            "options": [{"id": i, "html": i} for i in "ABCD"],
            "key": {"scores": {"A": 0, "B": 1, "C": 2, "D": 3}}, "max_score": 3}


def _classroom_bank(session: Session, rng: np.random.Generator) -> ItemParameters:
    """Answered anchors A*, anchors nobody answers S*, trial items T*, and an attitude item
    AT-1 — all but T* with active parameters, as in a bank calibrated from a field trial."""
    framework(session)
    codes = ([f"A{j:02d}" for j in range(N_ANCHORS)] + [f"S{j:02d}" for j in range(N_SILENT)]
             + [f"T{j:02d}" for j in range(N_NEW)])
    for code in codes:
        status = "trial" if code.startswith("T") else "operational"
        items.create(session, data=ItemCreate.model_validate(item_data(code, status=status)))
    items.create(session, data=ItemCreate.model_validate(item_data("AT-1", **ATTITUDE)))
    truth = ItemParameters.from_records([
        {"item_id": c, "model": "2pl", "a": a, "b": b} for c, a, b in zip(
            codes, rng.lognormal(0.1, 0.2, len(codes)), rng.normal(0, 1, len(codes)),
            strict=True)])
    active = [{"item": c, "model": "2pl", "a": float(truth.a[j]), "b": float(truth.b[j])}
              for j, c in enumerate(codes) if not c.startswith("T")]
    active.append({"item": "AT-1", "model": "gpcm", "a": 1.0, "steps": [-1.0, 0.0, 1.0]})
    service.create(session, data=CalibrationCreate(subject="maths", label="field trial",
                                                   activate=True, parameters=active))
    return truth


def _sittings(session: Session, truth: ItemParameters, rng: np.random.Generator, *,
              n: int = 1500, answered: tuple[str, ...] = ("A", "T"),
              shift: dict[str, float] | None = None, prefix: str = "sitting:") -> None:
    """Students sit the answered anchors and the trial items (never the S* anchors)."""
    shifted = truth.subset(range(truth.n_items))
    for code, delta in (shift or {}).items():
        shifted.b[truth.item_ids.index(code)] += delta
    keep = [j for j, c in enumerate(truth.item_ids) if c[0] in answered]
    scores = simulate_responses(shifted.subset(keep), rng.normal(0.3, 1.1, n), rng)
    table = ResponseTable.from_dense(scores, [f"{prefix}{i}" for i in range(n)],
                                     [truth.item_ids[j] for j in keep])
    record_table(session, table=table, subject_id=framework(session).id, source="sitting",
                 observed_at=datetime(2026, 3, 1, tzinfo=UTC))


def _run(session: Session, **fields: object) -> runs.CalibrationRun:
    run = runs.request(session, data=RunCreate.model_validate(
        {"subject": "maths", "label": "term 1", "model": "2pl", **fields}), requested_by="")
    runs.execute(_makers(session), run.id)
    session.expire_all()
    return runs.get(session, run_id=run.id)


def test_classroom_run_skips_attitude_and_unanswered_items(session: Session) -> None:
    rng = np.random.default_rng(21)
    truth = _classroom_bank(session, rng)
    _sittings(session, truth, rng)
    run = _run(session, item_statuses=["trial", "operational"], anchored=False)
    assert run.status == "succeeded", run.message
    rows = {r["item_id"]: r for r in run.report["items"]}
    assert "AT-1" not in rows and not any(c.startswith("S") for c in rows)
    assert sorted(run.report["unanswered"]) == [f"S{j:02d}" for j in range(N_SILENT)]
    result = service.get(session, calibration_id=run.result_id)  # type: ignore[arg-type]
    kept = {p.item: p for p in service.parameters(session, calibration=result)}
    silent = truth.item_ids.index("S00")
    assert kept["S00"].b == pytest.approx(truth.b[silent]) and "AT-1" in kept


def test_anchored_run_uses_only_answered_anchors(session: Session) -> None:
    rng = np.random.default_rng(22)
    truth = _classroom_bank(session, rng)
    _sittings(session, truth, rng)
    run = _run(session)
    assert run.status == "succeeded", run.message
    roles = {r["item_id"]: r["anchor"] for r in run.report["items"]}
    assert sum(roles.values()) == N_ANCHORS and not any(c.startswith("S") for c in roles)
    new = [truth.item_ids.index(f"T{j:02d}") for j in range(N_NEW)]
    b_hat = np.array([r["b"] for r in run.report["items"] if not r["anchor"]])
    assert np.sqrt(np.mean((b_hat - truth.b[new]) ** 2)) < 0.2  # on the bank's scale


def test_failures_read_as_sentences(session: Session) -> None:
    rng = np.random.default_rng(23)
    truth = _classroom_bank(session, rng)
    run = _run(session)
    assert run.status == "failed"
    assert run.message.startswith("None of the 6 chosen") and "Error" not in run.message
    _sittings(session, truth, rng, n=300, answered=("T",))
    session.expire_all()
    run = _run(session)
    assert run.status == "failed" and "an anchored run needs at least 5" in run.message


def test_retry_and_discard(session: Session) -> None:
    rng = np.random.default_rng(24)
    truth = _classroom_bank(session, rng)
    run = _run(session)
    assert run.status == "failed"
    _sittings(session, truth, rng, n=800)
    runs.retry(session, run=run)
    with pytest.raises(Exception, match="only a failed run"):
        runs.retry(session, run=run)
    runs.execute(_makers(session), run.id)
    session.expire_all()
    run = runs.get(session, run_id=run.id)
    assert run.status == "succeeded", run.message
    result_id = run.result_id
    runs.discard(session, run=run)
    assert run.status == "discarded" and run.result_id is None
    with pytest.raises(Exception, match="No calibration"):
        service.get(session, calibration_id=result_id)  # type: ignore[arg-type]
    with pytest.raises(Exception, match="only a failed run or a succeeded"):
        runs.discard(session, run=run)


def test_drift_is_found_and_a_drifting_anchor_can_be_dropped(session: Session) -> None:
    rng = np.random.default_rng(25)
    truth = _classroom_bank(session, rng)
    _sittings(session, truth, rng, n=3000, shift={"A03": 1.2})  # A03 got much harder
    run = _run(session)
    assert run.status == "succeeded", run.message
    drifting = [d for d in run.report["drift"] if d["drifting"]]
    assert [d["item_id"] for d in drifting] == ["A03"] and drifting[0]["purified"]
    with pytest.raises(Conflict) as refused:  # an anchor cannot be left out of its own run
        runs.approve(session, run=run, leave_out=True)
    assert "A03" in str(refused.value) and "anchors cannot be left out" in str(refused.value)
    again = _run(session, item_codes=[], drop_anchors=[
        {"item": "A03", "reason": f"drift in run {run.id}"}])
    assert again.status == "succeeded", again.message
    rows = {r["item_id"]: r for r in again.report["items"]}
    assert not rows["A03"]["anchor"]  # estimated afresh, near its new difficulty
    assert rows["A03"]["b"] == pytest.approx(truth.b[3] + 1.2, abs=0.25)
    assert again.dropped_anchors == [{"item": "A03", "reason": f"drift in run {run.id}"}]


def test_pages_start_follow_retry_and_discard(client: TestClient, session: Session) -> None:
    rng = np.random.default_rng(26)
    _classroom_bank(session, rng)
    staff = people.create_staff(session, email="psy@example.org", name="P",
                                role="psychometrician", password="pw-12345")
    token, csrf = cookie_and_csrf(session, staff)
    client.cookies.set(SESSION_COOKIE, token)
    page = client.get("/calibration/runs")
    assert page.status_code == 200 and "Start a run" in page.text
    assert 'value="ready" checked' in page.text  # the queue, chosen until changed
    assert '<form method="post" action="/calibration/runs" class="stack">' in page.text
    bad = client.post("/calibration/runs", data={
        "csrf": csrf, "subject": "maths", "label": "x", "items": "codes", "codes": ""})
    assert bad.status_code == 422 and "Enter the codes" in bad.text
    assert 'value="codes" checked' in bad.text and 'value="ready" checked' not in bad.text
    started = client.post("/calibration/runs", data={
        "csrf": csrf, "subject": "maths", "label": "from the form", "items": "trial",
        "model": "2pl", "anchored": "on", "window_start": "2026-01-01"},
        follow_redirects=False)
    assert started.status_code == 303
    run_id = int(started.headers["location"].rsplit("/", 1)[1])
    queued = client.get(f"/calibration/runs/{run_id}").text
    assert (f'<p role="status" class="notice">Run #{run_id} started: it loads the responses, '
            "then estimates; this page updates when it is done.</p>") in queued
    assert '<p role="status"></p>' not in queued  # no empty status while nothing is said
    assert "started" not in client.get(f"/calibration/runs/{run_id}").text  # once
    runs.execute(_makers(session), run_id)  # the worker's part
    session.expire_all()
    review = client.get(f"/calibration/runs/{run_id}")
    assert "None of the 6 chosen" in review.text and "Retry this run" in review.text
    assert "Traceback" not in review.text
    listing = client.get("/calibration/runs")
    assert "Mathematics" in listing.text or "maths" in listing.text.lower()
    retried = client.post(f"/calibration/runs/{run_id}/retry", data={"csrf": csrf},
                          follow_redirects=False)
    assert retried.status_code == 303 and runs.get(session, run_id=run_id).status == "queued"
    assert f"Run #{run_id} queued again" in client.get(f"/calibration/runs/{run_id}").text
    refused = client.post(f"/calibration/runs/{run_id}/discard", data={"csrf": csrf})
    assert refused.status_code == 409 and "only a failed run" in refused.text
    runs.execute(_makers(session), run_id)  # fails again: nothing to estimate from
    session.expire_all()
    discarded = client.post(f"/calibration/runs/{run_id}/discard", data={"csrf": csrf})
    assert discarded.status_code == 200 and (
        f'<p role="status" class="notice">Run #{run_id} discarded: ') in discarded.text


def test_field_trial_progress_queues_items_that_reach_their_target(
        client: TestClient, session: Session) -> None:
    rng = np.random.default_rng(27)
    truth = _classroom_bank(session, rng)
    _sittings(session, truth, rng, n=320, answered=("T",))
    subject_id = framework(session).id
    progress = field_trial.progress(session, subject_id=subject_id)
    assert {p.code: p.responses for p in progress} == {f"T{j:02d}": 320 for j in range(N_NEW)}
    assert field_trial.ready_codes(session, subject_id=subject_id) == [
        f"T{j:02d}" for j in range(N_NEW)]
    session.add(FieldTrialSetting(subject_id=subject_id, target=500))
    session.flush()
    assert field_trial.ready_codes(session, subject_id=subject_id) == []
    staff = people.create_staff(session, email="psy@example.org", name="P",
                                role="psychometrician", password="pw-12345")
    token, csrf = cookie_and_csrf(session, staff)
    client.cookies.set(SESSION_COOKIE, token)
    page = client.get("/calibration/runs")
    assert "6 trial item(s), 0 ready" in page.text and "320 of 500" in page.text
    refused = client.post("/calibration/runs", data={
        "csrf": csrf, "subject": "maths", "label": "x", "items": "ready", "model": "2pl"})
    assert refused.status_code == 422 and "reached its target" in refused.text


def _misfit_run(session: Session) -> runs.CalibrationRun:
    """T00's real curve has a 0.35 floor and a steep slope; the run fits it as 2PL."""
    rng = np.random.default_rng(28)
    truth = _classroom_bank(session, rng)
    n = 2500
    keep = [j for j, c in enumerate(truth.item_ids) if c[0] in "AT"]
    theta = rng.normal(0.3, 1.1, n)
    scores = simulate_responses(truth.subset(keep), theta, rng)
    floor = ItemParameters.from_records([{"item_id": "T00", "model": "3pl", "a": 2.0,
                                          "b": 0.8, "c": 0.35}])
    scores[:, [truth.item_ids[j] for j in keep].index("T00")] = simulate_responses(
        floor, theta, rng)[:, 0]
    table = ResponseTable.from_dense(scores, [f"sitting:{i}" for i in range(n)],
                                     [truth.item_ids[j] for j in keep])
    record_table(session, table=table, subject_id=framework(session).id, source="sitting",
                 observed_at=datetime(2026, 3, 1, tzinfo=UTC))
    run = _run(session)
    assert run.status == "succeeded", run.message
    return run


def test_approval_gates_failing_items(client: TestClient, session: Session) -> None:
    run = _misfit_run(session)
    rows = {r["item_id"]: r for r in run.report["items"]}
    assert all(r["fit_df"] > 0 for r in rows.values() if not r["anchor"])  # valid df, all
    assert rows["T00"]["fit_q"] < 0.05
    assert sum(r["fit_q"] < 0.05 for r in rows.values() if not r["anchor"]) == 1
    staff = people.create_staff(session, email="psy@example.org", name="P",
                                role="psychometrician", password="pw-12345")
    token, csrf = cookie_and_csrf(session, staff)
    client.cookies.set(SESSION_COOKIE, token)
    page = client.get(f"/calibration/runs/{run.id}", params={"show": "estimated"})
    assert page.status_code == 200 and "Curves of the flagged items" in page.text
    first_row = page.text.split("<tbody>", 1)[1].split("</tr>", 1)[0]
    assert "T00" in first_row and "fails:" in first_row  # failing items first
    filtered = client.get(f"/calibration/runs/{run.id}", params={"find": "T03"})
    assert "1 of" in filtered.text
    refused = client.post(f"/calibration/runs/{run.id}/approve",
                          data={"csrf": csrf, "reason": "x"})
    assert refused.status_code == 409 and "T00" in refused.text
    # said on the run's own page, beside the reason field, keeping what was typed
    assert 'id="approve-error"' in refused.text and "Give a reason" in refused.text
    assert 'name="reason" maxlength="1000" value="x"' in refused.text
    assert "Approve: make this the active calibration" in refused.text
    approved = client.post(f"/calibration/runs/{run.id}/approve",
                           data={"csrf": csrf, "leave_out": "on"}, follow_redirects=False)
    assert approved.status_code == 303
    session.expire_all()
    run = runs.get(session, run_id=run.id)
    assert run.status == "approved" and run.report["approval"]["left_out"] == ["T00"]
    result = service.get(session, calibration_id=run.result_id)  # type: ignore[arg-type]
    placed = {p.item for p in service.parameters(session, calibration=result)}
    assert "T00" not in placed and {"T01", "T05", "A00", "S00"} <= placed


def test_approval_with_a_reason_keeps_the_failing_item(session: Session) -> None:
    run = _misfit_run(session)
    with pytest.raises(Exception, match=r"fail the quality gates.*or leave them out"):
        runs.approve(session, run=run)
    runs.approve(session, run=run, reason="floor effect expected; kept for the pilot")
    assert run.report["approval"]["reason"].startswith("floor effect")
    result = service.get(session, calibration_id=run.result_id)  # type: ignore[arg-type]
    assert "T00" in {p.item for p in service.parameters(session, calibration=result)}


def test_changed_items_stay_out_of_new_tests_until_a_run_recalibrates_them(
        session: Session) -> None:
    from app.assembly.service import bank_records
    from app.itembank.schemas import ItemUpdate

    rng = np.random.default_rng(29)
    truth = _classroom_bank(session, rng)
    _sittings(session, truth, rng, n=1500)
    subject = framework(session)
    items.update(session, item=items.get(session, code="A01"),
                 data=ItemUpdate(stem_html="<p>What is 8 + 5?</p>"))
    items.update(session, item=items.get(session, code="A02"),
                 data=ItemUpdate(stem_html="<p>What is 7 + 5 ?</p>", cosmetic=True))
    in_tests = {r["code"] for r in bank_records(session, subject)}
    assert "A01" not in in_tests and "A02" in in_tests and "A03" in in_tests
    run = _run(session, item_codes=["A01"])
    assert run.status == "failed"  # its responses were to the old content
    _sittings(session, truth, rng, n=600, answered=("A",), prefix="later:")
    run = _run(session, item_codes=["A01"])
    assert run.status == "succeeded", run.message
    assert {r["item_id"] for r in run.report["items"] if not r["anchor"]} == {"A01"}
    assert "A01" not in {r["item_id"] for r in run.report["items"] if r["anchor"]}
    runs.approve(session, run=run, reason="recalibrating an edited item")
    assert "A01" in {r["code"] for r in bank_records(session, subject)}


def test_review_shows_the_rescoring_shift_and_approval_changes_no_result(
        client: TestClient, session: Session) -> None:
    """The anchors' parameters are the same in both calibrations, so rescoring moves scores
    only through the new calibration's population (the EAP prior): a little, not a lot."""
    rng = np.random.default_rng(30)
    truth = _classroom_bank(session, rng)
    _sittings(session, truth, rng, n=1500)
    run = _run(session)
    assert run.status == "succeeded", run.message
    moved = run.report["rescoring"]
    assert moved is not None and moved["sittings"] == 1500
    assert 0 < abs(moved["mean"]) < 0.3 and moved["sd"] < 0.2
    assert abs(moved["largest"]) >= abs(moved["mean"])
    staff = people.create_staff(session, email="psy@example.org", name="P",
                                role="psychometrician", password="pw-12345")
    token, _csrf = cookie_and_csrf(session, staff)
    client.cookies.set(SESSION_COOKIE, token)
    page = client.get(f"/calibration/runs/{run.id}")
    assert "Approving rescores nothing" in page.text and "1500 past sittings" in page.text
