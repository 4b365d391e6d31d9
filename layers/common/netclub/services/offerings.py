"""Staff: offerings and their slots (capacity never below the seats taken), every write audit-logged."""

from __future__ import annotations

from collections.abc import Callable

from aws_lambda_powertools import Logger

from netclub import clock, ids
from netclub.errors import Busy, Conflict, NotFound, invalid
from netclub.models.content import Deleted
from netclub.models.reservations import AdminReservation, AdminReservationList, OfferingDetail, OfferingIn, OfferingList, Slot, SlotIn
from netclub.services import audit, reservations
from netclub.services.reservations import OFFERING_NOT_FOUND, offering_view, slot_starts_at, slot_view
from netclub.store import accounts, dynamo
from netclub.store import reservations as store
from netclub.store.dynamo import ConditionFailed
from netclub.store.items import OfferingItem, SlotItem

SLOT_NOT_FOUND = "日程が見つかりません。"
logger = Logger(service="netclub", child=True)


def _offering(offering_id: str) -> tuple[OfferingItem, list[SlotItem]]:
    offering, slots = store.offering_with_slots(offering_id, consistent=True)
    if not offering:
        raise NotFound(OFFERING_NOT_FOUND)
    return offering, slots


def all_offerings() -> OfferingList:
    return OfferingList(items=[offering_view(o) for o in reversed(store.offerings(open_after=None))])


def detail(offering_id: str) -> OfferingDetail:
    offering, slots = _offering(offering_id)
    return OfferingDetail(**offering_view(offering).model_dump(), slots=[slot_view(s) for s in slots])


def reservations_of(offering_id: str) -> AdminReservationList:
    """Every reservation of an offering: live ones (applied, confirmed, won, lost, attended) oldest first,
    then cancelled ones in the order they were cancelled. One Query of the offering's partition."""
    offering, _, live, cancelled = store.offering_partition(offering_id)
    if not offering:
        raise NotFound(OFFERING_NOT_FOUND)
    ordered = sorted(live, key=lambda h: (h["created_at"], h["reservation_id"]))
    ordered += sorted(cancelled, key=lambda h: (h["cancelled_at"], h["reservation_id"]))
    return AdminReservationList(
        items=[
            AdminReservation(
                reservation_id=h["reservation_id"],
                number=ids.reference(str(h["reservation_id"])),
                member_id=h["member_id"],
                company_name=h.get("company_name", ""),
                user_name=h.get("user_name", ""),
                status=h["status"],
                slot_id=h.get("slot_id"),
                preferences=list(h.get("preferences") or []),
                note=h.get("note", ""),
                created_at=h["created_at"],
                cancelled_at=h.get("cancelled_at"),
            )
            for h in ordered
        ]
    )


def create(staff_id: str, body: OfferingIn) -> OfferingDetail:
    data: OfferingItem = {
        "id": ids.new_id(),
        "kind": body.kind,
        "title": body.title,
        "description": body.description,
        "apply_until": clock.iso(body.apply_until),
    }
    dynamo.transact(
        [
            store.create_offering(data),
            audit.op(staff_id, "offering.create", f"offering:{data['id']}", {"title": body.title}),
        ]
    )
    return OfferingDetail(**offering_view(data).model_dump(), slots=[])


def update(staff_id: str, offering_id: str, body: OfferingIn) -> OfferingDetail:
    offering, slots = _offering(offering_id)
    if body.kind != offering["kind"]:
        raise invalid("kind", "種別（セミナー／専門家カウンセリング）は変更できません。")
    apply_until = clock.iso(body.apply_until)
    try:
        dynamo.transact(
            [
                store.update_offering(offering_id, body.title, body.description, apply_until),
                audit.op(staff_id, "offering.update", f"offering:{offering_id}", {"title": body.title, "apply_until": apply_until}),
            ]
        )
    except ConditionFailed:
        raise NotFound(OFFERING_NOT_FOUND) from None
    updated: OfferingItem = {**offering, "title": body.title, "description": body.description, "apply_until": apply_until}
    return OfferingDetail(**offering_view(updated).model_dump(), slots=[slot_view(s) for s in slots])


def _undo(step: Callable[[], None]) -> None:
    """A step that must not change the answer: taking back the first step of a refused delete (if AWS refuses
    that too, a repeated delete still works: closing again is allowed), or tidying after a commit."""
    try:
        step()
    except Exception as exc:
        logger.warning("tidying step not done", extra={"error": type(exc).__name__})


def delete(staff_id: str, offering_id: str) -> Deleted:
    # Close it first, so that an application racing with this delete either committed before
    # (and the consistent read below sees it) or is refused: no reservation left without its offering.
    try:
        store.close_for_delete(offering_id, clock.iso())
    except ConditionFailed:
        raise NotFound(OFFERING_NOT_FOUND) from None
    try:
        offering, slots, live, cancelled = store.offering_partition(offering_id)
        if not offering:
            raise NotFound(OFFERING_NOT_FOUND)
        if live:
            raise Conflict("お申込みのあるセミナー・相談は削除できません。先にお申込みのキャンセルをご案内ください。", code="has_reservations")
        operations = [store.delete_offering(offering_id)]
        operations += [store.delete_free_slot(offering_id, s["id"]) for s in slots]
        operations.append(audit.op(staff_id, "offering.delete", f"offering:{offering_id}"))
        try:
            dynamo.transact(operations)
        except ConditionFailed:
            raise Conflict("お申込みのあるセミナー・相談は削除できません。", code="has_reservations") from None
    except Exception:  # refused (reservations, busy, AWS unavailable): the offering opens again, nothing else was written
        _undo(lambda: store.reopen(offering_id))
        raise
    for c in cancelled:  # the staff list's records of cancelled reservations go with the offering (after the commit: never fails it)
        _undo(lambda c=c: store.delete_cancelled(offering_id, c["reservation_id"]))  # type: ignore[misc]
    return Deleted(id=offering_id)


def _slot_data(slot_id: str, body: SlotIn) -> SlotItem:
    day = body.date.isoformat()
    return {
        "id": slot_id,
        "date": day,
        "start_time": body.start_time,
        "end_time": body.end_time,
        "place": body.place,
        "starts_at": slot_starts_at(day, body.start_time),
    }


def add_slot(staff_id: str, offering_id: str, body: SlotIn) -> Slot:
    _offering(offering_id)
    data: SlotItem = {**_slot_data(ids.new_id(), body), "capacity": body.capacity, "seats_left": body.capacity}
    try:
        dynamo.transact(
            [
                *store.create_slot(offering_id, data),
                audit.op(staff_id, "slot.create", f"offering:{offering_id}/slot:{data['id']}", {"date": data["date"], "capacity": body.capacity}),
            ]
        )
    except ConditionFailed:
        raise NotFound(OFFERING_NOT_FOUND) from None
    return slot_view(data)


def _slot(offering_id: str, slot_id: str) -> SlotItem:
    slot = store.get_slot(offering_id, slot_id, consistent=True)
    if not slot:
        raise NotFound(SLOT_NOT_FOUND)
    return slot


PROMOTE_AT_ONCE = 24  # waiting reservations confirmed by one transaction (3 operations and the mail each; a transaction holds 100)


def update_slot(staff_id: str, offering_id: str, slot_id: str, body: SlotIn) -> Slot:
    """Edit a slot. Seats a larger capacity frees go first to the slot's waiting list, in join order, in the same
    transaction (never on sale while someone waits), unless the slot has started; more than PROMOTE_AT_ONCE
    waiting: the rest in further transactions, newcomers still kept out (take_seat) until the list is served."""
    data = _slot_data(slot_id, body)
    audited = False
    ses_ok = True  # once SES refused a mail of this request, the others wait in the outbox for the retry
    attempts = 0
    while True:
        attempts += 1
        if attempts > reservations.WAITLIST_ATTEMPTS * 4:
            if audited:  # the edit is done; the rest of the list waits for the next freed seat or edit
                logger.warning("waiting list not fully served after a capacity raise", extra={"slot": f"{offering_id}/{slot_id}"})
                return slot_view(_slot(offering_id, slot_id))
            raise Busy()
        slot = _slot(offering_id, slot_id)
        old_capacity, taken = int(slot["capacity"]), int(slot["capacity"]) - int(slot["seats_left"])
        if body.capacity < taken:
            raise Conflict(f"定員は、すでに予約済みの席数（{taken}席）より少なくできません。", code="capacity_below_taken")
        now = clock.iso()
        seats_after = int(slot["seats_left"]) + body.capacity - old_capacity
        waiting = int(slot.get("waitlist_count") or 0)
        promotable = min(seats_after, waiting, PROMOTE_AT_ONCE) if min(str(slot["starts_at"]), data["starts_at"]) > now else 0
        heads = store.waiting_heads(offering_id, slot_id, promotable) if promotable > 0 else []
        promoted_members = [accounts.get_member(str(h["member_id"])) for h in heads]  # before the commit: nothing may fail after it
        title = _title(offering_id) if heads else ""
        edited: SlotItem = {**slot, **data}  # the slot as the mail names it
        mails = [reservations.promotion_mail(h, m, title, edited) for h, m in zip(heads, promoted_members, strict=True)]
        operations = [
            store.edit_slot(offering_id, slot_id, data, body.capacity, old_capacity, len(heads), waiting, now),
            *[op for h in heads for op in store.promote_ops(offering_id, slot_id, h, now)],
            *reservations.kept_ops(mails),  # each promoted member's mail, in the outbox with the promotion
        ]
        if not audited:
            operations.append(audit.op(staff_id, "slot.update", f"offering:{offering_id}/slot:{slot_id}", {"capacity": body.capacity, "date": data["date"]}))
        try:
            dynamo.transact(operations)
        except ConditionFailed:
            continue  # seats taken or freed, the waiting list changed: read again (a capacity now below the seats taken is refused above)
        audited = True
        if ses_ok:
            ses_ok = reservations.send_kept(mails)
        if len(heads) < PROMOTE_AT_ONCE or seats_after - len(heads) <= 0 or waiting - len(heads) <= 0:
            return slot_view(_slot(offering_id, slot_id))


def _title(offering_id: str) -> str:
    offering = store.get_offering(offering_id)
    return str((offering or {}).get("title", ""))


def delete_slot(staff_id: str, offering_id: str, slot_id: str) -> Deleted:
    _slot(offering_id, slot_id)
    try:
        store.close_slot_for_delete(offering_id, slot_id, clock.iso())  # as for the offering: no application races the read below
    except ConditionFailed:
        raise NotFound(SLOT_NOT_FOUND) from None
    try:
        in_use = [h for h in store.holders(offering_id, consistent=True) if h.get("slot_id") == slot_id or slot_id in (h.get("preferences") or [])]
        if in_use:
            raise Conflict("お申込みのある日程は削除できません。", code="slot_in_use")
        try:
            dynamo.transact(
                [
                    store.delete_free_slot(offering_id, slot_id),
                    audit.op(staff_id, "slot.delete", f"offering:{offering_id}/slot:{slot_id}"),
                ]
            )
        except ConditionFailed:
            raise Conflict("お申込みのある日程は削除できません。", code="slot_in_use") from None
    except Exception:  # refused: the slot can be chosen again
        _undo(lambda: store.reopen_slot(offering_id, slot_id))
        raise
    return Deleted(id=slot_id)
