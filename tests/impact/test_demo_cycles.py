"""The demo's impact cycles can be built from the demo bank (``kete demo`` plans them)."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.demo import _load_bank
from app.impact import cycles
from app.impact.demo import CYCLES
from app.itembank.demo import demo_bank
from app.itembank.models import Objective
from app.people.dependencies import Caller
from tests.people import builders as people


@pytest.mark.parametrize("plan", CYCLES, ids=[p.title for p in CYCLES])
def test_each_demo_cycle_has_a_pre_and_post_test_in_the_demo_bank(
        session: Session, plan: object) -> None:
    """Items of one template are enemies, so a cycle on a strand written from few templates
    must ask for a test short enough to hold one item per template (else ``kete demo``
    stops with a Conflict)."""
    assert isinstance(plan, type(CYCLES[0]))
    bank = demo_bank(seed=2026)
    strands = {code.split("-")[0].rstrip("0123456789") for code in plan.objectives}
    bank["items"] = [i for i in bank["items"]  # the cycle's strands: a quicker import
                     if i["subject"] == "mathematics" and i["strand"] in strands]
    _load_bank(session, bank, echo=lambda _line: None)
    tenant = people.tenant(session, "DEMO-CYC")
    objectives = list(session.scalars(select(Objective).where(
        Objective.code.in_(plan.objectives))))
    pre, post, _parallel = cycles.build_pair(
        session, caller=Caller.of_staff(tenant.teacher), room=tenant.room,
        objectives=objectives, plan=cycles.CyclePlan(
            title=plan.title, class_id=tenant.room.id, subject="mathematics",
            objectives=list(plan.objectives), success_criteria=list(plan.criteria),
            starts_on=plan.starts, ends_on=plan.ends, duration_minutes=plan.minutes))
    assert pre.items and post.items
    assert not {i.item_id for i in pre.items} & {i.item_id for i in post.items}
