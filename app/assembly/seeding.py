"""Field-test seeding: an accepted fixed test carries its subject's unscored trial items.

Seeding happens when a form is accepted, not when it is given or sat: a fixed test is one list
of items that every sitting shares (answers point at its form items), a draft is still being
previewed, swapped and checked against the teacher's request (trial items are no part of that),
and an accepted form never changes afterwards, so everyone given it sits the same test. The
rule (how many, from which test length, paper or not) is calibration's
(:func:`app.calibration.field_trial.to_seed`); this module only places the items.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from app.assembly.models import Form, FormItem
from app.calibration import field_trial
from app.itembank.models import Item


def seed(session: Session, *, form: Form) -> list[FormItem]:
    """Add the subject's trial items to a fixed form, spread among its items; returns them."""
    if form.kind != "linear":  # an adaptive test's pool is chosen by information alone
        return []
    rows = _form_items(session, form)
    scored = [fi.item for fi in rows if fi.item.kind == "achievement" and not fi.trial]
    chosen = field_trial.to_seed(session, subject_id=form.subject_id, scored=scored,
                                 paper=form.mode == "paper", seeded=_seeded(session, form))
    if not chosen:
        return []
    added = [FormItem(form_id=form.id, position=0, item_id=item.id,
                      item_revision_id=_revision(item), trial=True) for item in chosen]
    _place(session, rows, added)
    _renumber_summary(form, {fi.item.code: fi.position for fi in rows})
    return added


def _form_items(session: Session, form: Form) -> list[FormItem]:
    return list(session.scalars(select(FormItem).options(
        selectinload(FormItem.item).selectinload(Item.level)).where(
        FormItem.form_id == form.id).order_by(FormItem.position)))


def _seeded(session: Session, form: Form) -> dict[int, int]:
    """Trial item id → accepted tests of the subject already carrying it (so tests accepted
    before any responses come in do not all carry the same items)."""
    rows = session.execute(select(FormItem.item_id, func.count()).join(
        Form, Form.id == FormItem.form_id).where(
        FormItem.trial.is_(True), Form.subject_id == form.subject_id,
        Form.status == "accepted").group_by(FormItem.item_id))
    return {item_id: int(n) for item_id, n in rows}


def _revision(item: Item) -> int:
    assert item.current_revision_id is not None  # to_seed takes items with a current revision
    return item.current_revision_id


def _place(session: Session, rows: list[FormItem], added: list[FormItem]) -> None:
    """Renumber the form with the trial items at evenly spread gaps between its items,
    never inside a passage's run of items and never first or last."""
    gaps = [k for k in range(1, len(rows))
            if rows[k].item.passage_id is None or rows[k].item.passage_id
            != rows[k - 1].item.passage_id]
    wanted = [gaps[(len(gaps) * (j + 1)) // (len(added) + 1)] if gaps else len(rows)
              for j in range(len(added))]
    order: list[FormItem] = []
    for k, fi in enumerate(rows):
        order += [t for t, at in zip(added, wanted, strict=True) if at == k]
        order.append(fi)
    order += [t for t, at in zip(added, wanted, strict=True) if at >= len(rows)]
    for fi in rows:  # out of the way first: (form, position) is unique
        fi.position += 100_000
    session.flush()
    for position, fi in enumerate(order, start=1):
        fi.position = position
        if fi.id is None:
            session.add(fi)
    session.flush()


def _renumber_summary(form: Form, positions: dict[str, int]) -> None:
    """The summary's rows (what the preview and the API list: the scored items) keep their
    questions' numbers as students will see them."""
    if not (form.summary or {}).get("items"):
        return
    form.summary = {**form.summary, "items": [
        {**row, "position": positions.get(row["code"], row["position"])}
        for row in form.summary["items"]]}
