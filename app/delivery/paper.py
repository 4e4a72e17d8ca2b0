"""Tests on paper: the printable booklet (for students) and the marking guide (for teachers).

Both are HTML rendered by :mod:`app.ui.pdf` (WeasyPrint, fetching only Kete's static
files) and printed on A4. The booklet is built from :class:`Question` rows, which have no key
field at all, so no key can reach a student's paper; only :func:`guide_entries` reads keys.
Questions are numbered as the on-screen player numbers them: attitude statements ``A1``…,
then the test's items ``1``… in form order.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby
from typing import Any

from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.assembly.models import Form, FormItem
from app.calibration import field_trial
from app.delivery import sittings
from app.delivery.models import Assignment
from app.errors import Conflict
from app.itembank import keys
from app.itembank.html import sanitise
from app.itembank.models import Item, ItemRevision, Passage, Subject
from app.people.models import ClassGroup
from app.ui import pdf
from app.ui.templates import render


@dataclass(frozen=True)
class Question:
    """One question as printed (and as entered in the response grid): no key, ever."""

    label: str
    item_id: int
    revision_id: int
    code: str
    section: str
    response_type: str
    stem: Markup
    options: list[tuple[str, Markup]]
    lines: int
    passage_id: int | None


@dataclass(frozen=True)
class Paper:
    """What a booklet or guide prints on its cover, and its questions."""

    name: str
    subject: str
    minutes: int | None
    class_name: str | None
    attitude: list[Question]
    questions: list[Question]
    passages: dict[int, tuple[str, Markup]]


def _lines(item: Item, revision: ItemRevision) -> int:
    """Ruled lines for a written answer: one, or three for a longer (slower) answer."""
    if item.response_type == "numeric":
        return 1
    return 3 if revision.expected_time_s > 90 else 1


def _question(label: str, section: str, item: Item, revision: ItemRevision) -> Question:
    return Question(label=label, item_id=item.id, revision_id=revision.id, code=item.code,
                    section=section, response_type=item.response_type,
                    stem=Markup(sanitise(revision.stem_html)),
                    options=[(str(o["id"]), Markup(sanitise(str(o["html"]))))
                             for o in revision.options],
                    lines=_lines(item, revision), passage_id=item.passage_id)


def form_questions(session: Session, form: Form) -> list[Question]:
    """The form's items in order, each at the revision the form pinned; its unscored trial
    items only where the subject's field-trial rule puts them on paper too."""
    query = (select(Item, ItemRevision).join(FormItem, FormItem.item_id == Item.id)
             .join(ItemRevision, ItemRevision.id == FormItem.item_revision_id)
             .where(FormItem.form_id == form.id).order_by(FormItem.position))
    if not field_trial.setting(session, subject_id=form.subject_id).on_paper:
        query = query.where(FormItem.trial.is_(False))
    rows = session.execute(query)
    return [_question(str(n), "test", item, revision)
            for n, (item, revision) in enumerate(rows, start=1)]


def attitude_questions(session: Session, item_ids: list[int]) -> list[Question]:
    """Attitude statements ``A1``… in the order given (their current revisions)."""
    rows = {item.id: (item, revision) for item, revision in session.execute(
        select(Item, ItemRevision).join(ItemRevision, ItemRevision.id == Item.current_revision_id)
        .where(Item.id.in_(item_ids)))}
    present = [rows[i] for i in item_ids if i in rows]
    return [_question(f"A{n}", "attitude", item, revision)
            for n, (item, revision) in enumerate(present, start=1)]


def paper_of(session: Session, form: Form, assignment: Assignment | None = None) -> Paper:
    """The booklet's contents for an accepted form (and, if given, its assignment)."""
    if form.status != "accepted":
        raise Conflict("Only accepted tests can be printed; accept it first.")
    if form.kind != "linear":
        raise Conflict("An adaptive test is given on screen only: each student's next "
                       "questions depend on their answers, so it cannot be printed.")
    subject = session.get(Subject, form.subject_id)
    questions = form_questions(session, form)
    passage_ids = {q.passage_id for q in questions if q.passage_id is not None}
    passages = {p.id: (p.title, Markup(sanitise(p.body_html))) for p in session.scalars(
        select(Passage).where(Passage.id.in_(passage_ids)))}
    group = session.get(ClassGroup, assignment.class_id) if assignment else None
    return Paper(name=form.name, subject=subject.name if subject else "",
                 minutes=_minutes(form, assignment, with_trial=field_trial.setting(
                     session, subject_id=form.subject_id).on_paper),
                 class_name=group.name if group else None,
                 attitude=attitude_questions(session, sittings.attitude_item_ids(session, form)),
                 questions=questions, passages=passages)


def _minutes(form: Form, assignment: Assignment | None, *, with_trial: bool = False
             ) -> int | None:
    """The assignment's time limit, else the duration asked for, else the expected time
    rounded up to five minutes; a booklet that prints the unscored trial questions adds the
    time they take (kept apart from the estimate by :mod:`app.assembly.seeding`)."""
    if assignment is not None and assignment.time_limit_minutes:
        return assignment.time_limit_minutes
    trial_s = float((form.summary or {}).get("trial_time_s") or 0) if with_trial else 0.0
    asked = (form.request or {}).get("duration_minutes")
    if asked:
        return int(asked) + -(-int(trial_s) // 60)
    seconds = float((form.summary or {}).get("total_time_s") or 0) + trial_s
    return 5 * -(-int(seconds) // 300) if seconds else None


def runs(questions: list[Question]) -> list[tuple[int | None, list[Question]]]:
    """Consecutive questions sharing a passage (None: no passage), in order."""
    return [(pid, list(group)) for pid, group in groupby(questions, key=lambda q: q.passage_id)]


def render_booklet_html(paper: Paper) -> str:
    """The student booklet as print HTML."""
    return render("paper_booklet.html", paper=paper, runs=runs(paper.questions),
                           likert_labels=_shared_labels(paper.attitude), pdf=True)


def _shared_labels(attitude: list[Question]) -> list[Markup] | None:
    """The Likert labels when every statement has the same ones (one header row), else None."""
    labels = {tuple(str(h) for _, h in q.options) for q in attitude}
    return [h for _, h in attitude[0].options] if len(labels) == 1 else None


def render_booklet_pdf(paper: Paper) -> bytes:
    """The student booklet as an A4 PDF."""
    return pdf.render_pdf(render_booklet_html(paper))


@dataclass(frozen=True)
class GuideEntry:
    """One question of the marking guide: what earns its marks."""

    label: str
    code: str
    answer: Markup
    rule: str
    max_score: int
    strand: str
    sublevel: str


def guide_entries(session: Session, paper: Paper) -> list[GuideEntry]:
    """The key of every test question of the paper, in words a teacher marks with."""
    revisions = {r.id: r for r in session.scalars(select(ItemRevision).where(
        ItemRevision.id.in_([q.revision_id for q in paper.questions])))}
    items = {i.id: i for i in session.scalars(select(Item).options(
        selectinload(Item.strand), selectinload(Item.level)).where(Item.id.in_(
            [q.item_id for q in paper.questions])))}
    out = []
    for q in paper.questions:
        item, revision = items[q.item_id], revisions[q.revision_id]
        answer, rule = describe_key(q, revision.key or {})
        out.append(GuideEntry(q.label, q.code, answer, rule, revision.max_score,
                              item.strand.name if item.strand else "",
                              item.level.code if item.level else ""))
    return out


def describe_key(q: Question, key: dict[str, Any]) -> tuple[Markup, str]:
    """(the answer, how it is marked) for one question's key (:func:`keys.describe_key`)."""
    return keys.describe_key(q.response_type, dict(q.options), key)


def attitude_notes(session: Session, paper: Paper) -> dict[str, Any]:
    """How to enter the attitude statements, and which are scored in reverse."""
    if not paper.attitude:
        return {}
    keys = {r.id: r.key or {} for r in session.scalars(select(ItemRevision).where(
        ItemRevision.id.in_([q.revision_id for q in paper.attitude])))}
    reverse = [q.label for q in paper.attitude
               if (scores := keys[q.revision_id].get("scores")) and q.options
               and scores.get(q.options[0][0], 0) > scores.get(q.options[-1][0], 0)]
    entry = ", ".join(f"{n} = {h.striptags()}"
                      for n, (_oid, h) in enumerate(paper.attitude[0].options, start=1))
    return {"first": paper.attitude[0].label, "last": paper.attitude[-1].label,
            "entry": entry, "reverse": reverse}


def render_guide_html(session: Session, paper: Paper) -> str:
    """The teachers' marking guide as print HTML."""
    return render("paper_marking_guide.html", paper=paper,
                           entries=guide_entries(session, paper),
                           attitude=attitude_notes(session, paper), pdf=True)


def render_guide_pdf(session: Session, paper: Paper) -> bytes:
    """The teachers' marking guide as an A4 PDF."""
    return pdf.render_pdf(render_guide_html(session, paper))
