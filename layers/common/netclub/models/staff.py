"""Staff accounts (職員管理), their second factor (2段階認証) and departments (担当部署)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from netclub.models.auth import LoginResponse
from netclub.models.common import AnswerModel, Email, RequestModel, Secret, Token

StaffRole = Literal["admin", "staff"]
StaffStatus = Literal["invited", "active", "disabled"]
Name = Annotated[str, Field(min_length=1, max_length=50)]
DepartmentId = Annotated[str, Field(min_length=1, max_length=64)]
Departments = Annotated[list[DepartmentId], Field(max_length=30, description="担当部署 ids (GET /api/admin/departments)")]


# --- the second factor ---------------------------------------------------------------------


class MfaTokenRequest(RequestModel):
    mfa_token: Token


class MfaEnrolment(AnswerModel):
    secret: str = Field(description="the TOTP secret, base32 (shown as text beside the QR code); never returned again once enrolled")
    otpauth_uri: str = Field(description="otpauth://totp/... for the QR code (drawn in the browser)")


class MfaVerifyRequest(RequestModel):
    mfa_token: Token
    code: Annotated[str | None, Field(max_length=16, description="確認コード: the 6 digits of the authenticator app")] = None
    recovery_code: Annotated[str | None, Field(max_length=64, description="リカバリーコード (each works once)")] = None


class MfaVerified(LoginResponse):
    recovery_codes: list[str] | None = Field(default=None, description="only at the first verify after enrolment: 10 codes, shown once")


# --- staff accounts --------------------------------------------------------------------------


class StaffMember(AnswerModel):
    staff_id: str
    email: str
    name: str
    role: StaffRole
    departments: list[str]
    status: StaffStatus
    mfa_enrolled: bool
    last_login_at: str | None = None
    created_at: str | None = None


class StaffList(AnswerModel):
    items: list[StaffMember]


class StaffInvite(RequestModel):
    email: Email
    name: Name
    role: StaffRole = "staff"
    departments: Departments = Field(default_factory=list)


class StaffUpdate(RequestModel):
    name: Name
    role: StaffRole
    departments: Departments = Field(default_factory=list)


class StaffInvitationConfirm(RequestModel):
    token: Token
    password: Secret
    password_confirm: Secret


class FirstAdminRequest(RequestModel):
    """The event of StaffFirstAdminFunction (no API route: `make first-admin`)."""

    email: Email
    name: Name = "管理者"


class FirstAdminResult(AnswerModel):
    outcome: Literal["invited", "refused"]
    message: str
    staff_id: str | None = None


# --- departments ---------------------------------------------------------------------------


class DepartmentInput(RequestModel):
    name: Name


class Department(AnswerModel):
    id: str
    name: str
    created_at: str | None = None


class DepartmentList(AnswerModel):
    items: list[Department]
