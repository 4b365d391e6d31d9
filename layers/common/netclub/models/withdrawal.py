"""退会 (withdrawal): docs/security.md "Personal data"."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import Field

from netclub.models.common import MULTI_LINE, AnswerModel, RequestModel, Secret

Reason = Annotated[str, Field(max_length=1000, description="退会の理由（任意）"), MULTI_LINE]


class WithdrawalRequest(RequestModel):
    password: Secret
    reason: Reason | None = None


class StaffWithdrawalRequest(RequestModel):
    reason: Reason | None = None


class WithdrawalResult(AnswerModel):
    member_id: str
    status: Literal["withdrawn"]
    withdrawn_on: str = Field(description="退会日 (Asia/Tokyo)")
    reservations_cancelled: int = Field(description="future reservations cancelled with it (their seats passed to the waiting lists)")


@dataclass(frozen=True)
class Withdrawal:
    reason: str
    by: Literal["member", "staff"]


class ErasureResult(AnswerModel):
    member_id: str
    status: Literal["erased"]
    inquiries: int = Field(description="inquiries whose words and attachments were removed")
    attachments: int = Field(description="attachment files deleted")
    business_contacts: int = Field(description="商談申込 sent whose words were removed")
    reservations: int = Field(description="reservations whose names and notes were removed")


class MyDataExport(AnswerModel):
    """登録情報のダウンロード: what GET /api/me/data-export saves as a file (services/my_data.py)."""

    format: Literal["netclub-my-data"]
    version: int
    exported_at: str
    member: dict[str, Any] = Field(description="the account, its profile and the organisation's registered fields (but staff notes)")
    newsletter_consent: dict[str, Any] | None = Field(description="メールマガジンの同意: genres, when given and withdrawn, every change")
    calendar_feed: dict[str, Any] | None
    reservations: list[dict[str, Any]]
    inquiries: list[dict[str, Any]] = Field(description="with their replies and attachment names")
    business_contacts_sent: list[dict[str, Any]]
    business_contacts_received: list[dict[str, Any]]
    usage_history: list[dict[str, Any]]
    audit_entries: list[dict[str, Any]] = Field(description="the organisation's audit entries about the member")


class SuspensionRequest(RequestModel):
    reason: Annotated[str, Field(max_length=500, description="利用停止の理由（任意、会員へのメールに記載）")] | None = None
