"""The members' private calendar feeds (カレンダー配信URL).

Keys:
- feed   PK=MEMBER#<mid>          SK=CALFEED   nonce, digest (SHA-256 of the current token), created_at
- token  PK=CALFEED#<digest>      SK=CALFEED   member_id: what `GET /api/calendar/{token}.ics` looks up
The token itself is never stored: it is an HMAC of (member, nonce) under CALENDAR_FEED_SECRET
(services/calendar.py), so the table alone gives neither the URL nor a way to make one.
Making and re-issuing are one transaction each: the new token item is put and the old one deleted
with the feed item's condition on the digest it replaces, so a re-issued URL answers 404 at once.
"""

from __future__ import annotations

from netclub.store import dynamo, keys
from netclub.store.dynamo import TransactOp
from netclub.store.items import CalendarFeedItem, CalendarTokenItem, one

SK = "CALFEED"


def feed_key(member_id: str) -> tuple[str, str]:
    return keys.member(member_id)[0], SK


def token_key(digest: str) -> tuple[str, str]:
    return f"CALFEED#{digest}", SK


def feed_of(member_id: str) -> CalendarFeedItem | None:
    return one(CalendarFeedItem, dynamo.get(*feed_key(member_id), consistent=True))


def member_of(digest: str) -> str | None:
    """The member whose current feed token has this digest (consistent: a re-issued one is gone at once)."""
    item = one(CalendarTokenItem, dynamo.get(*token_key(digest), consistent=True))
    return str(item["member_id"]) if item else None


def issue_ops(member_id: str, nonce: str, digest: str, now: str, previous: CalendarFeedItem | None) -> list[TransactOp]:
    """Make the member's feed (previous None: only if none exists) or replace `previous` (only if still current)."""
    pk, sk = feed_key(member_id)
    feed: CalendarFeedItem = {"PK": pk, "SK": sk, "member_id": member_id, "nonce": nonce, "digest": digest, "created_at": now}
    token: CalendarTokenItem = {"PK": token_key(digest)[0], "SK": SK, "member_id": member_id, "created_at": now}
    if previous is None:
        put_feed = dynamo.t_put(feed, condition="attribute_not_exists(PK)")
    else:
        put_feed = dynamo.t_put(feed, condition="digest = :old", vals={":old": previous["digest"]})
    operations = [put_feed, dynamo.t_put(token, condition="attribute_not_exists(PK)")]
    if previous is not None:
        operations.append(dynamo.t_delete(*token_key(str(previous["digest"]))))
    return operations


def end_ops(current: CalendarFeedItem) -> list[TransactOp]:
    """The member's feed ended (退会): its URL answers 404 from the commit on."""
    return [
        dynamo.t_delete(*feed_key(str(current["member_id"])), condition="digest = :d", vals={":d": current["digest"]}),
        dynamo.t_delete(*token_key(str(current["digest"]))),
    ]
