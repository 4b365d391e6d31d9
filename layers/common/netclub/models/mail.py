"""Staff view of the mail outbox."""

from __future__ import annotations

from pydantic import Field

from netclub.models.common import AnswerModel


class OutboxMail(AnswerModel):
    id: str
    to: str
    subject: str
    template: str
    created_at: str
    attempts: int
    last_error: str | None = None
    last_attempt_at: str | None = None
    parked_at: str | None = Field(default=None, description="given up by the retry (SES refused it for itself, or for an hour)")
    parked_reason: str | None = None


class OutboxList(AnswerModel):
    items: list[OutboxMail]
    next_cursor: str | None = None
