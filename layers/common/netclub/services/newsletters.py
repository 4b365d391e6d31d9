"""メールマガジン配信 (docs/product.md "メールマガジン配信"): compose, count the audience, send through SQS, unsubscribe.

Recipients: `active` members with `subscriptions.mail_magazine` true and a genre of the newsletter.
They are read from a sparse index (`NEWSGENRE#{genre}` items, store/newsletters.py) that every
write of a member's subscriptions or status keeps in the same transaction (`subscription_ops`,
as `directory.listing` does for the directory), with the consent record 特定電子メール法 asks for.

Delivery, at most once per member: `send` writes the audience as held messages (HELD#A<n>, 50 member
ids each), then moves the newsletter to `sending` with the audience's size and the number held (a
conditional update: a second send is a 409); the held messages go to SQS (`pump`: the request for a
few seconds, newsletter-dispatch every minute for the rest), so a killed or refused queueing loses
nobody. The worker (an SQS event source with partial batch responses) writes the per-recipient
record with attribute_not_exists BEFORE it asks SES to send. A record that exists is never sent
again: after a crash between the record and SES's answer the member may have the mail or not, and
the rule is "never twice" (the record is then counted `unknown`). Only a send SES refused for now
(throttling after the retries) releases its record, and the message goes back to the queue. A
refusal of the whole account pauses the newsletter and holds its unsent recipients until 再開.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from collections.abc import Callable, Iterable
from typing import Any

from aws_lambda_powertools import Logger
from botocore.exceptions import ClientError, ConnectTimeoutError, EndpointConnectionError

from netclub import clock, ids, retry
from netclub.aws import error_code
from netclub.config import get_settings
from netclub.cursor import decode, encode
from netclub.errors import Conflict, NotFound, invalid
from netclub.mail.sender import ACCOUNT_REFUSAL_TEXT, ACCOUNT_REFUSALS
from netclub.models.content import Deleted
from netclub.models.newsletters import (
    Newsletter,
    NewsletterAccepted,
    NewsletterIn,
    NewsletterList,
    NewsletterRedriven,
    NewsletterSend,
    NewsletterStats,
    Unsubscribed,
)
from netclub.services import audit
from netclub.store import dynamo
from netclub.store import newsletters as store
from netclub.store import profiles as profile_store
from netclub.store.dynamo import TransactOp
from netclub.store.items import MemberItem, NewsletterItem, the, unkeyed

logger = Logger(service="netclub", child=True)

GENRES = ("netclub_magazine", "e_argus")
IDS_PER_MESSAGE = 50
NOT_DRAFT = "配信予約済み・配信済みのメールマガジンは変更・削除・再配信できません。"
NOT_FOUND = "メールマガジンが見つかりません。"
TEST_PREFIX = "【テスト】"

# 特定電子メール法: the sender's name, postal address and a contact, and the way to opt out
SENDER_NAME = "公益財団法人 東京都中小企業振興公社 ネットクラブ会員サービス"
SENDER_ADDRESS = "〒101-0025 東京都千代田区神田佐久間町1-9 東京都産業労働局秋葉原庁舎"
SENDER_CONTACT = "ネットクラブ事務局 電話 03-3251-7881（平日9:00〜17:00）"


# --- who receives it: the sparse index and the consent record --------------------------------


def subscribed_genres(member: MemberItem) -> list[str]:
    """The genres a member receives now (none unless active, a member, and mail_magazine on)."""
    if member.get("status") != "active" or member.get("role", "member") != "member":
        return []
    subscriptions = (member.get("profile") or {}).get("subscriptions") or {}
    if not subscriptions.get("mail_magazine"):
        return []
    return [g for g in GENRES if g in (subscriptions.get("mail_magazine_genres") or [])]


def address_suppressed(member: MemberItem) -> bool:
    """Whether the member's current address bounced permanently or complained (`mail_suppressed`, set by
    handle_ses_event on the member whose address it was): a new address is not suppressed."""
    mark = str(member.get("mail_suppressed") or "")
    return bool(mark) and mark == str(member.get("email") or "").strip().lower()


def indexed_genres(member: MemberItem) -> list[str]:
    """The genres whose index holds the member: those it receives, none while its address is suppressed
    (so the audience staff see and the recipients enqueued are the same members)."""
    return [] if address_suppressed(member) else subscribed_genres(member)


def index_ops(member: MemberItem, at: str | None = None) -> list[TransactOp]:
    """The recipients' index items of the member as `member` is: put or delete for each genre."""
    at = at or clock.iso()
    member_id = str(member["member_id"])
    wanted = indexed_genres(member)
    return [store.genre_put_op(g, member_id, at) if g in wanted else store.genre_delete_op(g, member_id) for g in GENRES]


def subscription_ops(before: MemberItem | None, after: MemberItem, via: str, at: str | None = None) -> list[TransactOp]:
    """For a write that takes a member from `before` to `after`: the recipients' index items (put or
    delete for each genre) and, when the choice changed, the consent record, for the same transaction."""
    at = at or clock.iso()
    member_id = str(after["member_id"])
    wanted = subscribed_genres(after)
    had = subscribed_genres(before) if before is not None else []
    ops = index_ops(after, at)
    if wanted != had:
        consented = str(after.get("created_at") or at) if via == "approval" else at  # approved: consent was given when registering
        ops.append(store.consent_op(member_id, wanted, at, via, consented if wanted and not had else None))
    return ops


def audience(genres: Iterable[str]) -> list[str]:
    """Member ids of the recipients: one Query (a page per ~1 MB) per genre, de-duplicated."""
    found: dict[str, None] = {}
    for genre in genres:
        found.update(dict.fromkeys(store.genre_members(genre)))
    return list(found)


# --- the index's backfill: members saved before the index existed ------------------------------

BACKFILL_PAGE = 100
BACKFILL_RESERVE_MS = 5000  # stops a page early enough to save its cursor before the function's timeout


def backfill_index(restart: bool, remaining_ms: Callable[[], int]) -> dict[str, int]:
    """newsletter-backfill: the recipients' index items of every active member, as the member's own writes
    would have made them (suppressed addresses marked and left out). Offline maintenance, not on the request
    path; still no Scan: a bounded Query a page over GSI1 `MEMBERS#active`, the cursor saved after each page
    so a run that times out resumes where it stopped. Idempotent (puts keep the first consented_at, deletes
    of absent items do nothing) and parallel-safe: each member's items are written in one transaction with
    a condition that the member is as read, so a member that changed meanwhile (its own write kept its
    index) is left alone. Pending members get their items at approval (subscription_ops)."""
    state = {} if restart else store.backfill_state()
    if state.get("done_at"):
        return {"done": 1, "members": 0, "changed": 0}
    cursor = state.get("cursor")
    members = changed = 0
    while remaining_ms() > BACKFILL_RESERVE_MS:
        items, last = store.active_members_page(BACKFILL_PAGE, cursor)
        page = [m for m in items if m.get("role", "member") == "member" and m.get("email")]
        blocked = store.suppressed([str(m["email"]) for m in page]) if page else set()
        for member in page:
            address = str(member["email"]).strip().lower()
            mark = address if address in blocked and not address_suppressed(member) else None
            after: MemberItem = {**member, "mail_suppressed": address} if mark else member
            try:
                dynamo.transact([store.member_unchanged_op(member, mark), *index_ops(after)])
                members += 1
            except store.ConditionFailed:
                changed += 1
        cursor = last
        store.save_backfill_state(cursor, int(state.get("members") or 0) + members, clock.iso(), done=not cursor)
        if not cursor:
            return {"done": 1, "members": members, "changed": changed}
    return {"done": 0, "members": members, "changed": changed}


# --- staff CRUD ----------------------------------------------------------------------------


def _stats(item: NewsletterItem) -> NewsletterStats:
    raw = item.get("stats") or {}
    return NewsletterStats(**{k: int(raw.get(k, 0)) for k in NewsletterStats.model_fields})


def _view(item: NewsletterItem, audience_now: int | None = None) -> Newsletter:
    stats = _stats(item)
    return Newsletter(
        id=item["id"],
        subject=item["subject"],
        body=item["body"],
        genres=item["genres"],
        status=item["status"],
        audience=audience_now if audience_now is not None else stats.recipients,
        send_at=item.get("send_at"),
        sent_at=item.get("sent_at"),
        paused_reason=ACCOUNT_REFUSAL_TEXT.get(str(item.get("paused_reason")), str(item.get("paused_reason")))
        if item["status"] == "paused" and item.get("paused_reason")
        else None,
        paused_at=item.get("paused_at"),
        created_at=item["created_at"],
        updated_at=item["updated_at"],
        stats=stats,
    )


def _get(newsletter_id: str) -> NewsletterItem:
    item = store.get(newsletter_id)
    if not item:
        raise NotFound(NOT_FOUND)
    return item


def _with_audience(item: NewsletterItem) -> Newsletter:
    return _view(item, len(audience(item["genres"])) if item["status"] in ("draft", "scheduled") else None)


def list_newsletters(cursor: str | None, limit: int = 50) -> NewsletterList:
    items, last = store.page(limit, decode(cursor))
    return NewsletterList(items=[_view(i) for i in items], next_cursor=encode(last))


def get_newsletter(newsletter_id: str) -> Newsletter:
    return _with_audience(_get(newsletter_id))


def _empty_stats() -> dict[str, int]:
    return {"recipients": 0, "sent": 0, "failed": 0, "bounced": 0, "complained": 0, "unsubscribed": 0, "stuck": 0, "skipped": 0, "done": 0}


def create(staff_id: str, body: NewsletterIn) -> Newsletter:
    at = clock.iso()
    data = the(
        NewsletterItem,
        {"id": ids.new_id(), **body.model_dump(), "status": "draft", "created_at": at, "updated_at": at, "created_by": staff_id, "stats": _empty_stats()},
    )
    dynamo.transact([store.create_op(data), audit.op(staff_id, "newsletter.create", f"newsletter:{data['id']}", {"genres": data["genres"]})])
    return _with_audience(data)


def _not_draft() -> Conflict:
    return Conflict(NOT_DRAFT, code="not_draft")


def update(staff_id: str, newsletter_id: str, body: NewsletterIn) -> Newsletter:
    item = _get(newsletter_id)
    if item["status"] != "draft":
        raise _not_draft()
    data = the(NewsletterItem, {**unkeyed(item, ("PK", "SK", "GSI1PK", "GSI1SK")), **body.model_dump(), "updated_at": clock.iso()})
    try:
        dynamo.transact([store.replace_draft_op(data), audit.op(staff_id, "newsletter.update", f"newsletter:{newsletter_id}")])
    except store.ConditionFailed:
        raise _not_draft() from None
    return _with_audience(data)


def delete(staff_id: str, newsletter_id: str) -> Deleted:
    item = _get(newsletter_id)
    if item["status"] != "draft":
        raise _not_draft()
    try:
        dynamo.transact([store.delete_draft_op(newsletter_id), audit.op(staff_id, "newsletter.delete", f"newsletter:{newsletter_id}")])
    except store.ConditionFailed:
        raise _not_draft() from None
    return Deleted(id=newsletter_id)


# --- the mail --------------------------------------------------------------------------------


def unsubscribe_link(token: str) -> str:
    return f"{get_settings().need('frontend_url')}/unsubscribe?token={token}"


def one_click_url(token: str) -> str:
    """RFC 8058: the URL the mailbox provider POSTs `List-Unsubscribe=One-Click` to."""
    return f"{get_settings().need('frontend_url')}/api/unsubscribe?token={token}"


def compose(item: NewsletterItem, token: str) -> tuple[str, str, list[dict[str, str]]]:
    """(subject, body with the 特定電子メール法 footer, the RFC 8058 headers) of one member's mail."""
    footer = (
        "\n\n──────────────────────────────\n"
        "このメールは、メールマガジンの配信を希望されたネットクラブ会員の方にお送りしています。\n"
        f"配信の停止: {unsubscribe_link(token)}\n"
        "（配信ジャンルの変更は、企業Myポータルの「My情報管理」からできます。）\n\n"
        f"送信者: {SENDER_NAME}\n"
        f"住所: {SENDER_ADDRESS}\n"
        f"お問い合わせ: {SENDER_CONTACT}\n"
        "──────────────────────────────"
    )
    headers = [
        {"Name": "List-Unsubscribe", "Value": f"<{one_click_url(token)}>"},
        {"Name": "List-Unsubscribe-Post", "Value": "List-Unsubscribe=One-Click"},
    ]
    return str(item["subject"]), str(item["body"]).rstrip() + footer, headers


def _deliver(to: str, subject: str, body: str, headers: list[dict[str, str]], tags: dict[str, str] | None = None) -> None:
    """One member's mail with the list headers (Content.Simple.Headers), tagged with its newsletter and member
    (the configuration set's BOUNCE/COMPLAINT events come back with them: handle_ses_events)."""
    from netclub.mail.sender import send_email

    send_email(to, subject, body, headers=headers, tags=tags or {"kind": "newsletter"})


def send_test(staff_id: str, newsletter_id: str) -> NewsletterAccepted:
    """The mail as members get it, to the staff member's own address, subject prefixed 【テスト】.
    Its unsubscribe link carries a token that is never valid (a test changes nobody's choice)."""
    item = _get(newsletter_id)
    staff = profile_store.get_member(staff_id) or {}
    if not staff.get("email"):
        raise NotFound()
    subject, body, headers = compose(item, "test-" + secrets.token_urlsafe(8))
    audit.record(staff_id, "newsletter.test", f"newsletter:{newsletter_id}")  # first: a refused write sends nothing
    _deliver(str(staff["email"]), TEST_PREFIX + subject, body, headers)
    return NewsletterAccepted(id=newsletter_id, status=item["status"])


# --- send now / at a time ----------------------------------------------------------------------


def _queue_url() -> str:
    return get_settings().need("newsletter_queue_url")


PUMP_SECONDS = 12.0  # a request queues what it can in this time (well inside API Gateway's 29 s); newsletter-dispatch the rest
DISPATCH_PUMP_SECONDS = 40.0
HELD_TTL_DAYS = 30


def _held_ttl() -> int:
    return clock.epoch() + HELD_TTL_DAYS * 86400


def _go(staff_id: str | None, item: NewsletterItem, expected: str) -> None:
    """The audience is written as the messages to queue (HELD#A<n>), then one transaction makes the newsletter
    `sending` with their count; then the messages are moved to the queue for PUMP_SECONDS. Whatever is left
    (a long list, SQS out, a crash) newsletter-dispatch moves on the next minute: nothing is lost or re-decided."""
    member_ids = sorted(audience(item["genres"]))
    messages = [member_ids[i : i + IDS_PER_MESSAGE] for i in range(0, len(member_ids), IDS_PER_MESSAGE)]
    ops = store.held_ops(item["id"], messages, _held_ttl())
    for start in range(0, len(ops), 100):
        dynamo.transact(ops[start : start + 100])
    at = clock.iso()
    start_ops = [store.start_sending_op(item["id"], expected, len(member_ids), len(messages), at)]
    if staff_id:
        start_ops.append(audit.op(staff_id, "newsletter.send", f"newsletter:{item['id']}", {"recipients": len(member_ids)}))
    try:
        dynamo.transact(start_ops)
    except store.ConditionFailed:
        raise _not_draft() from None
    if not member_ids:
        store.finish_if_done(item["id"], at)
        return
    _pump_now(item["id"])


def _pump_now(newsletter_id: str) -> None:
    """On the request path, just made `sending`: queue what fits in PUMP_SECONDS; a failure leaves the rest to
    newsletter-dispatch."""
    try:
        pump(newsletter_id, PUMP_SECONDS, sending=True)
    except Exception as exc:
        logger.warning("newsletter queueing left to newsletter-dispatch", extra={"newsletter_id": newsletter_id, "error": type(exc).__name__})


def pump(newsletter_id: str, seconds: float, sending: bool = False) -> int:
    """Held messages of a sending newsletter → NewsletterQueue, 10 a round (one SendMessageBatch, then one
    transaction that deletes them and counts them off). A round another run did first cancels this run (its
    messages went out twice: the recipients' records send nobody twice). `sending`: the caller has just made it
    so (else it is read first: a paused newsletter's messages stay held). The messages moved."""
    from netclub import queue

    if not sending:
        item = store.get(newsletter_id)
        if not item or item.get("status") != "sending":
            return 0  # paused (held until 再開), or gone
    deadline = time.monotonic() + seconds
    moved = 0
    while time.monotonic() < deadline:
        held = store.held_page(newsletter_id, 10)
        if held:
            queue.send_all(_queue_url(), [json.dumps({"newsletter_id": newsletter_id, "member_ids": h["member_ids"]}) for h in held])
            try:
                dynamo.transact(store.unhold_ops(newsletter_id, [str(h["SK"]) for h in held]))
            except store.ConditionFailed:
                break
            moved += len(held)
        if len(held) < 10:  # the last page: off newsletter-dispatch's list unless a message was held meanwhile
            store.unmark_when_queued(newsletter_id)
            break
    return moved


def send(staff_id: str, newsletter_id: str, body: NewsletterSend) -> NewsletterAccepted:
    item = _get(newsletter_id)
    if item["status"] != "draft":
        raise _not_draft()
    if body.send_at is not None:
        if body.send_at.timestamp() <= time.time():
            raise invalid("send_at", "配信日時は現在より後の日時を指定してください。")
        send_at = clock.iso(body.send_at)
        try:
            dynamo.transact(
                [
                    store.schedule_op(newsletter_id, send_at, clock.iso()),
                    audit.op(staff_id, "newsletter.schedule", f"newsletter:{newsletter_id}", {"send_at": send_at}),
                ]
            )
        except store.ConditionFailed:
            raise _not_draft() from None
        return NewsletterAccepted(id=newsletter_id, status="scheduled")
    _go(staff_id, item, "draft")
    return NewsletterAccepted(id=newsletter_id, status="sending")


NOT_PAUSED = "再開できるのは一時停止中のメールマガジンだけです。"


def resume(staff_id: str, newsletter_id: str) -> NewsletterAccepted:
    """POST …/{id}/resume (再開): a newsletter SES's account-level refusal paused goes on; its held recipients
    (never sent, never counted) are queued again."""
    item = _get(newsletter_id)
    if item["status"] != "paused":
        raise Conflict(NOT_PAUSED, code="not_paused")
    try:
        dynamo.transact([store.resume_op(newsletter_id, clock.iso()), audit.op(staff_id, "newsletter.resume", f"newsletter:{newsletter_id}")])
    except store.ConditionFailed:
        raise Conflict(NOT_PAUSED, code="not_paused") from None
    _pump_now(newsletter_id)
    return NewsletterAccepted(id=newsletter_id, status="sending")


def dispatch() -> dict[str, int]:
    """newsletter-dispatch (every minute): the scheduled newsletters whose time has come go out, and the
    messages still held of sending ones (a long audience, a failed or killed queueing, a resume) are queued."""
    started = moved = 0
    for item in store.due(clock.iso()):
        try:
            _go(None, item, "scheduled")
            started += 1
        except Conflict:  # another dispatch was first
            continue
    for item in store.with_held():
        if item.get("status") == "sending":
            moved += pump(str(item["id"]), DISPATCH_PUMP_SECONDS)
    return {"started": started, "queued": moved}


# --- the worker -------------------------------------------------------------------------------


class Throttled(Exception):
    """SES refused for now after the retries: the message goes back to the queue."""


_THROTTLING = frozenset({"TooManyRequestsException", "Throttling", "ThrottlingException", "LimitExceededException"})


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _send_with_retries(send: Callable[[], None]) -> None:
    """SES's throttling (after the SDK's own retries) is tried again (retry policy "ses.newsletter"), then Throttled."""
    throttled: ClientError | None = None
    for _attempt in retry.policy("ses.newsletter").attempts():
        try:
            send()
            return
        except ClientError as exc:
            if error_code(exc) not in _THROTTLING:
                raise
            throttled = exc
    raise Throttled() from throttled


class _Pacer:
    """At most `rate` sends a second from this worker (SES's account rate ÷ the queue's maximum concurrency)."""

    def __init__(self, rate: float) -> None:
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self.next = 0.0

    def wait(self) -> None:
        now = time.monotonic()
        if self.next > now:
            time.sleep(self.next - now)
        self.next = max(now, self.next) + self.interval


def _settle(newsletter_id: str, member_id: str, outcome: str) -> None:
    try:
        dynamo.transact(store.settle_ops(newsletter_id, member_id, outcome, clock.iso()))
    except store.ConditionFailed:
        pass  # settled already (by an earlier delivery of the same message)


def _unpark(newsletter_id: str, message_id: str) -> None:
    """A message staff re-drove from the DLQ is worked on again: its recipients are no longer counted stuck."""
    record = store.parked(newsletter_id, message_id)
    if not record:
        return  # given up without a record (the worker died at its last attempt), or unparked already
    try:
        dynamo.transact(store.unpark_ops(newsletter_id, message_id, int(record["stuck_count"])))
    except store.ConditionFailed:
        pass  # another delivery of the same re-driven message was first


def process(message: dict[str, Any], pacer: _Pacer | None = None, progress: dict[str, int] | None = None) -> dict[str, int]:
    """One SQS message: up to IDS_PER_MESSAGE members of one newsletter. Raises Throttled (retry later).
    `progress["handled"]`: how many of its members were done (settled or found done) before a failure."""
    newsletter_id = str(message["newsletter_id"])
    progress = progress if progress is not None else {}
    progress["handled"] = 0
    if message.get("parked"):
        _unpark(newsletter_id, str(message["parked"]))
    item = store.get(newsletter_id)
    counts = {"sent": 0, "failed": 0, "skipped": 0, "already": 0, "held": 0}
    if not item or item.get("status") not in ("sending", "sent", "paused"):
        return counts
    if item.get("status") == "paused":  # kept for 再開: nobody sent, nobody counted
        dynamo.transact(store.hold_ops(newsletter_id, [str(m) for m in message.get("member_ids") or []], clock.iso(), _held_ttl()))
        counts["held"] = len(message.get("member_ids") or [])
        progress["handled"] = len(message.get("member_ids") or [])
        return counts
    pacer = pacer or _Pacer(float(get_settings().newsletter_send_rate))
    members = {m["member_id"]: m for m in store.members([str(m) for m in message.get("member_ids") or []])}
    blocked = store.suppressed([str(m["email"]) for m in members.values() if m.get("email")]) if members else set()
    ttl = clock.epoch() + store.RECIPIENT_TTL_DAYS * 86400
    for handled, member_id in enumerate(message.get("member_ids") or []):
        progress["handled"] = handled
        member = members.get(member_id)
        token = secrets.token_urlsafe(32)
        old = store.claim(newsletter_id, member_id, _digest(token), clock.iso(), ttl)
        if old is not None:
            if old.get("delivery") == "claimed":  # written, never confirmed: perhaps sent, never sent again (unknown)
                _settle(newsletter_id, member_id, "unknown")
            counts["already"] += 1
            continue
        if member is None or not set(subscribed_genres(member)) & set(item["genres"]) or str(member.get("email", "")).lower() in blocked:
            _settle(newsletter_id, member_id, "skipped")  # left, unsubscribed or changed genres since the send
            counts["skipped"] += 1
            continue
        subject, body, headers = compose(item, token)
        pacer.wait()
        try:
            tags = {"newsletter": newsletter_id, "member": member_id}
            _send_with_retries(lambda: _deliver(str(member["email"]), subject, body, headers, tags))  # noqa: B023 (called at once)
        except Throttled:
            store.release(newsletter_id, member_id)
            raise
        except (EndpointConnectionError, ConnectTimeoutError):  # never reached SES: not sent
            store.release(newsletter_id, member_id)
            raise
        except ClientError as exc:
            if error_code(exc) in ACCOUNT_REFUSALS:  # SES refuses the whole account: pause, keep the rest for 再開
                store.release(newsletter_id, member_id)
                ids_left = [str(m) for m in (message.get("member_ids") or [])[handled:]]
                _pause(newsletter_id, error_code(exc), ids_left)
                counts["held"] = len(ids_left)
                progress["handled"] = len(message.get("member_ids") or [])
                return counts
            # refused for good (an address SES will not take): counted as failed
            logger.warning("newsletter send refused", extra={"newsletter_id": newsletter_id, "error": error_code(exc)})
            _settle(newsletter_id, member_id, "failed")
            counts["failed"] += 1
            continue
        _settle(newsletter_id, member_id, "sent")
        counts["sent"] += 1
    progress["handled"] = len(message.get("member_ids") or [])
    store.finish_if_done(newsletter_id, clock.iso())
    return counts


def _pause(newsletter_id: str, code: str, member_ids: list[str]) -> None:
    """sending → paused (NEWSLETTER PAUSED: alarmed; staff see why and 再開) and these recipients held."""
    at = clock.iso()
    if store.pause(newsletter_id, code, at):
        logger.error("NEWSLETTER PAUSED: SES refuses every mail of the account; staff resume it (再開)", extra={"newsletter_id": newsletter_id, "error": code})
    dynamo.transact(store.hold_ops(newsletter_id, member_ids, at, _held_ttl()))


def _park(message: dict[str, Any], message_id: str, remaining: int) -> None:
    """The message failed at its last attempt (ApproximateReceiveCount = the queue's maxReceiveCount): SQS
    moves it to the DLQ now, so its recipients not yet done are counted stuck on the newsletter (once)."""
    newsletter_id = str(message.get("newsletter_id") or "")
    if not newsletter_id or remaining <= 0:
        return
    try:
        dynamo.transact(store.park_ops(newsletter_id, message_id, remaining, clock.iso()))
    except store.ConditionFailed:
        pass  # recorded already, or no such newsletter
    except Exception as exc:  # the message is in the DLQ whatever happens here; staff still see the queue
        logger.error("NEWSLETTER DLQ: a given-up message could not be recorded", extra={"newsletter_id": newsletter_id, "error": type(exc).__name__})


def handle_batch(records: list[dict[str, Any]]) -> dict[str, Any]:
    """The SQS event: each record processed; the failed ones reported (ReportBatchItemFailures)."""
    failures = []
    pacer = _Pacer(float(get_settings().newsletter_send_rate))
    last_attempt = get_settings().newsletter_max_receives
    for record in records:
        progress = {"handled": 0}
        message: dict[str, Any] = {}
        try:
            message = json.loads(record["body"])
            process(message, pacer, progress)
        except Exception as exc:
            logger.warning("newsletter batch item failed; it stays on the queue", extra={"message_id": record.get("messageId"), "error": type(exc).__name__})
            failures.append({"itemIdentifier": record["messageId"]})
            if int((record.get("attributes") or {}).get("ApproximateReceiveCount") or 1) >= last_attempt and isinstance(message, dict):
                member_ids = message.get("member_ids")
                _park(message, str(record["messageId"]), (len(member_ids) if isinstance(member_ids, list) else 0) - progress["handled"])
    return {"batchItemFailures": failures}


# --- the DLQ: what staff re-drive (再送) ---------------------------------------------------------

REDRIVE_SECONDS = 20.0  # one request moves what it can in this time; another 再送 moves the rest
NOT_SENDING = "再送できるのは配信中のメールマガジンだけです。"


def redrive(staff_id: str, newsletter_id: str) -> NewsletterRedriven:
    """POST …/{id}/redrive (再送): this newsletter's messages in the DLQ go back to NewsletterQueue (as
    StartMessageMoveTask would, which moto does not emulate: received, sent again, then deleted). Each
    re-sent message names the DLQ message it was (`parked`) so the worker uncounts it. A message sent
    but not deleted (a crash between) is delivered twice: the per-recipient records send nobody twice.
    Other newsletters' messages are left in the DLQ (visible again at the end)."""
    item = _get(newsletter_id)
    if item["status"] != "sending":
        raise Conflict(NOT_SENDING, code="not_sending")
    audit.record(staff_id, "newsletter.redrive", f"newsletter:{newsletter_id}")
    from netclub import queue

    dlq = get_settings().need("newsletter_dead_letter_queue_url")
    others: list[str] = []
    moved = recipients = 0
    deadline = time.monotonic() + REDRIVE_SECONDS
    try:
        while time.monotonic() < deadline:
            got = queue.receive(dlq, visibility_timeout=60)
            if not got:
                break
            mine: dict[str, tuple[queue.Received, dict[str, Any]]] = {}
            for n, m in enumerate(got):
                try:
                    body = json.loads(m.body)
                except ValueError:
                    body = None
                if isinstance(body, dict) and str(body.get("newsletter_id")) == newsletter_id:
                    mine[str(n)] = (m, body)
                else:
                    others.append(m.receipt)
            if not mine:
                continue
            taken = queue.send_batch(_queue_url(), {k: json.dumps({**body, "parked": m.message_id}) for k, (m, body) in mine.items()})
            sent = [mine[k] for k in mine if k in taken]
            others.extend(m.receipt for k, (m, _b) in mine.items() if k not in taken)  # stays in the DLQ
            queue.delete(dlq, [m.receipt for m, _b in sent])
            moved += len(sent)
            recipients += sum(len(b.get("member_ids") or []) for _m, b in sent)
    finally:
        queue.release(dlq, others)  # left in the DLQ, visible again for the next 再送
    return NewsletterRedriven(id=newsletter_id, messages=moved, recipients=recipients)


# --- one-click unsubscribe --------------------------------------------------------------------


def unsubscribe(token: str) -> Unsubscribed:
    """POST /api/unsubscribe: that member's mail_magazine becomes false now (and leaves every genre)."""
    from netclub.errors import InvalidToken

    if not token or len(token) > 200:
        raise InvalidToken("配信停止のリンクが正しくありません。メールのリンクをもう一度お確かめください。")
    record = store.recipient_of_token(_digest(token))
    if not record:
        raise InvalidToken("配信停止のリンクが正しくありません。メールのリンクをもう一度お確かめください。")
    _unsubscribe_member(str(record["member_id"]), str(record["newsletter_id"]), "unsubscribe_link")
    return Unsubscribed()


def _unsubscribe_member(member_id: str, newsletter_id: str | None, via: str) -> None:
    """mail_magazine off now, out of every genre, the consent record updated (and counted on the newsletter)."""
    member = profile_store.get_member(member_id, consistent=True)
    if not member:
        return
    subscriptions = (member.get("profile") or {}).get("subscriptions") or {}
    if not subscriptions.get("mail_magazine"):
        return  # already off: harmless
    at = clock.iso()
    after: MemberItem = {**member, "profile": {**member.get("profile", {}), "subscriptions": {**subscriptions, "mail_magazine": False}}}
    ops = [store.unsubscribe_member_op(member_id, at), *subscription_ops(member, after, via, at)]
    if newsletter_id:
        ops.append(store.count_unsubscribed_op(newsletter_id))
    try:
        dynamo.transact(ops)
    except store.ConditionFailed:
        return  # changed meanwhile (already off)


# --- bounces and complaints: SES event notifications (configuration set → SNS → this) -------------


def _member_of(address: str, tags: dict[str, Any]) -> str | None:
    from netclub.store import accounts

    tagged = (tags.get("member") or [None])[0]
    return str(tagged) if tagged else accounts.member_id_for_email(address)


def _suppress(address: str, reason: str, at: str) -> None:
    """The address is suppressed and, in the same transaction, the member whose login address it is now is
    marked and leaves the recipients' index (the audience counted for staff no longer includes it)."""
    from netclub.store import accounts

    owner = accounts.member_id_for_email(address)
    if owner:
        try:
            dynamo.transact(
                [store.suppress_op(address, reason, at), store.mark_suppressed_op(owner, address), *[store.genre_delete_op(g, owner) for g in GENRES]]
            )
            return
        except store.ConditionFailed:
            pass  # the member's address changed meanwhile: only the address is suppressed
    dynamo.transact([store.suppress_op(address, reason, at)])


def handle_ses_event(event: dict[str, Any]) -> dict[str, int]:
    """One SES event (eventType Bounce/Complaint, or a notificationType of the older format). A permanent
    bounce or a complaint suppresses the address (no newsletter to it again; a new address of the
    member is not suppressed) and counts on the newsletter once; a complaint also unsubscribes."""
    kind = str(event.get("eventType") or event.get("notificationType") or "")
    mail = event.get("mail") or {}
    tags = mail.get("tags") or {}
    if kind == "Bounce":
        bounce = event.get("bounce") or {}
        if bounce.get("bounceType") != "Permanent":
            return {"suppressed": 0}
        addresses = [str(r.get("emailAddress", "")) for r in bounce.get("bouncedRecipients") or []]
        counted = "bounced"
    elif kind == "Complaint":
        addresses = [str(r.get("emailAddress", "")) for r in (event.get("complaint") or {}).get("complainedRecipients") or []]
        counted = "complained"
    else:
        return {"suppressed": 0}
    at = clock.iso()
    newsletter_id = (tags.get("newsletter") or [None])[0]
    done = 0
    for address in [a.strip().lower() for a in addresses if "@" in a]:
        _suppress(address, counted, at)
        done += 1
        member_id = _member_of(address, tags)
        if newsletter_id and member_id:
            try:
                dynamo.transact(store.count_event_ops(str(newsletter_id), member_id, counted))
            except store.ConditionFailed:
                pass  # counted already (SNS delivers at least once) or not one of its recipients
        if counted == "complained" and member_id:
            _unsubscribe_member(member_id, None, "complaint")
    return {"suppressed": done}


def handle_ses_events(records: list[dict[str, Any]]) -> dict[str, int]:
    """The SNS event: each record's Message is one SES event (JSON)."""
    total = 0
    for record in records:
        total += handle_ses_event(json.loads((record.get("Sns") or {}).get("Message") or "{}"))["suppressed"]
    return {"suppressed": total}
