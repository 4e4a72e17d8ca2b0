"""Request and response shapes for log-in, schools, staff accounts and the audit trail."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Role = Literal["admin", "leader", "teacher", "psychometrician", "item_writer"]
SchoolCode = Field(min_length=2, max_length=20, pattern=r"^[A-Za-z0-9][A-Za-z0-9-]*$",
                   description="Short school code students type when they log in, e.g. "
                   "`KETE-DEMO` (stored in capitals).")


class TokenRequest(BaseModel):
    email: str = Field(description="The staff member's e-mail address.", max_length=254)
    password: str = Field(description="Their password.", max_length=500)


class StudentTokenRequest(BaseModel):
    """A student's log-in, as printed on the log-in card their teacher gives them."""

    model_config = ConfigDict(extra="forbid")

    school_code: str = Field(max_length=20, description="Their school's code, e.g. `KETE-DEMO`.")
    student_number: str = Field(max_length=40, description="Their student number at school.")
    password: str = Field(max_length=100, description="Their own password, e.g. `frog moon "
                          "47` (case, spaces and hyphens do not matter).")


class TokenRead(BaseModel):
    access_token: str = Field(description="Bearer token: send as `Authorization: Bearer …`.")
    token_type: str = Field("bearer", description="Always `bearer`.")
    expires_in: int = Field(description="Seconds until the token expires.")


class PasswordChange(BaseModel):
    current_password: str = Field(max_length=500, description="The password in use now.")
    new_password: str = Field(min_length=10, max_length=500,
                              description="The new password (at least 10 characters).")


class PasswordResetRead(BaseModel):
    email: str = Field(description="Whose password was reset.")
    temporary_password: str = Field(
        description="A new random password, shown once: pass it on; they should change it "
        "with `POST /api/v1/auth/password`.")
    sessions_ended: int = Field(description="Log-ins of that account that were ended.")


class SchoolCreate(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)  # "  " is no name

    code: str = SchoolCode
    name: str = Field(min_length=1, max_length=200, description="The school's name.")


class SchoolUpdate(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)  # "  " is no name

    name: str = Field(min_length=1, max_length=200, description="The school's name.")


class SchoolRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str = Field(description="School code students type when they log in.")
    name: str = Field(description="The school's name.")
    created_at: datetime = Field(description="When the school was added.")


class StaffCreate(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)  # "  " is no name

    email: str = Field(min_length=3, max_length=254, pattern=r"^[^@\s]+@[^@\s]+$",
                       description="Log-in e-mail address (unique).")
    name: str = Field(min_length=1, max_length=200, description="Display name.")
    role: Role = Field(description="admin, leader, teacher, psychometrician or item_writer; "
                       "leaders may create leader and teacher accounts only.")
    password: str = Field(min_length=10, max_length=500,
                          description="Initial password (at least 10 characters).")
    school: str | None = Field(None, max_length=20, description="School code for leaders and "
                               "teachers (a leader's own school if left out).")


class StaffUpdate(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)  # "  " is no name

    name: str | None = Field(None, min_length=1, max_length=200, description="Display name.")
    role: Role | None = Field(None, description="New role (same limits as when creating).")
    is_active: bool | None = Field(None, description="False blocks log-in and ends sessions.")


class StaffRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int = Field(description="Staff account id.")
    email: str = Field(description="Log-in e-mail address.")
    name: str = Field(description="Display name.")
    role: str = Field(description="admin, leader, teacher, psychometrician or item_writer.")
    school: str | None = Field(description="School code; empty for bank-wide roles.")
    is_active: bool = Field(description="Whether the account may log in.")

    @classmethod
    def of(cls, staff: Any) -> StaffRead:
        return cls(id=staff.id, email=staff.email, name=staff.name, role=staff.role,
                   school=staff.school.code if staff.school else None,
                   is_active=staff.is_active)


class AuditRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int = Field(description="Event id (events are never changed or removed).")
    occurred_at: datetime = Field(description="When it happened (UTC).")
    actor: str = Field(description="Who did it: a staff e-mail, `student:<id>` or `system`.")
    actor_role: str = Field(description="Their role at the time.")
    action: str = Field(description="What was done, e.g. `calibration.activate`, "
                        "`item.retire`, `password.reset`, `student.delete`, or `write` (any "
                        "other change a staff member made).")
    target: str = Field(description="What it was done to, e.g. `calibration:12`, or for a "
                        "`write` the route, e.g. `PATCH /api/v1/students/{student_id}`.")
    address: str | None = Field(None, description="The network address it came from.")
    detail: dict[str, Any] = Field(description="Particulars (never a deleted student's name).")
