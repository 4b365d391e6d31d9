"""Maintenance: every slot in its GSI2 month partition (SLOTMONTH#<yyyy-mm>), which 前日リマインド and the dashboard read.

A slot gets its keys when it is made and when staff change its date. Slots written before the keys
existed (or under the older per-day form, SLOTDAY#<date>) are re-keyed here: one Query of the
offerings (GSI1 OFFERINGS), one consistent Query of each offering's slots, one conditional UpdateItem
per slot whose keys differ. No Scan. Idempotent and resumable: a second run finds nothing to do, a run
cut short is finished by the next; a slot whose date staff change meanwhile keeps the keys the
change wrote (the update's condition is the date and start it read). Runs weekly (SlotIndexFunction)
and on demand (`aws lambda invoke`; locally `POST /_dev/scheduled/slot-index`).
"""

from __future__ import annotations

from aws_lambda_powertools import Logger

from netclub.store import reservations as store
from netclub.store.dynamo import ConditionFailed

logger = Logger(service="netclub", child=True)


def run() -> dict[str, int]:
    counts = {"offerings": 0, "slots": 0, "rekeyed": 0, "changed_meanwhile": 0}
    for offering_id in store.offering_ids():
        counts["offerings"] += 1
        for slot in store.slots_of(offering_id):
            counts["slots"] += 1
            slot_id, day, starts_at = str(slot["SK"]).removeprefix("SLOT#"), str(slot.get("date", "")), str(slot.get("starts_at", ""))
            if not day or not starts_at:
                continue
            wanted = store.slot_day_keys(offering_id, slot_id, day, starts_at)
            if slot.get("GSI2PK") == wanted["GSI2PK"] and slot.get("GSI2SK") == wanted["GSI2SK"]:
                continue
            try:
                store.rekey_slot(offering_id, slot_id, day, starts_at)
                counts["rekeyed"] += 1
            except ConditionFailed:
                counts["changed_meanwhile"] += 1  # staff moved or deleted it: their write set the keys
    logger.info("slot index", extra=counts)
    return counts
