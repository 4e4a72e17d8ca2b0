"""A small calibrated maths bank, an accepted form and an assignment, made directly."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.assembly.models import Form, FormItem
from app.calibration import service as calibration
from app.calibration.schemas import CalibrationCreate
from app.db import utcnow
from app.delivery import sittings
from app.delivery.models import Assignment
from app.delivery.schemas import AssignmentCreate
from app.itembank import service as items
from app.itembank.models import Item
from app.itembank.schemas import ItemCreate
from app.people.dependencies import Caller
from app.people.models import ClassGroup, Staff
from tests.factories import framework, item_data

LEVELS = ["2B", "2P", "2A", "3B", "3P", "3A", "4B", "4P", "4A"]
SECRET_KEY_TEXT = "zebra-crossing-secret"  # an accepted answer: must never reach a student
LIKERT = [{"id": i, "html": t} for i, t in zip("ABCD", ("No way", "Not really", "Yes",
                                                        "Very much"), strict=True)]


def bank(session: Session, n: int = 30, seed: int = 5) -> np.ndarray:
    """``n`` 2PL single-choice items (key B) + an open item + two attitude items; returns b."""
    subject = framework(session)
    rng = np.random.default_rng(seed)
    b = np.linspace(-2.0, 2.0, n)
    params = []
    for j in range(n):
        items.create(session, data=ItemCreate.model_validate(item_data(
            f"Q{j:02d}", strand="NA" if j % 3 else "GM", sublevel=LEVELS[j % 9],
            objective="NA3-1" if j % 3 else "GM3-1",
            solo="relational" if j % 2 else "unistructural")))
        params.append({"item": f"Q{j:02d}", "model": "2pl",
                       "a": float(rng.uniform(0.9, 1.6)), "b": float(b[j])})
    items.create(session, data=ItemCreate.model_validate(item_data(
        "OPEN", response_type="short_text", options=[], stem_html="<p>Explain why.</p>",
        key={"accepted": [SECRET_KEY_TEXT], "teacher_marked": True})))
    params.append({"item": "OPEN", "model": "2pl", "a": 1.0, "b": 0.0})
    for k in range(2):
        items.create(session, data=ItemCreate.model_validate(item_data(
            f"ATT{k}", kind="attitude", strand=None, objective=None, sublevel=None, solo=None,
            response_type="likert", options=LIKERT, max_score=3, attitude_scale="maths-fun",
            key={"scores": {"A": 0, "B": 1, "C": 2, "D": 3}})))
    calibration.create(session, data=CalibrationCreate(subject="maths", label="bank",
                                                       activate=True, parameters=params))
    calibration.set_scale(session, subject=subject, name="Maths", intercept=1500, slope=100,
                          cuts={lv: 1300 + 50 * k for k, lv in enumerate(LEVELS)})
    return b


def form(session: Session, *, staff: Staff, codes: list[str], status: str = "accepted",
         attitude: str | None = "maths") -> Form:
    rows = list(session.scalars(select(Item).where(Item.code.in_(codes))))
    by_code = {r.code: r for r in rows}
    active = calibration.active_parameters(session, item_ids=[r.id for r in rows])
    row = Form(name="Number check", subject_id=rows[0].subject_id, school_id=staff.school_id,
               created_by_id=staff.id, calibration_id=next(iter(active.values())).calibration_id,
               status=status, attitude_scale=attitude)
    session.add(row)
    session.flush()
    for position, code in enumerate(codes, start=1):
        item = by_code[code]
        assert item.current_revision_id is not None
        session.add(FormItem(form_id=row.id, position=position, item_id=item.id,
                             item_revision_id=item.current_revision_id))
    session.flush()
    return row


@dataclass
class Given:
    form: Form
    assignment: Assignment


def assigned(session: Session, *, teacher: Staff, room: ClassGroup, codes: list[str],
             minutes: int | None = 40) -> Given:
    made = form(session, staff=teacher, codes=codes)
    now = utcnow()
    assignment = sittings.assign(session, caller=Caller.of_staff(teacher), data=AssignmentCreate(
        form_id=made.id, class_id=room.id, opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=1), time_limit_minutes=minutes))
    return Given(made, assignment)


def codes(n: int = 30, open_item: bool = False) -> list[str]:
    return [f"Q{j:02d}" for j in range(n)] + (["OPEN"] if open_item else [])
