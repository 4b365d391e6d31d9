"""The staff dashboard: what waits for staff, and the next 14 days' slots.

No Scan, exact numbers: three Select COUNT Queries (members pending_review on GSI1, open inquiries
on GSI1, the outbox partition), one GSI2 Query per Tokyo month the 14 days touch (SLOTMONTH#<yyyy-mm>,
a range of dates: one Query, or two across a month's end; the index 前日リマインド uses too) and one
BatchGetItem for the titles of the offerings of those slots: six calls at most.
"""

from __future__ import annotations

from datetime import date, timedelta

from netclub import clock
from netclub.models.dashboard import Dashboard, UpcomingSlot
from netclub.services.departments import Desk
from netclub.store import accounts, inquiries, outbox
from netclub.store import reservations as store

DAYS = 14  # today and the 13 days after it


def window(today: str) -> list[str]:
    first = date.fromisoformat(today)
    return [(first + timedelta(days=n)).isoformat() for n in range(DAYS)]


def view(desk: Desk) -> Dashboard:
    """The desk: the open inquiries counted are those this staff member may see (their departments')."""
    now = clock.iso()
    days = window(clock.today_jst())
    slots = [s for s in store.slots_between(days[0], days[-1]) if str(s.get("starts_at", "")) > now]
    slots.sort(key=lambda s: (str(s["starts_at"]), str(s["offering_id"]), str(s["id"])))
    titles = store.offering_titles(sorted({str(s["offering_id"]) for s in slots})) if slots else {}
    return Dashboard(
        pending_registrations=accounts.count_with_status("pending_review"),
        open_inquiries=inquiries.count_with_status("open", desk.hidden_kinds),
        mail_outbox=outbox.count(),
        upcoming=[
            UpcomingSlot(
                offering_id=str(s["offering_id"]),
                title=titles.get(str(s["offering_id"]), ""),
                slot_id=str(s["id"]),
                date=str(s["date"]),
                start_time=str(s["start_time"]),
                capacity=int(s["capacity"]),
                seats_left=int(s["seats_left"]),
                waitlist_count=int(s.get("waitlist_count", 0)),
            )
            for s in slots
        ],
    )
