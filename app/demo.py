"""``kete demo``: a bank, a school and accounts to explore Kete with, loaded idempotently."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.calibration import runs
from app.calibration import service as calibration
from app.calibration.files import ResponseTable
from app.calibration.models import Calibration, CalibrationRun
from app.calibration.schemas import CalibrationCreate, ParameterIn, RunCreate
from app.calibration.trial import simulate_trial
from app.config import get_settings
from app.db import get_sessionmaker
from app.delivery.demo import load_demo_sittings
from app.delivery.service import record_table
from app.impact.demo import load_demo_impact
from app.irt.parameters import ItemParameters
from app.itembank import curricula
from app.itembank.transfer import import_bundle
from app.migrate import upgrade
from app.people import service as people
from app.people.demo import load_demo_school
from app.people.models import Staff

SIMULATED_LABEL = "Demo generating parameters (simulated)"
TRIAL_LABEL = "Demo field trial (simulated responses)"
TRIAL_AT = datetime(2025, 11, 3, tzinfo=UTC)
"""When the simulated field trial of the operational items ran."""
SEEDED_AT = datetime(2026, 3, 2, tzinfo=UTC)
"""When the simulated live tests that carried the trial items (unscored) were sat."""
TRIAL_DESIGN = {"mathematics": (8000, 40), "reading": (5000, 40)}  # persons, items each
BANK_ACCOUNTS = [  # bank-wide roles; the school's staff and students: app.people.demo
    ("admin@demo.kete.nz", "Aroha Admin", "admin", "kete-admin-demo"),
    ("writer@demo.kete.nz", "Tui Writer", "item_writer", "kete-writer-demo"),
]


def load_demo(echo: Callable[[str], Any] = print, seed: int = 2026) -> None:
    """Migrate, then load frameworks, scales, passages, items, parameters and accounts, and
    calibrate the bank from simulated trial responses."""
    from app.itembank.demo.build import demo_bank

    upgrade()
    bank = demo_bank(seed=seed)
    session = get_sessionmaker()()
    try:
        _load_bank(session, bank, echo)
        _load_accounts(session)
        school_lines = load_demo_school(session)
        session.commit()
    finally:
        session.close()
    for subject, (persons, per_person) in TRIAL_DESIGN.items():
        _calibrate_from_trial(subject, bank, persons, per_person, seed, echo)
    # forms pin the calibration they are built on, so sittings come after calibration
    with get_sessionmaker()() as session, session.begin():
        load_demo_sittings(session, seed)
    with get_sessionmaker()() as session, session.begin():
        load_demo_impact(session, seed, echo)
    echo("")
    echo(accounts_heading())
    for email, _name, role, password in BANK_ACCOUNTS:
        echo(f"  {role:<16} {email:<30} password: {password}")
    for line in school_lines:
        echo(line)


def accounts_heading() -> str:
    """Where staff log in: where ``kete serve`` will listen (``KETE_HOST``, ``KETE_PORT``)."""
    settings = get_settings()
    return f"Kete demo accounts (staff log in at http://{settings.host}:{settings.port}/login):"


def _load_bank(session: Session, bank: dict[str, Any], echo: Callable[[str], Any]) -> None:
    for framework in bank["frameworks"]:
        curricula.load_framework(session, curricula.Framework.model_validate(framework))
    for code, scale in bank["scales"].items():
        subject = curricula.get_subject(session, code=code)
        calibration.set_scale(session, subject=subject, name=scale["name"],
                              intercept=scale["intercept"], slope=scale["slope"],
                              cuts=scale["cuts"])
    report = import_bundle(session, {"passages": bank["passages"], "families": bank["families"],
                                     "items": bank["items"]})
    echo("demo bank: " + ", ".join(f"{k.replace('_', ' ')} {v}"
                                   for k, v in report.counts().items()))
    _load_simulated_parameters(session, bank)


def _load_simulated_parameters(session: Session, bank: dict[str, Any]) -> None:
    # trial items have no parameters until a run puts them on the scale (drafts: not trialled)
    subject_of = {item["code"]: item["subject"] for item in bank["items"]
                  if item["status"] == "operational"}
    by_subject: dict[str, list[ParameterIn]] = {}
    for p in (p for p in bank["parameters"] if p["code"] in subject_of):
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


def _calibrate_from_trial(subject_code: str, bank: dict[str, Any], n_persons: int,
                          items_per_person: int, seed: int, echo: Callable[[str], Any]) -> None:
    """Simulate a field trial from the generating parameters, calibrate the operational items
    with a reference run (θ ~ N(0, 1)) and approve it, once: the bank's active parameters are
    estimates. The same students' tests carried the trial items, seeded and unscored; their
    responses wait (as sittings' responses) for an anchored run to put them on the scale."""
    make_session = get_sessionmaker()
    with make_session() as session:
        subject = curricula.get_subject(session, code=subject_code)
        if session.scalar(select(CalibrationRun.id).where(
                CalibrationRun.subject_id == subject.id, CalibrationRun.label == TRIAL_LABEL)):
            return
        table = _trial_table(bank, subject_code, n_persons, items_per_person, seed)
        genders = np.random.default_rng([seed, 7]).choice(["F", "M"], size=table.n_persons)
        groups = {person: {"gender": str(g)}
                  for person, g in zip(table.person_ids, genders, strict=True)}
        trial = {i["code"] for i in bank["items"] if i["status"] == "trial"}
        for source, when, keep in (("trial", TRIAL_AT, False), ("sitting", SEEDED_AT, True)):
            record_table(session, table=_columns(table, trial, keep=keep),
                         subject_id=subject.id, source=source, observed_at=when, groups=groups)
        run = runs.request(session, data=RunCreate(
            subject=subject_code, label=TRIAL_LABEL, model="auto", anchored=False,
            item_statuses=["operational"]), requested_by="kete demo")
        session.commit()
        run_id = run.id
    echo(f"calibrating {subject_code} from {table.scores.size} simulated trial responses "
         f"of {n_persons} students…")
    runs.execute(make_session, run_id)
    with make_session() as session:
        run = runs.get(session, run_id=run_id)
        if run.status != "succeeded":
            raise RuntimeError(f"demo calibration of {subject_code} failed: {run.message}")
        runs.approve(session, run=run, reason="kete demo approves its simulated field trial "
                     "unreviewed (the data follow the model by construction)")
        session.commit()
        echo(f"  {run.report['diagnostics']['iterations']} EM iterations; "
             f"approved as the active {subject_code} calibration")


def _columns(table: ResponseTable, codes: set[str], *, keep: bool) -> ResponseTable:
    """The responses to the items in ``codes`` (``keep``) or to all the others."""
    chosen = np.array([(c in codes) == keep for c in table.item_ids])[table.item_index]
    return ResponseTable(table.person_ids, table.item_ids, table.person_index[chosen],
                         table.item_index[chosen], table.scores[chosen])


def _trial_table(bank: dict[str, Any], subject: str, n_persons: int, items_per_person: int,
                 seed: int) -> ResponseTable:
    items = {i["code"]: i for i in bank["items"]
             if i["subject"] == subject and i["kind"] == "achievement"
             and i["status"] in ("trial", "operational")}
    rows = [p for p in bank["parameters"] if p["code"] in items]
    params = ItemParameters.from_records([{**p, "item_id": p["code"]} for p in rows])
    by_passage: dict[str, list[int]] = {}
    units: list[list[int]] = []
    for j, p in enumerate(rows):
        passage = items[p["code"]]["passage"]
        if passage is None:
            units.append([j])
        else:
            by_passage.setdefault(passage, []).append(j)
    units += list(by_passage.values())
    rng = np.random.default_rng([seed, len(subject)])
    return simulate_trial(params, units, n_persons=n_persons, items_per_person=items_per_person,
                          rng=rng, person_prefix=f"trial:{subject}:")


def _load_accounts(session: Session) -> None:
    for email, name, role, password in BANK_ACCOUNTS:
        if session.scalar(select(Staff.id).where(Staff.email == email)) is None:
            people.create_staff(session, email=email, name=name, role=role, password=password)
