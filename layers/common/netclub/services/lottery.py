"""専門家カウンセリングの抽選: fair (uniformly random order), reproducible from the recorded seed.

`assign` is pure: applicants sorted by id are shuffled with random.Random(seed); in that order,
first every 第一希望 is served while its slot has room, then every 第二希望 of those still
without a slot. So a slot is never over capacity, nobody gets two slots, and nobody is given a
second choice (or nothing) while a first choice could have taken them ahead of others.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Mapping, Sequence
from typing import Any

from netclub import clock
from netclub.errors import Conflict, NotFound
from netclub.models.reservations import MAX_SEED, LotteryOutcome, LotteryResult
from netclub.services import audit
from netclub.services.reservations import OFFERING_NOT_FOUND, kept_ops, reservation_mail, send_kept
from netclub.store import accounts, dynamo
from netclub.store import reservations as store
from netclub.store.dynamo import ConditionFailed


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


def run(staff_id: str, offering_id: str, seed: int | None) -> LotteryResult:
    offering, slot_list = store.offering_with_slots(offering_id, consistent=True)
    if not offering:
        raise NotFound(OFFERING_NOT_FOUND)
    if offering["kind"] != "counseling":
        raise Conflict("抽選は専門家カウンセリングでのみ実施できます。", code="not_counseling")
    if offering.get("lottery_status") == "drawn":
        raise Conflict("この抽選はすでに実施済みです。", code="lottery_done")
    now = clock.iso()
    if offering["apply_until"] > now:
        raise Conflict("抽選は申込期限の後に実施してください。", code="before_deadline")
    if offering.get("lottery_status") == "drawing":
        seed = int(offering["lottery_seed"])  # an interrupted draw resumes with its recorded seed
    else:
        seed = secrets.randbelow(MAX_SEED + 1) if seed is None else seed
        try:
            store.start_lottery(offering_id, seed, now)
        except ConditionFailed:
            raise Conflict("この抽選はすでに実施済みか、実施中です。", code="lottery_done") from None
    slots = {s["id"]: s for s in slot_list}
    holders = {h["reservation_id"]: h for h in store.holders(offering_id, consistent=True) if h["status"] in ("applied", "won", "lost")}
    outcome = assign([(rid, list(h.get("preferences") or [])) for rid, h in holders.items()], {s: int(v["capacity"]) for s, v in slots.items()}, seed)
    results = []
    ses_ok = True  # once SES refused a result mail, the others wait in the outbox for the retry
    for rid in sorted(outcome):
        slot_id = outcome[rid]
        # what the mail needs is read before the commit: the mail is written with the result (a resumed draw skips this one)
        res = store.get_reservation(rid, consistent=True) or {"id": rid}
        member = accounts.get_member(holders[rid]["member_id"])
        drawn = _drawn(slots, slot_id, now)
        result_mail = reservation_mail(member, "lottery_won" if slot_id else "lottery_lost", {**res, **drawn})
        if _apply(offering, holders[rid], drawn, result_mail) and ses_ok:
            ses_ok = send_kept([result_mail])
        results.append(LotteryOutcome(reservation_id=rid, status="won" if slot_id else "lost", slot_id=slot_id))
    winners = sum(1 for r in results if r.slot_id)
    dynamo.transact(
        [
            store.lottery_drawn(offering_id, now),
            audit.op(staff_id, "offering.lottery", f"offering:{offering_id}", {"seed": seed, "applicants": len(results), "winners": winners}),
        ]
    )
    return LotteryResult(seed=seed, results=results)


def _drawn(slots: dict[str, Any], slot_id: str | None, now: str) -> dict[str, Any]:
    """The fields one applicant's result sets on the reservation: won (the slot's snapshot) or lost."""
    snapshot = None
    if slot_id:
        s = slots[slot_id]
        snapshot = {k: s[k] for k in ("id", "date", "start_time", "end_time", "place", "capacity", "starts_at")} | {"seats_left": 0}
    return {"status": "won" if slot_id else "lost", "slot_id": slot_id, "slot": snapshot, "updated_at": now}


def _apply(offering: dict[str, Any], holder: dict[str, Any], drawn: dict[str, Any], result_mail: dict[str, Any] | None) -> bool:
    """One applicant's result and its mail (outbox) in one transaction; False when it was already applied (a resumed
    draw: its mail was written then)."""
    operations = store.draw_result(holder["reservation_id"], offering["id"], holder["member_id"], drawn["slot_id"], drawn["slot"], drawn["updated_at"])
    try:
        dynamo.transact([*operations, *kept_ops([result_mail])])
    except ConditionFailed:
        return False
    return True
