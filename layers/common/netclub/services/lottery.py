"""専門家カウンセリングの抽選: fair (uniformly random order), reproducible from the recorded seed.

POST /api/admin/offerings/{id}/lottery records the seed (`drawing`) and hands the draw to LotteryWorkerFunction
through LotteryQueue (202): the request never waits for the applicants, however many. The worker commits each
result with its mail in the outbox, sends the mail after the commit (a mail SES refuses waits in the outbox for
mail_retry), and marks the draw `drawn` with its audit entry; GET …/lottery answers the draw as it stands.

`assign` is pure: applicants sorted by id are shuffled with random.Random(seed); in that order,
first every 第一希望 is served while its slot has room, then every 第二希望 of those still
without a slot. So a slot is never over capacity, nobody gets two slots, and nobody is given a
second choice (or nothing) while a first choice could have taken them ahead of others.
"""

from __future__ import annotations

import json
import random
import secrets
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from aws_lambda_powertools import Logger

from netclub import clock
from netclub.config import get_settings
from netclub.errors import Conflict, NotFound, Unavailable
from netclub.models.reservations import MAX_SEED, LotteryOutcome, LotteryState
from netclub.services import audit
from netclub.services.reservations import OFFERING_NOT_FOUND, kept_ops, reservation_mail, send_kept
from netclub.store import accounts, dynamo
from netclub.store import reservations as store
from netclub.store.dynamo import ConditionFailed
from netclub.store.items import HolderItem, OfferingItem, SlotItem, SlotSnapshot

logger = Logger(service="netclub", child=True)


def assign(applicants: Sequence[tuple[str, Sequence[str]]], capacities: Mapping[str, int], seed: int) -> dict[str, str | None]:
    """reservation id → slot id (or None), from (reservation id, [第一希望, 第二希望?]) and seats per slot."""
    order = sorted(applicants, key=lambda a: a[0])
    random.Random(seed).shuffle(order)  # noqa: S311  (fairness and reproducibility, not secrecy)
    left = dict(capacities)
    result: dict[str, str | None] = {applicant_id: None for applicant_id, _ in order}
    for rank in (0, 1):
        for applicant_id, preferences in order:
            if result[applicant_id] is None and rank < len(preferences):
                wanted = preferences[rank]
                if left.get(wanted, 0) > 0:
                    left[wanted] -= 1
                    result[applicant_id] = wanted
    return result


def _state(offering: OfferingItem, holders: list[HolderItem]) -> LotteryState:
    taking_part = [h for h in holders if h.get("status") in ("applied", "won", "lost")]
    drawn = [h for h in taking_part if h["status"] in ("won", "lost")]
    results = [
        LotteryOutcome(reservation_id=str(h["reservation_id"]), status=h["status"], slot_id=h.get("slot_id") if h["status"] == "won" else None)
        for h in sorted(drawn, key=lambda h: str(h["reservation_id"]))
    ]
    seed = offering.get("lottery_seed")
    return LotteryState(
        offering_id=str(offering["id"]),
        status=offering.get("lottery_status") or "none",
        seed=int(seed) if seed is not None else None,
        applicants=len(taking_part),
        winners=sum(1 for r in results if r.status == "won"),
        results=results,
        drawn_at=offering.get("lottery_at"),
    )


def state(offering_id: str) -> LotteryState:
    """The draw as it stands: one consistent Query of the offering's partition."""
    offering, _, live, _ = store.offering_partition(offering_id)
    if not offering:
        raise NotFound(OFFERING_NOT_FOUND)
    if offering["kind"] != "counseling":
        raise Conflict("抽選は専門家カウンセリングでのみ実施できます。", code="not_counseling")
    return _state(offering, live)


def _enqueue(offering_id: str, staff_id: str) -> None:
    from netclub import queue

    queue.send_all(get_settings().need("lottery_queue_url"), [json.dumps({"offering_id": offering_id, "staff_id": staff_id})])


def request(staff_id: str, offering_id: str, seed: int | None) -> LotteryState:
    """抽選を実行: the seed recorded and the draw begun (`drawing`), then a message for the worker (202). A draw that
    was begun and did not finish (its worker stopped) is handed to the worker again with its recorded seed."""
    offering, _ = store.offering_with_slots(offering_id, consistent=True)
    if not offering:
        raise NotFound(OFFERING_NOT_FOUND)
    if offering["kind"] != "counseling":
        raise Conflict("抽選は専門家カウンセリングでのみ実施できます。", code="not_counseling")
    if offering.get("lottery_status") == "drawn":
        raise Conflict("この抽選はすでに実施済みです。", code="lottery_done")
    now = clock.iso()
    if offering["apply_until"] > now:
        raise Conflict("抽選は申込期限の後に実施してください。", code="before_deadline")
    if offering.get("lottery_status") != "drawing":
        seed = secrets.randbelow(MAX_SEED + 1) if seed is None else seed
        try:
            store.start_lottery(offering_id, seed, now, staff_id)
        except ConditionFailed:
            raise Conflict("この抽選はすでに実施済みか、実施中です。", code="lottery_done") from None
        offering = {**offering, "lottery_status": "drawing", "lottery_seed": seed}
    try:
        _enqueue(offering_id, staff_id)
    except Exception as exc:
        # the draw stays begun with its seed: 抽選を実行 again hands it to the worker
        logger.warning("lottery not queued", extra={"offering_id": offering_id, "error": type(exc).__name__})
        raise Unavailable(
            message="抽選を開始できませんでした。しばらく時間をおいてから、もう一度「抽選を実行」を押してください（同じシードで続きから実施されます）。"
        ) from None
    return _state(offering, [])


# --- the worker -----------------------------------------------------------------------------------------

MARGIN_SECONDS = 30.0  # less time than this left: the worker hands the rest of the draw to a new message


def draw(offering_id: str, staff_id: str, time_left: Callable[[], float] = lambda: float("inf")) -> str:
    """The draw of a begun lottery: each applicant's result committed with its mail in the outbox (one transaction,
    only while still `applied`: a resumed or repeated draw skips it), the mail sent after; then `drawn` with the
    audit entry. Short of time, the rest goes to a new message of the queue (the seed makes it the same draw)."""
    offering, slot_list = store.offering_with_slots(offering_id, consistent=True)
    if not offering or offering.get("lottery_status") != "drawing":
        return "skipped"  # drawn already (a message delivered twice), or never begun
    seed = int(offering["lottery_seed"])
    slots = {s["id"]: s for s in slot_list}
    holders = {h["reservation_id"]: h for h in store.holders(offering_id, consistent=True) if h["status"] in ("applied", "won", "lost")}
    outcome = assign([(rid, list(h.get("preferences") or [])) for rid, h in holders.items()], {s: int(v["capacity"]) for s, v in slots.items()}, seed)
    todo = [rid for rid in sorted(outcome) if holders[rid]["status"] == "applied"]
    ses_ok = True  # once SES refused a result mail, the others wait in the outbox for the retry
    for start in range(0, len(todo), READ_BATCH):
        if start and time_left() < MARGIN_SECONDS:  # a batch at least each message: the draw always moves on
            _enqueue(offering_id, staff_id)
            logger.info("lottery continues in a new message", extra={"offering_id": offering_id, "left": len(todo) - start})
            return "continued"
        batch = todo[start : start + READ_BATCH]
        reservations = store.reservations_by_id(batch, consistent=True)
        members = {str(m["member_id"]): m for m in accounts.members_by_id(sorted({str(holders[rid]["member_id"]) for rid in batch}))}
        for rid in batch:
            now = clock.iso()
            slot_id = outcome[rid]
            res = reservations.get(rid) or {"id": rid}
            snapshot = _snapshot(slots, slot_id)
            mail = reservation_mail(
                members.get(str(holders[rid]["member_id"])),
                "lottery_won" if slot_id else "lottery_lost",
                {**res, "status": "won" if slot_id else "lost", "slot_id": slot_id, "slot": snapshot, "updated_at": now},
            )
            operations = store.draw_result(rid, offering_id, holders[rid]["member_id"], slot_id, snapshot, now)
            try:
                dynamo.transact([*operations, *kept_ops([mail])])
            except ConditionFailed:
                continue  # applied by another delivery of this draw (its mail with it)
            if ses_ok:
                ses_ok = send_kept([mail])
    winners = sum(1 for slot_id in outcome.values() if slot_id)
    try:
        dynamo.transact(
            [
                store.lottery_drawn(offering_id, clock.iso()),
                audit.op(staff_id, "offering.lottery", f"offering:{offering_id}", {"seed": seed, "applicants": len(outcome), "winners": winners}),
            ]
        )
    except ConditionFailed:
        return "skipped"  # finished by another delivery of this draw
    logger.info("lottery drawn", extra={"offering_id": offering_id, "applicants": len(outcome), "winners": winners})
    return "drawn"


def handle(message: dict[str, Any], time_left: Callable[[], float] = lambda: float("inf")) -> str:
    """One message of LotteryQueue."""
    return draw(str(message.get("offering_id", "")), str(message.get("staff_id", "")), time_left)


READ_BATCH = 100  # applicants whose reservations and members are read at once (BatchGetItem's limit)


def _snapshot(slots: dict[str, SlotItem], slot_id: str | None) -> SlotSnapshot | None:
    if not slot_id:
        return None
    s = slots[slot_id]
    return {
        "id": s["id"],
        "date": s["date"],
        "start_time": s["start_time"],
        "end_time": s["end_time"],
        "place": s["place"],
        "capacity": s["capacity"],
        "starts_at": s["starts_at"],
        "seats_left": 0,
    }
