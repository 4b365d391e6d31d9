"""Offerings (セミナー / 専門家カウンセリング), their slots, reservations, lottery and usage history."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import Field, model_validator

from netclub.models.common import MULTI_LINE, AnswerModel, RequestModel
from netclub.models.content import Instant, Text, Title

Kind = Literal["seminar", "counseling"]
ReservationStatus = Literal["confirmed", "waitlisted", "applied", "won", "lost", "cancelled", "attended"]
Id = Annotated[str, Field(min_length=1, max_length=64)]
Time = Annotated[str, Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$", description="HH:MM")]
Note = Annotated[str, Field(max_length=400), MULTI_LINE]
MAX_SEED = 2**53 - 1  # a JavaScript-safe integer


Input = RequestModel


class OfferingIn(Input):
    kind: Kind
    title: Title
    description: Text = ""
    apply_until: Instant = Field(description="application deadline (ISO 8601; without offset = Tokyo time)")


class Offering(AnswerModel):
    id: str
    kind: Kind
    title: str
    description: str
    apply_until: str
    lottery_status: str | None = Field(default=None, description="counselling: drawing | drawn once the lottery ran")


class OfferingList(AnswerModel):
    items: list[Offering]


class SlotIn(Input):
    date: date
    start_time: Time
    end_time: Time
    place: Annotated[str, Field(min_length=1, max_length=200)]
    capacity: Annotated[int, Field(ge=1, le=10000)]

    @model_validator(mode="after")
    def _order(self) -> SlotIn:
        if self.end_time <= self.start_time:
            raise ValueError("終了時刻は開始時刻より後にしてください。")
        return self


class Slot(AnswerModel):
    id: str
    date: str
    start_time: str
    end_time: str
    place: str
    capacity: int
    seats_left: int
    waitlist_count: int = Field(default=0, description="reservations waiting for a seat of this slot (キャンセル待ち)")


class OfferingDetail(Offering):
    slots: list[Slot]


class ReservationCreate(Input):
    offering_id: Id
    slot_id: Id | None = Field(default=None, description="seminar: the slot")
    preferences: Annotated[list[Id], Field(max_length=2)] | None = Field(default=None, description="counseling: [第一希望, 第二希望?]")
    note: Note = ""
    waitlist: bool = Field(
        default=False,
        description="seminar: on a full slot, join its waiting list (キャンセル待ち) instead of 409 slot_full; on a slot with seats: confirmed",
    )


class ReservationChange(Input):
    slot_id: Id | None = None
    preferences: Annotated[list[Id], Field(max_length=2)] | None = None
    note: Note | None = None


class Reservation(AnswerModel):
    id: str
    number: str = Field(description="予約番号: 8 characters (XXXX-XXXX) derived from the id, for mails and the phone")
    offering_id: str
    offering_title: str
    kind: Kind
    status: ReservationStatus
    slot: Slot | None
    preferences: list[str]
    preference_slots: list[Slot] = Field(default_factory=list, description="the slots of preferences, in order (第一希望, 第二希望)")
    note: str
    created_at: str
    updated_at: str
    apply_until: str
    can_change: bool
    can_cancel: bool
    waitlist_position: int | None = Field(default=None, description="status waitlisted: 1 = the next to get a freed seat")


class ReservationList(AnswerModel):
    items: list[Reservation]
    next_cursor: str | None = None


class AdminReservation(AnswerModel):
    reservation_id: str
    number: str = Field(description="予約番号 (XXXX-XXXX), as the member's mails and screens show it")
    member_id: str
    company_name: str
    user_name: str
    status: ReservationStatus
    slot_id: str | None
    preferences: list[str]
    note: str
    created_at: str
    cancelled_at: str | None = Field(default=None, description="set for status cancelled (listed after the live reservations)")


class AdminReservationList(AnswerModel):
    items: list[AdminReservation]


class LotteryIn(Input):
    seed: Annotated[int, Field(ge=0, le=MAX_SEED)] | None = None


class LotteryOutcome(AnswerModel):
    reservation_id: str
    status: Literal["won", "lost"]
    slot_id: str | None


class LotteryState(AnswerModel):
    """The draw of a counselling offering: POST …/lottery answers it (202, `drawing`), GET …/lottery while the
    worker draws and after (`drawn`, every result). Each result is committed with its mail in the outbox."""

    offering_id: str
    status: Literal["none", "drawing", "drawn"] = Field(description="none: not begun; drawing: the worker draws and mails; drawn: done")
    seed: int | None = Field(default=None, description="the recorded seed: the same seed over the same applicants gives the same result")
    applicants: int = Field(description="applications taking part (applied, won or lost)")
    winners: int = 0
    results: list[LotteryOutcome] = Field(default_factory=list, description="the results drawn so far (all of them once drawn)")
    drawn_at: str | None = None


class UsageItem(AnswerModel):
    type: str
    title: str
    date: str
    status: str
    ref_id: str


class UsageHistory(AnswerModel):
    items: list[UsageItem]
    next_cursor: str | None = None
