"""Staff view of the mail outbox."""

from __future__ import annotations

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


class OutboxList(AnswerModel):
    items: list[OutboxMail]
    next_cursor: str | None = None
