"""Request and response shapes for students, classes and a student's own page."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

YearLevel = Field(ge=0, le=15, description="NZ year level (Year 1–13; 0 for new entrants).")


class StudentFields(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)  # "  " is no name

    first_name: str = Field(min_length=1, max_length=100, description="Given name.")
    last_name: str = Field(min_length=1, max_length=100, description="Family name.")
    year_level: int = YearLevel
    gender: str | None = Field(None, max_length=40, description="Optional; group reports only.")
    ethnicity: str | None = Field(None, max_length=100,
                                  description="Optional; group reports only.")
    language: str | None = Field(None, max_length=60,
                                 description="Optional language spoken at home.")


class StudentCreate(StudentFields):
    student_number: str = Field(min_length=1, max_length=40,
                                description="Number in the school's management system "
                                "(unique within the school).")
    school: str | None = Field(None, max_length=20,
                               description="School code; only admins name one.")
    class_id: int | None = Field(None, ge=1, le=2**63 - 1,
                                 description="The class the student joins; teachers must "
                                 "name a class they teach.")


class StudentPassword(BaseModel):
    """A student's fresh password, shown once."""

    student_number: str = Field(description="The student's number.")
    password: str = Field(description="Their new password (e.g. `frog moon 47`; spaces and "
                          "capitals do not matter when typing it).")


class StudentUpdate(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)  # "  " is no name

    first_name: str | None = Field(None, min_length=1, max_length=100, description="Given name.")
    last_name: str | None = Field(None, min_length=1, max_length=100,
                                  description="Family name.")
    year_level: int | None = Field(None, ge=0, le=15, description="NZ year level.")
    gender: str | None = Field(None, max_length=40, description="Optional; group reports only.")
    ethnicity: str | None = Field(None, max_length=100,
                                  description="Optional; group reports only.")
    language: str | None = Field(None, max_length=60, description="Optional home language.")


class ClassBrief(BaseModel):
    id: int = Field(description="Class id.")
    name: str = Field(description="Class or group name, e.g. `Room 12`.")
    period: str = Field(description="Year or term label, e.g. `2026` or `2026 T1`.")


class StudentRead(StudentFields):
    id: int = Field(description="Student id.")
    student_number: str = Field(description="Number in the school's management system.")
    school: str = Field(description="School code.")
    classes: list[ClassBrief] = Field(description="Classes and groups the student is in.")

    @classmethod
    def of(cls, student: Any) -> StudentRead:
        return cls(id=student.id, student_number=student.student_number,
                   school=student.school.code, first_name=student.first_name,
                   last_name=student.last_name, year_level=student.year_level,
                   gender=student.gender, ethnicity=student.ethnicity,
                   language=student.language,
                   classes=[ClassBrief(id=g.id, name=g.name, period=g.period)
                            for g in student.classes])


class ClassCreate(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)  # "  " is no name

    name: str = Field(min_length=1, max_length=100, description="Class or group name.")
    period: str = Field(min_length=1, max_length=40,
                        description="Year or term label, e.g. `2026` or `2026 T1`.")
    school: str | None = Field(None, max_length=20,
                               description="School code; only admins name one.")


class ClassUpdate(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)  # "  " is no name

    name: str | None = Field(None, min_length=1, max_length=100, description="New name.")
    period: str | None = Field(None, min_length=1, max_length=40, description="New label.")


class PersonBrief(BaseModel):
    id: int = Field(description="Id of the staff member or student.")
    name: str = Field(description="Full name.")


class ClassRead(ClassBrief):
    school: str = Field(description="School code.")
    access_code: str | None = Field(
        description="The class's access code: it opens a log-in page naming the class "
        "(`/student/login?class=CODE`); never a password. Shown to the class's teachers only.")
    teachers: list[PersonBrief] = Field(description="Teachers of the class.")
    students: list[PersonBrief] = Field(description="Students in the class, by family name.")


class StudentHome(BaseModel):
    """What a logged-in student sees about themselves."""

    first_name: str = Field(description="Given name.")
    last_name: str = Field(description="Family name.")
    year_level: int = Field(description="NZ year level.")
    school: str = Field(description="School name.")
    classes: list[ClassBrief] = Field(description="Their classes and groups.")
    tests: list[dict[str, Any]] = Field(
        description="Tests assigned to them (empty until test delivery arrives).")


class ImportCounts(BaseModel):
    """What a class-list import did."""

    counts: dict[str, int] = Field(description="students_created, students_updated, "
                                   "students_unchanged, classes_created, memberships_added, "
                                   "teachers_added.")
