"""Account requests and answers."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from netclub.models.common import AnswerModel, Email, RequestModel, Secret, Token

Status = Literal["pending_review", "active", "suspended", "withdrawn", "erased"]
Role = Literal["member", "staff", "admin"]  # netclub.access: what each may call


class LoginRequest(RequestModel):
    email: Email
    password: Secret


class Me(AnswerModel):
    member_id: str
    email: str
    company_name: str
    user_name: str
    status: Status
    role: Role


class LoginResponse(AnswerModel):
    member: Me
    csrf_token: str


class MfaChallenge(AnswerModel):
    """A staff account's password was right: no session yet, the second factor comes next (services/mfa.py)."""

    mfa: Literal["enrol", "verify"] = Field(description="enrol: 2段階認証の設定 first (POST /api/auth/mfa/enrol); verify: a code or a recovery code")
    mfa_token: str = Field(description="for /api/auth/mfa/*: 5 minutes, single use")


class MeResponse(Me):
    csrf_token: str = Field(description="the session's CSRF token (for a reloaded page)")


class PasswordChangeRequest(RequestModel):
    current_password: Secret
    new_password: Secret
    new_password_confirm: Secret


class PasswordResetRequest(RequestModel):
    email: Email
    email_confirm: Email


class PasswordResetConfirm(RequestModel):
    token: Token
    new_password: Secret
    new_password_confirm: Secret


class RegistrationRequest(RequestModel):
    email: Email
    email_confirm: Email


class RegistrationCreated(AnswerModel):
    member_id: str
    status: Status


class Accepted(AnswerModel):
    message: str


class MemberSummary(AnswerModel):
    member_id: str
    email: str
    company_name: str
    user_name: str
    status: Status
    created_at: str
    corporate_type: str | None = None
    member_number: str | None = Field(default=None, description="会員番号 (registered by the organisation)")
    joined_on: str | None = Field(default=None, description="入会日")


class MemberList(AnswerModel):
    items: list[MemberSummary]
    next_cursor: str | None = None
    total: int | None = Field(default=None, description="会員検索 (q / joined_from / joined_to): how many members match")
