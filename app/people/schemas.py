"""Request and response shapes for authentication and staff accounts."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class TokenRequest(BaseModel):
    email: str = Field(description="The staff member's e-mail address.", max_length=254)
    password: str = Field(description="Their password.", max_length=500)


class TokenRead(BaseModel):
    access_token: str = Field(description="Bearer token: send as `Authorization: Bearer …`.")
    token_type: str = Field("bearer", description="Always `bearer`.")
    expires_in: int = Field(description="Seconds until the token expires.")


class StaffRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    email: str = Field(description="Log-in e-mail address.")
    name: str = Field(description="Display name.")
    role: str = Field(description="admin, leader, teacher, psychometrician or item_writer.")
