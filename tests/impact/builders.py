"""Scored results with chosen scores, made directly (the scoring itself is tested in delivery)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from app.calibration import service as calibration
from app.calibration.models import Calibration
from app.delivery.models import Assignment, Result, Sitting
from app.itembank import curricula
from app.people.models import ClassGroup, Staff, Student
from tests.delivery import builders as delivery
from tests.factories import FRAMEWORK
from tests.people import builders as people

INTERCEPT, SLOPE = 1500.0, 100.0


@dataclass
class World:
    """A calibrated maths bank (scale 1500 + 100·θ) and a school (see people.tenant)."""

    tenant: people.Tenant
    calibration_id: int


def world(session: Session, code: str = "IMP-A") -> World:
    delivery.bank(session)
    cal = session.query(Calibration).filter(Calibration.is_active).one()
    return World(people.tenant(session, code), cal.id)


def reading(session: Session) -> None:
    """A second subject with its own scale."""
    framework = {**FRAMEWORK, "subject": {"code": "reading", "name": "Reading"},
                 "objectives": [{"code": "R3-1", "strand": "NA", "level": 3, "text": "Read."}]}
    subject = curricula.load_framework(session, curricula.Framework.model_validate(framework))
    calibration.set_scale(session, subject=subject, name="Reading", intercept=1400, slope=90,
                          cuts={"3B": 1400})


def given(session: Session, *, teacher: Staff, room: ClassGroup, on: datetime,
          name: str = "Number check", subject: str = "maths") -> Assignment:
    """An accepted form assigned to ``room``, opening ``on``."""
    form = delivery.form(session, staff=teacher, codes=delivery.codes(10))
    form.name = name
    if subject != "maths":
        form.subject_id = curricula.get_subject(session, code=subject).id
    row = Assignment(form_id=form.id, class_id=room.id, school_id=room.school_id, opens_at=on,
                     closes_at=on + timedelta(days=10), time_limit_minutes=40, mode="screen")
    session.add(row)
    session.flush()
    return row


def scored(session: Session, assignment: Assignment, student: Student, score: float, *,
           se: float = 20.0, year_level: int | None = None, calibration_id: int | None = None,
           attitude: float | None = None) -> Result:
    """A scored sitting whose result is ``score`` (on 1500 + 100·θ) with ``se``."""
    cal = calibration_id or assignment.form.calibration_id
    sitting = Sitting(assignment_id=assignment.id, student_id=student.id, status="scored",
                      year_level=year_level if year_level is not None else student.year_level,
                      calibration_id=cal, submitted_at=assignment.opens_at + timedelta(days=1))
    session.add(sitting)
    session.flush()
    theta = (score - INTERCEPT) / SLOPE
    result = Result(sitting_id=sitting.id, calibration_id=cal, theta=theta, se=se / SLOPE,
                    scale_score=score, scale_se=se, sublevel=None, raw_score=5, max_score=10,
                    attitude_score=attitude, subscores={
                        "strand": {"NA": _sub(theta + 0.1, 0.3), "GM": _sub(theta - 0.1, 0.35)},
                        "depth": {"surface": _sub(theta, 0.3), "deep": _sub(theta + 0.05, 0.4)}})
    session.add(result)
    session.flush()
    return result


def _sub(theta: float, se: float) -> dict[str, float | int]:
    return {"theta": theta, "se": se, "scale_score": INTERCEPT + SLOPE * theta,
            "scale_se": SLOPE * se, "n_items": 4, "raw": 2, "max": 4}


def at(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 21, tzinfo=UTC)


def pupils(session: Session, w: World, count: int, *, year: int = 6,
           room: ClassGroup | None = None, prefix: str = "S") -> list[Student]:
    """``count`` more students in the teacher's room (or ``room``)."""
    target = room or w.tenant.room
    made = [people.student(session, w.tenant.school, f"{prefix}{k:03d}", first=f"Kid{k}",
                           last=prefix, year=year) for k in range(count)]
    target.students.extend(made)
    session.flush()
    return made


def recalibrated(session: Session, w: World) -> int:
    """A free recalibration on a metric 1.25 times wider, linked to the bank's (θ_bank =
    0.8·θ_new + 0.3), and an anchored one on top of it (link 1, 0); the anchored one's id. A
    result scored on it has its θ on the free metric until read through the links."""
    base = session.get(Calibration, w.calibration_id)
    assert base is not None
    free = Calibration(subject_id=base.subject_id, label="recalibrated", kind="estimated",
                       parent_id=base.id, link_a=0.8, link_b=0.3)
    session.add(free)
    session.flush()
    anchored = Calibration(subject_id=base.subject_id, label="anchored", kind="estimated",
                           parent_id=free.id)
    session.add(anchored)
    session.flush()
    return anchored.id
