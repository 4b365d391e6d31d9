"""メールマガジン配信 (docs/product.md "メールマガジン配信"): the staff's newsletters and the one-click unsubscribe."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator

from netclub.models.common import MULTI_LINE, AnswerModel, RequestModel
from netclub.models.content import Instant
from netclub.models.profile import Genre

NewsletterStatus = Literal["draft", "scheduled", "sending", "paused", "sent"]

GENRES_MESSAGE = "配信ジャンルを1つ以上選択してください。"


class NewsletterIn(RequestModel):
    subject: Annotated[str, Field(min_length=1, max_length=150, description="件名")]
    body: Annotated[str, Field(min_length=1, max_length=20000, description="本文 (plain text)"), MULTI_LINE]
    genres: Annotated[list[Genre], Field(min_length=1, max_length=2, description="ジャンル (≥ 1)")]

    @field_validator("subject", "body")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("必須項目です。入力してください。")
        return value

    @field_validator("genres", mode="before")
    @classmethod
    def _some_genre(cls, value: object) -> object:
        if isinstance(value, list) and not value:
            raise ValueError(GENRES_MESSAGE)
        return value

    @field_validator("genres")
    @classmethod
    def _distinct(cls, value: list[Genre]) -> list[Genre]:
        return list(dict.fromkeys(value))


class NewsletterSend(RequestModel):
    send_at: Instant | None = Field(default=None, description="a future instant (ISO 8601; without offset = Tokyo time); absent: now")


class NewsletterStats(AnswerModel):
    recipients: int = Field(0, description="対象")
    sent: int = Field(0, description="送信")
    failed: int = Field(0, description="失敗")
    bounced: int = Field(0, description="不達")
    complained: int = Field(0, description="苦情")
    unsubscribed: int = Field(0, description="配信停止")
    stuck: int = Field(0, description="未送信: recipients of messages given up after their last attempt, in the DLQ until staff re-drive them (再送)")
    unknown: int = Field(
        0, description="不明: the worker stopped between recording the recipient and SES's answer; the mail may have gone out, and is never sent twice"
    )


class Newsletter(AnswerModel):
    id: str
    subject: str
    body: str
    genres: list[Genre]
    status: NewsletterStatus
    audience: int = Field(description="the recipients if it were sent now (draft), else the recipients it went to")
    send_at: str | None = None
    sent_at: str | None = None
    paused_reason: str | None = Field(None, description="一時停止の理由 (paused: SES refused every mail of the account), in Japanese")
    paused_at: str | None = None
    created_at: str
    updated_at: str
    stats: NewsletterStats


class NewsletterList(AnswerModel):
    items: list[Newsletter] = Field(description="newest first")
    next_cursor: str | None = None


class NewsletterAccepted(AnswerModel):
    id: str
    status: NewsletterStatus


class NewsletterRedriven(AnswerModel):
    id: str
    messages: int = Field(description="the newsletter's messages moved from the DLQ back to the queue")
    recipients: int = Field(description="the recipients those messages name (each still gets the newsletter at most once)")


class UnsubscribeIn(RequestModel):
    token: Annotated[str, Field(min_length=1, max_length=200)]


class Unsubscribed(AnswerModel):
    unsubscribed: bool = True
