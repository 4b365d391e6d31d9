"""Reservations (予約確認・変更 / 予約変更 / 予約キャンセル): seminars first come first served, counselling by lottery.

Every write is one DynamoDB transaction:
- apply (seminar): put reservation + put holder (one per member and offering) + seat decrement
  (condition seats_left > 0 and slot not started) + offering check (deadline, no lottery yet)
  (+ with an Idempotency-Key, its record holding the answer: store/requests.py).
- change (seminar): reservation update (condition: still on the old slot) + release old seat +
  take new seat + holder update + offering check, so no interleaving can overbook or lose a seat.
- cancel: reservation update + holder delete + seat release (seminar) + offering check.
Each transaction also writes the mails it causes to the outbox (the member's, and the promoted head's below);
they are sent after the commit, so a crash in between leaves them to the mail retry.

キャンセル待ち (waiting list, seminars): on a full slot `waitlist: true` joins the slot's list (a WAIT# entry
numbered from the slot's waitlist_seq, read and advanced conditionally, so positions are strictly first come,
first served). A seat is taken only while nobody waits (take_seat), and a seat that frees (cancel, change
away, staff raising the capacity) goes to the head of the list in the same transaction (pass_seat +
promote_ops), read just before it: the seat is never on sale in between. When the head read is no longer
the head at commit (it left, another freed seat took it), the whole step is read and run again, at most
WAITLIST_ATTEMPTS times, then 409 busy. Nobody is promoted once the slot has started.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from aws_lambda_powertools import Logger

from netclub import clock, ids, mail, retry
from netclub.config import get_settings
from netclub.cursor import decode, encode
from netclub.errors import Busy, Conflict, DomainError, NotFound, Unavailable, invalid
from netclub.idempotency_key import EXPIRES_AFTER_SECONDS as KEY_EXPIRES_AFTER_SECONDS
from netclub.idempotency_key import check_key
from netclub.models.reservations import (
    Offering,
    OfferingDetail,
    OfferingList,
    Reservation,
    ReservationChange,
    ReservationCreate,
    ReservationList,
    Slot,
)
from netclub.store import accounts, dynamo, outbox
from netclub.store import requests as request_records
from netclub.store import reservations as store
from netclub.store.dynamo import ConditionFailed, TransactOp
from netclub.store.items import IdempotencyItem, MemberItem, OfferingItem, OutboxItem, ReservationItem, SlotItem, SlotSnapshot, WaitItem, the

logger = Logger(service="netclub", child=True)

NOT_FOUND = "ご予約が見つかりません。"
OFFERING_NOT_FOUND = "お申込み対象のセミナー・相談が見つかりません。"
SLOT_FULL = "申し訳ありません。選択された日程は満席です。別の日程をお選びください。"
ALREADY = "このセミナー・相談には、すでにお申込み済みです。「予約確認・変更」からご予約内容をご確認ください。"
DEADLINE = "申込期限を過ぎているため、お申込み・変更・キャンセルはできません。"
STARTED = "開始時刻を過ぎた日程のため、お申込み・変更・キャンセルはできません。"
STALE = "ご予約の状態が変わりました。画面を更新して、もう一度お試しください。"
WAITLIST_SEMINAR_ONLY = "キャンセル待ちはセミナーのみお申込みいただけます。専門家カウンセリングは第一・第二希望でお申込みください。"
WAITLIST_ATTEMPTS = retry.policy("reservations.waitlist").max_attempts  # a step whose waiting list changed between its read and commit is run again


def slot_starts_at(date: str, start_time: str) -> str:
    return f"{date}T{start_time}:00+09:00"


def slot_view(slot: Mapping[str, Any]) -> Slot:
    return Slot(
        **{k: slot[k] for k in ("id", "date", "start_time", "end_time", "place", "capacity", "seats_left")},
        waitlist_count=int(slot.get("waitlist_count") or 0),
    )


def _free(slot: Mapping[str, Any]) -> bool:
    """A seat can be taken: one is left and nobody waits for it."""
    return int(slot["seats_left"]) > 0 and int(slot.get("waitlist_count") or 0) <= 0


def _snapshot(slot: Mapping[str, Any]) -> SlotSnapshot:
    return {
        "id": slot["id"],
        "date": slot["date"],
        "start_time": slot["start_time"],
        "end_time": slot["end_time"],
        "place": slot["place"],
        "capacity": slot["capacity"],
        "seats_left": slot["seats_left"],
        "starts_at": slot["starts_at"],
    }


def offering_view(offering: OfferingItem) -> Offering:
    return Offering(**{k: offering.get(k) for k in Offering.model_fields})


# --- offerings (members) ----------------------------------------------------------------


def open_offerings() -> OfferingList:
    return OfferingList(items=[offering_view(o) for o in store.offerings(open_after=clock.iso())])


def offering_detail(offering_id: str) -> OfferingDetail:
    offering, slots = store.offering_with_slots(offering_id)
    if not offering:
        raise NotFound(OFFERING_NOT_FOUND)
    return OfferingDetail(**offering_view(offering).model_dump(), slots=[slot_view(s) for s in slots])


# --- views ------------------------------------------------------------------------------


def view(
    res: ReservationItem, offering: OfferingItem | None = None, slots: Sequence[Mapping[str, Any]] | None = None, position: int | None = None
) -> Reservation:
    """The reservation as the member sees it; with the offering's live data when given (detail)."""
    now = clock.iso()
    live = {s["id"]: s for s in slots or []}
    apply_until = str((offering or res).get("apply_until", ""))
    drawn = bool(offering and offering.get("lottery_status"))
    slot_data = live.get(res.get("slot_id") or "") or res.get("slot")
    open_ = apply_until > now and not drawn
    if res["kind"] == "seminar":
        before_start = open_ and bool(slot_data) and str(slot_data.get("starts_at", "")) > now  # type: ignore[union-attr]
        can_change = res["status"] == "confirmed" and before_start
        can_cancel = res["status"] in ("confirmed", "waitlisted") and before_start
    else:
        can_change = can_cancel = res["status"] == "applied" and open_
    return Reservation(
        id=res["id"],
        number=ids.reference(res["id"]),
        offering_id=res["offering_id"],
        offering_title=str(offering.get("title", "") if offering else res.get("offering_title", "")),
        kind=res["kind"],
        status=res["status"],
        slot=slot_view(slot_data) if slot_data else None,
        preferences=list(res.get("preferences") or []),
        preference_slots=[slot_view(live[p]) for p in res.get("preferences") or [] if p in live],
        note=str(res.get("note", "")),
        created_at=res["created_at"],
        updated_at=str(res.get("updated_at", res["created_at"])),
        apply_until=apply_until,
        can_change=can_change,
        can_cancel=can_cancel,
        waitlist_position=position if res["status"] == "waitlisted" else None,
    )


def _position(res: ReservationItem) -> int | None:
    """A waiting reservation's place in its slot's list: the entries before it still waiting, + 1 (one Query, COUNT)."""
    if res["status"] != "waitlisted":
        return None
    return store.waiting_up_to(res["offering_id"], str(res["slot_id"]), int(res["waitlist_seq"]))


def _owned(member_id: str, reservation_id: str) -> ReservationItem:
    res = store.get_reservation(reservation_id, consistent=True)
    if not res or res.get("member_id") != member_id:
        raise NotFound(NOT_FOUND)  # another member's reservation answers exactly like a missing one
    return res


def list_mine(member_id: str, cursor: str | None, limit: int = 50) -> ReservationList:
    found, last = store.reservations_of(member_id, limit, decode(cursor))
    return ReservationList(items=[view(r, position=_position(r)) for r in found], next_cursor=encode(last))


def detail(member_id: str, reservation_id: str) -> Reservation:
    """One BatchGetItem when the id names the offering and slot (store.new_reservation_id) and that slot is all the
    view needs (a seminar seat not moved since); else the reservation, then its offering with every slot."""
    named = store.reservation_id_parts(reservation_id)
    res: ReservationItem | None
    if named:
        res, offering, slot = store.reservation_with_slot(reservation_id, *named)
        if not res or res.get("member_id") != member_id:
            raise NotFound(NOT_FOUND)  # another member's reservation answers exactly like a missing one
        needed = {s for s in [res.get("slot_id"), *(res.get("preferences") or [])] if s}
        if offering and slot and res["offering_id"] == named[0] and needed == {slot["id"]}:
            return view(res, offering, [slot], _position(res))
    else:
        res = _owned(member_id, reservation_id)
    offering, slots = store.offering_with_slots(res["offering_id"])
    return view(res, offering, slots, _position(res))


# --- rules shared by apply and change -----------------------------------------------------


def _check_open(offering: OfferingItem, now: str) -> None:
    if offering["apply_until"] <= now or offering.get("lottery_status"):
        raise Conflict(DEADLINE, code="deadline_passed")


def _seminar_slot(slots: Mapping[str, SlotItem], slot_id: str | None, now: str, waitlist: bool = False) -> SlotItem:
    if not slot_id:
        raise invalid("slot_id", "日程を選択してください。")
    slot = slots.get(slot_id)
    if not slot:
        raise invalid("slot_id", "選択された日程が見つかりません。")
    if slot["starts_at"] <= now:
        raise Conflict(STARTED, code="deadline_passed")
    if not waitlist and not _free(slot):
        raise Conflict(SLOT_FULL, code="slot_full")
    return slot


def _preferences(slots: Mapping[str, SlotItem], preferences: list[str] | None) -> list[str]:
    if not preferences:
        raise invalid("preferences", "第一希望の日程を選択してください。")
    if len(set(preferences)) != len(preferences):
        raise invalid("preferences", "第一希望と第二希望には別の日程を選択してください。")
    if any(p not in slots for p in preferences):
        raise invalid("preferences", "選択された日程が見つかりません。")
    return list(preferences)


def _preference_snapshots(slots: Mapping[str, SlotItem], preferences: list[str]) -> list[SlotSnapshot]:
    """Date, time and place of the chosen slots, kept on the reservation so later mails (cancel) can name them."""
    return [
        {"id": s["id"], "date": s["date"], "start_time": s["start_time"], "end_time": s["end_time"], "place": s["place"]}
        for s in (slots[p] for p in preferences)
    ]


def _explain(exc: ConditionFailed, meanings: list[DomainError]) -> DomainError:
    """The first failed condition of a transaction, as the member's error."""
    for reason, meaning in zip(exc.reasons, meanings, strict=False):
        if reason == "ConditionalCheckFailed":
            return meaning
    return Conflict(STALE)


def _seat_error(slot: SlotItem, now: str) -> DomainError:
    return Conflict(STARTED, code="deadline_passed") if slot["starts_at"] <= now else Conflict(SLOT_FULL, code="slot_full")


def _details(res: ReservationItem, slots: dict[str, SlotItem] | None = None) -> str:
    s = res.get("slot")
    if s:  # a seminar seat, or the slot a counselling lottery assigned
        return f"日程：{clock.date_text(s['date'])} {s['start_time']}〜{s['end_time']}\n場所：{s['place']}"
    lines = []
    known: dict[str, Mapping[str, Any]] = {p["id"]: p for p in res.get("preference_snapshots") or []}
    known |= slots or {}
    for label, slot_id in zip(("第一希望", "第二希望"), res.get("preferences") or [], strict=False):
        wished = known.get(slot_id)
        lines.append(f"{label}：{clock.date_text(wished['date'])} {wished['place']}" if wished else f"{label}：（日程は「予約確認・変更」でご確認ください）")
    if res.get("note"):
        lines.append(f"ご希望・ご相談内容：{res['note']}")
    return "\n".join(lines)


def reservation_mail(member: Mapping[str, Any] | None, template: str, res: ReservationItem, slots: dict[str, SlotItem] | None = None) -> OutboxItem | None:
    """The reservation's mail for the outbox: written by the transaction that makes what it tells (kept_ops), sent
    after the commit (send_kept). None when there is nobody to tell (the member is gone)."""
    if not member:
        return None
    from netclub.mail.templates import CALENDAR_LINE  # with the mail: a function that reads reservations loads no texts

    return mail.compose(
        member["email"],
        template,
        about=f"reservation:{res['id']}",
        company_name=member.get("company_name", ""),
        user_name=member.get("user_name", ""),
        title=res.get("offering_title", ""),
        details=_details(res, slots),
        number=ids.reference(res["id"]),
        link=f"{get_settings().need('frontend_url')}/reservations/{res['id']}",
        calendar=CALENDAR_LINE if res.get("status") in ("confirmed", "won") else "",
    )


def kept_ops(mails: Sequence[OutboxItem | None]) -> list[TransactOp]:
    """The mails as items of the transaction they are about (the outbox): a crash after its commit loses none."""
    return [outbox.put_op(m) for m in mails if m]


def send_kept(mails: Sequence[OutboxItem | None]) -> bool:
    """After the commit: the mails now, in order; once SES refused one, the rest wait in the outbox for the retry."""
    kept = [m for m in mails if m]
    return mail.send_all_kept(kept) if kept else True


# --- apply --------------------------------------------------------------------------------


def apply(member_id: str, body: ReservationCreate, idempotency_key: str | None, member: Mapping[str, Any] | None = None) -> Reservation:
    """Apply; `member`: the member's e-mail and names as the authorizer read them (else read here).

    With an Idempotency-Key, the key's record (store/requests.py) is one item of the reservation's
    transaction, holding the answer: a repeat meets its condition (or, refused before the commit,
    e.g. the slot is full now, finds it with one GetItem) and answers the first answer."""
    key = check_key(idempotency_key)
    if key is None:
        return _apply(member_id, body, None, member)
    keyed = _Keyed(request_records.record_id(APPLY_SCOPE, member_id, key), request_records.payload_hash(body.model_dump(mode="json")))
    try:
        return _apply(member_id, body, key, member, keyed)
    except DomainError as exc:
        if isinstance(exc, Unavailable) or getattr(exc, "code", None) == KEY_REUSED_CODE:
            raise
        first = request_records.get(keyed.record)
        if first is None or int(first["expiration"]) <= clock.epoch():
            raise
        return _replay(keyed, first)


APPLY_SCOPE = "reservations.apply"
KEY_REUSED_CODE = "idempotency_key_reused"


@dataclass(frozen=True)
class _Keyed:
    """An apply with an Idempotency-Key: its record's id and the digest of its payload."""

    record: str
    validation: str


def _replay(keyed: _Keyed, record: IdempotencyItem) -> Reservation:
    """The first answer of this key, or 409 when the key came with another payload."""
    if record.get("validation") != keyed.validation:
        raise Conflict("この Idempotency-Key は、内容の異なる別の申込ですでに使われています。新しいキーで送信してください。", code=KEY_REUSED_CODE)
    return Reservation(**request_records.answer_of(record))


class _Again(Exception):
    """The slot's waiting list (or its seats) changed between the step's read and its commit: read and run it again."""


def _again_or(exc: ConditionFailed, first_seat_op: int, meanings: Sequence[DomainError]) -> DomainError | None:
    """Which refusal a failed transaction means: one of `meanings` (the operations before the seat operations),
    or None when only a seat or waiting-list condition failed (the step is read and run again)."""
    for index, reason in enumerate(exc.reasons):
        if reason == "ConditionalCheckFailed":
            return meanings[index] if index < first_seat_op and index < len(meanings) else None
    return Conflict(STALE)


def _repeat(step: Any) -> Any:
    """Run `step(consistent)` until it commits; a step that met a changed waiting list runs again, then 409 busy."""
    for attempt in retry.policy("reservations.waitlist").attempts():
        try:
            return step(attempt > 0)
        except _Again:
            logger.info("waitlist step run again", extra={"attempt": attempt + 1})
    raise Busy()


def _freed_seat(offering_id: str, slot_id: str, now: str, waiting: int | None = None) -> tuple[list[TransactOp], WaitItem | None, MemberItem | None]:
    """The operations that free one seat of a slot, read now: to the head of its waiting list (its reservation
    confirmed in the same transaction) when someone waits, else back to sale (on condition nobody waits).
    `waiting` = 0: the slot was just read with nobody waiting, no need to look for a head (if someone joined
    since, the release's condition fails and the step is read again)."""
    heads = store.waiting_heads(offering_id, slot_id, 1) if waiting != 0 else []
    if not heads:
        return [store.release_seat(offering_id, slot_id, now)], None, None
    head = heads[0]
    member = accounts.get_member(str(head["member_id"]))  # read before the commit: after it, nothing may fail the answer
    return [store.pass_seat(offering_id, slot_id, now), *store.promote_ops(offering_id, slot_id, head, now)], head, member


def promotion_mail(head: WaitItem | None, member: Mapping[str, Any] | None, title: str, slot: SlotSnapshot) -> OutboxItem | None:
    """「キャンセル待ちの繰り上げのお知らせ」 to the member whose waiting reservation becomes confirmed: written to the
    outbox by the transaction that passes the seat (kept_ops), sent after its commit."""
    if head is None:
        return None
    return reservation_mail(member, "waitlist_promoted", {"id": head["reservation_id"], "status": "confirmed", "offering_title": title, "slot": slot})


def _apply(member_id: str, body: ReservationCreate, key: str | None, member: Mapping[str, Any] | None, keyed: _Keyed | None = None) -> Reservation:
    result: Reservation = _repeat(lambda consistent: _apply_once(member_id, body, key, consistent, member, keyed))
    return result


def _apply_once(
    member_id: str, body: ReservationCreate, key: str | None, consistent: bool, member: Mapping[str, Any] | None, keyed: _Keyed | None
) -> Reservation:
    offering, slot_list = store.offering_with_slots(body.offering_id, consistent=consistent)
    if not offering:
        raise invalid("offering_id", OFFERING_NOT_FOUND)
    if body.waitlist and offering["kind"] != "seminar":
        raise invalid("waitlist", WAITLIST_SEMINAR_ONLY)
    now = clock.iso()
    _check_open(offering, now)
    slots = {s["id"]: s for s in slot_list}
    named_slot = body.slot_id if offering["kind"] == "seminar" or not body.preferences else body.preferences[0]
    res: ReservationItem = {
        "id": store.new_reservation_id(offering["id"], named_slot),  # names the slot: the detail reads it with the reservation
        "member_id": member_id,
        "offering_id": offering["id"],
        "offering_title": offering["title"],
        "kind": offering["kind"],
        "note": body.note,
        "created_at": now,
        "updated_at": now,
        "apply_until": offering["apply_until"],
    }
    if key:
        res["request_key"] = ids.digest(key)  # only its digest: the key is the client's
    member = member or accounts.get_member(member_id)
    extra: list[TransactOp] = []
    position = None
    if offering["kind"] == "seminar":
        slot = _seminar_slot(slots, body.slot_id, now, body.waitlist)
        if _free(slot):
            res.update(
                {"status": "confirmed", "slot_id": slot["id"], "slot": _snapshot({**slot, "seats_left": int(slot["seats_left"]) - 1}), "preferences": []}
            )
            seat_ops = [store.take_seat(offering["id"], slot["id"], now)]
        else:  # full (or others wait), and the member asked to wait: the next number of the slot's list
            seq, waiting = int(slot.get("waitlist_seq") or 0) + 1, int(slot.get("waitlist_count") or 0)
            res.update({"status": "waitlisted", "slot_id": slot["id"], "slot": _snapshot(slot), "preferences": [], "waitlist_seq": seq})
            seat_ops = [store.join_waitlist(offering["id"], slot["id"], seq, waiting, now)]
            extra = [store.add_to_waitlist(res)]
            position = waiting + 1
        seat_errors: list[DomainError] = [_seat_error(slot, now)]
    else:
        preferences = _preferences(slots, body.preferences or ([body.slot_id] if body.slot_id else None))
        res.update({"status": "applied", "slot_id": None, "slot": None, "preferences": preferences})
        res["preference_snapshots"] = _preference_snapshots(slots, res["preferences"])
        seat_ops = [store.slot_exists(offering["id"], p, now) for p in res["preferences"]]
        seat_errors = [invalid("preferences", "選択された日程が見つかりません。")] * len(seat_ops)
    if res["status"] == "waitlisted":
        template = "reservation_waitlisted"
    else:
        template = "reservation_applied" if res["kind"] == "seminar" else "counseling_applied"
    mails = [reservation_mail(member, template, res, slots)]
    operations = [
        *store.create_reservation(res, member or {}),
        store.offering_open(offering["id"], now),
        *seat_ops,
        *extra,
        *kept_ops(mails),  # before the key's record: it stays the last item
    ]
    answer = view(res, position=position)
    if keyed:
        epoch = clock.epoch()
        answer_data = answer.model_dump(mode="json")
        operations.append(request_records.put_op(keyed.record, keyed.validation, answer_data, epoch, epoch + KEY_EXPIRES_AFTER_SECONDS))
    try:
        dynamo.transact(operations)
    except ConditionFailed as exc:
        if keyed and exc.reasons[len(operations) - 1 : len(operations)] == ["ConditionalCheckFailed"] and exc.items[-1]:
            return _replay(keyed, the(IdempotencyItem, exc.items[-1] or {}))  # this key's request was done first (a repeat, or a concurrent twin)
        meanings = [Conflict(STALE), Conflict(ALREADY, code="already_reserved"), Conflict(DEADLINE, code="deadline_passed")]
        if body.waitlist and offering["kind"] == "seminar":
            refusal = _again_or(exc, len(meanings), meanings)
            if refusal is None:  # seats freed, another member joined first, or the slot filled: read again
                if slots[str(res["slot_id"])]["starts_at"] <= now:
                    raise Conflict(STARTED, code="deadline_passed") from None
                raise _Again() from None
            raise refusal from None
        raise _explain(exc, [*meanings, *seat_errors]) from None
    send_kept(mails)
    return answer


# --- change -------------------------------------------------------------------------------


def change(member_id: str, reservation_id: str, body: ReservationChange, member: Mapping[str, Any] | None = None) -> Reservation:
    """`member`: the member's e-mail and names as the authorizer read them (else read here)."""
    result: Reservation = _repeat(lambda consistent: _change_once(member_id, reservation_id, body, consistent, member))
    return result


def _change_once(member_id: str, reservation_id: str, body: ReservationChange, consistent: bool, known: Mapping[str, Any] | None) -> Reservation:
    res = _owned(member_id, reservation_id)
    offering, slot_list = store.offering_with_slots(res["offering_id"], consistent=consistent)
    if not offering:
        raise NotFound(OFFERING_NOT_FOUND)
    now = clock.iso()
    slots = {s["id"]: s for s in slot_list}
    expected = "confirmed" if res["kind"] == "seminar" else "applied"
    if res["status"] != expected:
        raise Conflict("このご予約は変更できません。", code="not_changeable")
    _check_open(offering, now)
    head: WaitItem | None = None
    promoted_member: Mapping[str, Any] | None = None
    first_seat_op = 0
    updated: ReservationItem
    if res["kind"] == "seminar":
        old_slot_id = str(res["slot_id"])  # a confirmed seminar reservation holds a seat of this slot
        old: Mapping[str, Any] = slots.get(old_slot_id) or res["slot"] or {}
        if old["starts_at"] <= now:
            raise Conflict(STARTED, code="deadline_passed")
        note_changes = body.note is not None and body.note != res.get("note", "")
        if body.slot_id in (None, res["slot_id"]) and (body.note is not None or body.slot_id is not None):
            if not note_changes:
                return view(res, offering, slot_list)  # nothing changes
            return _change_seminar_note(res, str(body.note), offering, slot_list, now)
        new = _seminar_slot(slots, body.slot_id, now)
        snapshot = _snapshot({**new, "seats_left": int(new["seats_left"]) - 1})
        updated = {**res, "slot_id": new["id"], "slot": snapshot, "updated_at": now}
        if note_changes and body.note is not None:
            updated["note"] = body.note
        updated.pop("waitlist_seq", None)  # a place in the old slot's queue (a promoted reservation's): meaningless on the new slot
        waiting = int(slots[old_slot_id].get("waitlist_count") or 0) if old_slot_id in slots else None
        freed, head, promoted_member = _freed_seat(res["offering_id"], old_slot_id, now, waiting)
        operations = [
            *store.move_to_slot(reservation_id, res["offering_id"], member_id, old_slot_id, new["id"], snapshot, now, body.note if note_changes else None),
            store.offering_open(res["offering_id"], now),
            store.take_seat(res["offering_id"], new["id"], now),
            *freed,
        ]
        meanings: list[DomainError] = [Conflict(STALE), Conflict(STALE), Conflict(DEADLINE, code="deadline_passed"), _seat_error(new, now)]
        first_seat_op = 4
    else:
        preferences = _preferences(slots, body.preferences) if body.preferences is not None else res["preferences"]
        note = body.note if body.note is not None else res.get("note", "")
        snapshots = _preference_snapshots(slots, preferences)
        updated = {**res, "preferences": preferences, "preference_snapshots": snapshots, "note": note, "updated_at": now}
        operations = [
            *store.change_preferences(reservation_id, res["offering_id"], member_id, preferences, snapshots, note, now),
            store.offering_open(res["offering_id"], now),
            *[store.slot_exists(res["offering_id"], p, now) for p in preferences],
        ]
        meanings = [Conflict(STALE), Conflict(STALE), Conflict(DEADLINE, code="deadline_passed")]
    member = known or accounts.get_member(member_id)  # read before the commit: after it, nothing may fail the answer
    mails = [reservation_mail(member, "reservation_changed", updated, slots)]
    if res["kind"] == "seminar":
        mails.append(promotion_mail(head, promoted_member, res["offering_title"], slots.get(str(res["slot_id"])) or res["slot"] or {}))
    operations += kept_ops(mails)
    try:
        dynamo.transact(operations)
    except ConditionFailed as exc:
        if not first_seat_op:
            raise _explain(exc, meanings) from None
        refusal = _again_or(exc, first_seat_op + 1, meanings)
        if refusal is None:  # the old slot's waiting list changed since it was read
            raise _Again() from None
        raise refusal from None
    send_kept(mails)
    return view(updated, offering, _after_change(slot_list, res, updated, promoted=head is not None))


def _change_seminar_note(res: ReservationItem, note: str, offering: OfferingItem, slot_list: list[SlotItem], now: str) -> Reservation:
    """Only the note of a seminar reservation changes (the same slot): no seat moves, no mail (nothing the member
    needs to be told: they see it at once)."""
    try:
        dynamo.transact(store.change_seminar_note(res["id"], res["offering_id"], res["member_id"], str(res["slot_id"]), note, now))
    except ConditionFailed:
        raise Conflict(STALE) from None
    return view({**res, "note": note, "updated_at": now}, offering, slot_list)


def _after_change(slot_list: list[SlotItem], before: ReservationItem, after: ReservationItem, promoted: bool = False) -> list[SlotItem]:
    """The slots as the committed transaction left them (no re-read): a seminar move gave one seat back (or passed
    it to the head of the old slot's waiting list) and took one."""
    if before["kind"] != "seminar":
        return slot_list
    old = before["slot_id"]
    seats = {old: 0 if promoted else 1, after["slot_id"]: -1}
    waiting = {old: -1 if promoted else 0}
    return [
        {**s, "seats_left": int(s["seats_left"]) + seats[s["id"]], "waitlist_count": int(s.get("waitlist_count") or 0) + waiting.get(s["id"], 0)}
        if s["id"] in seats
        else s
        for s in slot_list
    ]


# --- cancel -------------------------------------------------------------------------------


def cancel(member_id: str, reservation_id: str, member: Mapping[str, Any] | None = None) -> Reservation:
    """`member`: the member's e-mail and names as the authorizer read them (else read here)."""
    result: Reservation = _repeat(lambda _consistent: _cancel_once(member_id, reservation_id, member))
    return result


def _cancel_once(member_id: str, reservation_id: str, known: Mapping[str, Any] | None) -> Reservation:
    res = _owned(member_id, reservation_id)
    if res["status"] not in ("confirmed", "applied", "waitlisted"):
        raise Conflict("このご予約はキャンセルできません。", code="not_cancellable")
    now = clock.iso()
    if res["kind"] == "seminar" and str((res.get("slot") or {}).get("starts_at", "")) <= now:
        raise Conflict(STARTED, code="deadline_passed")
    member = known or accounts.get_member(member_id)
    operations = [
        *store.cancel_reservation(res, now),
        store.offering_open(res["offering_id"], now),
        store.keep_cancelled(res, member or {}, now),
    ]
    meanings: list[DomainError] = [Conflict(STALE), Conflict(STALE), Conflict(DEADLINE, code="deadline_passed"), Conflict(STALE)]
    head: WaitItem | None = None
    promoted_member: Mapping[str, Any] | None = None
    if res["status"] == "waitlisted":  # leaving the waiting list: no seat was held
        operations += store.leave_waitlist(res["offering_id"], str(res["slot_id"]), int(res["waitlist_seq"]))
        meanings += [Conflict(STALE), Conflict(STALE)]
    elif res["kind"] == "seminar":
        freed, head, promoted_member = _freed_seat(res["offering_id"], str(res["slot_id"]), now)
        operations += freed
    cancelled: ReservationItem = {**res, "status": "cancelled", "updated_at": now}
    mails = [reservation_mail(member, "reservation_cancelled", cancelled), promotion_mail(head, promoted_member, res["offering_title"], res.get("slot") or {})]
    operations += kept_ops(mails)
    try:
        dynamo.transact(operations)
    except ConditionFailed as exc:
        refusal = _again_or(exc, len(meanings), meanings)
        promoted_meanwhile = res["status"] == "waitlisted" and exc.reasons[:1] == ["ConditionalCheckFailed"]
        if refusal is None or promoted_meanwhile:  # the waiting list changed since it was read (or the slot started)
            raise _Again() from None  # promoted meanwhile: read again and cancel the confirmed reservation
        raise refusal from None
    send_kept(mails)
    return view(cancelled)
