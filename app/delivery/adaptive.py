"""Adaptive sittings: the server gives every next module (MST) or item (CAT).

What a student's browser can do is save answers to the items of the *current* stage and ask
to move on from stage k. Moving on is decided here: the answers saved so far are marked with
their keys (which never leave the server), θ is estimated by EAP on every item given so far
(the calibration's population as prior), and the next module (``route`` through the panel's
cut points) or item (the most informative free item of a shadow test that keeps the whole
test within the teacher's rules) is added to the sitting's :class:`Route`. Earlier stages
are closed: their answers can no longer change. Asking twice to move on from the same stage
(a double click, a resend after a lost reply) moves the sitting on once: the update is
conditional on the stage it started from.

CAT exposure control is live: an item is eligible for a student's next question while the
sittings it was given to are at most ``max_exposure`` of the sittings of that test begun so far
(:class:`~app.irt.adaptive.exposure.EligibilityControl`'s running cap, counted in
``item_exposure``); ineligible items are used only when the rules cannot be met without them.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.assembly import adaptive_forms
from app.assembly.models import Form, FormItem
from app.assembly.shadow import ShadowAssembler
from app.calibration import service as calibration
from app.calibration.convert import to_item_parameters
from app.calibration.models import ItemParameter
from app.db import utcnow
from app.delivery.models import Answer, Assignment, ItemExposure, Route, Sitting
from app.errors import Conflict
from app.irt.adaptive.mst import route as route_by
from app.irt.adaptive.selection import closed_stimuli, next_item
from app.irt.models import item_information
from app.irt.parameters import ItemParameters
from app.irt.scoring import score_eap
from app.itembank.keys import score_response
from app.itembank.models import Item, ItemRevision


def is_adaptive(sitting: Sitting) -> bool:
    return sitting.assignment.form.kind != "linear"


def route_of(session: Session, sitting: Sitting, lock: bool = False) -> Route | None:
    """The sitting's route; ``lock`` waits for (and holds off) a concurrent advance."""
    query = select(Route).where(Route.sitting_id == sitting.id)
    return session.scalar(query.with_for_update() if lock else query)


def current_items(route: Route) -> list[int]:
    """Item ids of the stage that can still be answered."""
    return list(route.stages[-1]) if route.stages else []


def given_items(route: Route) -> list[int]:
    """Every item id given so far, in the order given."""
    return [i for stage in route.stages for i in stage]


def given_order(session: Session, sitting: Sitting) -> dict[int, int] | None:
    """Item id → 1-based position in the order given (None for a linear sitting)."""
    route = route_of(session, sitting)
    if route is None:
        return None
    return {item_id: k for k, item_id in enumerate(given_items(route), start=1)}


def begin(session: Session, *, sitting: Sitting) -> Route:
    """The sitting's route, made with its first stage when the sitting starts (idempotent)."""
    route = route_of(session, sitting)
    if route is not None:
        return route
    form = sitting.assignment.form
    route = Route(sitting_id=sitting.id, kind=form.kind, stage=1, stages=[], path=[],
                  shadow=[], finished=False, updated_at=utcnow())
    if form.kind == "mst":
        panels = _panels(session, form)
        route.panel = _deal(session, sitting, len(panels))
        route.stages, route.path = [list(panels[route.panel][0][0])], [0]
        route.finished = len(panels[route.panel]) == 1
    else:
        engine = cat_engine(session, form)
        choice = engine.choose(session, form, [], None, _prior(session, sitting)[0],
                               np.random.default_rng(sitting.id))
        if choice.item_id is None:
            raise Conflict("This adaptive test has no question to give; ask your teacher.")
        route.stages, route.shadow = [[choice.item_id]], choice.shadow
        record_given(session, form.id, choice.item_id)
    session.add(route)
    session.flush()
    return route


def may_answer(session: Session, sitting: Sitting, item_id: int) -> bool:
    """Whether a save of ``item_id`` belongs to the sitting's current stage."""
    query = select(Route).where(Route.sitting_id == sitting.id).with_for_update(read=True)
    route = session.scalar(query)
    return route is not None and item_id in current_items(route)


def advance(session: Session, *, sitting: Sitting, from_stage: int,
            now: datetime | None = None) -> Route:
    """Move the sitting on from stage ``from_stage`` (1-based): close it and give the next
    module or item, or mark the route finished. A stale ``from_stage`` changes nothing."""
    route = route_of(session, sitting, lock=True)
    if route is None:
        raise Conflict("This test is not adaptive.")
    if route.stage != from_stage or route.finished:
        return route
    if sitting.status != "in_progress":
        raise Conflict("This test has been handed in.")
    from app.delivery import sittings  # sittings calls this module when a sitting starts

    if (now or utcnow()) > sittings.deadline(sitting) + sittings.GRACE:
        raise Conflict("Time is up for this test; your saved answers have been kept.")
    theta, se = estimate(session, sitting, given_items(route))
    changes = _next_stage(session, sitting, route, theta, se)
    moved = session.execute(update(Route).where(
        Route.id == route.id, Route.stage == from_stage, Route.finished.is_(False)).values(
        stage=from_stage + 1 if "stages" in changes else from_stage, theta=theta, se=se,
        updated_at=utcnow(), **changes).execution_options(synchronize_session=False))
    if getattr(moved, "rowcount", 0) and sitting.assignment.form.kind == "cat" \
            and "stages" in changes:
        record_given(session, sitting.assignment.form_id, int(changes["stages"][-1][0]))
    session.refresh(route)
    return route


def _next_stage(session: Session, sitting: Sitting, route: Route, theta: float, se: float
                ) -> dict[str, Any]:
    form = sitting.assignment.form
    if form.kind == "mst":
        panel = _panels(session, form)[route.panel or 0]
        stage = len(route.stages)
        if stage >= len(panel):
            return {"finished": True}
        cuts = form.design["panels"][route.panel or 0]["stages"][stage]["cuts"]  # type: ignore[index]
        k = int(route_by(theta, cuts))
        return {"stages": [*route.stages, list(panel[stage][k])], "path": [*route.path, k],
                "finished": stage + 1 >= len(panel)}
    design = form.design or {}
    given = given_items(route)
    stop_se = design.get("se_stop")
    if len(given) >= int(design["length"]) or (stop_se is not None and se <= float(stop_se)):
        return {"finished": True}
    engine = cat_engine(session, form)
    choice = engine.choose(session, form, given, route.shadow or None, theta, None)
    if choice.item_id is None:
        return {"finished": True}
    return {"stages": [*route.stages, [choice.item_id]], "shadow": choice.shadow}


def record_given(session: Session, form_id: int, item_id: int) -> None:
    """``given + 1`` for the item (an atomic update; the row is made on first use)."""
    bump = update(ItemExposure).where(ItemExposure.form_id == form_id,
                                      ItemExposure.item_id == item_id).values(
        given=ItemExposure.given + 1)
    if getattr(session.execute(bump), "rowcount", 0):
        return
    try:
        with session.begin_nested():
            session.add(ItemExposure(form_id=form_id, item_id=item_id, given=1))
    except IntegrityError:  # another sitting made the row at the same moment
        session.execute(bump)


def estimate(session: Session, sitting: Sitting, item_ids: list[int]) -> tuple[float, float]:
    """EAP θ (the calibration's own metric; its population as prior) and SE on the saved
    answers to ``item_ids``, marked by their keys; an unanswered item scores 0."""
    if not item_ids:
        return _prior(session, sitting)
    answers = {a.item_id: a.response for a in session.scalars(select(Answer).where(
        Answer.sitting_id == sitting.id, Answer.item_id.in_(item_ids)))}
    rows = {item.id: (item, revision) for item, revision in session.execute(
        select(Item, ItemRevision).join(FormItem, FormItem.item_id == Item.id)
        .join(ItemRevision, ItemRevision.id == FormItem.item_revision_id)
        .where(FormItem.form_id == sitting.assignment.form_id, Item.id.in_(item_ids)))}
    scores = []
    for item_id in item_ids:
        item, revision = rows[item_id]
        response = answers.get(item_id)
        scores.append(0 if response is None or revision.key is None else score_response(
            item.response_type, revision.key, revision.max_score, response))
    params = _parameters(session, sitting.calibration_id, item_ids)
    mean, sd = _prior(session, sitting)
    est = score_eap(params, np.array([scores], dtype=float), prior_mean=mean, prior_sd=sd)
    return float(est.theta[0]), float(est.se[0])


def _prior(session: Session, sitting: Sitting) -> tuple[float, float]:
    cal = calibration.get(session, calibration_id=sitting.calibration_id)
    return float(cal.population_mean), float(cal.population_sd)


def _parameters(session: Session, calibration_id: int, item_ids: list[int]) -> ItemParameters:
    """The calibration's parameters of ``item_ids``, in that order."""
    rows = {p.item_id: p for p in session.scalars(select(ItemParameter).where(
        ItemParameter.calibration_id == calibration_id, ItemParameter.item_id.in_(item_ids)))}
    return to_item_parameters([calibration.parameter_out(rows[i], str(i)) for i in item_ids])


def _panels(session: Session, form: Form) -> list[list[list[tuple[int, ...]]]]:
    """The MST's panels as item ids: ``panels[p][stage][module]``."""
    assert form.design is not None
    ids = dict(session.execute(select(Item.code, Item.id).join(
        FormItem, FormItem.item_id == Item.id).where(FormItem.form_id == form.id)).all())
    return [[[tuple(ids[code] for code in module["items"]) for module in stage["modules"]]
             for stage in panel["stages"]] for panel in form.design["panels"]]


def _deal(session: Session, sitting: Sitting, n_panels: int) -> int:
    """Panels are dealt in turn within an assignment, so classmates see different modules."""
    begun = session.scalar(select(func.count()).select_from(Route).join(
        Sitting, Sitting.id == Route.sitting_id).where(
        Sitting.assignment_id == sitting.assignment_id)) or 0
    return int(begun) % max(n_panels, 1)


@dataclass(frozen=True)
class Choice:
    """The next CAT item (None: the pool has nothing left) and the shadow test it came from."""

    item_id: int | None
    shadow: list[int]


@dataclass
class CatEngine:
    """One CAT form's pool, parameters and shadow-test assembler (built once per process)."""

    item_ids: list[int]
    params: ItemParameters
    stimulus_of: np.ndarray
    shadow: ShadowAssembler
    max_exposure: float
    first_items: int

    def choose(self, session: Session, form: Form, given: list[int],
               previous: list[int] | None, theta: float,
               rng: np.random.Generator | None) -> Choice:
        """The most informative free item of the shadow test at ``theta``."""
        position = {item_id: k for k, item_id in enumerate(self.item_ids)}
        done = [position[i] for i in given]
        info = item_information(self.params, np.array([theta]))[0]
        shadow = self.shadow(info, done, self.eligible(session, form, bool(given)),
                             closed_stimuli(done, self.stimulus_of),
                             None if not previous else np.array([position[i] for i in previous]))
        pick = next_item(shadow, done, info, self.stimulus_of, rng,
                         self.first_items if not given else 1)
        return Choice(None if pick is None else self.item_ids[pick],
                      [self.item_ids[k] for k in shadow])

    def eligible(self, session: Session, form: Form, started: bool) -> np.ndarray:
        """Items whose sittings so far stay within the cap if given once more."""
        if self.max_exposure >= 1:
            return np.ones(len(self.item_ids), dtype=bool)
        counts = dict(session.execute(select(ItemExposure.item_id, ItemExposure.given).where(
            ItemExposure.form_id == form.id)).all())
        begun = session.scalar(select(func.count()).select_from(Route).join(
            Sitting, Sitting.id == Route.sitting_id).join(
            Assignment, Assignment.id == Sitting.assignment_id).where(
            Assignment.form_id == form.id)) or 0
        room = max(self.max_exposure * (int(begun) + (0 if started else 1)), 1.0)
        given = np.array([counts.get(i, 0) for i in self.item_ids], dtype=float)
        return given + 1 <= room + 1e-9


_ENGINES: dict[tuple[int, int], CatEngine] = {}
_ENGINES_LOCK = threading.Lock()
_MAX_ENGINES = 32


def cat_engine(session: Session, form: Form) -> CatEngine:
    """The form's engine (accepted forms do not change, so it is kept per process)."""
    key = (form.id, form.calibration_id)
    with _ENGINES_LOCK:
        found = _ENGINES.get(key)
    if found is not None:
        return found
    spec = adaptive_forms.cat_request_spec(session, form).spec
    design = form.design or {}
    engine = CatEngine(
        item_ids=[int(r) for r in _pool_ids(session, form)], params=spec.pool.params,
        stimulus_of=spec.pool.stimulus_of,
        shadow=ShadowAssembler(spec, int(design["length"])),
        max_exposure=float(design.get("max_exposure", 1.0)),
        first_items=int(design.get("first_items", 5)))
    with _ENGINES_LOCK:
        if len(_ENGINES) >= _MAX_ENGINES:
            _ENGINES.pop(next(iter(_ENGINES)))
        _ENGINES[key] = engine
    return engine


def _pool_ids(session: Session, form: Form) -> list[int]:
    return list(session.scalars(select(FormItem.item_id).where(FormItem.form_id == form.id)
                                .order_by(FormItem.position)))
