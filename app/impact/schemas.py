"""Progress, records and groups as the API shows them."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import BaseModel, Field

from app.impact.progress import Progress, StudentProgress
from app.impact.record import RecordPoint, StudentRecord, SubjectRecord
from app.impact.stats import CI_METHOD


class NormsUsed(BaseModel):
    label: str = Field(description="The sentence reports print beside the norms: their source, "
                       "or that they are illustrative and what they assume.")
    illustrative: bool = Field(description="True for Kete's built-in norms (derived from the "
                               "calibration, not a national sample).")


class StudentProgressRead(BaseModel):
    student_id: int = Field(description="Student id.")
    name: str = Field(description="Student's name.")
    year_level: int = Field(description="Year level at the later test.")
    pre: float = Field(description="Earlier scale score.")
    pre_se: float = Field(description="Its standard error.")
    post: float = Field(description="Later scale score.")
    post_se: float = Field(description="Its standard error.")
    gain: float = Field(description="post − pre.")
    gain_se: float = Field(description="√(pre_se² + post_se²).")
    expected_growth: float | None = Field(
        description="Growth the norms expect of a student of this year level between these "
        "two dates (None without norms).")
    verdict: str = Field(description='"more than expected" or "less than expected" only when '
                         "gain − expected growth is beyond 1.96 × gain_se; else \"as "
                         'expected" (or "no norm").')
    achievement_vs_norm: float | None = Field(
        description="Later score minus the norm mean for the student's own year level then.")
    achievement_side: str | None = Field(
        description='"above", "below" or "within error" (95%) of that norm.')
    quadrant: str | None = Field(description="Achievement × progress quadrant.")

    @classmethod
    def of(cls, s: StudentProgress) -> StudentProgressRead:
        return cls(student_id=s.student_id, name=s.name, year_level=s.year_level,
                   pre=s.pre.scale_score, pre_se=s.pre.se, post=s.post.scale_score,
                   post_se=s.post.se, gain=round(s.gain.gain, 1), gain_se=round(s.gain.se, 1),
                   expected_growth=_r(s.gain.expected), verdict=s.gain.verdict,
                   achievement_vs_norm=_r(s.achievement), achievement_side=s.achievement_side,
                   quadrant=s.quadrant)


class ProgressRead(BaseModel):
    """Progress between two tests of one subject, over the students who sat both."""

    title: str = Field(description="What is compared.")
    subject: str = Field(description="Subject code.")
    n: int = Field(description="Students who sat both tests.")
    d: float | None = Field(description="(mean_post − mean_pre) / √((sd_pre² + sd_post²)/2); "
                            "None with fewer than three students or no spread.")
    d_ci: list[float] | None = Field(description=f"[low, high]: {CI_METHOD}.")
    d_ci_method: str = Field(description="How the interval is computed.")
    mean_pre: float | None = Field(description="Mean earlier score.")
    mean_post: float | None = Field(description="Mean later score.")
    sd_pre: float | None = Field(description="SD of earlier scores.")
    sd_post: float | None = Field(description="SD of later scores.")
    weeks_between: float = Field(description="Median weeks between each student's two tests.")
    expected_growth: float | None = Field(
        description="Mean growth (scale points) the norms expect of these students over "
        "that time.")
    expected_d: float | None = Field(description="The d expected over that time.")
    expected_d_basis: str = Field(description="How expected_d was found.")
    hinge: float = Field(description="Hattie's hinge for a year's growth (0.40).")
    verdict: str = Field(description="The result in words.")
    norms: NormsUsed = Field(description="The norms used.")
    students: list[StudentProgressRead] = Field(description="Each student who sat both.")
    unmatched: list[str] = Field(description="Students who sat only one of the tests.")

    @classmethod
    def of(cls, p: Progress) -> ProgressRead:
        e = p.effect
        return cls(
            title=p.title, subject=p.subject, n=p.n, d=_r(e.d, 3) if e else None,
            d_ci=[round(e.low, 3), round(e.high, 3)] if e else None, d_ci_method=CI_METHOD,
            mean_pre=_r(e.mean_pre) if e else None, mean_post=_r(e.mean_post) if e else None,
            sd_pre=_r(e.sd_pre) if e else None, sd_post=_r(e.sd_post) if e else None,
            weeks_between=round(p.weeks, 1), expected_growth=_r(p.expected_growth),
            expected_d=_r(p.expected_d, 3), expected_d_basis=p.expected_d_basis,
            hinge=p.hinge, verdict=p.verdict,
            norms=NormsUsed(label=p.norms_label, illustrative=p.norms_illustrative),
            students=[StudentProgressRead.of(s) for s in p.students],
            unmatched=list(p.unmatched))


class RecordPointRead(BaseModel):
    result_id: int = Field(description="Result id.")
    sitting_id: int = Field(description="Sitting id (its Individual Learning Pathway).")
    sat_on: date = Field(description="When the test was handed in.")
    test_name: str = Field(description="Test name.")
    class_name: str = Field(description="The class it was given to.")
    year_level: int = Field(description="The student's year level then.")
    scale_score: float = Field(description="Scale score on the subject's reference scale.")
    se: float = Field(description="Its standard error.")
    sublevel: str = Field(description="Curriculum sublevel of the score.")
    norm_mean: float | None = Field(description="Norm mean for their year level then.")
    norm_sd: float | None = Field(description="Norm SD.")
    expected_sublevel: str = Field(description="The sublevel the curriculum expects then.")
    at_expected: bool | None = Field(description="At or above the expected sublevel.")

    @classmethod
    def of(cls, p: RecordPoint) -> RecordPointRead:
        r = p.result
        return cls(result_id=r.result_id, sitting_id=r.sitting_id, sat_on=r.sat_on,
                   test_name=r.test_name, class_name=r.class_name, year_level=r.year_level,
                   scale_score=r.scale_score, se=r.se, sublevel=r.sublevel,
                   norm_mean=_r(p.norm.mean) if p.norm else None,
                   norm_sd=_r(p.norm.sd) if p.norm else None, expected_sublevel=p.expected,
                   at_expected=p.at_expected)


class SubjectRecordRead(BaseModel):
    subject: str = Field(description="Subject code.")
    norms: NormsUsed = Field(description="The norms used.")
    results: list[RecordPointRead] = Field(description="Results, oldest first.")

    @classmethod
    def of(cls, s: SubjectRecord) -> SubjectRecordRead:
        return cls(subject=s.subject, norms=NormsUsed(
            label=s.norms_label, illustrative=bool(s.norms and s.norms.illustrative)),
            results=[RecordPointRead.of(p) for p in s.points])


class StudentRecordRead(BaseModel):
    """Every result of a student across tests, classes and years, on one scale per subject."""

    student_id: int = Field(description="Student id.")
    name: str = Field(description="Student's name.")
    student_number: str = Field(description="The school's student number.")
    year_level: int = Field(description="Year level now.")
    subjects: list[SubjectRecordRead] = Field(description="One record per subject.")

    @classmethod
    def of(cls, r: StudentRecord) -> StudentRecordRead:
        return cls(student_id=r.student_id, name=r.name, student_number=r.student_number,
                   year_level=r.year_level,
                   subjects=[SubjectRecordRead.of(s) for s in r.subjects])


RowId = Annotated[int, Field(ge=1, le=2**31 - 1)]
"""A row id as the database stores it (32-bit)."""


class GroupCreate(BaseModel):
    name: str = Field(min_length=1, max_length=100, description="Group name.")
    student_ids: list[RowId] = Field(min_length=1, max_length=200,
                                     description="Students of your classes.")


class GroupRead(BaseModel):
    id: int = Field(description="Group id.")
    name: str = Field(description="Group name.")
    student_ids: list[int] = Field(description="Its students.")


def _r(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)
