"""Reservations (予約確認・変更 / 予約変更 / 予約キャンセル): seminars first come first served, counselling by lottery.

Every write is one DynamoDB transaction:
- apply (seminar): put reservation + put holder (one per member and offering) + seat decrement
  (condition seats_left > 0 and slot not started) + offering check (deadline, no lottery yet).
- change (seminar): reservation update (condition: still on the old slot) + release old seat +
  take new seat + holder update + offering check, so no interleaving can overbook or lose a seat.
- cancel: reservation update + holder delete + seat release (seminar) + offering check.
"""

from __future__ import annotations

from typing import Any

from netclub import clock, idempotency, ids, mail
from netclub.config import get_settings
from netclub.cursor import decode, encode
from netclub.errors import Conflict, DomainError, NotFound, invalid
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
from netclub.store import accounts, dynamo
from netclub.store import reservations as store
from netclub.store.dynamo import ConditionFailed, Item

NOT_FOUND = "ご予約が見つかりません。"
OFFERING_NOT_FOUND = "お申込み対象のセミナー・相談が見つかりません。"
SLOT_FULL = "申し訳ありません。選択された日程は満席です。別の日程をお選びください。"
ALREADY = "このセミナー・相談には、すでにお申込み済みです。「予約確認・変更」からご予約内容をご確認ください。"
DEADLINE = "申込期限を過ぎているため、お申込み・変更・キャンセルはできません。"
STARTED = "開始時刻を過ぎた日程のため、お申込み・変更・キャンセルはできません。"
STALE = "ご予約の状態が変わりました。画面を更新して、もう一度お試しください。"


def slot_starts_at(date: str, start_time: str) -> str:
    return f"{date}T{start_time}:00+09:00"


def slot_view(slot: dict[str, Any]) -> Slot:
    return Slot(**{k: slot[k] for k in ("id", "date", "start_time", "end_time", "place", "capacity", "seats_left")})


def _snapshot(slot: dict[str, Any]) -> dict[str, Any]:
    return {k: slot[k] for k in ("id", "date", "start_time", "end_time", "place", "capacity", "seats_left", "starts_at")}


def offering_view(offering: dict[str, Any]) -> Offering:
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


def view(res: dict[str, Any], offering: dict[str, Any] | None = None, slots: list[Item] | None = None) -> Reservation:
    """The reservation as the member sees it; with the offering's live data when given (detail)."""
    now = clock.iso()
    live = {s["id"]: s for s in slots or []}
    apply_until = str((offering or res).get("apply_until", ""))
    drawn = bool(offering and offering.get("lottery_status"))
    slot_data = live.get(res.get("slot_id") or "") or res.get("slot")
    open_ = apply_until > now and not drawn
    if res["kind"] == "seminar":
        movable = res["status"] == "confirmed" and open_ and bool(slot_data) and str(slot_data.get("starts_at", "")) > now  # type: ignore[union-attr]
        can_change = can_cancel = movable
    else:
        can_change = can_cancel = res["status"] == "applied" and open_
    return Reservation(
        id=res["id"],
        offering_id=res["offering_id"],
        offering_title=str((offering or res).get("title" if offering else "offering_title", "")),
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
    )


def _owned(member_id: str, reservation_id: str) -> dict[str, Any]:
    res = store.get_reservation(reservation_id, consistent=True)
    if not res or res.get("member_id") != member_id:
        raise NotFound(NOT_FOUND)  # another member's reservation answers exactly like a missing one
    return res


def list_mine(member_id: str, cursor: str | None, limit: int = 50) -> ReservationList:
    found, last = store.reservations_of(member_id, limit, decode(cursor))
    return ReservationList(items=[view(r) for r in found], next_cursor=encode(last))


def detail(member_id: str, reservation_id: str) -> Reservation:
    res = _owned(member_id, reservation_id)
    offering, slots = store.offering_with_slots(res["offering_id"])
    return view(res, offering, slots)


# --- rules shared by apply and change -----------------------------------------------------


def _check_open(offering: dict[str, Any], now: str) -> None:
    if offering["apply_until"] <= now or offering.get("lottery_status"):
        raise Conflict(DEADLINE, code="deadline_passed")


def _seminar_slot(slots: dict[str, Item], slot_id: str | None, now: str) -> Item:
    if not slot_id:
        raise invalid("slot_id", "日程を選択してください。")
    slot = slots.get(slot_id)
    if not slot:
        raise invalid("slot_id", "選択された日程が見つかりません。")
    if slot["starts_at"] <= now:
        raise Conflict(STARTED, code="deadline_passed")
    if int(slot["seats_left"]) <= 0:
        raise Conflict(SLOT_FULL, code="slot_full")
    return slot


def _preferences(slots: dict[str, Item], preferences: list[str] | None) -> list[str]:
    if not preferences:
        raise invalid("preferences", "第一希望の日程を選択してください。")
    if len(set(preferences)) != len(preferences):
        raise invalid("preferences", "第一希望と第二希望には別の日程を選択してください。")
    if any(p not in slots for p in preferences):
        raise invalid("preferences", "選択された日程が見つかりません。")
    return list(preferences)


def _preference_snapshots(slots: dict[str, Item], preferences: list[str]) -> list[dict[str, Any]]:
    """Date, time and place of the chosen slots, kept on the reservation so later mails (cancel) can name them."""
    return [{k: slots[p][k] for k in ("id", "date", "start_time", "end_time", "place")} for p in preferences]


def _explain(exc: ConditionFailed, meanings: list[DomainError]) -> DomainError:
    """The first failed condition of a transaction, as the member's error."""
    for reason, meaning in zip(exc.reasons, meanings, strict=False):
        if reason == "ConditionalCheckFailed":
            return meaning
    return Conflict(STALE)


def _seat_error(slot: Item, now: str) -> DomainError:
    return Conflict(STARTED, code="deadline_passed") if slot["starts_at"] <= now else Conflict(SLOT_FULL, code="slot_full")


def _details(res: dict[str, Any], slots: dict[str, Item] | None = None) -> str:
    if res.get("slot"):  # a seminar seat, or the slot a counselling lottery assigned
        s = res["slot"]
        return f"日程：{s['date']} {s['start_time']}〜{s['end_time']}\n場所：{s['place']}"
    lines = []
    known = {s["id"]: s for s in res.get("preference_snapshots") or []} | (slots or {})
    for label, slot_id in zip(("第一希望", "第二希望"), res.get("preferences") or [], strict=False):
        s = known.get(slot_id)
        lines.append(f"{label}：{s['date']} {s['place']}" if s else f"{label}：（日程は「予約確認・変更」でご確認ください）")
    if res.get("note"):
        lines.append(f"ご希望・ご相談内容：{res['note']}")
    return "\n".join(lines)


def notify(member: dict[str, Any] | None, template: str, res: dict[str, Any], slots: dict[str, Item] | None = None) -> None:
    if not member:
        return
    mail.send(
        member["email"],
        template,
        company_name=member.get("company_name", ""),
        user_name=member.get("user_name", ""),
        title=res.get("offering_title", ""),
        details=_details(res, slots),
        reservation_id=res["id"],
        link=f"{get_settings().need('frontend_url')}/reservations/{res['id']}",
        about=f"reservation:{res['id']}",
    )


# --- apply --------------------------------------------------------------------------------


def apply(member_id: str, body: ReservationCreate, idempotency_key: str | None) -> Reservation:
    key = idempotency.check_key(idempotency_key)
    result = idempotency.once(member_id, key, body.model_dump(mode="json"), lambda: _apply(member_id, body, key).model_dump(mode="json"))
    return Reservation(**result)


def _same_request(member_id: str, offering_id: str, key: str) -> dict[str, Any] | None:
    """The reservation an earlier request with this Idempotency-Key made, when Powertools' record of it was lost
    (the idempotency table throttled after the commit): the repeat answers it instead of already_reserved."""
    holder = store.holder(offering_id, member_id)
    res = store.get_reservation(str(holder["reservation_id"]), consistent=True) if holder else None
    return res if res and res.get("request_key") == ids.digest(key) else None


def _apply(member_id: str, body: ReservationCreate, key: str | None = None) -> Reservation:
    offering, slot_list = store.offering_with_slots(body.offering_id)
    if not offering:
        raise invalid("offering_id", OFFERING_NOT_FOUND)
    first = _same_request(member_id, offering["id"], key) if key else None
    if first:
        return view(first)
    now = clock.iso()
    _check_open(offering, now)
    slots = {s["id"]: s for s in slot_list}
    res: dict[str, Any] = {
        "id": ids.new_id(),
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
    member = accounts.get_member(member_id)
    if offering["kind"] == "seminar":
        slot = _seminar_slot(slots, body.slot_id, now)
        res.update(status="confirmed", slot_id=slot["id"], slot=_snapshot({**slot, "seats_left": int(slot["seats_left"]) - 1}), preferences=[])
        seat_ops = [store.take_seat(offering["id"], slot["id"], now)]
        seat_errors: list[DomainError] = [_seat_error(slot, now)]
    else:
        res.update(status="applied", slot_id=None, slot=None, preferences=_preferences(slots, body.preferences or ([body.slot_id] if body.slot_id else None)))
        res["preference_snapshots"] = _preference_snapshots(slots, res["preferences"])
        seat_ops = [store.slot_exists(offering["id"], p, now) for p in res["preferences"]]
        seat_errors = [invalid("preferences", "選択された日程が見つかりません。")] * len(seat_ops)
    operations = [
        dynamo.t_put(store.reservation_item(res), condition="attribute_not_exists(PK)"),
        dynamo.t_put(store.holder_item(res, member or {}), condition="attribute_not_exists(PK)"),
        store.offering_open(offering["id"], now),
        *seat_ops,
    ]
    try:
        dynamo.transact(operations)
    except ConditionFailed as exc:
        raise _explain(exc, [Conflict(STALE), Conflict(ALREADY, code="already_reserved"), Conflict(DEADLINE, code="deadline_passed"), *seat_errors]) from None
    notify(member, "reservation_applied" if res["kind"] == "seminar" else "counseling_applied", res, slots)
    return view(res)


# --- change -------------------------------------------------------------------------------


def change(member_id: str, reservation_id: str, body: ReservationChange) -> Reservation:
    res = _owned(member_id, reservation_id)
    offering, slot_list = store.offering_with_slots(res["offering_id"])
    if not offering:
        raise NotFound(OFFERING_NOT_FOUND)
    now = clock.iso()
    slots = {s["id"]: s for s in slot_list}
    expected = "confirmed" if res["kind"] == "seminar" else "applied"
    if res["status"] != expected:
        raise Conflict("このご予約は変更できません。", code="not_changeable")
    _check_open(offering, now)
    pk, sk = store.reservation_key(reservation_id)
    hpk, hsk = store.holder_key(res["offering_id"], member_id)
    if res["kind"] == "seminar":
        old = slots.get(res["slot_id"]) or res["slot"]
        if old["starts_at"] <= now:
            raise Conflict(STARTED, code="deadline_passed")
        if body.slot_id == res["slot_id"]:
            return view(res, offering, slot_list)
        new = _seminar_slot(slots, body.slot_id, now)
        updated = {**res, "slot_id": new["id"], "slot": _snapshot({**new, "seats_left": int(new["seats_left"]) - 1}), "updated_at": now}
        operations = [
            dynamo.t_update(
                pk,
                sk,
                "SET slot_id = :new, slot = :slot, updated_at = :now",
                vals={":new": new["id"], ":slot": updated["slot"], ":now": now, ":old": res["slot_id"], ":st": "confirmed"},
                names={"#st": "status"},
                condition="#st = :st AND slot_id = :old",
            ),
            store.release_seat(res["offering_id"], res["slot_id"], now),
            store.take_seat(res["offering_id"], new["id"], now),
            dynamo.t_update(hpk, hsk, "SET slot_id = :new", vals={":new": new["id"]}, condition="attribute_exists(PK)"),
            store.offering_open(res["offering_id"], now),
        ]
        meanings: list[DomainError] = [Conflict(STALE), Conflict(STARTED, code="deadline_passed"), _seat_error(new, now), Conflict(STALE)]
    else:
        preferences = _preferences(slots, body.preferences) if body.preferences is not None else res["preferences"]
        note = body.note if body.note is not None else res.get("note", "")
        snapshots = _preference_snapshots(slots, preferences)
        updated = {**res, "preferences": preferences, "preference_snapshots": snapshots, "note": note, "updated_at": now}
        operations = [
            dynamo.t_update(
                pk,
                sk,
                "SET preferences = :p, preference_snapshots = :ps, note = :n, updated_at = :now",
                vals={":p": preferences, ":ps": snapshots, ":n": note, ":now": now, ":st": "applied"},
                names={"#st": "status"},
                condition="#st = :st",
            ),
            dynamo.t_update(hpk, hsk, "SET preferences = :p, note = :n", vals={":p": preferences, ":n": note}, condition="attribute_exists(PK)"),
            store.offering_open(res["offering_id"], now),
            *[store.slot_exists(res["offering_id"], p, now) for p in preferences],
        ]
        meanings = [Conflict(STALE), Conflict(STALE)]
    member = accounts.get_member(member_id)  # read before the commit: after it, nothing may fail the answer
    try:
        dynamo.transact(operations)
    except ConditionFailed as exc:
        raise _explain(exc, [*meanings, Conflict(DEADLINE, code="deadline_passed")]) from None
    notify(member, "reservation_changed", updated, slots)
    return view(updated, offering, _after_change(slot_list, res, updated))


def _after_change(slot_list: list[Item], before: dict[str, Any], after: dict[str, Any]) -> list[Item]:
    """The slots as the committed transaction left them (no re-read): a seminar move gave one seat back and took one."""
    if before["kind"] != "seminar":
        return slot_list
    delta = {before["slot_id"]: 1, after["slot_id"]: -1}
    return [{**s, "seats_left": int(s["seats_left"]) + delta[s["id"]]} if s["id"] in delta else s for s in slot_list]


# --- cancel -------------------------------------------------------------------------------


def cancel(member_id: str, reservation_id: str) -> Reservation:
    res = _owned(member_id, reservation_id)
    if res["status"] not in ("confirmed", "applied"):
        raise Conflict("このご予約はキャンセルできません。", code="not_cancellable")
    now = clock.iso()
    if res["kind"] == "seminar" and str((res.get("slot") or {}).get("starts_at", "")) <= now:
        raise Conflict(STARTED, code="deadline_passed")
    pk, sk = store.reservation_key(reservation_id)
    hpk, hsk = store.holder_key(res["offering_id"], member_id)
    condition_vals: dict[str, Any] = {":st": res["status"], ":cancelled": "cancelled", ":now": now}
    condition = "#st = :st"
    if res["kind"] == "seminar":
        condition += " AND slot_id = :slot"
        condition_vals[":slot"] = res["slot_id"]
    operations = [
        dynamo.t_update(
            pk, sk, "SET #st = :cancelled, updated_at = :now, cancelled_at = :now", vals=condition_vals, names={"#st": "status"}, condition=condition
        ),
        dynamo.t_delete(hpk, hsk, condition="reservation_id = :rid", vals={":rid": reservation_id}),
        store.offering_open(res["offering_id"], now),
    ]
    if res["kind"] == "seminar":
        operations.append(store.release_seat(res["offering_id"], res["slot_id"], now))
    member = accounts.get_member(member_id)
    operations.append(dynamo.t_put(store.cancelled_item(res, member or {}, now)))  # the staff list keeps cancelled ones
    try:
        dynamo.transact(operations)
    except ConditionFailed as exc:
        raise _explain(exc, [Conflict(STALE), Conflict(STALE), Conflict(DEADLINE, code="deadline_passed"), Conflict(STARTED, code="deadline_passed")]) from None
    cancelled = {**res, "status": "cancelled", "updated_at": now}
    notify(member, "reservation_cancelled", cancelled)
    return view(cancelled)
