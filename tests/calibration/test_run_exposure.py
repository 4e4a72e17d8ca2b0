"""The run review's exposure and information summary: how many sittings and tests presented
each of the run's items over its window, and where the bank's information lies."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import numpy as np
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

import app.delivery.scoring  # noqa: F401  (delivery answers "which tests" when imported)
from app.calibration import exposure
from app.calibration.files import ResponseTable
from app.calibration.models import CalibrationRun
from app.db import utcnow
from app.delivery import exposure_source, sittings
from app.delivery.models import ScoredResponse
from app.delivery.schemas import AnswerSave, AssignmentCreate
from app.delivery.service import record_table
from app.itembank.models import Item
from app.people import privacy
from app.people import service as people
from app.people.dependencies import SESSION_COOKIE, Caller
from tests.calibration.test_runs_classroom import _classroom_bank, _run, _sittings
from tests.delivery import builders
from tests.people import builders as tenants
from tests.people.builders import cookie_and_csrf


def test_a_finished_run_keeps_its_exposure_and_the_review_shows_it(
        client: TestClient, session: Session) -> None:
    rng = np.random.default_rng(41)
    truth = _classroom_bank(session, rng)
    _sittings(session, truth, rng, n=600)  # every student sat the A* anchors and T* items
    _sittings(session, truth, rng, n=400, answered=("A",), prefix="sitting:late-")
    run = _run(session, window_end=datetime(2026, 6, 1, tzinfo=UTC).isoformat())
    assert run.status == "succeeded", run.message
    seen = run.report["exposure"]
    assert seen["sittings"] == 1000 and seen["items"] == 22 and seen["unseen"] == 0
    assert seen["max_rate"] == 1.0 and seen["high"] == 22 and seen["tests_known"]
    top = seen["top"]
    assert len(top) == exposure.TOP and all(r["anchor"] for r in top)  # A*: all 1,000
    assert {r["sittings"] for r in top} == {1000}
    # simulated 'sittings' recorded like an imported file: their tests are not known, not 0
    assert {r["tests"] for r in top} == {None} and {r["imported"] for r in top} == {1000}
    assert seen["imported"] == 1000 and seen["deleted"] == 0
    trial = exposure.summary(session, run=run, codes=["T00", "T01"], anchors=set())
    assert trial["sittings"] == 600 and trial["median_rate"] == 1.0

    staff = people.create_staff(session, email="psy@example.org", name="P",
                                role="psychometrician", password="pw-12345")
    token, _csrf = cookie_and_csrf(session, staff)
    client.cookies.set(SESSION_COOKIE, token)
    page = client.get(f"/calibration/runs/{run.id}")
    assert page.status_code == 200
    assert "Exposure and information" in page.text
    assert "1000 scored sittings (from the first response to 1 Jun 2026)" in page.text
    assert "22 item(s) in more than 25%" in page.text
    assert "The most exposed items in the window" in page.text
    assert "All of these sittings are responses from an imported file" in page.text
    tests_cells = re.findall(r"</td><td>(estimated|anchor)</td><td>(.*?)</td>", page.text)
    assert tests_cells and {cell for _, cell in tests_cells} == {
        '— <span class="muted">(responses from an imported file)</span>'}
    assert "Information of the whole calibrated bank" in page.text
    assert f"calibration #{run.result_id} from this run" in page.text


def test_a_window_without_sittings_says_so(session: Session) -> None:
    rng = np.random.default_rng(42)
    truth = _classroom_bank(session, rng)
    _sittings(session, truth, rng, n=500, prefix="trial:")
    session.execute(update(ScoredResponse).values(source="trial"))  # a field trial's, not sat
    run = _run(session)
    assert run.status == "succeeded", run.message
    assert run.report["exposure"]["sittings"] == 0 and run.report["exposure"]["top"] == []
    assert run.report["exposure"]["unseen"] == 22


def _sit(session: Session, world: tenants.Tenant, codes: list[str], pupil: int) -> None:
    form = builders.form(session, staff=world.teacher, codes=codes)
    now = utcnow()
    assignment = sittings.assign(session, caller=Caller.of_staff(world.teacher), data=(
        AssignmentCreate(form_id=form.id, class_id=world.room.id,
                         opens_at=now - timedelta(hours=1), closes_at=now + timedelta(days=1))))
    sitting = sittings.start(session, student=world.students[pupil], assignment_id=assignment.id)
    for seq, fi in enumerate(form.items, start=1):
        sittings.save_answer(session, sitting=sitting, data=AnswerSave.model_validate(
            {"client_id": f"c{seq}", "seq": seq, "item_id": fi.item_id, "response": "B",
             "time_s": 10}))
    sittings.submit(session, sitting=sitting)


def test_delivery_counts_the_tests_that_presented_each_item(session: Session) -> None:
    builders.bank(session)
    world = tenants.tenant(session, "EXPO")
    _sit(session, world, builders.codes(10), 0)  # Q00–Q09
    _sit(session, world, builders.codes(15)[5:], 1)  # Q05–Q14
    ids = dict(session.execute(select(Item.code, Item.id)).all())
    counts = exposure_source.forms_presenting(session, [ids["Q00"], ids["Q07"], ids["Q12"],
                                                        ids["Q20"]], None, None)
    assert counts == {ids["Q00"]: 1, ids["Q07"]: 2, ids["Q12"]: 1}
    assert exposure_source.forms_presenting(session, [ids["Q07"]], None,
                                            utcnow() - timedelta(days=1)) == {}


def test_tests_are_counted_for_kete_sittings_only(session: Session) -> None:
    """Of an item's sittings, Kete's own give its count of tests; a file's responses imported
    as sittings and a deleted student's sitting are counted apart, never as tests."""
    builders.bank(session)
    world = tenants.tenant(session, "PROV")
    _sit(session, world, builders.codes(10), 0)  # Q00–Q09
    _sit(session, world, builders.codes(15)[5:], 1)  # Q05–Q14, then the student is deleted
    privacy.delete_student(session, caller=Caller.of_staff(world.leader),
                           student=world.students[1])
    table = ResponseTable.from_dense(np.ones((3, 2), int), ["P1", "P2", "P3"], ["Q07", "Q20"])
    record_table(session, table=table, subject_id=_subject(session),
                 source="sitting", observed_at=utcnow(), person_prefix="sitting:")
    codes = ["Q00", "Q07", "Q12", "Q20"]
    seen = exposure.summary(session, run=CalibrationRun(), codes=codes, anchors=set())
    rows = {r["item_id"]: r for r in seen["top"]}
    assert seen["sittings"] == 5 and seen["imported"] == 3 and seen["deleted"] == 1
    assert {code: (r["sittings"], r["tests"], r["imported"], r["deleted"])
            for code, r in rows.items()} == {
        "Q00": (1, 1, 0, 0), "Q07": (5, 1, 3, 1), "Q12": (1, None, 0, 1),
        "Q20": (3, None, 3, 0)}


def _subject(session: Session) -> int:
    return int(session.scalar(select(Item.subject_id).where(Item.code == "Q00")) or 0)
