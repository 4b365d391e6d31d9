"""メールマガジン storage (services/newsletters.py has the rules).

- `NEWSLETTER#{id}` / `NEWSLETTER`: the newsletter (subject, body, genres, status, send_at, stats),
  GSI1 `NEWSLETTERS` / created_at#id (the staff list), GSI2 `NEWSLETTERS#scheduled` / send_at while
  it is `scheduled` (newsletter-dispatch's Query). `stats` counters are only ever changed by ADD.
- `NEWSGENRE#{genre}` / `MEMBER#{member_id}` = {member_id, consented_at}: the recipients of a genre,
  a sparse index written or deleted in the same transaction as every write of the member's
  subscriptions or status (subscription_ops), so selecting an audience is one Query per genre
  (projected to member_id), never a Scan.
- `MEMBER#{member_id}` / `NEWSCONSENT`: the consent record (特定電子メール法): when the member opted
  in, the genres, when they opted out, and each change (appended), kept after an opt-out.
- `NEWSLETTER#{id}` / `STUCK#{message_id}` = {stuck_count}: a queue message the worker gave up at its last
  attempt (it is in the DLQ now), its recipients not yet done counted in `stats.stuck` by the same
  transaction; removed (and uncounted) when the re-driven message reaches the worker again.
- `NEWSLETTER#{id}` / `TO#{member_id}`: the per-recipient record, written with attribute_not_exists
  BEFORE the mail is sent: a member gets a newsletter at most once, whatever is redelivered. It
  carries the hash of the mail's unsubscribe token as GSI1PK `UNSUB#{digest}` (the unsubscribe
  route's Query; removing it revokes the token).
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from netclub import clock, ids
from netclub.aws import client
from netclub.store import dynamo, keys
from netclub.store.dynamo import ConditionFailed, TransactOp
from netclub.store.items import (
    ConsentItem,
    HeldMessageItem,
    MaintenanceItem,
    MemberItem,
    NewsletterItem,
    RecipientItem,
    StuckMessageItem,
    every,
    one,
    the,
    with_keys,
)

__all__ = ["ConditionFailed"]

RECIPIENT_TTL_DAYS = 400  # the per-recipient record (and its unsubscribe token) lives a little over a year


def _newsletter_item(data: NewsletterItem) -> NewsletterItem:
    pk, sk = keys.newsletter(data["id"])
    return with_keys(data, {"PK": pk, "SK": sk, "GSI1PK": keys.NEWSLETTERS_GSI1PK, "GSI1SK": f"{data['created_at']}#{data['id']}"})


def create_op(data: NewsletterItem) -> TransactOp:
    return dynamo.t_put(_newsletter_item(data), condition="attribute_not_exists(PK)")


def replace_draft_op(data: NewsletterItem) -> TransactOp:
    """Overwrite a newsletter that is still a draft (else the transaction fails)."""
    return dynamo.t_put(_newsletter_item(data), condition="attribute_exists(PK) AND #st = :draft", vals={":draft": "draft"}, names={"#st": "status"})


def delete_draft_op(newsletter_id: str) -> TransactOp:
    pk, sk = keys.newsletter(newsletter_id)
    return dynamo.t_delete(pk, sk, condition="attribute_exists(PK) AND #st = :draft", vals={":draft": "draft"}, names={"#st": "status"})


def get(newsletter_id: str, consistent: bool = True) -> NewsletterItem | None:
    return one(NewsletterItem, dynamo.get(*keys.newsletter(newsletter_id), consistent=consistent))


def page(limit: int, start: dict[str, Any] | None) -> tuple[list[NewsletterItem], dict[str, Any] | None]:
    """Newest first (GSI1 NEWSLETTERS)."""
    items, last = dynamo.query(keys.NEWSLETTERS_GSI1PK, index="GSI1", forward=False, limit=limit, start_key=start)
    return every(NewsletterItem, items), last


def held_ops(newsletter_id: str, messages: list[list[str]], ttl_epoch: int) -> list[TransactOp]:
    """The audience as the messages to queue (HELD#A<n>, n = 0…): written before the send, overwritten by a
    repeated one; inert until the newsletter is sending."""
    return [
        dynamo.t_put(HeldMessageItem(PK=pk, SK=sk, member_ids=ids, ttl_epoch=ttl_epoch))
        for n, ids in enumerate(messages)
        for pk, sk in [keys.newsletter_held(newsletter_id, f"A{n:05d}")]
    ]


def start_sending_op(newsletter_id: str, expected: str, recipients: int, messages: int, at: str) -> TransactOp:
    """draft/scheduled → sending, with the audience's size and its messages still to queue (`held`): the one
    write that lets a newsletter go out (once). Listed for newsletter-dispatch while messages are held."""
    pk, sk = keys.newsletter(newsletter_id)
    vals: dict[str, Any] = {":sending": "sending", ":n": recipients, ":m": messages, ":at": at, ":expected": expected}
    expression = "SET #st = :sending, stats.recipients = :n, held = :m, sending_at = :at, updated_at = :at"
    if messages:
        expression += ", GSI2PK = :g, GSI2SK = :at"
        vals[":g"] = keys.NEWSLETTERS_HELD_GSI2PK
    else:
        expression += " REMOVE GSI2PK, GSI2SK"
    return dynamo.t_update(pk, sk, expression, vals=vals, condition="attribute_exists(PK) AND #st = :expected", names={"#st": "status"})


def held_page(newsletter_id: str, limit: int) -> list[HeldMessageItem]:
    pk, _ = keys.newsletter(newsletter_id)
    items, _ = dynamo.query(pk, sk_prefix="HELD#", limit=limit, consistent=True)
    return every(HeldMessageItem, items)


def unhold_ops(newsletter_id: str, sort_keys: list[str]) -> list[TransactOp]:
    """These held messages are on the queue now (once: another run that moved them first cancels this)."""
    pk, sk = keys.newsletter(newsletter_id)
    return [
        *[dynamo.t_delete(pk, s, condition="attribute_exists(PK)") for s in sort_keys],
        dynamo.t_update(pk, sk, "ADD held :minus", vals={":minus": -len(sort_keys)}),
    ]


def hold_ops(newsletter_id: str, member_ids: list[str], at: str, ttl_epoch: int) -> list[TransactOp]:
    """Recipients of a paused newsletter kept (not sent, not spent) until staff resume it."""
    pk, sk = keys.newsletter(newsletter_id)
    hpk, hsk = keys.newsletter_held(newsletter_id, f"P{ids.new_id()}")
    return [
        dynamo.t_put(HeldMessageItem(PK=hpk, SK=hsk, member_ids=member_ids, ttl_epoch=ttl_epoch)),
        dynamo.t_update(pk, sk, "ADD held :one SET GSI2PK = :g, GSI2SK = :at", vals={":one": 1, ":g": keys.NEWSLETTERS_HELD_GSI2PK, ":at": at}),
    ]


def unmark_when_queued(newsletter_id: str) -> None:
    """Nothing held any more: off newsletter-dispatch's list (unless a message was held meanwhile)."""
    pk, sk = keys.newsletter(newsletter_id)
    try:
        dynamo.update(pk, sk, "REMOVE GSI2PK, GSI2SK", vals={":zero": 0, ":g": keys.NEWSLETTERS_HELD_GSI2PK}, condition="held <= :zero AND GSI2PK = :g")
    except ConditionFailed:
        pass


def with_held() -> list[NewsletterItem]:
    """Newsletters with messages still to queue (GSI2 NEWSLETTERS#held): newsletter-dispatch resumes them."""
    return every(NewsletterItem, dynamo.query_all(keys.NEWSLETTERS_HELD_GSI2PK, index="GSI2"))


def pause(newsletter_id: str, reason: str, at: str) -> bool:
    """sending → paused (SES refuses the whole account): True when this call paused it."""
    pk, sk = keys.newsletter(newsletter_id)
    try:
        dynamo.update(
            pk,
            sk,
            "SET #st = :paused, paused_reason = :r, paused_at = :at, updated_at = :at",
            vals={":paused": "paused", ":r": reason, ":at": at, ":sending": "sending"},
            names={"#st": "status"},
            condition="#st = :sending",
        )
    except ConditionFailed:
        return False
    return True


def resume_op(newsletter_id: str, at: str) -> TransactOp:
    """paused → sending (staff 再開); the reason stays on the item as history."""
    pk, sk = keys.newsletter(newsletter_id)
    return dynamo.t_update(
        pk,
        sk,
        "SET #st = :sending, resumed_at = :at, updated_at = :at",
        vals={":sending": "sending", ":paused": "paused", ":at": at},
        names={"#st": "status"},
        condition="#st = :paused",
    )


def schedule_op(newsletter_id: str, send_at: str, at: str) -> TransactOp:
    pk, sk = keys.newsletter(newsletter_id)
    return dynamo.t_update(
        pk,
        sk,
        "SET #st = :scheduled, send_at = :send_at, updated_at = :at, GSI2PK = :g, GSI2SK = :send_at",
        vals={":scheduled": "scheduled", ":send_at": send_at, ":at": at, ":g": keys.NEWSLETTERS_SCHEDULED_GSI2PK, ":draft": "draft"},
        condition="attribute_exists(PK) AND #st = :draft",
        names={"#st": "status"},
    )


def due(now: str) -> list[NewsletterItem]:
    """Scheduled newsletters whose send_at has come (GSI2 NEWSLETTERS#scheduled, send_at ≤ now)."""
    return every(NewsletterItem, dynamo.query_all(keys.NEWSLETTERS_SCHEDULED_GSI2PK, index="GSI2", sk_between=("0000", now)))


def finish_if_done(newsletter_id: str, at: str) -> bool:
    """sending → sent once every recipient is done (done ≥ recipients); False when not (yet)."""
    pk, sk = keys.newsletter(newsletter_id)
    try:
        dynamo.update(
            pk,
            sk,
            "SET #st = :sent, sent_at = :at, updated_at = :at",
            vals={":sent": "sent", ":sending": "sending", ":at": at},
            names={"#st": "status"},
            condition="#st = :sending AND stats.done >= stats.recipients",
        )
    except ConditionFailed:
        return False
    return True


# --- the recipients' index and the consent record --------------------------------------------


def genre_put_op(genre: str, member_id: str, at: str) -> TransactOp:
    """Subscribed to `genre` (the first consent time is kept)."""
    pk, sk = keys.news_genre(genre, member_id)
    return dynamo.t_update(pk, sk, "SET member_id = :m, consented_at = if_not_exists(consented_at, :at)", vals={":m": member_id, ":at": at})


def genre_delete_op(genre: str, member_id: str) -> TransactOp:
    return dynamo.t_delete(*keys.news_genre(genre, member_id))


def consent_op(member_id: str, genres: list[str], at: str, via: str, consented_at: str | None) -> TransactOp:
    """The consent record after a change: opted in (consented_at given, genres) or out (genres empty)."""
    pk, sk = keys.news_consent(member_id)
    entry = {"at": at, "via": via, "genres": genres}
    if genres:
        expression = "SET member_id = :m, genres = :g, consented_at = if_not_exists(consented_at, :c), updated_at = :at, history = list_append(if_not_exists(history, :e), :entry) REMOVE withdrawn_at"
        vals: dict[str, Any] = {":m": member_id, ":g": genres, ":c": consented_at or at, ":at": at, ":e": [], ":entry": [entry]}
    else:
        expression = "SET member_id = :m, genres = :g, withdrawn_at = :at, updated_at = :at, history = list_append(if_not_exists(history, :e), :entry) REMOVE consented_at"
        vals = {":m": member_id, ":g": [], ":at": at, ":e": [], ":entry": [entry]}
    return dynamo.t_update(pk, sk, expression, vals=vals)


def consent(member_id: str) -> ConsentItem | None:
    return one(ConsentItem, dynamo.get(*keys.news_consent(member_id), consistent=True))


def genre_members(genre: str) -> list[str]:
    """The member ids subscribed to a genre (one Query a page, only member_id read)."""
    found: list[str] = []
    start: dict[str, Any] | None = None
    pk = keys.news_genre(genre, "")[0]
    while True:
        kwargs: dict[str, Any] = {
            "TableName": dynamo.table(),
            "KeyConditionExpression": "PK = :pk",
            "ExpressionAttributeValues": dynamo.values({":pk": pk}),
            "ProjectionExpression": "member_id",
        }
        if start:
            kwargs["ExclusiveStartKey"] = start
        answer = client("dynamodb").query(**kwargs)
        found.extend(str(dynamo.deserialize(i)["member_id"]) for i in answer.get("Items", []))
        start = answer.get("LastEvaluatedKey")
        if not start:
            return found


# --- the worker: per-recipient records and counters --------------------------------------------


def claim(newsletter_id: str, member_id: str, token_digest: str, at: str, ttl_epoch: int) -> RecipientItem | None:
    """Write the recipient's record unless it exists: None when written (send now), else the record as it was."""
    pk, sk = keys.newsletter_recipient(newsletter_id, member_id)
    item: RecipientItem = {
        "PK": pk,
        "SK": sk,
        "member_id": member_id,
        "newsletter_id": newsletter_id,
        "delivery": "claimed",
        "claimed_at": at,
        "GSI1PK": keys.unsubscribe_gsi1pk(token_digest),
        "GSI1SK": "UNSUB",
        "ttl_epoch": ttl_epoch,
    }
    try:
        answer = client("dynamodb").put_item(
            TableName=dynamo.table(),
            Item=dynamo.serialize(item),
            ConditionExpression="attribute_not_exists(PK)",
            ReturnValuesOnConditionCheckFailure="ALL_OLD",
        )
    except ClientError as exc:
        if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
            return the(RecipientItem, dynamo.deserialize(exc.response.get("Item") or {})) or {"delivery": "claimed"}
        raise
    del answer
    return None


def settle_ops(newsletter_id: str, member_id: str, outcome: str, at: str) -> list[TransactOp]:
    """claimed → sent/failed/skipped and its count on the newsletter, once (the record's condition)."""
    pk, sk = keys.newsletter_recipient(newsletter_id, member_id)
    npk, nsk = keys.newsletter(newsletter_id)
    return [
        dynamo.t_update(pk, sk, "SET delivery = :o, settled_at = :at", vals={":o": outcome, ":at": at, ":claimed": "claimed"}, condition="delivery = :claimed"),
        dynamo.t_update(npk, nsk, "ADD stats.#o :one, stats.done :one", vals={":one": 1}, names={"#o": outcome}),
    ]


def park_ops(newsletter_id: str, message_id: str, count: int, at: str) -> list[TransactOp]:
    """The message goes to the DLQ with `count` recipients not done: recorded once, counted in stats.stuck."""
    pk, sk = keys.newsletter_stuck(newsletter_id, message_id)
    npk, nsk = keys.newsletter(newsletter_id)
    return [
        dynamo.t_put(StuckMessageItem(PK=pk, SK=sk, stuck_count=count, parked_at=at), condition="attribute_not_exists(PK)"),
        dynamo.t_update(npk, nsk, "ADD stats.stuck :n", vals={":n": count}, condition="attribute_exists(PK)"),
    ]


def parked(newsletter_id: str, message_id: str) -> StuckMessageItem | None:
    return one(StuckMessageItem, dynamo.get(*keys.newsletter_stuck(newsletter_id, message_id), consistent=True))


def unpark_ops(newsletter_id: str, message_id: str, count: int) -> list[TransactOp]:
    """The re-driven message is being worked on again: no longer stuck (once: the record's condition)."""
    pk, sk = keys.newsletter_stuck(newsletter_id, message_id)
    npk, nsk = keys.newsletter(newsletter_id)
    return [
        dynamo.t_delete(pk, sk, condition="stuck_count = :n", vals={":n": count}),
        dynamo.t_update(npk, nsk, "ADD stats.stuck :minus", vals={":minus": -count}),
    ]


def release(newsletter_id: str, member_id: str) -> None:
    """Forget a claim whose send SES refused for now (throttling): the redelivered batch sends it."""
    pk, sk = keys.newsletter_recipient(newsletter_id, member_id)
    dynamo.delete(pk, sk, condition="delivery = :claimed", vals={":claimed": "claimed"})


def recipient_of_token(token_digest: str) -> RecipientItem | None:
    items, _ = dynamo.query(keys.unsubscribe_gsi1pk(token_digest), index="GSI1", limit=1)
    return the(RecipientItem, items[0]) if items else None


def members(member_ids: list[str]) -> list[MemberItem]:
    return every(
        MemberItem, dynamo.batch_get([keys.member(m) for m in member_ids], projection=("member_id", "email", "status", "role", "profile"), consistent=True)
    )


def unsubscribe_member_op(member_id: str, at: str) -> TransactOp:
    """The member's profile says mail_magazine false (only while it says true: a repeat changes nothing)."""
    pk, sk = keys.member(member_id)
    return dynamo.t_update(
        pk,
        sk,
        "SET profile.subscriptions.mail_magazine = :f, updated_at = :at",
        vals={":f": False, ":t": True, ":at": at},
        condition="profile.subscriptions.mail_magazine = :t",
    )


def count_unsubscribed_op(newsletter_id: str) -> TransactOp:
    pk, sk = keys.newsletter(newsletter_id)
    return dynamo.t_update(pk, sk, "ADD stats.unsubscribed :one", vals={":one": 1}, condition="attribute_exists(PK)")


# --- bounces and complaints (SES event notifications) -------------------------------------------


def suppress_op(address: str, reason: str, at: str) -> TransactOp:
    pk, sk = keys.suppressed(address)
    return dynamo.t_update(pk, sk, "SET reason = :r, suppressed_at = if_not_exists(suppressed_at, :at), updated_at = :at", vals={":r": reason, ":at": at})


def mark_suppressed_op(member_id: str, address: str) -> TransactOp:
    """The member's current address (only while it is still `address`) is suppressed: `mail_suppressed`."""
    pk, sk = keys.member(member_id)
    return dynamo.t_update(pk, sk, "SET mail_suppressed = :a", vals={":a": address}, condition="attribute_exists(PK) AND email = :a")


# --- the index's backfill (members saved before it existed) -------------------------------------

BACKFILL_JOB = "newsletter-index"


def backfill_state() -> MaintenanceItem:
    return one(MaintenanceItem, dynamo.get(*keys.maintenance(BACKFILL_JOB), consistent=True)) or {}


def save_backfill_state(cursor: dict[str, Any] | None, members: int, at: str, done: bool) -> None:
    pk, sk = keys.maintenance(BACKFILL_JOB)
    item: MaintenanceItem = {"PK": pk, "SK": sk, "members": members, "updated_at": at}
    if cursor:
        item["cursor"] = cursor
    if done:
        item["done_at"] = at
    dynamo.put(item)


def active_members_page(limit: int, start: dict[str, Any] | None) -> tuple[list[MemberItem], dict[str, Any] | None]:
    """A page of the active members (GSI1 `MEMBERS#active`: a bounded Query, never a Scan)."""
    items, last = dynamo.query(keys.members_by_status("active"), index="GSI1", limit=limit, start_key=start)
    return every(MemberItem, items), last


def member_unchanged_op(member: MemberItem, mark_suppressed: str | None) -> TransactOp:
    """The member as read (same updated_at): the backfill's index items go in only with it. With
    mark_suppressed: also marks its address suppressed (an address suppressed before the mark existed)."""
    pk, sk = keys.member(str(member["member_id"]))
    if member.get("updated_at"):
        condition, vals = "updated_at = :u", {":u": member["updated_at"]}
    else:
        condition, vals = "attribute_exists(PK) AND attribute_not_exists(updated_at)", {}
    if mark_suppressed:
        return dynamo.t_update(pk, sk, "SET mail_suppressed = :a", vals={**vals, ":a": mark_suppressed}, condition=f"({condition}) AND email = :a")
    return dynamo.t_check(pk, sk, condition, vals=vals or None)


def suppressed(addresses: list[str]) -> set[str]:
    """Which of these addresses are suppressed (BatchGetItem)."""
    found = dynamo.batch_get([keys.suppressed(a) for a in addresses], projection=("PK",), consistent=True)
    return {str(i["PK"]).removeprefix("SUPPRESSED#") for i in found}


def count_event_ops(newsletter_id: str, member_id: str, event: str) -> list[TransactOp]:
    """Count a bounce/complaint on the newsletter once per recipient (the record remembers it)."""
    pk, sk = keys.newsletter_recipient(newsletter_id, member_id)
    npk, nsk = keys.newsletter(newsletter_id)
    return [
        dynamo.t_update(pk, sk, "SET #e = :at", vals={":at": clock.iso()}, condition="attribute_exists(PK) AND attribute_not_exists(#e)", names={"#e": event}),
        dynamo.t_update(npk, nsk, "ADD stats.#e :one", vals={":one": 1}, names={"#e": event}),
    ]
