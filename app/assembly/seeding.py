"""Field-test seeding: an accepted fixed test carries its subject's unscored trial items.

Seeding happens when a form is accepted, not when it is given or sat: a fixed test is one list
of items that every sitting shares (answers point at its form items), a draft is still being
previewed, swapped and checked against the teacher's request (trial items are no part of that),
and an accepted form never changes afterwards, so everyone given it sits the same test. The
rule (how many, from which test length, paper or not, which passages, how much time) is
calibration's (:func:`app.calibration.trial_units.to_seed`); this module only places the units:
a passage's trial items right after that passage's items when the test has it, everything else
(single items, a trial passage's block) spread over the gaps between the test's units.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from app.assembly.models import Form, FormItem
from app.calibration import trial_units
from app.calibration.trial_units import TrialUnit
from app.itembank.models import Item, ItemRevision


def seed(session: Session, *, form: Form) -> list[FormItem]:
    """Add the subject's trial items to a fixed form; returns them. The time they add is
    kept apart in the summary (``trial_time_s``): it is in no time estimate, but the time
    limit a teacher is offered when giving the test includes it."""
    if form.kind != "linear":  # an adaptive test's pool is chosen by information alone
        return []
    rows = _form_items(session, form)
    scored = [fi for fi in rows if fi.item.kind == "achievement" and not fi.trial]
    units = trial_units.to_seed(
        session, subject_id=form.subject_id, scored=[fi.item for fi in scored],
        scored_time_s=_seconds(session, scored), paper=form.mode == "paper",
        seeded=_seeded(session, form))
    if not units:
        return []
    added = _place(session, rows, units, form.id)
    _renumber_summary(form, {fi.item.code: fi.position for fi in rows})
    form.summary = {**(form.summary or {}),
                    "trial_time_s": round(sum(u.time_s for u in units), 1)}
    return added


def _form_items(session: Session, form: Form) -> list[FormItem]:
    return list(session.scalars(select(FormItem).options(
        selectinload(FormItem.item).selectinload(Item.level)).where(
        FormItem.form_id == form.id).order_by(FormItem.position)))


def _seconds(session: Session, rows: list[FormItem]) -> float:
    """Expected time of the scored items, at the revisions the form pinned."""
    ids = [fi.item_revision_id for fi in rows]
    return float(session.scalar(select(func.coalesce(func.sum(ItemRevision.expected_time_s), 0))
                                .where(ItemRevision.id.in_(ids))) or 0)


def _seeded(session: Session, form: Form) -> dict[int, int]:
    """Trial item id → accepted tests of the subject already carrying it (so tests accepted
    before any responses come in do not all carry the same items)."""
    rows = session.execute(select(FormItem.item_id, func.count()).join(
        Form, Form.id == FormItem.form_id).where(
        FormItem.trial.is_(True), Form.subject_id == form.subject_id,
        Form.status == "accepted").group_by(FormItem.item_id))
    return {item_id: int(n) for item_id, n in rows}


def _slots(rows: list[FormItem], units: list[TrialUnit]) -> list[int]:
    """Where each unit goes, as the index of the form item it is put before (``len(rows)``:
    at the end). Attached units: right after their passage's last item. The others: evenly
    spread over the gaps between units (never inside a passage's run, never first or last)."""
    gaps = [k for k in range(1, len(rows))
            if rows[k].item.passage_id is None or rows[k].item.passage_id
            != rows[k - 1].item.passage_id]
    free = [u for u in units if not u.attached]
    spread = iter([gaps[(len(gaps) * (j + 1)) // (len(free) + 1)] if gaps else len(rows)
                   for j in range(len(free))])
    return [1 + max(k for k, fi in enumerate(rows) if fi.item.passage_id == u.passage_id)
            if u.attached else next(spread) for u in units]


def _place(session: Session, rows: list[FormItem], units: list[TrialUnit], form_id: int
           ) -> list[FormItem]:
    """Renumber the form with the units' trial items where :func:`_slots` puts them (an
    attached unit before a block at the same gap, so it stays beside its passage)."""
    slots = _slots(rows, units)
    placed = sorted(zip(slots, units, strict=True), key=lambda su: (su[0], not su[1].attached))
    added: list[FormItem] = []
    order: list[FormItem] = []
    for k in range(len(rows) + 1):
        for _slot, unit in (su for su in placed if su[0] == k):
            new = [FormItem(form_id=form_id, position=0, item_id=item.id,
                            item_revision_id=_revision(item), trial=True) for item in unit.items]
            added += new
            order += new
        if k < len(rows):
            order.append(rows[k])
    for fi in rows:  # out of the way first: (form, position) is unique
        fi.position += 100_000
    session.flush()
    for position, fi in enumerate(order, start=1):
        fi.position = position
        if fi.id is None:
            session.add(fi)
    session.flush()
    return added


def _revision(item: Item) -> int:
    assert item.current_revision_id is not None  # to_seed takes items with a current revision
    return item.current_revision_id


def _renumber_summary(form: Form, positions: dict[str, int]) -> None:
    """The summary's rows (what the preview and the API list: the scored items) keep their
    questions' numbers as students will see them."""
    if not (form.summary or {}).get("items"):
        return
    form.summary = {**form.summary, "items": [
        {**row, "position": positions.get(row["code"], row["position"])}
        for row in form.summary["items"]]}
