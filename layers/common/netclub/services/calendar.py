"""Calendars (iCalendar, RFC 5545): one reservation's .ics, the member's private feed, the events calendar.

Written by `netclub.ical` (CRLF, line folding at 75 octets, escaping, the Asia/Tokyo VTIMEZONE).
Every reservation has one UID wherever it appears (its own .ics and the feed), derived from its id
and the portal's domain, so a calendar that imported one and subscribes to the other keeps one
entry, moved when the reservation moves.

The private feed URL carries a token that is never stored: token = HMAC-SHA256(CALENDAR_FEED_SECRET,
member and a random nonce); the table keeps the nonce and the token's SHA-256 (store/calendar.py),
so the member can see the same URL again and the feed route looks the token up by its digest.
An unknown token and a re-issued one take the same path (one GetItem that finds nothing) to the
same 404.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from netclub import clock, ids
from netclub.config import get_settings
from netclub.errors import NotFound
from netclub.ical import TOKYO, Component, duration, write
from netclub.models.calendar import CalendarFeed
from netclub.services import content
from netclub.store import calendar as feeds
from netclub.store import dynamo
from netclub.store import reservations as store
from netclub.store.dynamo import ConditionFailed
from netclub.store.items import CalendarFeedItem, ReservationItem, SlotItem

PRODID = "-//Net Club My Portal//企業Myポータル//JA"
CALENDAR_TYPE = "text/calendar; charset=utf-8"
LISTED = ("confirmed", "won")  # reservations with a date and a seat: the ones a calendar shows
NOT_FOUND = "ご予約が見つかりません。"
FEED_NOT_FOUND = "お探しのページが見つかりません。"
FEED_PAST_DAYS = 90  # the feed keeps reservations of the last 90 days, and every later one


def portal_url() -> str:
    return get_settings().need("frontend_url").rstrip("/")


def domain() -> str:
    return urlsplit(portal_url()).hostname or "netclub.invalid"


def reservation_uid(reservation_id: str) -> str:
    return f"reservation-{reservation_id}@{domain()}"


def reservation_link(reservation_id: str) -> str:
    return f"{portal_url()}/reservations/{reservation_id}"


def _at(day: str, hhmm: str) -> datetime:
    return datetime.fromisoformat(f"{day}T{hhmm}:00").replace(tzinfo=TOKYO)


def _instant(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return (moment if moment.tzinfo else moment.replace(tzinfo=TOKYO)).astimezone(TOKYO)


def _calendar(name: str) -> Component:
    cal = Component("VCALENDAR")
    cal.text("PRODID", PRODID).raw("VERSION", "2.0").raw("CALSCALE", "GREGORIAN").raw("METHOD", "PUBLISH")
    return cal.text("X-WR-CALNAME", name).text("X-WR-TIMEZONE", "Asia/Tokyo")


def reservation_event(res: Mapping[str, Any], slot: Mapping[str, Any]) -> Component:
    """One VEVENT of a reservation on its slot (the slot as it is now: staff may have moved it)."""
    event = Component("VEVENT").text("UID", reservation_uid(res["id"])).utc("DTSTAMP", clock.now())
    event.time("DTSTART", _at(slot["date"], slot["start_time"])).time("DTEND", _at(slot["date"], slot["end_time"]))
    event.text("SUMMARY", str(res.get("offering_title", ""))).text("LOCATION", str(slot.get("place", "")))
    event.text(
        "DESCRIPTION",
        f"予約番号：{res['id']}\nご予約の確認・変更・キャンセルは企業Myポータルの「予約確認・変更」から：\n{reservation_link(res['id'])}",
    )
    event.uri("URL", reservation_link(res["id"]))
    event.utc("LAST-MODIFIED", datetime.fromisoformat(str(res.get("updated_at") or res["created_at"])))
    alarm = Component("VALARM").raw("ACTION", "DISPLAY").text("DESCRIPTION", f"明日のご予約：{res.get('offering_title', '')}")
    return event.add(alarm.raw("TRIGGER", duration(timedelta(days=-1))))


def _slot_of(res: ReservationItem) -> Mapping[str, Any] | None:
    """The live slot of a reservation with a seat, else its snapshot (a slot staff deleted meanwhile)."""
    slot_id = res.get("slot_id")
    if not slot_id:
        return None
    live = store.get_slot(res["offering_id"], slot_id)
    return live or res.get("slot")


# --- one reservation ----------------------------------------------------------------------


def reservation_ics(member_id: str, reservation_id: str) -> tuple[str, str]:
    """(file name, iCalendar text) of the member's own confirmed/won reservation; anything else is 404."""
    named = store.reservation_id_parts(reservation_id)  # the slot it names is read with it (one BatchGetItem)
    if named:
        res, _, live = store.reservation_with_slot(reservation_id, *named, with_offering=False)
    else:
        res, live = store.get_reservation(reservation_id, consistent=True), None
    if not res or res.get("member_id") != member_id or res.get("status") not in LISTED:
        raise NotFound(NOT_FOUND)  # another member's reservation answers exactly like a missing one
    slot: Mapping[str, Any] | None
    if named and res["offering_id"] == named[0] and res.get("slot_id") == named[1]:
        slot = live or res.get("slot")  # as _slot_of
    else:
        slot = _slot_of(res)
    if not slot:
        raise NotFound(NOT_FOUND)
    cal = _calendar("企業Myポータル ご予約")
    cal.add(reservation_event(res, slot))
    return _file_name(str(res.get("offering_title") or "予約"), str(slot.get("date", ""))), write(cal)


def _file_name(title: str, day: str) -> str:
    """A name a person recognises in their downloads: 経営セミナー_2026-12-21.ics (characters a file system
    refuses become ＿)."""
    safe = "".join("＿" if c in '\\/:*?"<>|' or ord(c) < 32 else c for c in title).strip()[:60] or "予約"
    return f"{safe}_{day}.ics" if day else f"{safe}.ics"


# --- the private feed ---------------------------------------------------------------------


def _token(member_id: str, nonce: str) -> str:
    secret = get_settings().need("calendar_feed_secret").encode("utf-8")
    mac = hmac.new(secret, f"calendar-feed\n{member_id}\n{nonce}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode("ascii").rstrip("=")


def _url(token: str) -> CalendarFeed:
    return CalendarFeed(url=f"{portal_url()}/api/calendar/{token}.ics")


def _issue(member_id: str, previous: CalendarFeedItem | None) -> CalendarFeed:
    nonce = secrets.token_urlsafe(16)
    token = _token(member_id, nonce)
    dynamo.transact(feeds.issue_ops(member_id, nonce, ids.digest(token), clock.iso(), previous))
    return _url(token)


def feed(member_id: str) -> CalendarFeed:
    """The member's feed URL, made on first use (two first uses at once: both answer the one made)."""
    current = feeds.feed_of(member_id)
    if current:
        return _url(_token(member_id, str(current["nonce"])))
    try:
        return _issue(member_id, None)
    except ConditionFailed:
        current = feeds.feed_of(member_id)
        if not current:
            raise
        return _url(_token(member_id, str(current["nonce"])))


def rotate(member_id: str) -> CalendarFeed:
    """A new feed URL; the old one answers 404 from now on (same transaction)."""
    for _ in range(3):  # a concurrent re-issue replaced the one read: issue over the newer one
        current = feeds.feed_of(member_id)
        try:
            return _issue(member_id, current)
        except ConditionFailed:
            continue
    raise ConditionFailed()


def _feed_token(name: str) -> str | None:
    """The token of `<token>.ics`, or None for anything that cannot be one."""
    if not name.endswith(".ics"):
        return None
    token = name[: -len(".ics")]
    return token if 20 <= len(token) <= 64 and all(c.isalnum() or c in "-_" for c in token) else None


def feed_ics(name: str) -> str:
    """The member's confirmed/won reservations (recent and coming) as one calendar; 404 for any other token."""
    token = _feed_token(name)
    member_id = feeds.member_of(ids.digest(token or name))  # the same lookup for malformed, unknown and re-issued
    if not token or not member_id:
        raise NotFound(FEED_NOT_FOUND)
    since = (date.fromisoformat(clock.today_jst()) - timedelta(days=FEED_PAST_DAYS)).isoformat()
    listed = [r for r in _all_reservations(member_id) if r.get("status") in LISTED and r.get("slot_id")]
    slots = _slots({(r["offering_id"], str(r["slot_id"])) for r in listed})
    cal = _calendar("企業Myポータル ご予約")
    for res in sorted(listed, key=lambda r: r["id"]):
        slot = slots.get((res["offering_id"], str(res["slot_id"]))) or res.get("slot")
        if slot and str(slot["date"]) >= since:
            cal.add(reservation_event(res, slot))
    return write(cal)


def _all_reservations(member_id: str) -> list[ReservationItem]:
    found: list[ReservationItem] = []
    start: dict[str, Any] | None = None
    while True:
        page, start = store.reservations_of(member_id, 100, start)
        found += page
        if not start:
            return found


def _slots(pairs: set[tuple[str, str]]) -> dict[tuple[str, str], SlotItem]:
    if not pairs:
        return {}
    items = store.slots_by_key(sorted(pairs))
    return {(str(i["offering_id"]), str(i["id"])): i for i in items}


# --- the events calendar (イベントカレンダー) --------------------------------------------


def events_ics() -> str:
    """The events of last month and of the next twelve months (the calendar's range), one VEVENT each."""
    first = date.fromisoformat(clock.today_jst()).replace(day=1)
    start = (first - timedelta(days=1)).replace(day=1)
    listed = content.events_between(start, start + timedelta(days=content.MAX_RANGE_DAYS))
    cal = _calendar("ネットクラブ イベントカレンダー")
    for item in listed.items:
        event = Component("VEVENT").text("UID", f"event-{item.id}@{domain()}").utc("DTSTAMP", clock.now())
        event.time("DTSTART", _instant(item.starts_at)).time("DTEND", _instant(item.ends_at)).text("SUMMARY", item.title)
        if item.place:
            event.text("LOCATION", item.place)
        if item.description:
            event.text("DESCRIPTION", item.description)
        if item.url:  # a same-site path becomes the portal's absolute URL (a calendar has no "site")
            event.uri("URL", f"{portal_url()}{item.url}" if item.url.startswith("/") else item.url)
        cal.add(event)
    return write(cal)
