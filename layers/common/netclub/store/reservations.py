"""Offerings, slots, reservations and the per-member-per-offering holder items.

Keys:
- offering     PK=OFFERING#<oid> SK=META           GSI1PK=OFFERINGS GSI1SK=<apply_until>#<oid>
- slot         PK=OFFERING#<oid> SK=SLOT#<sid>     capacity, seats_left, starts_at (conditions)
                                                    GSI2PK=SLOTMONTH#<yyyy-mm> GSI2SK=<date>#<starts_at>#<oid>#<sid>
                                                    (the slots of a Tokyo month: 前日リマインド's day is one Query
                                                    with a prefix, the dashboard's 14 days one or two Queries with a
                                                    range; set when the slot is made and when staff change its
                                                    date; slots written before are re-keyed by SlotIndexFunction)
- reminded     PK=RES#<rid>      SK=REMINDED#<date> the day-before mail of the reservation for that slot day
                                                    (written once, with its outbox mail, in one transaction)
- holder       PK=OFFERING#<oid> SK=HOLDER#<mid>   one live reservation per member and offering
                                                    (a snapshot for the staff list and the lottery)
- cancelled    PK=OFFERING#<oid> SK=CANCELLED#<rid> the holder snapshot of a cancelled reservation,
                                                    written by the cancel transaction (staff list)
- waiting      PK=OFFERING#<oid> SK=WAIT#<sid>#<seq> one per waiting reservation (キャンセル待ち) of a slot, <seq> zero-padded
                                                    in join order: the head of a slot's list is one Query with Limit 1.
                                                    The slot keeps waitlist_seq (the last number given, advanced only
                                                    from the value read: strictly first come, first served) and
                                                    waitlist_count (how many wait now; a seat is taken only while it is 0)
- reservation  PK=RES#<rid>      SK=RES            GSI1PK=RESERVATIONS#<mid> GSI1SK=<created_at>#<rid>
               once attended also GSI2PK=HISTORY#<mid> GSI2SK=<date>#<rid> (利用履歴, contract 2)
An offering with its slots is one Query (SK between META and SLOT#~); holders are one Query too;
the whole partition (the staff list of reservations, cancelled ones included) is one Query.

A reservation id names the offering and the slot it was made for (new_reservation_id: an order-keeping
base64 of its creation time, the two ids' 36 bytes and 6 random ones), so its detail reads the reservation, the offering and that slot in
one BatchGetItem (reservation_with_slot). Ids made before, or of offerings/slots whose ids are not
ids.new_id()'s, are plain ids.new_id(): their reservation is read alone.
"""

from __future__ import annotations

import base64
import re
import secrets
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from netclub import clock, ids
from netclub.store import dynamo
from netclub.store.dynamo import Item, TransactOp
from netclub.store.items import (
    HistoryItem,
    HolderItem,
    Keys,
    OfferingItem,
    ReminderItem,
    ReservationItem,
    SlotItem,
    SlotSnapshot,
    WaitItem,
    every,
    one,
    the,
    unkeyed,
    with_keys,
)

META = "META"


def offering_key(offering_id: str) -> tuple[str, str]:
    return f"OFFERING#{offering_id}", META


def slot_key(offering_id: str, slot_id: str) -> tuple[str, str]:
    return f"OFFERING#{offering_id}", f"SLOT#{slot_id}"


def holder_key(offering_id: str, member_id: str) -> tuple[str, str]:
    return f"OFFERING#{offering_id}", f"HOLDER#{member_id}"


def cancelled_key(offering_id: str, reservation_id: str) -> tuple[str, str]:
    return f"OFFERING#{offering_id}", f"CANCELLED#{reservation_id}"


WAIT_DIGITS = 10


def wait_prefix(slot_id: str) -> str:
    return f"WAIT#{slot_id}#"


def wait_key(offering_id: str, slot_id: str, seq: int) -> tuple[str, str]:
    return f"OFFERING#{offering_id}", f"{wait_prefix(slot_id)}{seq:0{WAIT_DIGITS}d}"


def reservation_key(reservation_id: str) -> tuple[str, str]:
    return f"RES#{reservation_id}", "RES"


_NEW_ID = re.compile(r"[0-9a-f]{36}")  # ids.new_id()
_TIME_BYTES = 6  # milliseconds since the epoch, as ids.new_id() begins
_ID_BYTES = 18
_RANDOM_BYTES = 6
_NAMING_ID = re.compile(r"[A-Za-z0-9_-]{64}")  # 48 bytes in base64 (no padding); a plain id is 36 hex
# base64's 64 characters in ASCII order: the text of an id sorts as its bytes do (time first), as plain ids do
_STANDARD = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_SORTED = b"-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
_TO_SORTED, _FROM_SORTED = bytes.maketrans(_STANDARD, _SORTED), bytes.maketrans(_SORTED, _STANDARD)


def new_reservation_id(offering_id: str, slot_id: str | None) -> str:
    """A new reservation's id, naming its offering and slot (64 characters) when both are ids.new_id()'s:
    the creation time (ms), the two ids and 48 random bits, in an order-keeping base64, so that ids still
    sort by creation time (the lists' tie-break within a second, the calendar feed's order)."""
    if slot_id and _NEW_ID.fullmatch(offering_id) and _NEW_ID.fullmatch(slot_id):
        now_ms = int(clock.now().timestamp() * 1000)
        raw = now_ms.to_bytes(_TIME_BYTES, "big") + bytes.fromhex(offering_id + slot_id) + secrets.token_bytes(_RANDOM_BYTES)
        return base64.urlsafe_b64encode(raw).translate(_TO_SORTED).decode("ascii")
    return ids.new_id()


def reservation_id_parts(reservation_id: str) -> tuple[str, str] | None:
    """The (offering id, slot id) a reservation id names (None: an id of the plain form). Only the keys to
    read with the reservation: whatever they name is used only once that reservation is the caller's and of
    that offering."""
    if not _NAMING_ID.fullmatch(reservation_id):
        return None
    raw = base64.urlsafe_b64decode(reservation_id.encode("ascii").translate(_FROM_SORTED))
    named = raw[_TIME_BYTES:]
    return named[:_ID_BYTES].hex(), named[_ID_BYTES : 2 * _ID_BYTES].hex()


def history_pk(member_id: str) -> str:
    return f"HISTORY#{member_id}"


def plain(item: Item) -> dict[str, Any]:
    return unkeyed(item)


# the items as the services see them: without their key attributes


def _offering(item: Item) -> OfferingItem:
    return unkeyed(the(OfferingItem, item))


def _slot(item: Item) -> SlotItem:
    return unkeyed(the(SlotItem, item))


def _holder(item: Item) -> HolderItem:
    return unkeyed(the(HolderItem, item))


def _reservation(item: Item) -> ReservationItem:
    return unkeyed(the(ReservationItem, item))


# --- reads ------------------------------------------------------------------------------


def offering_with_slots(offering_id: str, consistent: bool = False) -> tuple[OfferingItem | None, list[SlotItem]]:
    """The offering and its slots in one Query (holders excluded by the key range)."""
    pk, _ = offering_key(offering_id)
    items = dynamo.query_all(pk, sk_between=(META, "SLOT#\uffff"), consistent=consistent)
    offering = next((_offering(i) for i in items if i["SK"] == META), None)
    slots = sorted((_slot(i) for i in items if str(i["SK"]).startswith("SLOT#")), key=lambda s: (s["date"], s["start_time"], s["id"]))
    return offering, slots


def holders(offering_id: str, consistent: bool = False) -> list[HolderItem]:
    pk, _ = offering_key(offering_id)
    return [_holder(i) for i in dynamo.query_all(pk, sk_prefix="HOLDER#", consistent=consistent)]


def offering_partition(offering_id: str) -> tuple[OfferingItem | None, list[SlotItem], list[HolderItem], list[HolderItem]]:
    """The offering, its slots, holders (live reservations) and cancelled reservations: one consistent Query."""
    pk, _ = offering_key(offering_id)
    items = dynamo.query_all(pk, consistent=True)
    offering = next((_offering(i) for i in items if i["SK"] == META), None)
    slots = sorted((_slot(i) for i in items if str(i["SK"]).startswith("SLOT#")), key=lambda s: (s["date"], s["start_time"], s["id"]))
    live = [_holder(i) for i in items if str(i["SK"]).startswith("HOLDER#")]
    cancelled = [_holder(i) for i in items if str(i["SK"]).startswith("CANCELLED#")]
    return offering, slots, live, cancelled


def offerings(open_after: str | None) -> list[OfferingItem]:
    """All offerings, or (member list) those whose deadline is after `open_after`, by deadline."""
    if open_after is None:
        return [_offering(i) for i in dynamo.query_all("OFFERINGS", index="GSI1")]
    return [_offering(i) for i in dynamo.query_all("OFFERINGS", index="GSI1", sk_between=(open_after, "\uffff"))]


def holder(offering_id: str, member_id: str) -> HolderItem | None:
    return one(HolderItem, dynamo.get(*holder_key(offering_id, member_id), consistent=True))


def waiting_heads(offering_id: str, slot_id: str, limit: int) -> list[WaitItem]:
    """The earliest `limit` waiting entries of a slot, in join order (one consistent Query)."""
    pk, _ = offering_key(offering_id)
    found, _ = dynamo.query(pk, sk_prefix=wait_prefix(slot_id), limit=limit, consistent=True)
    return [unkeyed(i) for i in every(WaitItem, found)]


def waiting_up_to(offering_id: str, slot_id: str, seq: int) -> int:
    """How many entries of the slot's list wait up to (and including) number `seq`: the position of `seq`."""
    pk, _ = offering_key(offering_id)
    return dynamo.count(pk, sk_between=(wait_prefix(slot_id), wait_key(offering_id, slot_id, seq)[1]), consistent=True)


def get_reservation(reservation_id: str, consistent: bool = False) -> ReservationItem | None:
    item = dynamo.get(*reservation_key(reservation_id), consistent=consistent)
    return _reservation(item) if item else None


def reservations_by_id(reservation_ids: list[str], consistent: bool = False) -> dict[str, ReservationItem]:
    """These reservations (BatchGetItem, 100 a request), by id: those that exist."""
    found = dynamo.batch_get([reservation_key(r) for r in reservation_ids], consistent=consistent)
    return {str(i["PK"]).removeprefix("RES#"): _reservation(i) for i in found}


def reservation_with_slot(
    reservation_id: str, offering_id: str, slot_id: str, with_offering: bool = True
) -> tuple[ReservationItem | None, OfferingItem | None, SlotItem | None]:
    """The reservation, the offering (with_offering) and the slot named by its id (reservation_id_parts): one
    BatchGetItem, strongly consistent. The caller checks that the reservation is the member's and of that offering."""
    res_key, offering, slot = reservation_key(reservation_id), offering_key(offering_id), slot_key(offering_id, slot_id)
    wanted = [res_key, offering, slot] if with_offering else [res_key, slot]
    found = {(str(i["PK"]), str(i["SK"])): i for i in dynamo.batch_get(wanted, consistent=True)}
    res_item, offering_item_, slot_item_ = found.get(res_key), found.get(offering), found.get(slot)
    return (
        _reservation(res_item) if res_item else None,
        _offering(offering_item_) if offering_item_ else None,
        _slot(slot_item_) if slot_item_ else None,
    )


def reservations_of(member_id: str, limit: int, start: dict[str, Any] | None) -> tuple[list[ReservationItem], dict[str, Any] | None]:
    found, last = dynamo.query(f"RESERVATIONS#{member_id}", index="GSI1", forward=False, limit=limit, start_key=start)
    return [_reservation(i) for i in found], last


def history_page(member_id: str, limit: int, start: dict[str, Any] | None) -> tuple[list[HistoryItem], dict[str, Any] | None]:
    """The member's 利用履歴 rows (GSI2 HISTORY#<member id>): attended reservations, inquiries, 商談申込 sent and received."""
    items, last = dynamo.query(history_pk(member_id), index="GSI2", forward=False, limit=limit, start_key=start)
    return every(HistoryItem, items), last


# --- items and transaction operations ---------------------------------------------------


def offering_item(data: OfferingItem) -> OfferingItem:
    pk, sk = offering_key(data["id"])
    return with_keys(data, {"PK": pk, "SK": sk, "GSI1PK": "OFFERINGS", "GSI1SK": f"{data['apply_until']}#{data['id']}"})


SLOT_MONTH = "SLOTMONTH#"


def slot_day_keys(offering_id: str, slot_id: str, day: str, starts_at: str) -> Keys:
    """The slot's place in GSI2: the partition of its Tokyo month, sorted by its date and start (SLOTMONTH#<yyyy-mm>)."""
    return {"GSI2PK": f"{SLOT_MONTH}{day[:7]}", "GSI2SK": f"{day}#{starts_at}#{offering_id}#{slot_id}"}


def slot_item(offering_id: str, data: SlotItem) -> SlotItem:
    pk, sk = slot_key(offering_id, data["id"])
    slot: SlotItem = {**data, "offering_id": offering_id}
    return with_keys(slot, {"PK": pk, "SK": sk, **slot_day_keys(offering_id, data["id"], data["date"], data["starts_at"])})


def slots_on(day: str) -> list[SlotItem]:
    """Every slot on this Tokyo date, of every offering: one Query of its month's partition, by prefix."""
    return [_slot(i) for i in dynamo.query_all(f"{SLOT_MONTH}{day[:7]}", index="GSI2", sk_prefix=f"{day}#")]


def slots_between(first: str, last: str) -> list[SlotItem]:
    """Every slot from the Tokyo date `first` to `last` (both included), in date and start order: one Query per month touched."""
    found: list[SlotItem] = []
    for month in _months(first, last):
        lo, hi = max(first, f"{month}-01"), min(last, f"{month}-31")
        found += [_slot(i) for i in dynamo.query_all(f"{SLOT_MONTH}{month}", index="GSI2", sk_between=(f"{lo}#", f"{hi}#\uffff"))]
    return found


def _months(first: str, last: str) -> list[str]:
    year, month = int(first[:4]), int(first[5:7])
    months = []
    while f"{year:04d}-{month:02d}" <= last[:7]:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def offering_ids() -> list[str]:
    """The id of every offering, past ones included (GSI1 OFFERINGS): the maintenance re-key of slots."""
    return [str(i["PK"]).removeprefix("OFFERING#") for i in dynamo.query_all("OFFERINGS", index="GSI1")]


def slots_of(offering_id: str) -> list[SlotItem]:
    """The slot items of one offering, as stored (consistent Query of its partition, SK prefix SLOT#)."""
    return every(SlotItem, dynamo.query_all(f"OFFERING#{offering_id}", sk_prefix="SLOT#", consistent=True))


def rekey_slot(offering_id: str, slot_id: str, day: str, starts_at: str) -> None:
    """Give a slot its GSI2 keys, only while its date and start are still these (a staff edit meanwhile sets them itself)."""
    pk, sk = slot_key(offering_id, slot_id)
    keys = slot_day_keys(offering_id, slot_id, day, starts_at)
    dynamo.update(
        pk,
        sk,
        "SET GSI2PK = :pk2, GSI2SK = :sk2",
        names={"#d": "date"},
        vals={":pk2": keys["GSI2PK"], ":sk2": keys["GSI2SK"], ":day": day, ":at": starts_at},
        condition="attribute_exists(PK) AND #d = :day AND starts_at = :at",
    )


def open_offerings(offering_ids: set[str], now: str) -> dict[str, str]:
    """The titles of those of these offerings still taking applications (apply_until after now, not drawn): one
    BatchGetItem of their META items (title, apply_until, lottery_status only)."""
    if not offering_ids:
        return {}
    found = dynamo.batch_get([offering_key(o) for o in sorted(offering_ids)], projection=["PK", "title", "apply_until", "lottery_status"])
    return {
        str(i["PK"]).removeprefix("OFFERING#"): str(i.get("title", "")) for i in found if str(i.get("apply_until", "")) > now and not i.get("lottery_status")
    }


def offering_titles(offering_ids: list[str]) -> dict[str, str]:
    """The titles of these offerings (one BatchGetItem of their META items, title only): the staff's dashboard."""
    found = dynamo.batch_get([offering_key(o) for o in offering_ids], projection=["PK", "title"])
    return {str(i["PK"]).removeprefix("OFFERING#"): str(i.get("title", "")) for i in found}


def reminder_key(reservation_id: str, day: str) -> tuple[str, str]:
    return f"RES#{reservation_id}", f"REMINDED#{day}"


def reminder_ops(holder: HolderItem, offering_id: str, day: str, now: str, expires: int) -> list[TransactOp]:
    """The day-before mail's marker (only once per reservation and day) and the check that the reservation
    is still live on a slot of that day (a cancel or a change away in the meantime: no mail)."""
    pk, sk = reminder_key(str(holder["reservation_id"]), day)
    hpk, hsk = holder_key(offering_id, str(holder["member_id"]))
    return [
        dynamo.t_put(ReminderItem(PK=pk, SK=sk, reminded_at=now, slot_id=str(holder["slot_id"]), ttl_epoch=expires), condition="attribute_not_exists(PK)"),
        dynamo.t_check(
            hpk,
            hsk,
            "reservation_id = :rid AND slot_id = :sid AND #st IN (:confirmed, :won)",
            vals={":rid": holder["reservation_id"], ":sid": holder["slot_id"], ":confirmed": "confirmed", ":won": "won"},
            names={"#st": "status"},
        ),
    ]


def reservation_item(data: ReservationItem) -> ReservationItem:
    pk, sk = reservation_key(data["id"])
    return with_keys(data, {"PK": pk, "SK": sk, "GSI1PK": f"RESERVATIONS#{data['member_id']}", "GSI1SK": f"{data['created_at']}#{data['id']}"})


def holder_item(reservation: ReservationItem, member: Mapping[str, Any]) -> HolderItem:
    pk, sk = holder_key(reservation["offering_id"], reservation["member_id"])
    return {
        "PK": pk,
        "SK": sk,
        "reservation_id": reservation["id"],
        "member_id": reservation["member_id"],
        "company_name": member.get("company_name", ""),
        "user_name": member.get("user_name", ""),
        "status": reservation["status"],
        "slot_id": reservation.get("slot_id"),
        "preferences": reservation.get("preferences", []),
        "note": reservation.get("note", ""),
        "created_at": reservation["created_at"],
    }


def erase_snapshot_ops(reservation: ReservationItem, erased: str, at: str) -> list[TransactOp]:
    """削除請求: the member's names and note on the reservation and on the staff list's snapshots of it (the live
    holder, or the cancelled one), each where it exists. Seats, statuses and dates stay."""
    names = "SET company_name = :e, user_name = :blank, note = :blank, erased_at = :at"
    vals = {":e": erased, ":blank": "", ":at": at, ":rid": reservation["id"]}
    return [
        dynamo.t_update(
            *reservation_key(reservation["id"]), "SET note = :blank, erased_at = :at", vals={":blank": "", ":at": at}, condition="attribute_exists(PK)"
        ),
        dynamo.t_update(*holder_key(reservation["offering_id"], reservation["member_id"]), names, vals=vals, condition="reservation_id = :rid"),
        dynamo.t_update(*cancelled_key(reservation["offering_id"], reservation["id"]), names, vals=vals, condition="reservation_id = :rid"),
    ]


def cancelled_item(reservation: ReservationItem, member: Mapping[str, Any], cancelled_at: str) -> HolderItem:
    """What the staff list keeps of a cancelled reservation (the holder snapshot, status cancelled)."""
    pk, sk = cancelled_key(reservation["offering_id"], reservation["id"])
    return {**holder_item(reservation, member), "PK": pk, "SK": sk, "status": "cancelled", "cancelled_at": cancelled_at}


CLOSE_HOLDS_SECONDS = 60  # a staff delete's close (closing_at) older than this was abandoned (a function runs 10 s at most)
NOT_CLOSING = "(attribute_not_exists(closing_at) OR closing_at < :closed_before)"


def _closed_before(now: str) -> str:
    """Closes older than this no longer hold: a delete refused by AWS whose reopen was refused too ends by itself."""
    return clock.iso(datetime.fromisoformat(now) - timedelta(seconds=CLOSE_HOLDS_SECONDS))


def take_seat(offering_id: str, slot_id: str, now: str) -> TransactOp:
    pk, sk = slot_key(offering_id, slot_id)
    return dynamo.t_update(
        pk,
        sk,
        "SET seats_left = seats_left - :one",
        vals={":one": 1, ":zero": 0, ":now": now, ":closed_before": _closed_before(now)},
        condition=f"seats_left > :zero AND starts_at > :now AND {NOT_CLOSING} AND {NOBODY_WAITS}",
    )


NOBODY_WAITS = "(attribute_not_exists(waitlist_count) OR waitlist_count <= :zero)"


def release_seat(offering_id: str, slot_id: str, now: str) -> TransactOp:
    """Give a seat back to sale while the slot has not started, only while nobody waits for it (else: pass_seat)."""
    pk, sk = slot_key(offering_id, slot_id)
    return dynamo.t_update(
        pk, sk, "SET seats_left = seats_left + :one", vals={":one": 1, ":zero": 0, ":now": now}, condition=f"starts_at > :now AND {NOBODY_WAITS}"
    )


def pass_seat(offering_id: str, slot_id: str, now: str) -> TransactOp:
    """A freed seat goes straight to the head of the waiting list (promote_ops): seats_left stays, one fewer waits."""
    pk, sk = slot_key(offering_id, slot_id)
    return dynamo.t_update(
        pk, sk, "SET waitlist_count = waitlist_count - :one", vals={":one": 1, ":now": now}, condition="starts_at > :now AND waitlist_count >= :one"
    )


def join_waitlist(offering_id: str, slot_id: str, seq: int, waiting: int, now: str) -> TransactOp:
    """Number `seq` on the slot's waiting list: only while the slot is full (or others wait), has not started, and
    `seq` follows the number read (two joins never share a number; the later one runs again) with `waiting` ahead
    (so the position answered, waiting + 1, is exact)."""
    pk, sk = slot_key(offering_id, slot_id)
    return dynamo.t_update(
        pk,
        sk,
        "SET waitlist_seq = :seq, waitlist_count = if_not_exists(waitlist_count, :zero) + :one",
        vals={":seq": seq, ":prev": seq - 1, ":waiting": waiting, ":one": 1, ":zero": 0, ":now": now, ":closed_before": _closed_before(now)},
        condition=(
            "(seats_left <= :zero OR waitlist_count > :zero) AND starts_at > :now"
            f" AND {NOT_CLOSING} AND (attribute_not_exists(waitlist_seq) OR waitlist_seq = :prev)"
            " AND (attribute_not_exists(waitlist_count) OR waitlist_count = :waiting)"
        ),
    )


def leave_waitlist(offering_id: str, slot_id: str, seq: int) -> list[TransactOp]:
    """A waiting reservation cancelled: its entry goes, one fewer waits."""
    pk, sk = slot_key(offering_id, slot_id)
    return [
        dynamo.t_delete(*wait_key(offering_id, slot_id, seq), condition="attribute_exists(PK)"),
        dynamo.t_update(pk, sk, "SET waitlist_count = waitlist_count - :one", vals={":one": 1}, condition="waitlist_count >= :one"),
    ]


def wait_item(reservation: ReservationItem) -> WaitItem:
    pk, sk = wait_key(reservation["offering_id"], str(reservation["slot_id"]), int(reservation["waitlist_seq"]))
    return {
        "PK": pk,
        "SK": sk,
        "seq": int(reservation["waitlist_seq"]),
        "reservation_id": reservation["id"],
        "member_id": reservation["member_id"],
        "created_at": reservation["created_at"],
    }


def promote_ops(offering_id: str, slot_id: str, entry: WaitItem, now: str) -> list[TransactOp]:
    """The waiting reservation of `entry` becomes confirmed: only if it still waits on this slot (it may have left)."""
    pk, sk = reservation_key(entry["reservation_id"])
    hpk, hsk = holder_key(offering_id, entry["member_id"])
    seq = int(entry["seq"])
    return [
        dynamo.t_update(
            pk,
            sk,
            "SET #st = :confirmed, updated_at = :now, promoted_at = :now",
            vals={":confirmed": "confirmed", ":waiting": "waitlisted", ":slot": slot_id, ":now": now},
            names={"#st": "status"},
            condition="#st = :waiting AND slot_id = :slot",
        ),
        dynamo.t_update(
            hpk,
            hsk,
            "SET #st = :confirmed",
            vals={":confirmed": "confirmed", ":rid": entry["reservation_id"]},
            names={"#st": "status"},
            condition="reservation_id = :rid",
        ),
        dynamo.t_delete(*wait_key(offering_id, slot_id, seq), condition="attribute_exists(PK)"),
    ]


def offering_open(offering_id: str, now: str) -> TransactOp:
    """The offering exists, its deadline has not passed, no lottery has been drawn and staff are not deleting it."""
    pk, sk = offering_key(offering_id)
    return dynamo.t_check(
        pk,
        sk,
        f"attribute_exists(PK) AND apply_until > :now AND attribute_not_exists(lottery_status) AND {NOT_CLOSING}",
        vals={":now": now, ":closed_before": _closed_before(now)},
    )


def close_for_delete(offering_id: str, now: str) -> None:
    """Staff delete, first step: from now on no application, change or cancel commits (offering_open fails)."""
    dynamo.update(*offering_key(offering_id), "SET closing_at = :now", vals={":now": now}, condition="attribute_exists(PK)")


def reopen(offering_id: str) -> None:
    dynamo.update(*offering_key(offering_id), "REMOVE closing_at", condition="attribute_exists(PK)")


def slot_exists(offering_id: str, slot_id: str, now: str) -> TransactOp:
    """The slot can be chosen: it exists and staff are not deleting it."""
    return dynamo.t_check(*slot_key(offering_id, slot_id), f"attribute_exists(PK) AND {NOT_CLOSING}", vals={":closed_before": _closed_before(now)})


def close_slot_for_delete(offering_id: str, slot_id: str, now: str) -> None:
    """Staff slot delete, first step: from now on no application can choose the slot."""
    dynamo.update(*slot_key(offering_id, slot_id), "SET closing_at = :now", vals={":now": now}, condition="attribute_exists(PK)")


def reopen_slot(offering_id: str, slot_id: str) -> None:
    dynamo.update(*slot_key(offering_id, slot_id), "REMOVE closing_at", condition="attribute_exists(PK)")


def edit_slot(offering_id: str, slot_id: str, data: SlotItem, capacity: int, old_capacity: int, promoted: int, waiting: int, now: str) -> TransactOp:
    """Staff edit of a slot as read (capacity `old_capacity`, `waiting` on its list): never below the seats taken;
    `promoted` of the freed seats go to the head of the waiting list (promote_ops), the rest on sale."""
    pk, sk = slot_key(offering_id, slot_id)
    condition = "#cap = :old AND seats_left >= :need AND " + ("waitlist_count = :waiting" if waiting else NOBODY_WAITS)
    vals = {
        ":d": data["date"],
        ":s": data["start_time"],
        ":e": data["end_time"],
        ":p": data["place"],
        ":at": data["starts_at"],
        ":c": capacity,
        ":delta": capacity - old_capacity - promoted,
        ":old": old_capacity,
        ":need": old_capacity - capacity + promoted,
        ":promoted": promoted,
        ":zero": 0,
    }
    day = slot_day_keys(offering_id, slot_id, data["date"], data["starts_at"])  # the slot moves with its date (前日リマインド, dashboard)
    vals |= {":daypk": day["GSI2PK"], ":daysk": day["GSI2SK"]}
    if waiting:
        vals[":waiting"] = waiting
    if promoted:
        condition += " AND starts_at > :now"
        vals[":now"] = now
    return dynamo.t_update(
        pk,
        sk,
        "SET #d = :d, start_time = :s, end_time = :e, place = :p, starts_at = :at, #cap = :c, seats_left = seats_left + :delta,"
        " waitlist_count = if_not_exists(waitlist_count, :zero) - :promoted, GSI2PK = :daypk, GSI2SK = :daysk",
        names={"#d": "date", "#cap": "capacity"},
        vals=vals,
        condition=condition,
    )


def delete_free_slot(offering_id: str, slot_id: str) -> TransactOp:
    """Delete a slot only while no seat of it is taken (seats_left = capacity)."""
    return dynamo.t_delete(*slot_key(offering_id, slot_id), condition="seats_left = #cap", names={"#cap": "capacity"})


# --- offerings and slots made, edited and deleted by staff ------------------------------------


def create_offering(data: OfferingItem) -> TransactOp:
    return dynamo.t_put(offering_item(data), condition="attribute_not_exists(PK)")


def update_offering(offering_id: str, title: str, description: str, apply_until: str) -> TransactOp:
    """The offering's texts and deadline (GSI1SK sorts the list by deadline); only while it exists."""
    return dynamo.t_update(
        *offering_key(offering_id),
        "SET title = :t, description = :d, apply_until = :a, GSI1SK = :g",
        vals={":t": title, ":d": description, ":a": apply_until, ":g": f"{apply_until}#{offering_id}"},
        condition="attribute_exists(PK)",
    )


def delete_offering(offering_id: str) -> TransactOp:
    return dynamo.t_delete(*offering_key(offering_id), condition="attribute_exists(PK)")


def delete_cancelled(offering_id: str, reservation_id: str) -> None:
    dynamo.delete(*cancelled_key(offering_id, reservation_id))


def create_slot(offering_id: str, data: SlotItem) -> list[TransactOp]:
    """A new slot, only while its offering exists."""
    return [
        dynamo.t_put(slot_item(offering_id, data), condition="attribute_not_exists(PK)"),
        dynamo.t_check(*offering_key(offering_id), "attribute_exists(PK)"),
    ]


def get_slot(offering_id: str, slot_id: str, consistent: bool = False) -> SlotItem | None:
    return one(SlotItem, dynamo.get(*slot_key(offering_id, slot_id), consistent=consistent))


def get_offering(offering_id: str) -> OfferingItem | None:
    return one(OfferingItem, dynamo.get(*offering_key(offering_id)))


def slots_by_key(pairs: list[tuple[str, str]]) -> list[SlotItem]:
    """Slots named by (offering id, slot id), in one BatchGetItem per 100."""
    return every(SlotItem, dynamo.batch_get([slot_key(oid, sid) for oid, sid in pairs]))


# --- a member's reservation made, changed, cancelled; attended (staff) --------------------------


def create_reservation(reservation: ReservationItem, member: Mapping[str, Any]) -> list[TransactOp]:
    """The reservation and its holder item (one live reservation per member and offering: the holder's put fails)."""
    return [
        dynamo.t_put(reservation_item(reservation), condition="attribute_not_exists(PK)"),
        dynamo.t_put(holder_item(reservation, member), condition="attribute_not_exists(PK)"),
    ]


def add_to_waitlist(reservation: ReservationItem) -> TransactOp:
    return dynamo.t_put(wait_item(reservation), condition="attribute_not_exists(PK)")


def move_to_slot(
    reservation_id: str, offering_id: str, member_id: str, old_slot_id: str, new_slot_id: str, snapshot: SlotSnapshot, now: str, note: str | None = None
) -> list[TransactOp]:
    """A confirmed seminar reservation moves from `old_slot_id` (as read) to `new_slot_id` (and its note changes
    when `note` is given); its place in the old slot's queue (waitlist_seq, a promoted reservation's) goes."""
    vals: dict[str, Any] = {":new": new_slot_id, ":slot": snapshot, ":now": now, ":old": old_slot_id, ":st": "confirmed"}
    holder_vals: dict[str, Any] = {":new": new_slot_id}
    noted = ""
    if note is not None:
        vals[":n"] = holder_vals[":n"] = note
        noted = ", note = :n"
    return [
        dynamo.t_update(
            *reservation_key(reservation_id),
            f"SET slot_id = :new, slot = :slot, updated_at = :now{noted} REMOVE waitlist_seq",
            vals=vals,
            names={"#st": "status"},
            condition="#st = :st AND slot_id = :old",
        ),
        dynamo.t_update(*holder_key(offering_id, member_id), f"SET slot_id = :new{noted}", vals=holder_vals, condition="attribute_exists(PK)"),
    ]


def change_seminar_note(reservation_id: str, offering_id: str, member_id: str, slot_id: str, note: str, now: str) -> list[TransactOp]:
    """A confirmed seminar reservation's note (ご希望・ご相談内容) only, on the slot it was read on."""
    return [
        dynamo.t_update(
            *reservation_key(reservation_id),
            "SET note = :n, updated_at = :now",
            vals={":n": note, ":now": now, ":slot": slot_id, ":st": "confirmed"},
            names={"#st": "status"},
            condition="#st = :st AND slot_id = :slot",
        ),
        dynamo.t_update(*holder_key(offering_id, member_id), "SET note = :n", vals={":n": note}, condition="attribute_exists(PK)"),
    ]


def change_preferences(
    reservation_id: str, offering_id: str, member_id: str, preferences: list[str], snapshots: list[SlotSnapshot], note: str, now: str
) -> list[TransactOp]:
    """A counselling application's wished dates and note, only while it is still `applied` (not drawn)."""
    return [
        dynamo.t_update(
            *reservation_key(reservation_id),
            "SET preferences = :p, preference_snapshots = :ps, note = :n, updated_at = :now",
            vals={":p": preferences, ":ps": snapshots, ":n": note, ":now": now, ":st": "applied"},
            names={"#st": "status"},
            condition="#st = :st",
        ),
        dynamo.t_update(
            *holder_key(offering_id, member_id), "SET preferences = :p, note = :n", vals={":p": preferences, ":n": note}, condition="attribute_exists(PK)"
        ),
    ]


def cancel_reservation(reservation: ReservationItem, now: str) -> list[TransactOp]:
    """The reservation cancelled while its status (and a seminar's slot) are as read; its holder item goes."""
    vals: dict[str, Any] = {":st": reservation["status"], ":cancelled": "cancelled", ":now": now}
    condition = "#st = :st"
    if reservation["kind"] == "seminar":
        condition += " AND slot_id = :slot"
        vals[":slot"] = reservation["slot_id"]
    return [
        dynamo.t_update(
            *reservation_key(reservation["id"]),
            "SET #st = :cancelled, updated_at = :now, cancelled_at = :now",
            vals=vals,
            names={"#st": "status"},
            condition=condition,
        ),
        dynamo.t_delete(*holder_key(reservation["offering_id"], reservation["member_id"]), condition="reservation_id = :rid", vals={":rid": reservation["id"]}),
    ]


def keep_cancelled(reservation: ReservationItem, member: Mapping[str, Any], now: str) -> TransactOp:
    """The staff list keeps cancelled reservations."""
    return dynamo.t_put(cancelled_item(reservation, member, now))


def mark_attended(reservation: ReservationItem, now: str) -> list[TransactOp]:
    """Staff mark a reservation attended (while its status is as read): it joins the member's 利用履歴 (GSI2)."""
    day = str((reservation.get("slot") or {})["date"])  # staff mark only a reservation with its slot
    return [
        dynamo.t_update(
            *reservation_key(reservation["id"]),
            "SET #st = :attended, attended_at = :now, updated_at = :now, GSI2PK = :hpk, GSI2SK = :hsk,"
            " history_type = :type, history_title = :title, history_date = :day, history_status = :attended, ref_id = :rid",
            names={"#st": "status"},
            vals={
                ":attended": "attended",
                ":now": now,
                ":hpk": history_pk(reservation["member_id"]),
                ":hsk": f"{day}#{reservation['id']}",
                ":type": reservation["kind"],
                ":title": reservation.get("offering_title", ""),
                ":day": day,
                ":rid": reservation["id"],
                ":st": reservation["status"],
            },
            condition="#st = :st",
        ),
        dynamo.t_update(
            *holder_key(reservation["offering_id"], reservation["member_id"]), "SET #st = :attended", names={"#st": "status"}, vals={":attended": "attended"}
        ),
    ]


# --- the lottery (専門家カウンセリング) ----------------------------------------------------------


def start_lottery(offering_id: str, seed: int, now: str, staff_id: str) -> None:
    """Marks the draw begun with its seed (an interrupted draw resumes with it); ConditionFailed when it was begun."""
    dynamo.update(
        *offering_key(offering_id),
        "SET lottery_status = :drawing, lottery_seed = :seed, lottery_started_at = :now, lottery_by = :by",
        vals={":drawing": "drawing", ":seed": seed, ":now": now, ":by": staff_id},
        condition="attribute_exists(PK) AND attribute_not_exists(lottery_status)",
    )


def lottery_drawn(offering_id: str, now: str) -> TransactOp:
    """The draw finished (only once: from `drawing`; a second worker on the same draw meets the condition)."""
    return dynamo.t_update(
        *offering_key(offering_id),
        "SET lottery_status = :drawn, lottery_at = :now",
        vals={":drawn": "drawn", ":drawing": "drawing", ":now": now},
        condition="lottery_status = :drawing",
    )


def draw_result(reservation_id: str, offering_id: str, member_id: str, slot_id: str | None, snapshot: SlotSnapshot | None, now: str) -> list[TransactOp]:
    """One applicant won `slot_id` (a seat taken while one is left) or lost (None); only while still `applied`
    (a resumed draw skips those it applied)."""
    status = "won" if slot_id else "lost"
    operations = [
        dynamo.t_update(
            *reservation_key(reservation_id),
            "SET #st = :status, slot_id = :slot, slot = :snap, updated_at = :now",
            names={"#st": "status"},
            vals={":status": status, ":slot": slot_id, ":snap": snapshot, ":now": now, ":applied": "applied"},
            condition="#st = :applied",
        ),
        dynamo.t_update(
            *holder_key(offering_id, member_id), "SET #st = :status, slot_id = :slot", names={"#st": "status"}, vals={":status": status, ":slot": slot_id}
        ),
    ]
    if slot_id:
        operations.append(
            dynamo.t_update(*slot_key(offering_id, slot_id), "SET seats_left = seats_left - :one", vals={":one": 1, ":zero": 0}, condition="seats_left > :zero")
        )
    return operations
