"""What a calibration run estimates from: the items, the anchors and the responses in its window.

A run reads the scored responses Kete's sittings (and trials and imports) produced. Only
achievement items take part: attitude items are never put on an IRT scale. An item with no
response in the window — target or anchor — takes no part either: it is neither estimated nor
an anchor, and keeps its active parameters in the new calibration. Anchors the psychometrician
dropped (with a reason, e.g. drift) are estimated afresh with the run's items.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.calibration import service
from app.calibration.analysis import RunData
from app.calibration.convert import to_item_parameters
from app.calibration.models import Calibration, CalibrationRun, ItemParameter
from app.calibration.responses import ScoredResponse
from app.errors import InvalidInput
from app.itembank.models import Item, ItemRevision, Subject

MIN_ANCHORS = 5
"""An anchored run needs at least this many anchors answered in its window (fewer cannot
hold a scale, and drift among them could not be told from noise)."""

Row = tuple[str, int, int, dict | None]


@dataclass
class Selection:
    """The run's items: ``targets`` to estimate, ``anchors`` held fixed, ``unanswered`` codes
    of chosen items with no response in the window (they keep their parameters)."""

    targets: list[Item]
    anchors: list[ItemParameter]
    unanswered: list[str]


def load_data(session: Session, run: CalibrationRun) -> RunData:
    """The run's responses in long form, its items' models, and the fixed anchors."""
    subject = session.get(Subject, run.subject_id)
    assert subject is not None
    chosen = target_items(session, run)
    if not chosen:
        raise InvalidInput(f"No {subject.name.lower()} achievement items match the run's "
                           f"choice of items ({_choice(run)}).")
    dropped = {d["item"] for d in run.dropped_anchors or []}
    anchors = anchor_parameters(session, run, exclude={i.id for i in chosen}, dropped=dropped)
    anchor_items = list(session.scalars(select(Item).where(
        Item.id.in_([p.item_id for p in anchors])))) if anchors else []
    fresh = {i.id: i.current_revision_id for i in chosen if i.needs_recalibration}
    rows = _responses(session, run, [i.id for i in chosen + anchor_items], fresh)
    answered = {item_id for _, item_id, _, _ in rows}
    selection = Selection([i for i in chosen if i.id in answered],
                          [p for p in anchors if p.item_id in answered],
                          [i.code for i in chosen if i.id not in answered])
    _check(run, subject, selection, len(chosen))
    used = selection.targets + [i for i in anchor_items
                                if i.id in {p.item_id for p in selection.anchors}]
    data = _run_data(session, run, used, [r for r in rows if r[1] in
                                          {i.id for i in used}], selection.anchors)
    data.unanswered = selection.unanswered
    return data


def _check(run: CalibrationRun, subject: Subject, selection: Selection, n_chosen: int) -> None:
    window = _window(run)
    if not selection.targets:
        raise InvalidInput(f"None of the {n_chosen} chosen {subject.name.lower()} item(s) has "
                           f"a scored response {window}, so there is nothing to estimate. "
                           "Widen the window or choose items that students have answered.")
    if run.anchored and len(selection.anchors) < MIN_ANCHORS:
        raise InvalidInput(
            f"Only {len(selection.anchors)} operational item(s) of the active calibration were "
            f"answered {window}; an anchored run needs at least {MIN_ANCHORS} to hold the "
            "scale. Widen the window, or run an unanchored calibration and link it.")


def _window(run: CalibrationRun) -> str:
    start, end = run.window_start, run.window_end
    if start and end:
        return f"between {start:%d %b %Y} and {end:%d %b %Y}"
    if start:
        return f"since {start:%d %b %Y}"
    return f"up to {end:%d %b %Y}" if end else "in any window"


def _choice(run: CalibrationRun) -> str:
    if run.item_codes:
        return f"{len(run.item_codes)} chosen code(s)"
    return "status " + " or ".join(run.item_statuses) if run.item_statuses else "all items"


def target_items(session: Session, run: CalibrationRun) -> list[Item]:
    """Achievement items of the run's subject it chose (codes, else statuses), plus the
    anchors it dropped: those are estimated afresh."""
    query = select(Item).where(Item.subject_id == run.subject_id, Item.kind == "achievement")
    dropped = [d["item"] for d in run.dropped_anchors or []]
    if run.item_codes:
        query = query.where(Item.code.in_([*run.item_codes, *dropped]))
    elif run.item_statuses:
        query = query.where(Item.status.in_(run.item_statuses) | Item.code.in_(dropped))
    return list(session.scalars(query.order_by(Item.code)))


def anchor_parameters(session: Session, run: CalibrationRun, *, exclude: set[int],
                      dropped: set[str]) -> list[ItemParameter]:
    """Active parameters of the subject's operational achievement items that are not being
    estimated, not awaiting recalibration and not dropped."""
    if not run.anchored:
        return []
    return list(session.scalars(
        select(ItemParameter).join(Calibration, Calibration.id == ItemParameter.calibration_id)
        .join(Item, Item.id == ItemParameter.item_id)
        .where(Calibration.subject_id == run.subject_id, Calibration.is_active,
               Item.status == "operational", Item.kind == "achievement",
               Item.needs_recalibration.is_(False), ItemParameter.item_id.not_in(exclude),
               Item.code.not_in(dropped))))


def _responses(session: Session, run: CalibrationRun, item_ids: list[int],
               fresh: dict[int, int | None]) -> list[Row]:
    """Responses in the window; for an item whose content changed (``fresh``: item id →
    current revision) only those to its current revision, which is what is recalibrated."""
    query = select(ScoredResponse.person_key, ScoredResponse.item_id, ScoredResponse.score,
                   ScoredResponse.groups, ScoredResponse.item_revision_id).where(
        ScoredResponse.item_id.in_(item_ids))
    if run.window_start is not None:
        query = query.where(ScoredResponse.observed_at >= run.window_start)
    if run.window_end is not None:
        query = query.where(ScoredResponse.observed_at <= run.window_end)
    return [(p, i, s, g) for p, i, s, g, r in session.execute(query)
            if i not in fresh or r == fresh[i]]


def _run_data(session: Session, run: CalibrationRun, items: list[Item],
              rows: list[Row], anchors: list[ItemParameter]) -> RunData:
    column = {item.id: j for j, item in enumerate(items)}
    persons: dict[str, int] = {}
    person = np.array([persons.setdefault(p, len(persons)) for p, _, _, _ in rows])
    max_scores = _max_scores(session, items)
    models = [_model(run.model, item, m) for item, m in zip(items, max_scores, strict=True)]
    codes = {item.id: item.code for item in items}
    anchor_params = to_item_parameters([service.parameter_out(p, codes[p.item_id])
                                        for p in anchors]) if anchors else None
    return RunData(item_ids=[i.code for i in items], person=person,
                   item=np.array([column[i] for _, i, _, _ in rows]),
                   score=np.array([s for _, _, s, _ in rows]), n_persons=len(persons),
                   models=models, anchors=anchor_params, max_scores=np.array(max_scores),
                   groups=_groups(rows, person, len(persons)))


def _groups(rows: list[Row], person: np.ndarray, n_persons: int) -> dict[str, np.ndarray]:
    """Each group variable's label per person (from any of their responses)."""
    out: dict[str, np.ndarray] = {}
    for (_, _, _, groups), p in zip(rows, person, strict=True):
        for variable, label in (groups or {}).items():
            column = out.setdefault(variable, np.full(n_persons, None, dtype=object))
            column[p] = str(label) if label not in (None, "") else None
    return out


def _model(requested: str, item: Item, max_score: int) -> str:
    """The IRT model of one item in a run (see ``RunCreate.model``)."""
    if max_score > 1:  # Rasch runs keep the Rasch family: PCM, with its slope fixed at 1
        return {"grm": "grm", "rasch": "pcm"}.get(requested, "gpcm")
    if requested == "auto":
        return "3pl" if item.response_type in ("single_choice", "multiple_choice") else "2pl"
    return "2pl" if requested == "grm" else requested


def _max_scores(session: Session, items: list[Item]) -> list[int]:
    revisions = {r.id: r.max_score for r in session.scalars(select(ItemRevision).where(
        ItemRevision.id.in_([i.current_revision_id for i in items])))}
    return [revisions.get(i.current_revision_id or 0, 1) for i in items]
