"""A student's record: every result across tests, classes and years, on one scale, beside the
norm for their own year level and the curriculum expectation at each date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.calibration import norm_sets
from app.calibration.norms import NormCell, NormTable, expected_sublevel, school_year
from app.delivery.models import Assignment
from app.impact import results, stats
from app.impact.results import ResultRow, ScaleInfo
from app.itembank.models import Subject
from app.people.models import Student


@dataclass(frozen=True)
class RecordPoint:
    """One result with the norm and the curriculum expectation for that student then."""

    result: ResultRow
    norm: NormCell | None
    expected: str
    """The sublevel the curriculum expects then."""
    expected_score: float | None
    """The scale score where the expected sublevel begins (None if not on the scale)."""

    @property
    def vs_norm(self) -> str | None:
        """Above, below or within error of the norm mean (95%)."""
        if self.norm is None:
            return None
        return stats.side(self.result.scale_score - self.norm.mean, self.result.se)

    @property
    def at_expected(self) -> bool | None:
        """At or above the expected sublevel's start."""
        if self.expected_score is None:
            return None
        return self.result.scale_score >= self.expected_score


@dataclass(frozen=True)
class SubjectRecord:
    """A student's results in one subject, oldest first, and their growth overall."""

    subject: str
    subject_name: str
    points: tuple[RecordPoint, ...]
    norms: NormTable | None
    scale: ScaleInfo | None
    growth: stats.Gain | None
    """First to latest result, against the growth the norms expect over that time."""

    @property
    def norms_label(self) -> str:
        return self.norms.label if self.norms else "No norms for this subject."


@dataclass(frozen=True)
class StudentRecord:
    """Everything on a student's record page."""

    student_id: int
    name: str
    student_number: str
    year_level: int
    subjects: tuple[SubjectRecord, ...]


def year_level_on(points: list[RecordPoint] | list[ResultRow], when: date, now_level: int
                  ) -> int:
    """The student's year level on a date: from their nearest result's year level, moved on
    by the school years between (or from today's year level without results)."""
    rows = [p.result if isinstance(p, RecordPoint) else p for p in points]
    if not rows:
        return now_level
    near = min(rows, key=lambda r: abs((r.sat_on - when).days))
    return near.year_level + school_year(when) - school_year(near.sat_on)


def subject_record(rows: list[ResultRow], norms: NormTable | None, scale: ScaleInfo | None,
                   subject: str, subject_name: str) -> SubjectRecord:
    """One subject's points (oldest first) and the growth from the first to the latest."""
    ordered = sorted(rows, key=lambda r: (r.sat_on, r.assignment_id))
    points = []
    for r in ordered:
        code = expected_sublevel(r.year_level, r.sat_on)
        points.append(RecordPoint(
            result=r, norm=norms.at(r.year_level, r.sat_on) if norms else None, expected=code,
            expected_score=scale.cut(code) if scale else None))
    growth = None
    if len(ordered) >= 2:
        first, last = ordered[0], ordered[-1]
        expected = norms.growth((first.year_level, first.sat_on),
                                (last.year_level, last.sat_on)) if norms else None
        growth = stats.gain(first.scale_score, first.se, last.scale_score, last.se, expected)
    return SubjectRecord(subject=subject, subject_name=subject_name, points=tuple(points),
                         norms=norms, scale=scale, growth=growth)


def build(session: Session, *, student: Student) -> StudentRecord:
    """The student's record in every subject they have results in (their school's results)."""
    rows = results.rows(session, Student.id == student.id,
                        Assignment.school_id == student.school_id)
    subjects = {s.id: s for s in session.scalars(select(Subject))}
    by_subject: dict[int, list[ResultRow]] = {}
    for r in rows:
        by_subject.setdefault(r.subject_id, []).append(r)
    records = tuple(
        subject_record(found, norm_sets.table(session, subject_id=sid),
                       results.scale_info(session, sid), subjects[sid].code, subjects[sid].name)
        for sid, found in sorted(by_subject.items(), key=lambda kv: subjects[kv[0]].code))
    return StudentRecord(student_id=student.id, name=f"{student.first_name} {student.last_name}",
                         student_number=student.student_number, year_level=student.year_level,
                         subjects=records)
