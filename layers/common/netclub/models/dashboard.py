"""The staff console's home (issue 13, GET /api/admin/dashboard)."""

from __future__ import annotations

from pydantic import Field

from netclub.models.common import AnswerModel


class UpcomingSlot(AnswerModel):
    offering_id: str
    title: str
    slot_id: str
    date: str
    start_time: str
    capacity: int
    seats_left: int
    waitlist_count: int = Field(description="reservations waiting for a seat of this slot (キャンセル待ち)")


class Dashboard(AnswerModel):
    pending_registrations: int = Field(description="確認待ちの登録 (members in pending_review), exact")
    open_inquiries: int = Field(description="未回答のお問い合わせ (inquiries in status open), exact")
    mail_outbox: int = Field(description="再送待ちメール (mails waiting for a retry), exact")
    upcoming: list[UpcomingSlot] = Field(description="the slots of the next 14 days (today's not yet started), by start")
