"""前日リマインド: each confirmed/won reservation whose slot is tomorrow (Tokyo) gets one mail, never two.

Run daily at 09:00 Asia/Tokyo (template.yaml: RemindersFunction). No Scan: tomorrow's slots are one
Query of the GSI2 partition of its month, SLOTMONTH#<yyyy-mm>, by the date's prefix (store/reservations.py), then one consistent Query per
offering with a slot tomorrow gives its live reservations (the holder items, which every apply,
change, cancel and lottery transaction keeps in step with the reservation).

Exactly once: for each reservation, one transaction writes the marker RES#<rid> / REMINDED#<date>
(condition: not there yet), the mail into the outbox, and checks that the reservation is still
live on that slot (a cancel or a change away before the transaction: no mail). Only after the
commit is the mail sent; a sent mail leaves the outbox, a failed send stays there for the mail retry
(every 5 minutes). A second run, a retried run, or two runs at once find the marker and send nothing.
A crash between the commit and the send loses nothing either: the mail waits in the outbox.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

from aws_lambda_powertools import Logger

from netclub import clock, ids
from netclub.mail.sender import failure_name, kept_mail, send_kept
from netclub.mail.templates import CALENDAR_LINE, render
from netclub.services import calendar
from netclub.store import accounts, dynamo, outbox
from netclub.store import reservations as store
from netclub.store.dynamo import ConditionFailed
from netclub.store.items import HolderItem, OfferingItem, OutboxItem, SlotItem

logger = Logger(service="netclub", child=True)
LISTED = ("confirmed", "won")
MARKER_DAYS = 400  # the markers expire (TTL) long after their day


def run(today: str | None = None) -> dict[str, int]:
    """Remind the reservations of the day after `today` (Tokyo; default: now). Counts, never raises for one reservation."""
    day = (date.fromisoformat(today or clock.today_jst()) + timedelta(days=1)).isoformat()
    now = clock.iso()
    slots: dict[str, dict[str, SlotItem]] = defaultdict(dict)
    for slot in store.slots_on(day):
        if str(slot.get("starts_at", "")) > now:
            slots[str(slot["offering_id"])][str(slot["id"])] = slot
    counts = {"reminded": 0, "already": 0, "gone": 0, "kept_for_retry": 0, "failed": 0}
    for offering_id, day_slots in slots.items():
        offering, _, holders, _ = store.offering_partition(offering_id)
        for holder in holders:
            if holder.get("status") not in LISTED or holder.get("slot_id") not in day_slots:
                continue
            try:
                outcome = _remind(offering or {}, holder, day_slots[str(holder["slot_id"])], day, now)
            except Exception as exc:  # one reservation's trouble never ends the run: nothing was committed for it
                logger.warning("reminder not written", extra={"reservation_id": holder.get("reservation_id"), "error": failure_name(exc)})
                outcome = "failed"
            counts[outcome] += 1
    logger.info("reminders run", extra={"day": day, **counts})
    return counts


def _remind(offering: OfferingItem, holder: HolderItem, slot: SlotItem, day: str, now: str) -> str:
    member = accounts.get_member(str(holder["member_id"]))
    if not member or not member.get("email"):
        return "gone"
    rid = str(holder["reservation_id"])
    subject, body = render(
        "reservation_reminder",
        company_name=member.get("company_name", ""),
        user_name=member.get("user_name", ""),
        title=offering.get("title", ""),
        date_text=clock.date_text(day),
        start_time=slot["start_time"],
        end_time=slot["end_time"],
        place=slot.get("place", ""),
        number=ids.reference(rid),
        link=calendar.reservation_link(rid),
        calendar=CALENDAR_LINE,  # a reminder is for a confirmed or won reservation
    )
    mail = kept_mail(member["email"], subject, body, "reservation_reminder", f"reservation:{rid}", now)
    expires = int(datetime.fromisoformat(now).timestamp()) + MARKER_DAYS * 86400
    operations = [*store.reminder_ops(holder, str(offering.get("id") or slot["offering_id"]), day, now, expires), outbox.put_op(mail)]
    try:
        dynamo.transact(operations)
    except ConditionFailed as exc:
        return "already" if exc.reasons and exc.reasons[0] == "ConditionalCheckFailed" else "gone"
    return _send(mail)


def _send(mail: OutboxItem) -> str:
    """The committed mail, now: out of the outbox when SES took it, else left there (with the attempt) for the retry."""
    return "reminded" if send_kept(mail) else "kept_for_retry"
