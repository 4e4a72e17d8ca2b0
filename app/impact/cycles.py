"""Impact cycles (Hattie's "know thy impact" in 10–12 week cycles).

Before teaching, a teacher (or team) names the objectives and success criteria and builds a
pre-test and a parallel post-test together with the test builder: the post-test is the
builder's "create similar" form of the pre-test (no item in common) and the pair is checked
for matching information over the class's range. Both are given to the class on the cycle's
dates. Once the post-test is scored the cycle shows d with its interval, each student's gain,
which objectives moved, and what next.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import numpy as np
from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from app.assembly import service as assembly
from app.assembly.models import Form, FormItem
from app.assembly.schemas import FormCreate
from app.calibration import service as calibration
from app.calibration.convert import to_item_parameters
from app.calibration.models import ItemParameter
from app.delivery.models import Assignment
from app.errors import AppError, Conflict, InvalidInput, NotFound, NotPermitted
from app.impact import results, scope, service, stats
from app.impact.models import ImpactCycle, StudentGroup, Team, team_member
from app.impact.progress import Progress
from app.irt.models import test_information
from app.irt.parameters import ItemParameters
from app.itembank.curricula import get_subject
from app.itembank.models import Item, Objective, Subject
from app.people import policy
from app.people.dependencies import Caller
from app.people.models import ClassGroup, Staff

WINDOW = timedelta(days=7)
OPENS = time(20, 0)  # 9 am in New Zealand (summer) for a test on the cycle's dates
MATCH = 0.15
"""The pre- and post-tests' information over the class's range may differ by this share."""


@dataclass(frozen=True)
class CyclePlan:
    """What a teacher decides before teaching."""

    title: str
    class_id: int
    subject: str
    objectives: list[str]
    success_criteria: list[str]
    starts_on: date
    ends_on: date
    duration_minutes: int = 30
    group_id: int | None = None
    team_id: int | None = None


@dataclass(frozen=True)
class ObjectiveMove:
    """How the class did on one objective's items before and after, against what their
    starting level predicts for those items."""

    code: str
    text: str
    items_pre: int
    items_post: int
    right_pre: float | None
    right_post: float | None
    expected_pre: float | None
    expected_post: float | None
    change: float | None
    """(post − its expected) − (pre − its expected): the change beyond the items' difficulty."""
    se: float | None
    verdict: str


@dataclass(frozen=True)
class CycleOutcome:
    """What the cycle shows once the post-test is scored."""

    progress: Progress | None
    objectives: list[ObjectiveMove]
    next_steps: list[tuple[str, str, int, int]]
    """(objective code, text, students with it to be achieved or a gap, students) after."""
    status: str


def visible_clause(caller: Caller) -> object:
    """Cycles the caller may read: leaders the school's; staff their own, their classes' and
    their teams'."""
    school = policy.school_clause(caller, ImpactCycle.school_id)
    if caller.role in scope.LEADING:
        return school
    staff_id = caller.staff.id if caller.staff else -1
    return school & or_(
        ImpactCycle.created_by_id == staff_id,
        policy.class_clause(caller, ImpactCycle.class_id),
        ImpactCycle.team_id.in_(select(team_member.c.team_id).where(
            team_member.c.staff_id == staff_id)))


def get(session: Session, *, caller: Caller, cycle_id: int) -> ImpactCycle:
    cycle = session.scalar(select(ImpactCycle).where(ImpactCycle.id == cycle_id,
                                                     visible_clause(caller)))  # type: ignore[arg-type]
    if cycle is None:
        raise NotFound(f"No impact cycle {cycle_id}.")
    return cycle


def get_all(session: Session, *, caller: Caller) -> list[ImpactCycle]:
    return list(session.scalars(select(ImpactCycle).options(
        selectinload(ImpactCycle.created_by), selectinload(ImpactCycle.team))
        .where(visible_clause(caller))  # type: ignore[arg-type]
        .order_by(ImpactCycle.starts_on.desc(), ImpactCycle.id.desc())))


def create(session: Session, *, caller: Caller, plan: CyclePlan) -> ImpactCycle:
    """Check the plan, build the pre-test and its parallel post-test, give both to the class
    on the cycle's dates, and store the cycle."""
    if caller.staff is None or caller.school_id is None:
        raise NotPermitted("Impact cycles belong to a school's staff.")
    room = scope.get_class(session, caller=caller, class_id=plan.class_id)
    if not policy.may_write_class(caller, room):
        raise NotPermitted("Only a teacher of this class (or a leader) can plan its cycle.")
    subject = get_subject(session, code=plan.subject)
    objectives = _objectives(session, subject, plan.objectives)
    _check(plan, session=session, caller=caller)
    pre, post, parallel = build_pair(session, caller=caller, plan=plan, room=room,
                                     objectives=objectives)
    cycle = ImpactCycle(
        school_id=room.school_id, created_by_id=caller.staff.id, team_id=plan.team_id,
        class_id=room.id, group_id=plan.group_id, subject_id=subject.id,
        title=plan.title.strip(), objectives=[o.code for o in objectives],
        success_criteria=[c.strip() for c in plan.success_criteria if c.strip()],
        pre_form_id=pre.id, post_form_id=post.id, parallel=parallel,
        starts_on=plan.starts_on, ends_on=plan.ends_on,
        pre_assignment_id=_give(session, pre, room, caller.staff, plan.starts_on).id,
        post_assignment_id=_give(session, post, room, caller.staff, plan.ends_on).id)
    session.add(cycle)
    session.flush()
    return cycle


def _check(plan: CyclePlan, *, session: Session, caller: Caller) -> None:
    if not plan.title.strip():
        raise InvalidInput("Give the cycle a title (what you will teach).")
    if not any(c.strip() for c in plan.success_criteria):
        raise InvalidInput("Write at least one success criterion: what students will be able "
                           "to do when they have learnt it.")
    if plan.ends_on <= plan.starts_on + timedelta(weeks=2):
        raise InvalidInput("The post-test comes after the teaching: put its date at least two "
                           "weeks after the pre-test (10–12 weeks is usual).")
    if plan.group_id is not None:
        service.get_group(session, caller=caller, group_id=plan.group_id)
    if plan.team_id is not None and not _in_team(session, caller, plan.team_id):
        raise NotFound(f"No team {plan.team_id} of yours.")


def _objectives(session: Session, subject: Subject, codes: list[str]) -> list[Objective]:
    if not codes:
        raise InvalidInput("Choose the objectives you will teach (from the curriculum).")
    found = list(session.scalars(select(Objective).options(selectinload(Objective.strand))
                                 .where(Objective.subject_id == subject.id,
                                        Objective.code.in_(codes)).order_by(Objective.code)))
    missing = sorted(set(codes) - {o.code for o in found})
    if missing:
        raise InvalidInput(f"Not objectives of {subject.code}: {', '.join(missing)}.")
    return found


def build_pair(session: Session, *, caller: Caller, plan: CyclePlan, room: ClassGroup,
               objectives: list[Objective]) -> tuple[Form, Form, dict]:
    """A pre-test and a parallel post-test, both accepted, built with the test builder.

    The builder's best test leaves weaker items for its parallel form, so the pair is made
    in three steps: a best test A; B = "create similar" of A (no item in common, matching A's
    information as far as the rest of the bank allows); then the pre-test = "create similar"
    of B, which can match B closely because A's items are free again. A is discarded. The
    tests use only the objectives' items when the bank has enough, else their strands and
    levels.
    """
    assert caller.staff is not None
    band = _class_range(session, room, plan.subject)
    request = _request(session, plan, room, objectives, band)
    tried: list[tuple[bool, float, Form, Form, dict[str, Any]]] = []
    for focused in (True, False):
        data = request if focused else request.model_copy(update={"exclude_items": []})
        try:
            pre, post = _pair(session, caller.staff, data)
        except AppError:
            if not focused and not tried:
                raise
            continue
        check = parallel_check(session, pre, post, band or _level_band(session, pre))
        tried.append((not check["matched"], check["max_difference"], pre, post,
                      {**check, "focused": focused}))
        if check["matched"]:
            break
    _, _, pre, post, parallel = min(tried, key=lambda t: (t[0], t[1]))
    for _, _, a, b, _ in tried:
        if a is not pre:
            session.delete(a)
            session.delete(b)
    title = plan.title.strip()[:100]
    pre.name, post.name = f"{title}: pre-test", f"{title}: post-test"
    assembly.accept(session, form=pre, staff=caller.staff)
    assembly.accept(session, form=post, staff=caller.staff)
    session.flush()
    return pre, post, parallel


def _pair(session: Session, staff: Staff, request: FormCreate) -> tuple[Form, Form]:
    first = assembly.build(session, data=request, staff=staff)
    post = assembly.similar(session, form=first, staff=staff)
    post.parent_id = None
    try:
        pre = assembly.similar(session, form=post, staff=staff)
    except AppError:  # the bank holds no better partner: keep the first pair
        return first, post
    pre.parent_id = None
    session.delete(first)
    session.flush()
    return pre, post


def _request(session: Session, plan: CyclePlan, room: ClassGroup,
             objectives: list[Objective], band: tuple[float, float] | None) -> FormCreate:
    levels = sorted({o.level for o in objectives})
    if levels[-1] - levels[0] > 2:
        raise InvalidInput("Choose objectives within three adjacent curriculum levels: one "
                           "test cannot be targeted more widely.")
    codes = {o.code for o in objectives}
    others = list(session.scalars(select(Item.code).join(Objective, Objective.id ==
                                                         Item.objective_id)
                                  .where(Objective.subject_id == objectives[0].subject_id,
                                         Objective.code.not_in(codes))))
    return FormCreate(
        name=f"{plan.title.strip()[:100]}: pre-test", subject=plan.subject,
        duration_minutes=plan.duration_minutes,
        levels={str(lv): "most" for lv in levels},
        strands={o.strand.code: "most" for o in objectives},
        expected_level=_expected_level(session, objectives[0].subject_id, band, levels),
        class_id=room.id, exclude_items=others, attitude_scale=None)


def _expected_level(session: Session, subject_id: int, band: tuple[float, float] | None,
                    levels: list[int]) -> str:
    """The class's own range of sublevels ("3B-4P") when it has results, else the middle of
    the objectives' levels."""
    scale = calibration.scale_of(session, subject_id=subject_id)
    if band is None or scale is None or not scale.cuts:
        return f"mostly {levels[len(levels) // 2]}P"
    codes = [scale.sublevel(scale.score(t)) for t in band]
    lowest = scale.cuts[0][0]
    low, high = (lowest if c.startswith("below") else c for c in codes)
    return low if low == high else f"{low}-{high}"


def _class_range(session: Session, room: ClassGroup, subject: str
                 ) -> tuple[float, float] | None:
    """θ from the 10th to the 90th percentile of the class's latest results in the subject
    (None with fewer than five)."""
    subject_id = get_subject(session, code=subject).id
    rows = results.rows(session, Assignment.class_id == room.id, Form.subject_id == subject_id)
    scale = results.scale_info(session, subject_id)
    latest = results.latest_by_student(rows).values()
    thetas = [scale.scale.theta(r.scale_score) for r in latest] if scale else []
    if len(thetas) < 5:
        return None
    return float(np.percentile(thetas, 10)), float(np.percentile(thetas, 90))


def _level_band(session: Session, form: Form) -> tuple[float, float]:
    """θ of the test's expected level ± 1 (a class without results yet)."""
    subject = session.get(Subject, form.subject_id)
    assert subject is not None
    expected = str(form.request.get("expected_level", "")).split()[-1:] or ["3P"]
    middle = assembly.sublevel_theta(session, subject).get(expected[0].split("-")[0], 0.0)
    return middle - 1.0, middle + 1.0


def parallel_check(session: Session, pre: Form, post: Form,
                   band: tuple[float, float]) -> dict:
    """Shared items and the two tests' information across θ in ``band``."""
    grid = np.linspace(band[0], band[1], 9)
    info = [test_information(_params(session, form), grid) for form in (pre, post)]
    shared = _items(session, pre) & _items(session, post)
    ratio = np.abs(info[1] - info[0]) / np.maximum(info[0], 1e-9)
    worst = float(ratio.max())
    return {"shared_items": sorted(shared), "theta_range": [round(band[0], 2),
                                                             round(band[1], 2)],
            "info_pre": [round(float(v), 2) for v in info[0]],
            "info_post": [round(float(v), 2) for v in info[1]],
            "max_difference": round(worst, 3), "matched": worst <= MATCH and not shared}


def _items(session: Session, form: Form) -> set[str]:
    return set(session.scalars(select(Item.code).join(FormItem, FormItem.item_id == Item.id)
                               .where(FormItem.form_id == form.id, FormItem.trial.is_(False))))


def _params(session: Session, form: Form) -> ItemParameters:
    rows = session.execute(select(ItemParameter, Item.code).join(
        Item, Item.id == ItemParameter.item_id).join(
        FormItem, FormItem.item_id == Item.id).where(
        FormItem.form_id == form.id, FormItem.trial.is_(False),
        ItemParameter.calibration_id == form.calibration_id))
    return to_item_parameters([calibration.parameter_out(p, code) for p, code in rows])


def _give(session: Session, form: Form, room: ClassGroup, staff: Staff, on: date
          ) -> Assignment:
    opens = datetime.combine(on, OPENS, tzinfo=UTC) - timedelta(days=1)
    row = Assignment(form_id=form.id, class_id=room.id, school_id=room.school_id,
                     opens_at=opens, closes_at=opens + WINDOW,
                     time_limit_minutes=form.request.get("duration_minutes") or None,
                     mode=form.mode, created_by_id=staff.id)
    session.add(row)
    session.flush()
    return row


# --- after the post-test ---------------------------------------------------------------------

def outcome(session: Session, *, cycle: ImpactCycle) -> CycleOutcome:
    """d with its interval, each student's gain, the objectives that moved, what next (for
    a cycle the caller may read: see :func:`get`)."""
    if cycle.pre_assignment_id is None or cycle.post_assignment_id is None:
        return CycleOutcome(None, [], [], "The tests of this cycle are no longer given.")
    post_rows = results.rows(session, Assignment.id == cycle.post_assignment_id)
    if not post_rows:
        when = "after " if cycle.ends_on <= date.today() else "on "
        return CycleOutcome(None, [], [], f"Waiting for the post-test ({when}"
                                          f"{cycle.ends_on:%-d %B %Y}).")
    first = session.get(Assignment, cycle.pre_assignment_id)
    second = session.get(Assignment, cycle.post_assignment_id)
    assert first is not None and second is not None
    progress = service.progress_of(session, first, second, group_of(session, cycle))
    pairs = [(s.pre, s.post) for s in progress.students]
    moves = objective_moves(session, cycle, pairs)
    return CycleOutcome(progress, moves, next_steps(session, cycle, [p for _, p in pairs]),
                        "Post-test scored.")


def objective_moves(session: Session, cycle: ImpactCycle, pairs: list) -> list[ObjectiveMove]:
    """Per objective: share of marks before and after, each beside the share the class's
    starting level predicts for those items (Rasch-like at each item's difficulty)."""
    scale = results.scale_info(session, cycle.subject_id)
    texts = dict(session.execute(select(Objective.code, Objective.text).where(
        Objective.subject_id == cycle.subject_id, Objective.code.in_(cycle.objectives))).all())
    start = float(np.mean([scale.scale.theta(pre.scale_score) for pre, _ in pairs])) if (
        pairs and scale) else None
    out = []
    for code in cycle.objectives:
        pre = _observed(code, [p for p, _ in pairs], scale, start)
        post = _observed(code, [p for _, p in pairs], scale, start)
        out.append(_move(code, texts.get(code, ""), pre, post))
    return out


def _observed(code: str, rows: list, scale: results.ScaleInfo | None,
              start: float | None) -> tuple[int, float, float, int] | None:
    """(items, share of marks, expected share at the starting level, responses)."""
    got, available, expected, n, items = 0.0, 0.0, 0.0, 0, set()
    for r in rows:
        for q in r.quadrants:
            if q.objective != code:
                continue
            items.add(q.item)
            got += q.score
            available += q.max_score
            n += 1
            if scale is not None and start is not None and q.difficulty is not None:
                b = scale.scale.theta(q.difficulty)
                expected += q.max_score / (1 + math.exp(-(start - b)))
    if not n or not available:
        return None
    return len(items), got / available, expected / available, n


def _move(code: str, text: str, pre: tuple | None, post: tuple | None) -> ObjectiveMove:
    if pre is None or post is None:
        return ObjectiveMove(code, text, pre[0] if pre else 0, post[0] if post else 0,
                             pre[1] if pre else None, post[1] if post else None,
                             pre[2] if pre else None, post[2] if post else None, None, None,
                             "not on both tests")
    change = (post[1] - post[2]) - (pre[1] - pre[2])
    se = math.sqrt(pre[1] * (1 - pre[1]) / pre[3] + post[1] * (1 - post[1]) / post[3]) or 0.01
    side = stats.side(change, se)
    verdict = {"above": "moved up", "below": "went down", "within error": "no clear change"}[side]
    return ObjectiveMove(code, text, pre[0], post[0], pre[1], post[1], pre[2], post[2], change,
                         se, verdict)


def next_steps(session: Session, cycle: ImpactCycle, post: list) -> list[tuple[str, str, int,
                                                                                 int]]:
    """Objectives that at least half the students have yet to achieve after the post-test
    (fewer than half of their items on it right), most students first."""
    marks: dict[tuple[str, int], list[bool]] = {}
    for r in post:
        for q in r.quadrants:
            if q.objective:
                marks.setdefault((q.objective, r.student_id), []).append(q.quadrant.correct)
    counts: dict[str, int] = {}
    for (code, _), right in marks.items():
        counts[code] = counts.get(code, 0) + (2 * sum(right) < len(right))
    texts = dict(session.execute(select(Objective.code, Objective.text).where(
        Objective.subject_id == cycle.subject_id, Objective.code.in_(list(counts)))).all())
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return [(code, texts.get(code, ""), k, len(post)) for code, k in ranked[:6]
            if k * 2 >= len(post)]


def reflect(session: Session, *, caller: Caller, cycle: ImpactCycle, text: str) -> None:
    """Save the cycle's "what next" notes: its author, its team or a leader."""
    mine = caller.staff is not None and cycle.created_by_id == caller.staff.id
    if not (mine or caller.role in scope.LEADING or (
            cycle.team_id is not None and _in_team(session, caller, cycle.team_id))):
        raise NotPermitted("Only the cycle's teacher, their team or a leader writes its notes.")
    cycle.reflection = text.strip()[:4000]
    session.flush()


# --- teams -----------------------------------------------------------------------------------

def teams_of(session: Session, *, caller: Caller) -> list[Team]:
    """The caller's teams (leaders: every team of the school)."""
    query = select(Team).options(selectinload(Team.members)).where(
        Team.school_id == (caller.school_id or -1))
    if caller.role not in scope.LEADING:
        query = query.where(Team.members.any(Staff.id == (caller.staff.id if caller.staff
                                                          else -1)))
    return list(session.scalars(query.order_by(Team.name)))


def create_team(session: Session, *, caller: Caller, name: str, member_ids: list[int]) -> Team:
    """A team of colleagues of the caller's school (the caller always in it)."""
    if caller.staff is None or caller.school_id is None:
        raise NotPermitted("Teams belong to a school's staff.")
    if not name.strip():
        raise InvalidInput("Give the team a name.")
    if session.scalar(select(Team.id).where(Team.school_id == caller.school_id,
                                            Team.name == name.strip())):
        raise Conflict(f"There is already a team called {name.strip()!r}.")
    colleagues = list(session.scalars(select(Staff).where(
        Staff.id.in_(member_ids), Staff.school_id == caller.school_id, Staff.is_active)))
    members = {s.id: s for s in [caller.staff, *colleagues]}
    team = Team(school_id=caller.school_id, name=name.strip(), members=list(members.values()))
    session.add(team)
    session.flush()
    return team


def _in_team(session: Session, caller: Caller, team_id: int) -> bool:
    return any(t.id == team_id for t in teams_of(session, caller=caller))


def group_of(session: Session, cycle: ImpactCycle) -> StudentGroup | None:
    return session.get(StudentGroup, cycle.group_id) if cycle.group_id else None
