"""The registration form's answer: the account and the whole profile (kept apart from models.auth, whose
login and session models most functions import: building the profile's models costs ~0.08 s at import)."""

from __future__ import annotations

from pydantic import Field

from netclub.models.common import RequestModel, Secret, Token
from netclub.models.profile import ProfileBody


class RegistrationConfirm(RequestModel):
    token: Token
    password: Secret
    password_confirm: Secret
    profile: ProfileBody = Field(description="Profile (see GET /api/profile); validated with the Profile rules")
