"""``kete demo``: a bank, a school and accounts to explore Kete with, loaded idempotently."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.calibration import service as calibration
from app.calibration.models import Calibration
from app.calibration.schemas import CalibrationCreate, ParameterIn
from app.db import get_sessionmaker
from app.itembank import curricula
from app.itembank.transfer import import_bundle
from app.migrate import upgrade
from app.people import service as people
from app.people.models import Staff

SIMULATED_LABEL = "Demo generating parameters (simulated)"
DEMO_SCHOOL = ("KETE-DEMO", "Te Kura o Kete (demo school)")
DEMO_ACCOUNTS = [  # (email, name, role, password, in the demo school?)
    ("admin@demo.kete.nz", "Aroha Admin", "admin", "kete-admin-demo", False),
    ("leader@demo.kete.nz", "Hemi Principal", "leader", "kete-leader-demo", True),
    ("teacher@demo.kete.nz", "Mere Teacher", "teacher", "kete-teacher-demo", True),
    ("psychometrician@demo.kete.nz", "Sam Psychometrician", "psychometrician",
     "kete-psych-demo", False),
    ("writer@demo.kete.nz", "Tui Writer", "item_writer", "kete-writer-demo", False),
]


def load_demo(echo: Callable[[str], Any] = print, seed: int = 2026) -> None:
    """Migrate, then load frameworks, scales, passages, items, parameters and accounts."""
    from app.itembank.demo.build import demo_bank

    upgrade()
    bank = demo_bank(seed=seed)
    session = get_sessionmaker()()
    try:
        _load_bank(session, bank, echo)
        _load_accounts(session)
        session.commit()
    finally:
        session.close()
    echo("Log in at http://127.0.0.1:8000/login with one of these demo accounts:")
    for email, _name, role, password, _ in DEMO_ACCOUNTS:
        echo(f"  {role:<16} {email:<30} password: {password}")


def _load_bank(session: Session, bank: dict[str, Any], echo: Callable[[str], Any]) -> None:
    for framework in bank["frameworks"]:
        curricula.load_framework(session, curricula.Framework.model_validate(framework))
    for code, scale in bank["scales"].items():
        subject = curricula.get_subject(session, code=code)
        calibration.set_scale(session, subject=subject, name=scale["name"],
                              intercept=scale["intercept"], slope=scale["slope"],
                              cuts=scale["cuts"])
    report = import_bundle(session, {"passages": bank["passages"], "items": bank["items"]})
    echo("demo bank: " + ", ".join(f"{k.replace('_', ' ')} {v}"
                                   for k, v in report.counts().items()))
    _load_simulated_parameters(session, bank)


def _load_simulated_parameters(session: Session, bank: dict[str, Any]) -> None:
    subject_of = {item["code"]: item["subject"] for item in bank["items"]}
    by_subject: dict[str, list[ParameterIn]] = {}
    for p in bank["parameters"]:
        row = ParameterIn(item=p["code"], model=p["model"], a=p.get("a", 1.0), b=p.get("b"),
                          c=p.get("c", 0.0), steps=p.get("steps", []))
        by_subject.setdefault(subject_of[p["code"]], []).append(row)
    for subject_code, rows in by_subject.items():
        subject = curricula.get_subject(session, code=subject_code)
        exists = session.scalar(select(Calibration.id).where(
            Calibration.subject_id == subject.id, Calibration.label == SIMULATED_LABEL))
        if exists is None:
            calibration.create(session, data=CalibrationCreate(
                subject=subject_code, label=SIMULATED_LABEL, kind="simulated", activate=True,
                notes="Generating parameters of the demo bank's simulated trial data.",
                parameters=rows))


def _load_accounts(session: Session) -> None:
    school = people.get_or_create_school(session, code=DEMO_SCHOOL[0], name=DEMO_SCHOOL[1])
    for email, name, role, password, in_school in DEMO_ACCOUNTS:
        if session.scalar(select(Staff.id).where(Staff.email == email)) is None:
            people.create_staff(session, email=email, name=name, role=role, password=password,
                                school=school if in_school else None)
