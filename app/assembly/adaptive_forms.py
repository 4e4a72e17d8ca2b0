"""Adaptive tests from the teacher's wizard: e-asTTle's 1-3-3 multistage tests and CAT.

The wizard's inputs (subject, up to three adjacent levels, strands, duration or item count,
surface/deep share) become the same spec a fixed test gets (:mod:`app.assembly.request`), built
for one student's whole test: a path of three modules (MST) or the CAT's longest test. Only
auto-marked items take part (the next stage is chosen from marked answers, on screen).

* **MST**: the duration's items are split into three modules; :func:`assemble_panels` builds
  ``panels`` panels in which every path meets the spec, targeted over the θ range of the chosen
  levels; the form holds every panel's items; teachers preview the routing modules only.
* **CAT**: the form holds the pool (the matching items); a shadow test must exist for the whole
  length, checked now so that a sitting can never be stuck; the bank must hold at least
  :data:`POOL_FACTOR` times the length, or there is nothing to adapt with.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.assembly import service
from app.assembly.models import Form, FormItem
from app.assembly.panel import PanelDesign, PanelResult, assemble_panels
from app.assembly.panel_file import panels_to_json
from app.assembly.request import (
    RequestError,
    RequestSpec,
    TeacherRequest,
    build_request_spec,
    expected_items,
)
from app.assembly.schemas import FormCreate
from app.assembly.shadow import NoShadowTest, ShadowAssembler
from app.assembly.solve import SolveOptions
from app.calibration import service as calibration
from app.calibration.models import ItemParameter
from app.config import get_settings
from app.errors import Conflict, InvalidInput
from app.itembank import families
from app.itembank.curricula import get_subject
from app.itembank.keys import auto_markable
from app.itembank.models import Item, ItemRevision, Subject
from app.itembank.service import eager_options
from app.people.models import Staff

PANEL_OPTIONS = SolveOptions(time_limit=8.0, mip_rel_gap=0.05)
POOL_FACTOR = 3
MIN_MODULE = 3


def build(session: Session, *, data: FormCreate, staff: Staff) -> Form:
    """Build an MST or a CAT for ``data`` (``data.kind``), or say why the bank cannot."""
    subject = get_subject(session, code=data.subject)
    records = closed_records(session, service.bank_records(session, subject))
    if not records:
        raise Conflict(f"{subject.code} has no auto-marked items with active parameters, so "
                       "no adaptive test can be built.")
    if data.kind == "mst":
        return _build_mst(session, subject, records, data, staff)
    return _build_cat(session, subject, records, data, staff)


def closed_records(session: Session, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The records whose current revision can be marked by its key alone."""
    keys: dict[int, Any] = dict(session.execute(select(ItemRevision.id, ItemRevision.key).where(
        ItemRevision.id.in_([r["revision_id"] for r in records]))).all())
    return [r for r in records if auto_markable(keys.get(r["revision_id"]))]


def _request(session: Session, subject: Subject, data: FormCreate, staff: Staff,
             item_count: int | None) -> TeacherRequest:
    return TeacherRequest(
        levels=data.levels, strands=data.strands, expected_level=data.expected_level,
        sublevel_theta=service.sublevel_theta(session, subject),
        duration_minutes=data.duration_minutes, item_count=item_count,
        deep_share=data.deep_share, time_fill=0.0,
        exclude=[*data.exclude_items, *service.seen_by_class(session, data.class_id, staff)])


def _spec(records: list[dict[str, Any]], request: TeacherRequest) -> RequestSpec:
    try:
        return build_request_spec(records, request)
    except RequestError as exc:
        raise InvalidInput("The request cannot be read.",
                           problems=[{"message": p} for p in exc.problems]) from exc


def whole_length(records: list[dict[str, Any]], data: FormCreate, request: TeacherRequest,
                ) -> int:
    """Items in one student's whole test: the count asked for or what fits in the time."""
    matching = [r for r in records if r["strand"] in {s for s, w in data.strands.items()
                                                       if w != "none"}] or records
    return data.item_count or expected_items(matching, request)


def population(sublevel_theta: Mapping[str, float], levels: Mapping[str, str]
               ) -> tuple[float, float]:
    """Mean and SD of θ the adaptive test is built for: the chosen levels' sublevels span
    ±1.38 SD, where the easiest and hardest modules' outer targets lie."""
    chosen = {k for k, w in levels.items() if w != "none"}
    thetas = [t for code, t in sublevel_theta.items()
              if "".join(ch for ch in code if ch.isdigit()) in chosen]
    if not thetas:
        return 0.0, 1.0
    low, high = min(thetas), max(thetas)
    return (low + high) / 2, max((high - low) / 2.76, 0.5)


def _build_mst(session: Session, subject: Subject, records: list[dict[str, Any]],
               data: FormCreate, staff: Staff) -> Form:
    probe = _request(session, subject, data, staff, data.item_count)
    length = whole_length(records, data, probe) // 3
    if length < MIN_MODULE:
        raise InvalidInput(f"An adaptive test in three stages needs at least {3 * MIN_MODULE} "
                           "items; give more time.")
    request_spec = _spec(records, _request(session, subject, data, staff, 3 * length))
    mean, sd = population(probe.sublevel_theta, data.levels)
    design = PanelDesign((1, 3, 3), length, mean, sd)
    result = assemble_panels(request_spec.spec, design, data.panels, PANEL_OPTIONS)
    if not result.ok:
        if result.explanation is not None:
            raise service.conflict_in_teacher_words(
                result.explanation, request_spec, "No adaptive test can meet everything you "
                "asked for.")
        raise Conflict(f"No adaptive test could be built: the bank has too few suitable items "
                       f"for {7 * design.module_length} different ones in seven modules. "
                       "Choose more levels or strands, or less time.")
    pool = request_spec.spec.pool
    items = [i for panel in result.panels for i in panel.items()]
    adaptive = {"design": design.label, "module_length": length, "panels": len(result.panels),
                "stages": 3, "cuts": [[round(c, 3) for c in panel.cuts[s]]
                                      for panel in result.panels[:1] for s in (1, 2)],
                "population": {"mean": round(mean, 3), "sd": round(sd, 3)}}
    notes = [*request_spec.notes, *result.notes,
             f"Each student answers three modules of {length} items: a common first module, "
             "then an easier, middle or harder module, twice, chosen by their answers so far.",
             f"{len(result.panels)} panel(s) with no item in common: classmates are dealt them "
             "in turn, so they see different modules.",
             "Every route through each panel meets the balance asked for; only the first "
             "stage can be previewed."]
    routing = [i for panel in result.panels for i in panel.modules[0][0]]
    summary = {"items": _rows(request_spec, routing), "adaptive": adaptive, "notes": notes,
               "paths": _path_balance(request_spec, result),
               "reported_strands": list(request_spec.reported_strands)}
    design_json = panels_to_json(design, result.panels, pool.item_ids)
    return _store(session, subject, data, staff, request_spec, items, "mst", design_json,
                  summary)


def _path_balance(request_spec: RequestSpec, result: PanelResult) -> dict[str, Any]:
    """Across every path of every panel: the fewest and most items per strand and depth, and
    the shortest and longest expected time."""
    records = request_spec.records
    strands: dict[str, list[int]] = {}
    depths: dict[str, list[int]] = {}
    times = []
    for panel in result.panels:
        for path in panel.paths():
            items = [records[i] for i in panel.path_items(path)]
            for key, out in (("strand", strands), ("depth", depths)):
                for name, n in Counter(str(r.get(key)) for r in items).items():
                    out.setdefault(name, []).append(n)
            times.append(sum(float(r["expected_time_s"]) for r in items))
    span = {k: [min(v), max(v)] for k, v in sorted(strands.items())}
    return {"by_strand": span, "by_depth": {k: [min(v), max(v)] for k, v in depths.items()},
            "time_s": [min(times), max(times)]}


def _build_cat(session: Session, subject: Subject, records: list[dict[str, Any]],
               data: FormCreate, staff: Staff) -> Form:
    probe = _request(session, subject, data, staff, data.item_count)
    length = whole_length(records, data, probe)
    request_spec = _spec(records, _request(session, subject, data, staff, length))
    pool = request_spec.spec.pool
    if pool.n_items < POOL_FACTOR * length:
        raise Conflict(f"Only {pool.n_items} auto-marked items match these levels and strands; "
                       f"an adaptive test of {length} items needs at least "
                       f"{POOL_FACTOR * length} to adapt with. Choose more levels or strands, "
                       "less time, or a multistage or fixed test.")
    try:
        shadow = ShadowAssembler(request_spec.spec, length)
    except NoShadowTest as exc:
        if exc.explanation is None:
            raise Conflict(str(exc)) from exc
        raise service.conflict_in_teacher_words(
            exc.explanation, request_spec,
            "No adaptive test can meet everything you asked for.") from exc
    cap = get_settings().cat_max_exposure
    design = {"length": length, "se_stop": data.se_stop, "max_exposure": cap,
              "first_items": 5, "items": list(pool.item_ids)}
    typical = [request_spec.records[i] for i in shadow.seed]
    adaptive = {"length": length, "se_stop": data.se_stop, "max_exposure": cap,
                "pool": pool.n_items}
    stop = f"after {length} items"
    if data.se_stop:
        scale = service.scale_of_subject(session, subject.id)
        precise = (f"± {abs(data.se_stop * scale.slope):.0f} scale points" if scale
                   else f"a standard error of {data.se_stop:g} logits")
        stop = f"once the score is precise to {precise}, or {stop}"
    notes = [*request_spec.notes,
             f"Each student's next question is chosen from {pool.n_items} items by their "
             f"answers so far; the test stops {stop}.",
             "Every student's whole test meets the balance asked for (a shadow test is "
             f"assembled before each question); no item is given to more than {cap:.0%} of "
             "the students who sit it, where the bank allows.",
             "Questions are not shown in advance: each student's test is their own."]
    summary = {"items": [], "adaptive": adaptive, "notes": notes,
               "pool": {"by_strand": dict(Counter(str(r["strand"]) for r in request_spec.records)),
                        "by_level": dict(Counter(str(r["sublevel"])[0]
                                                 for r in request_spec.records))},
               "typical": {"by_strand": dict(Counter(str(r["strand"]) for r in typical)),
                           "by_depth": dict(Counter(str(r.get("depth")) for r in typical))},
               "reported_strands": list(request_spec.reported_strands)}
    positions = list(range(pool.n_items))
    return _store(session, subject, data, staff, request_spec, positions, "cat", design,
                  summary)


def _rows(request_spec: RequestSpec, items: Sequence[int]) -> list[dict[str, Any]]:
    b = request_spec.spec.pool.params.location()
    return [{"position": k + 1, "code": r["code"], "strand": r["strand"],
             "sublevel": r["sublevel"], "depth": r.get("depth"), "passage": r.get("passage"),
             "expected_time_s": float(r["expected_time_s"]), "difficulty": round(float(b[i]), 3)}
            for k, (i, r) in enumerate((i, request_spec.records[i]) for i in items)]


def _store(session: Session, subject: Subject, data: FormCreate, staff: Staff,
           request_spec: RequestSpec, items: Sequence[int], kind: str,
           design: dict[str, Any], summary: dict[str, Any]) -> Form:
    active = calibration.get_active(session, subject=subject)
    assert active is not None  # bank_records found active parameters
    form = Form(name=data.name, subject_id=subject.id, school_id=staff.school_id,
                created_by_id=staff.id, calibration_id=active.id, mode="screen",
                attitude_scale=data.attitude_scale, request=data.model_dump(), kind=kind,
                design=design, summary=summary, tif_svg="")
    session.add(form)
    session.flush()
    records = request_spec.records
    for position, index in enumerate(items, start=1):
        session.add(FormItem(form_id=form.id, position=position,
                             item_id=records[index]["item_id"],
                             item_revision_id=records[index]["revision_id"]))
    session.flush()
    return form


def describe(form: Form) -> dict[str, Any] | None:
    """What the teacher-facing form says about its adaptivity (None for a linear form)."""
    if form.kind == "linear":
        return None
    return dict(form.summary.get("adaptive", {}), kind=form.kind)



def form_records(session: Session, form: Form) -> list[dict[str, Any]]:
    """The form's items as request records (see :func:`service.bank_records`), in position
    order, with the revisions the form pinned and the parameters of the form's calibration."""
    rows = session.execute(select(FormItem, Item, ItemRevision)
                           .join(Item, Item.id == FormItem.item_id)
                           .join(ItemRevision, ItemRevision.id == FormItem.item_revision_id)
                           .options(*eager_options())
                           .where(FormItem.form_id == form.id).order_by(FormItem.position)).all()
    params = {p.item_id: p for p in session.scalars(select(ItemParameter).where(
        ItemParameter.calibration_id == form.calibration_id,
        ItemParameter.item_id.in_([fi.item_id for fi, _, _ in rows])))}
    independent = families.independent(session)
    out = []
    for fi, item, revision in rows:  # the form's pinned revision, not the current one
        record = service.item_record(item, params[fi.item_id], independent)
        out.append({**record, "expected_time_s": revision.expected_time_s,
                    "revision_id": revision.id})
    return out


def cat_request_spec(session: Session, form: Form) -> RequestSpec:
    """The rules a CAT form's every test must meet, over its pool (in position order)."""
    assert form.kind == "cat" and form.design is not None
    data = FormCreate.model_validate(form.request)
    subject = session.get(Subject, form.subject_id)
    assert subject is not None
    request = TeacherRequest(
        levels=data.levels, strands=data.strands, expected_level=data.expected_level,
        sublevel_theta=service.sublevel_theta(session, subject),
        duration_minutes=data.duration_minutes, item_count=int(form.design["length"]),
        deep_share=data.deep_share, time_fill=0.0)
    return _spec(form_records(session, form), request)
