"""Progress, records, groups and the results export under ``/api/v1``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from app.assembly.models import Form
from app.db import SessionDep, StepRoute
from app.delivery.models import Assignment
from app.impact import export, record, results, scope, service
from app.impact.models import StudentGroup
from app.impact.schemas import GroupCreate, GroupRead, ProgressRead, StudentRecordRead
from app.itembank.curricula import get_subject
from app.people.dependencies import Caller
from app.people.policy import require

router = APIRouter(prefix="/api/v1", tags=["progress and results"], route_class=StepRoute)
ReadResults = Annotated[Caller, require("results:read")]
SchoolResults = Annotated[Caller, require("results:school")]
WriteGroups = Annotated[Caller, require("groups:write")]
TERM = r"^\d{4}-[1-4]$"


@router.get("/progress", response_model=ProgressRead, summary="Progress between two tests")
def progress(session: SessionDep, caller: ReadResults,
             from_assignment: Annotated[int, Query(ge=1, le=2**31 - 1, description="The earlier "
                                                   "assignment (a test given to a class).")],
             to_assignment: Annotated[int, Query(ge=1, le=2**31 - 1, description="The later one, "
                                                 "same subject.")],
             group_id: Annotated[int | None, Query(ge=1, le=2**31 - 1, description="Only the "
                                                   "students of this group of yours.")] = None,
             ) -> ProgressRead:
    """Effect size d with its 95% interval over the students who sat both tests, the d the
    norms expect over the time between them (a year's growth pro rata; the hinge is 0.40 for
    a year), and each student's gain against error and their own year level's expected
    growth. Two tests of different subjects, or given the wrong way round, are refused (422)."""
    return ProgressRead.of(service.progress_between(
        session, caller=caller, from_assignment=from_assignment, to_assignment=to_assignment,
        group_id=group_id))


@router.get("/progress/cohort", response_model=ProgressRead,
            summary="A year level's progress between two terms (leaders)")
def cohort_progress(session: SessionDep, caller: SchoolResults,
                    subject: Annotated[str, Query(max_length=40, description="Subject code.")],
                    from_term: Annotated[str, Query(pattern=TERM, description="e.g. 2026-1")],
                    to_term: Annotated[str, Query(pattern=TERM, description="e.g. 2026-4")],
                    year_level: Annotated[int | None, Query(ge=1, le=13, description="Year "
                                          "level at the later term (all if left out).")] = None,
                    ) -> ProgressRead:
    """Each student's latest result in each term's window, paired by student."""
    return ProgressRead.of(service.cohort_progress(
        session, caller=caller, subject=get_subject(session, code=subject),
        year_level=year_level, start=_term(from_term), end=_term(to_term)))


@router.get("/students/{student_id}/record", response_model=StudentRecordRead,
            summary="A student's record over time")
def student_record(student_id: Annotated[int, Path(ge=1, le=2**31 - 1)], session: SessionDep,
                   caller: ReadResults) -> StudentRecordRead:
    """Every scored result of the student across tests, classes and years, each on its
    subject's reference scale (through the stored links between calibrations), with SE,
    sublevel, the norm for their year level then and the curriculum expectation."""
    student = scope.get_student(session, caller=caller, student_id=student_id)
    return StudentRecordRead.of(record.build(session, student=student))


@router.get("/results.csv", summary="Results for the school's management system (CSV)",
            response_class=Response,
            responses={200: {"content": {"text/csv": {}}, "description": export.__doc__}})
def results_csv(session: SessionDep, caller: ReadResults,
                subject: Annotated[str | None, Query(max_length=40)] = None,
                class_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None) -> Response:
    """One row per scored result the caller may read (a teacher: the classes they teach; a
    leader: the school): student_number, first_name, last_name, year_level, class_id,
    class_name, assignment_id, test_name, subject, sat_on, scale_score, se, sublevel, one
    column per strand (strand_<code>), surface, deep and attitude."""
    where = [scope.results_clause(caller)]
    if subject:
        where.append(Form.subject_id == get_subject(session, code=subject).id)
    if class_id is not None:
        where.append(Assignment.class_id == class_id)
    rows = results.rows(session, *where)
    return Response(export.to_csv(rows, export.strand_codes(session, rows)),
                    media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="results.csv"'})


@router.get("/groups", response_model=list[GroupRead], summary="Your groups of students")
def list_groups(session: SessionDep, caller: ReadResults) -> list[GroupRead]:
    return [_group(g) for g in service.get_groups(session, caller=caller)]


@router.post("/groups", response_model=GroupRead, status_code=201,
             summary="Define a group of students (for progress reports)")
def create_group(body: GroupCreate, session: SessionDep, caller: WriteGroups) -> GroupRead:
    """A named set of students from your classes, e.g. a teaching group; it changes nobody's
    class and gives no log-in."""
    return _group(service.create_group(session, caller=caller, name=body.name,
                                       student_ids=body.student_ids))


def _group(group: StudentGroup) -> GroupRead:
    return GroupRead(id=group.id, name=group.name, student_ids=[s.id for s in group.students])


def _term(text: str) -> service.Term:
    year, term = text.split("-")
    return int(year), int(term)
