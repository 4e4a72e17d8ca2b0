"""A calibrated maths bank big enough for adaptive tests (MST panels, CAT pools)."""

from __future__ import annotations

import numpy as np
import pytest
from sqlalchemy.orm import Session

from app.assembly import adaptive_forms
from app.assembly.solve import SolveOptions
from app.calibration import service as calibration
from app.calibration.schemas import CalibrationCreate
from app.itembank import service as items
from app.itembank.schemas import ItemCreate
from tests.factories import framework, item_data

LEVELS = ["2B", "2P", "2A", "3B", "3P", "3A", "4B", "4P", "4A"]
KEY_TEXT = "eleven-and-a-half"  # the open item's accepted answer: never on a student's page


def adaptive_bank(session: Session, n: int = 120, seed: int = 11) -> dict[str, float]:
    """``n`` single-choice 2PL items (key B) over levels 2–4, strands NA and GM (half each),
    surface and deep, 30–60 s each, plus one teacher-marked open item at the centre (which
    adaptive tests must leave out). Returns each item's difficulty b by code."""
    subject = framework(session)
    rng = np.random.default_rng(seed)
    params, b_of = [], {}
    for j in range(n):
        level = LEVELS[j % len(LEVELS)]
        code = f"A{j:03d}"
        items.create(session, data=ItemCreate.model_validate(item_data(
            code, strand="GM" if j % 2 == 0 else "NA",
            objective="GM3-1" if j % 2 == 0 else "NA3-1", sublevel=level,
            solo=("unistructural", "multistructural", "relational")[j % 3 if j % 2 else 0],
            expected_time_s=int(30 + 10 * (j % 4)),
            stem_html=f"<p>Question {code}: what is {j} + 1?</p>")))
        b = -2.0 + 0.5 * LEVELS.index(level) + float(rng.normal(0, 0.35))
        b_of[code] = b
        params.append({"item": code, "model": "2pl", "a": float(rng.uniform(1.0, 1.8)),
                       "b": b})
    items.create(session, data=ItemCreate.model_validate(item_data(
        "OPEN1", response_type="short_text", options=[], sublevel="3P",
        stem_html="<p>Explain.</p>", key={"accepted": [KEY_TEXT], "teacher_marked": True})))
    params.append({"item": "OPEN1", "model": "2pl", "a": 3.0, "b": 0.0})
    calibration.create(session, data=CalibrationCreate(subject="maths", label="bank",
                                                       activate=True, parameters=params))
    calibration.set_scale(session, subject=subject, name="Maths", intercept=1500, slope=100,
                          cuts={lv: 1300 + 50 * k for k, lv in enumerate(LEVELS)})
    return b_of


MST_REQUEST = {"name": "Number check (adaptive)", "subject": "maths", "kind": "mst",
               "item_count": 15, "levels": {"3": "most", "4": "some"},
               "strands": {"NA": "most", "GM": "some"}, "deep_share": 0.3,
               "expected_level": "mostly 3P", "panels": 2}
CAT_REQUEST = {**MST_REQUEST, "name": "Number check (CAT)", "kind": "cat", "item_count": 15}


@pytest.fixture
def patient_solver(monkeypatch: pytest.MonkeyPatch) -> None:
    """Panels within the gap however busy the machine is: the tests check what a panel is,
    not how fast a loaded machine finds one."""
    monkeypatch.setattr(adaptive_forms, "PANEL_OPTIONS",
                        SolveOptions(time_limit=120.0, mip_rel_gap=0.05))
