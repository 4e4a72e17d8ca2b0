"""Building forms for teachers from the bank: request → spec → HiGHS → stored form."""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from markupsafe import Markup
from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from app.assembly import seeding
from app.assembly.explain import Explanation
from app.assembly.forms import AssemblyResult, assemble, parallel_form, swap_item
from app.assembly.models import Form, FormItem
from app.assembly.request import RequestError, RequestSpec, TeacherRequest, build_request_spec
from app.assembly.schemas import FormCreate, FormItemRead, FormRead
from app.assembly.solve import TEACHER_OPTIONS
from app.assembly.summary import summarize
from app.assembly.wording import teacher_lines
from app.calibration import service as calibration
from app.calibration.models import ItemParameter
from app.calibration.scale import Scale
from app.config import get_settings
from app.db import utcnow
from app.errors import Conflict, InvalidInput, NotFound, NotPermitted
from app.itembank import families, keys
from app.itembank.curricula import get_subject
from app.itembank.html import sanitise
from app.itembank.models import Item, ItemRevision, Subject
from app.itembank.service import eager_options
from app.people import audit, policy
from app.people.dependencies import Caller
from app.people.models import Staff

EXPOSURE_WINDOW = timedelta(days=180)
SEEN_WINDOW = timedelta(days=365)


def build(session: Session, *, data: FormCreate, staff: Staff) -> Form:
    """Assemble the best form the bank allows for ``data``, or explain why none exists."""
    if data.kind != "linear":
        from app.assembly import adaptive_forms  # it builds on this module's bank readers

        form = adaptive_forms.build(session, data=data, staff=staff)
    else:
        subject = get_subject(session, code=data.subject)
        request_spec = _request_spec(session, subject, data, staff)
        result = assemble(request_spec.spec, TEACHER_OPTIONS)
        _raise_if_no_form(result, request_spec)
        form = _store(session, subject=subject, data=data, staff=staff,
                      request_spec=request_spec, result=result)
    audit.record(session, actor=Caller.of_staff(staff), action="form.create",
                 target=f"form:{form.id}", school_id=form.school_id,
                 detail={"form_id": form.id, "test": form.name, "mode": form.mode})
    return form


def swap(session: Session, *, form: Form, item_code: str, staff: Staff) -> Form:
    """Replace one item by the best alternative that keeps every requirement."""
    ensure_may_edit(form, Caller.of_staff(staff))
    _require_draft(form)
    _require_linear(form, "have items swapped")
    request_spec = _request_spec(session, _subject(session, form), _stored_request(
        form), staff)
    ids = request_spec.spec.pool.item_ids
    current = [ids.index(fi.item.code) for fi in _items(session, form)
               if fi.item.code in ids and not fi.trial]
    if item_code not in ids or ids.index(item_code) not in current:
        raise InvalidInput(f"Item {item_code} is not on this test.")
    result = swap_item(request_spec.spec, current, ids.index(item_code), TEACHER_OPTIONS)
    _raise_if_no_form(result, request_spec)
    order = keep_order(request_spec, current, result.items)
    _set_items(session, form, request_spec, dataclasses.replace(result, items=order))
    records = request_spec.records
    form.summary = {**form.summary, "last_swap": {
        "out": [_swap_row(records[i], current.index(i) + 1) for i in current if i not in order],
        "in": [_swap_row(records[i], order.index(i) + 1) for i in order if i not in current]}}
    session.flush()
    _audit_swap(session, form, staff)
    return form


def _audit_swap(session: Session, form: Form, staff: Staff) -> None:
    """One named event for the swap: rewriting the form's rows would otherwise read as every
    question removed and added again."""
    last = form.summary["last_swap"]
    places = [str(r["position"]) for r in last["out"]]
    questions = (f"question {places[0]}" if len(places) == 1
                 else f"questions {', '.join(places[:-1])} and {places[-1]}")
    audit.record(session, actor=Caller.of_staff(staff), action="form.swap",
                 target=f"form:{form.id}", school_id=form.school_id, detail={
                     "form_id": form.id, "test": form.name, "questions": questions,
                     "out": ", ".join(r["code"] for r in last["out"]),
                     "in": ", ".join(r["code"] for r in last["in"]) or "nothing"})


def _swap_row(record: Mapping[str, Any], position: int) -> dict[str, Any]:
    return {"position": position, "code": record["code"], "strand": record["strand"],
            "sublevel": record["sublevel"], "depth": record.get("depth")}


def keep_order(request_spec: RequestSpec, old: list[int], new: tuple[int, ...]
               ) -> tuple[int, ...]:
    """``new`` in the order of ``old``: items kept stay where they were; an item that came in
    takes the place of one that went out, or joins its passage's items if the passage is
    already on the test."""
    stimulus = request_spec.spec.pool.stimulus_of
    incoming = [i for i in new if i not in old]
    order: list[int | None] = [i if i in new else None for i in old]
    for i in incoming:
        s = int(stimulus[i])
        same = [k for k, j in enumerate(order) if j is not None and s >= 0
                and int(stimulus[j]) == s]
        if same:
            order.insert(same[-1] + 1, i)
        elif None in order:
            order[order.index(None)] = i
        else:
            order.append(i)
    return tuple(i for i in order if i is not None)


def accept(session: Session, *, form: Form, staff: Staff) -> Form:
    """Fix the form: it can now be assigned, and no longer changed. A fixed test long enough
    takes its subject's unscored trial items now (:mod:`app.assembly.seeding`)."""
    ensure_may_edit(form, Caller.of_staff(staff))
    _require_draft(form)
    form.status, form.accepted_at = "accepted", utcnow()
    seeding.seed(session, form=form)
    session.flush()
    return form


def similar(session: Session, *, form: Form, staff: Staff) -> Form:
    """A parallel form: no item or passage in common, matching information."""
    _require_linear(form, "be made similar (each student's test is already their own)")
    data = _stored_request(form, name=f"{form.name} (parallel)")
    subject = _subject(session, form)
    request_spec = _request_spec(session, subject, data, staff)
    ids = request_spec.spec.pool.item_ids
    current = [ids.index(fi.item.code) for fi in _items(session, form)
               if fi.item.code in ids and not fi.trial]
    result = parallel_form(request_spec.spec, current)
    _raise_if_no_form(result, request_spec)
    new = _store(session, subject=subject, data=data, staff=staff, request_spec=request_spec,
                 result=result)
    new.parent_id = form.id
    return new


def copy(session: Session, *, form: Form, staff: Staff) -> Form:
    """A draft copy of ``form`` (same items, same request) that ``staff`` owns and may edit:
    how a teacher builds on a colleague's test without changing it."""
    new = Form(name=f"{form.name} (copy)"[:120], subject_id=form.subject_id,
               school_id=staff.school_id, created_by_id=staff.id,
               calibration_id=form.calibration_id, parent_id=form.id, mode=form.mode,
               attitude_scale=form.attitude_scale, request=dict(form.request),
               summary=dict(form.summary), tif_svg=form.tif_svg, kind=form.kind,
               design=form.design)
    session.add(new)
    session.flush()
    kept = [fi for fi in _items(session, form) if not fi.trial]  # re-seeded when accepted
    for position, fi in enumerate(kept, start=1):
        session.add(FormItem(form_id=new.id, position=position, item_id=fi.item_id,
                             item_revision_id=fi.item_revision_id))
    session.flush()
    return new


def get(session: Session, *, form_id: int, caller: Caller | None = None) -> Form:
    """The form, if it exists and (given a caller) the caller may read it; else NotFound."""
    form = session.get(Form, form_id)
    if form is None or (caller is not None and not visible(form, caller)):
        raise NotFound(f"No form {form_id}.")
    return form


def visible(form: Form, caller: Caller) -> bool:
    """Whether the caller may read the form (:func:`app.people.policy.form_clause`)."""
    return policy.sees_form(caller, school_id=form.school_id)


def may_edit(form: Form, caller: Caller) -> bool:
    """Whether the caller may swap items in or accept the form (its author, a leader)."""
    return policy.may_edit_form(caller, school_id=form.school_id,
                                created_by_id=form.created_by_id)


def ensure_may_edit(form: Form, caller: Caller) -> None:
    if not may_edit(form, caller):
        raise NotPermitted("This is a colleague's test: copy it to make changes of your own.")


def get_all(session: Session, *, caller: Caller) -> list[Form]:
    """The forms the caller may read, newest first."""
    return list(session.scalars(select(Form).where(policy.form_clause(caller, Form.school_id))
                                .order_by(Form.id.desc())))


def to_read(session: Session, form: Form) -> FormRead:
    subject = session.get(Subject, form.subject_id)
    assert subject is not None
    return FormRead(id=form.id, name=form.name, subject=subject.code, status=form.status,
                    mode=form.mode, attitude_scale=form.attitude_scale,
                    calibration_id=form.calibration_id, parent_id=form.parent_id,
                    items=[FormItemRead(**row) for row in form.summary.get("items", [])],
                    summary={k: v for k, v in form.summary.items()
                             if k not in ("items", "adaptive")},
                    tif_svg=form.tif_svg, created_at=form.created_at, kind=form.kind,
                    adaptive=None if form.kind == "linear" else form.summary.get("adaptive"))


def _raise_if_no_form(result: AssemblyResult, request_spec: RequestSpec) -> None:
    """Conflict when there is no form: the detail and each problem's ``advice`` in the
    wizard's words and units; each problem also names the requirement for API callers."""
    if result.ok:
        return
    if result.explanation is not None:
        raise conflict_in_teacher_words(result.explanation, request_spec,
                                        "No test can meet everything you asked for.")
    raise Conflict(f"No test could be built: {result.message or result.status}.")


def conflict_in_teacher_words(explanation: Explanation, request_spec: RequestSpec,
                              lead: str) -> Conflict:
    """The Conflict for a request no test can meet: ``lead``, then what to change in the
    wizard's words and units (minutes, percentages, level and strand names); each problem
    keeps the requirement it names for API callers and gets that ``advice``."""
    advice = teacher_lines(explanation, request_spec.request)
    problems = [c.to_dict() for c in explanation.conflicts] or [
        {"message": line} for line in explanation.lines()]
    for problem, line in zip(problems, advice, strict=False):
        problem["advice"] = line
    return Conflict(" ".join([lead, *advice]), problems=problems)


def _require_linear(form: Form, what: str) -> None:
    if form.kind != "linear":
        raise Conflict(f"An adaptive test cannot {what}; build a new one from the wizard.")


def _stored_request(form: Form, **changes: Any) -> FormCreate:
    """The request the form was built from, or Conflict for a form that has none (a test
    made outside the builder can be copied, not rebuilt)."""
    try:
        return FormCreate.model_validate({**form.request, **changes})
    except ValidationError as exc:
        raise Conflict("This test was not built from a request, so it cannot be rebuilt; "
                       "copy it instead.") from exc


def _require_draft(form: Form) -> None:
    if form.status != "draft":
        raise Conflict("This test has been accepted; make a similar test to change it.")


def _subject(session: Session, form: Form) -> Subject:
    subject = session.get(Subject, form.subject_id)
    assert subject is not None
    return subject


def _items(session: Session, form: Form) -> list[FormItem]:
    return list(session.scalars(select(FormItem).options(selectinload(FormItem.item))
                                .where(FormItem.form_id == form.id)
                                .order_by(FormItem.position)))


def _request_spec(session: Session, subject: Subject, data: FormCreate,
                  staff: Staff) -> RequestSpec:
    records = bank_records(session, subject)
    if not records:
        raise Conflict(f"{subject.code} has no operational items with active parameters yet.")
    seed = staff.id * 7919 + (session.scalar(select(func.count()).where(
        Form.created_by_id == staff.id)) or 0)
    request = TeacherRequest(
        levels=data.levels, strands=data.strands, expected_level=data.expected_level,
        sublevel_theta=sublevel_theta(session, subject), duration_minutes=data.duration_minutes,
        item_count=data.item_count, deep_share=data.deep_share,
        exclude=[*data.exclude_items, *seen_by_class(session, data.class_id, staff)],
        exposure=exposure(session, subject, staff), seed=seed,
        variety_floor=get_settings().variety_information_floor,
        strand_names={s.code: s.name for s in subject.strands})
    try:
        return build_request_spec(records, request)
    except RequestError as exc:
        raise InvalidInput("The request cannot be read.",
                           problems=[{"message": p} for p in exc.problems]) from exc


SeenItems = Callable[[Session, int, datetime], list[str]]
"""Codes of the items in tests given to a class since a moment."""
_seen_items: list[SeenItems] = []


def answer_seen_items_with(source: SeenItems) -> None:
    """Plug in who knows which tests a class was given: delivery, which builds on assembly
    (so assembly cannot import it), registers its answer when it is imported, as modules
    register with :mod:`app.people.privacy`."""
    _seen_items[:] = [source]


def seen_by_class(session: Session, class_id: int | None, staff: Staff) -> list[str]:
    """Codes of the items in tests given to the class within :data:`SEEN_WINDOW` (a class
    of another school is not found, as everywhere)."""
    if class_id is None:
        return []
    from app.people import classes

    classes.get(session, caller=Caller.of_staff(staff), class_id=class_id)
    if not _seen_items:
        raise RuntimeError("No source of tests given to classes: import app.delivery."
                           "sittings (it calls assembly.service.answer_seen_items_with).")
    return _seen_items[0](session, class_id, utcnow() - SEEN_WINDOW)


def bank_records(session: Session, subject: Subject) -> list[dict[str, Any]]:
    """Operational achievement items of ``subject`` with their active parameters; an item
    whose content changed since it was calibrated stays out of new tests until a run has
    recalibrated it (its old parameters describe a different question)."""
    items = list(session.scalars(select(Item).options(*eager_options()).where(
        Item.subject_id == subject.id, Item.status == "operational",
        Item.kind == "achievement", Item.needs_recalibration.is_(False)).order_by(Item.code)))
    params = calibration.active_parameters(session, item_ids=[i.id for i in items])
    independent = families.independent(session)
    return [item_record(item, params[item.id], independent) for item in items
            if item.id in params]


def item_record(item: Item, p: ItemParameter, independent: set[str]) -> dict[str, Any]:
    """One item as a request record (its current revision; ``independent``: families whose
    items do not give each other away)."""
    assert item.current_revision is not None and item.level is not None
    return {"code": item.code, "strand": item.strand.code if item.strand else None,
            "objective": item.objective.code if item.objective else None,
            "sublevel": item.level.code, "level_rank": item.level.rank, "solo": item.solo,
            "depth": item.depth, "response_type": item.response_type,
            "expected_time_s": item.current_revision.expected_time_s,
            "passage": item.passage.code if item.passage else None,
            "enemy_group": item.enemy_group,
            "family": item.family if item.family not in independent else None,
            "model": p.model, "a": p.a, "b": p.b, "c": p.c, "steps": p.steps or None,
            "item_id": item.id,
            "revision_id": item.current_revision_id}


def sublevel_theta(session: Session, subject: Subject) -> dict[str, float]:
    """The θ at the middle of each sublevel, from the subject's cut scores and scale."""
    scale, cuts = calibration.reporting_scale(session, subject_id=subject.id)
    if scale is None or len(cuts) < 2:
        raise Conflict(f"{subject.code} needs a reporting scale and cut scores before tests "
                       "can be targeted at a curriculum level.")
    starts = np.array([(score - scale.intercept) / scale.slope for _, score in cuts])
    widths = np.diff(starts, append=starts[-1] + (starts[-1] - starts[-2]))
    return {code: float(s + w / 2) for (code, _), s, w in zip(cuts, starts, widths, strict=True)}


def exposure(session: Session, subject: Subject, staff: Staff) -> dict[str, float]:
    """How often each item appeared in other teachers' recent forms."""
    rows = session.execute(select(Item.code, func.count()).join(
        FormItem, FormItem.item_id == Item.id).join(Form, Form.id == FormItem.form_id).where(
        Form.subject_id == subject.id, Form.created_at >= utcnow() - EXPOSURE_WINDOW,
        Form.created_by_id != staff.id).group_by(Item.code)).all()
    return {code: float(n) for code, n in rows}


def _store(session: Session, *, subject: Subject, data: FormCreate, staff: Staff,
           request_spec: RequestSpec, result: AssemblyResult) -> Form:
    active = calibration.get_active(session, subject=subject)
    assert active is not None  # bank_records found active parameters
    form = Form(name=data.name, subject_id=subject.id, school_id=staff.school_id,
                created_by_id=staff.id, calibration_id=active.id, mode=data.mode,
                attitude_scale=data.attitude_scale, request=data.model_dump())
    session.add(form)
    session.flush()
    _set_items(session, form, request_spec, result)
    return form


def scale_of_subject(session: Session, subject_id: int) -> Scale | None:
    """The subject's reporting scale and cuts (None without one)."""
    return calibration.scale_of(session, subject_id=subject_id)


def _scale_points(session: Session, subject_id: int, se_theta: float) -> float | None:
    """An SE in logits as reporting-scale points (the scale's slope times it)."""
    scale, _ = calibration.reporting_scale(session, subject_id=subject_id)
    return None if scale is None else round(se_theta * scale.slope, 1)


def _set_items(session: Session, form: Form, request_spec: RequestSpec,
               result: AssemblyResult) -> None:
    for old in _items(session, form):
        session.delete(old)
    session.flush()
    records = request_spec.records
    for position, index in enumerate(result.items, start=1):
        record = records[index]
        session.add(FormItem(form_id=form.id, position=position, item_id=record["item_id"],
                             item_revision_id=record["revision_id"]))
    scale, _ = calibration.reporting_scale(session, subject_id=form.subject_id)
    summary = summarize(request_spec, result, None if scale is None else scale.slope,
                        scale=scale_of_subject(session, form.subject_id))
    form.summary = {
        "items": summary.items, "by_level": summary.by_level, "by_strand": summary.by_strand,
        "by_depth": summary.by_depth, "total_time_s": summary.total_time_s,
        "expected_score": summary.expected_score, "max_score": summary.max_score,
        "se_at_class_level": summary.se_at_class_level,
        "se_best_at_class_level": summary.se_best_at_class_level,
        "se_scale_points": _scale_points(session, form.subject_id, summary.se_at_class_level),
        "reported_strands": summary.reported_strands, "notes": summary.notes,
        "differences": summary.differences, "warnings": summary.warnings,
        "levels": dict(Counter(r["sublevel"][0] for r in (records[i] for i in result.items))),
    }
    form.tif_svg = summary.tif_svg
    session.flush()


def preview_items(session: Session, form: Form) -> list[dict[str, Any]]:
    """The form's items as its students will see them (stem, options, passage — each at the
    revision the form pinned) with each key in a teacher's words; a passage comes with the
    first of its items."""
    rows = session.execute(select(FormItem, ItemRevision).join(
        ItemRevision, ItemRevision.id == FormItem.item_revision_id).options(
        selectinload(FormItem.item).selectinload(Item.passage)).where(
        FormItem.form_id == form.id).order_by(FormItem.position)).all()
    out: list[dict[str, Any]] = []
    last_passage: int | None = None
    for fi, revision in rows:
        options = {str(o["id"]): Markup(sanitise(str(o["html"]))) for o in revision.options}
        answer, rule = keys.describe_key(fi.item.response_type, options, revision.key or {})
        passage = fi.item.passage
        out.append({
            "position": fi.position, "code": fi.item.code, "trial": fi.trial,
            "response_type": fi.item.response_type, "stem": Markup(sanitise(revision.stem_html)),
            "options": list(options.items()), "answer": answer, "rule": rule,
            "max_score": revision.max_score,
            "passage_code": passage.code if passage is not None else None,
            "passage": None if passage is None or passage.id == last_passage else {
                "code": passage.code, "title": passage.title,
                "body": Markup(sanitise(passage.body_html))}})
        last_passage = passage.id if passage is not None else None
    return out


def attitude_item_ids(session: Session, *, subject_id: int, scale: str | None) -> list[int]:
    """Operational attitude items of ``scale`` (``maths`` also takes in ``maths-enjoyment``
    and ``maths-confidence``), by code."""
    if not scale:
        return []
    return list(session.scalars(select(Item.id).where(
        Item.subject_id == subject_id, Item.kind == "attitude", Item.status == "operational",
        (Item.attitude_scale == scale) | Item.attitude_scale.startswith(f"{scale}-"))
        .order_by(Item.code)))


def attitude_count(session: Session, form: Form) -> int:
    """How many attitude statements the form's students answer before its items."""
    return len(attitude_item_ids(session, subject_id=form.subject_id, scale=form.attitude_scale))


def attitude_scales(session: Session, subject: Subject) -> list[tuple[str, int]]:
    """The subject's attitude item sets and their sizes: each scale, and a whole family of
    scales (``maths`` for ``maths-enjoyment`` and ``maths-confidence``) first."""
    counts = Counter(session.scalars(select(Item.attitude_scale).where(
        Item.subject_id == subject.id, Item.kind == "attitude", Item.status == "operational",
        Item.attitude_scale.is_not(None))))
    families_: Counter[str] = Counter()
    for scale, n in counts.items():
        if scale and "-" in scale:
            families_[scale.split("-", 1)[0]] += n
    whole = [(f, n) for f, n in sorted(families_.items()) if f not in counts]
    return whole + sorted((str(s), n) for s, n in counts.items() if s)
