"""Log-in for the API (bearer tokens) and who-am-I."""

from __future__ import annotations

from fastapi import APIRouter

from app.config import get_settings
from app.db import SessionDep
from app.people import service
from app.people.dependencies import CurrentStaff
from app.people.schemas import StaffRead, TokenRead, TokenRequest

router = APIRouter(prefix="/api/v1/auth", tags=["authentication"])


@router.post("/token", response_model=TokenRead, summary="Exchange e-mail and password for a token")
def issue_token(body: TokenRequest, session: SessionDep) -> TokenRead:
    """A bearer token for API calls; valid for `KETE_SESSION_HOURS` hours."""
    staff = service.authenticate(session, email=body.email, password=body.password)
    token, _ = service.start_session(session, staff=staff, kind="bearer")
    return TokenRead(access_token=token, expires_in=get_settings().session_hours * 3600)


@router.get("/me", response_model=StaffRead, summary="The account behind this token")
def me(staff: CurrentStaff) -> StaffRead:
    return StaffRead.model_validate(staff)
