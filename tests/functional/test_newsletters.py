"""メールマガジン配信 (docs/product.md "メールマガジン配信"): staff CRUD, the recipients' index, send through SQS, the
worker (at most once per member, even when a batch is redelivered after a crash), one-click unsubscribe.

The queue is read by local/event_sources.py's poller, the one the local stack runs: moto's SQS,
Lambda's SQS event shape, failed messages left on the queue.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from typing import Any

import pytest

from tests.conftest import DEMO, Env, Portal
from tests.functional.faults import log_lines as _log_lines
from tests.functional.reservation_helpers import new_member

NEWSLETTER = {"subject": "12月号 TOKYOネットクラブまがじん", "body": "いつもご利用ありがとうございます。\n今月のお知らせです。", "genres": ["netclub_magazine"]}


class Queue:
    """NewsletterMapping's poller of NewsletterQueue, polled on demand; what it delivered is kept."""

    def __init__(self, env: Env) -> None:
        import boto3

        from local import cfn, event_sources, stack
        from local.resources import physical_names

        template = cfn.load()
        resolver = cfn.Resolver(template, physical_names(template, stack.PREFIX), {"Stage": "local"}, stack.REGION, stack.ACCOUNT)
        self.events: list[dict[str, Any]] = []
        self.results: list[Any] = []

        def invoke(function: str, event: dict[str, Any]) -> Any:
            self.events.append(event)
            result = env.invoke(function, event)
            self.results.append(result)
            return result

        self.sqs = boto3.client("sqs", region_name=stack.REGION)
        (self.poller,) = [p for p in event_sources.queue_pollers(template, resolver, self.sqs, stack.REGION, invoke) if p.mapping.name == "NewsletterMapping"]
        self.dlq_url = resolver.ref("NewsletterDeadLetterQueue")

    def poll(self) -> int:
        return self.poller.poll()

    def depth(self, url: str | None = None) -> int:
        attributes = self.sqs.get_queue_attributes(
            QueueUrl=url or self.poller.queue_url, AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
        )["Attributes"]
        return int(attributes["ApproximateNumberOfMessages"]) + int(attributes["ApproximateNumberOfMessagesNotVisible"])


@pytest.fixture
def queue(env: Env) -> Queue:
    return Queue(env)


def _profile(client: Portal) -> dict[str, Any]:
    view = client.get("/api/profile")
    assert view.status == 200, view.body
    body = copy.deepcopy(view.body)
    body.pop("pending_email", None)
    return body


def _subscribe(client: Portal, on: bool, genres: list[str]) -> None:
    body = _profile(client)
    body["subscriptions"] = {**body["subscriptions"], "mail_magazine": on, "mail_magazine_genres": genres}
    answer = client.put("/api/profile", body)
    assert answer.status == 200, answer.body


def _newsletter_mails(env: Env, to: str) -> list[dict[str, Any]]:
    return [m for m in env.mails(to) if NEWSLETTER["subject"] in m["subject"]]


# --- slice 1: CRUD and the audience ------------------------------------------------------------


def test_staff_compose_edit_and_delete_a_draft_with_the_audience_now(env: Env, staff: Portal, member: Portal) -> None:
    created = staff.post("/api/admin/newsletters", NEWSLETTER)
    assert created.status == 201, created.body
    body = created.body
    assert body["status"] == "draft" and body["audience"] == 1  # the demo member takes both genres
    assert body["stats"] == {"recipients": 0, "sent": 0, "failed": 0, "bounced": 0, "complained": 0, "unsubscribed": 0, "stuck": 0, "unknown": 0}

    _subscribe(member, True, ["e_argus"])
    assert staff.get(f"/api/admin/newsletters/{body['id']}").body["audience"] == 0
    changed = staff.put(f"/api/admin/newsletters/{body['id']}", {**NEWSLETTER, "genres": ["netclub_magazine", "e_argus"], "subject": "改題"})
    assert changed.status == 200 and changed.body["audience"] == 1 and changed.body["subject"] == "改題"
    listed = staff.get("/api/admin/newsletters")
    assert [n["id"] for n in listed.body["items"]] == [body["id"]]

    assert staff.delete(f"/api/admin/newsletters/{body['id']}").status == 200
    assert staff.get(f"/api/admin/newsletters/{body['id']}").status == 404
    log = staff.get("/api/admin/audit-log").body["items"]
    assert [e["action"] for e in log if e["target"] == f"newsletter:{body['id']}"] == ["newsletter.delete", "newsletter.update", "newsletter.create"]


def test_bad_newsletters_are_400_with_japanese_fields_and_members_get_403(staff: Portal, member: Portal) -> None:
    cases = [
        ({**NEWSLETTER, "subject": "あ" * 151}, "subject", "150文字以内"),
        ({**NEWSLETTER, "body": "あ" * 20001}, "body", "20000文字以内"),
        ({**NEWSLETTER, "genres": []}, "genres", "ジャンル"),
        ({**NEWSLETTER, "genres": ["sports"]}, "genres.0", "選択肢"),
        ({**NEWSLETTER, "subject": "  "}, "subject", "必須"),
    ]
    for payload, field, words in cases:
        answer = staff.post("/api/admin/newsletters", payload)
        assert answer.status == 400, (field, answer.body)
        assert words in answer.field_messages().get(field, ""), (field, answer.field_messages())
    assert staff.post("/api/admin/newsletters", {**NEWSLETTER, "body": "一行目\n二行目\n" + "あ" * 19000}).status == 201
    assert member.get("/api/admin/newsletters").status == 403
    assert member.post("/api/admin/newsletters", NEWSLETTER).status == 403


def test_the_recipients_index_follows_every_profile_write_and_keeps_the_consent(
    env: Env, staff: Portal, member: Portal, monkeypatch: pytest.MonkeyPatch
) -> None:
    from netclub import clock
    from netclub.services import newsletters
    from netclub.store import newsletters as store

    demo = env.accounts["member"]
    assert newsletters.audience(["netclub_magazine"]) == [demo]
    first = store.consent(demo)
    assert first and first["genres"] == ["netclub_magazine", "e_argus"] and first["consented_at"]

    _subscribe(member, False, ["netclub_magazine"])
    assert newsletters.audience(["netclub_magazine", "e_argus"]) == []
    out = store.consent(demo)
    assert out and out["withdrawn_at"] and "consented_at" not in out and [h["via"] for h in out["history"]] == ["seed", "profile"]

    later = clock.now() + dt.timedelta(seconds=2)  # consent times are to the second: the new one must be later
    monkeypatch.setattr(clock, "now", lambda: later)
    _subscribe(member, True, ["e_argus"])
    assert newsletters.audience(["netclub_magazine"]) == [] and newsletters.audience(["e_argus"]) == [demo]
    back = store.consent(demo)
    assert back and back["consented_at"] > first["consented_at"] and "withdrawn_at" not in back

    # a pending registration is in no genre; its approval puts it in (consent: when it registered)
    other = new_member(env, staff, "reader@example.jp")
    other_id = other.get("/api/me").body["member_id"]
    assert other_id not in newsletters.audience(["netclub_magazine"])
    _subscribe(other, True, ["netclub_magazine"])
    assert other_id in newsletters.audience(["netclub_magazine"])

    # staff edit of the profile keeps it too
    detail = staff.get(f"/api/admin/members/{demo}").body
    profile = {**detail["profile"], "subscriptions": {**detail["profile"]["subscriptions"], "mail_magazine": False}}
    assert staff.put(f"/api/admin/members/{demo}/profile", {**profile, "staff_fields": detail["staff_fields"]}).status == 200
    assert demo not in newsletters.audience(["e_argus"])


# --- slice 2: send, the worker, at most once ---------------------------------------------------


def _subscriber(email: str, genres: list[str], on: bool = True, status: str = "active") -> str:
    """A member written as the portal's own writes make one (the index items in the same transaction)."""
    from netclub import clock, ids
    from netclub.services import newsletters
    from netclub.store import accounts

    now = clock.iso()
    member = {
        "member_id": ids.new_id(),
        "email": email,
        "role": "member",
        "status": status,
        "password_hash": "-",
        "company_name": "配信テスト株式会社",
        "user_name": "配信太郎",
        "profile": {"corporate_type": "founder", "company_name": "配信テスト株式会社", "user": {"name": "配信太郎", "email": email}}
        | {"subscriptions": {"mail_magazine": on, "mail_magazine_genres": genres}},
        "staff_fields": {},
        "created_at": now,
        "updated_at": now,
    }
    accounts.create_member(member, newsletters.subscription_ops(None, member, "seed", now))
    return str(member["member_id"])


def _sent(staff: Portal, genres: list[str] | None = None) -> str:
    created = staff.post("/api/admin/newsletters", {**NEWSLETTER, "genres": genres or NEWSLETTER["genres"]})
    assert created.status == 201, created.body
    answer = staff.post(f"/api/admin/newsletters/{created.body['id']}/send", {})
    assert answer.status == 202 and answer.body["status"] == "sending", answer.body
    return str(created.body["id"])


def test_send_reaches_the_right_members_only_with_the_list_headers_and_footer(env: Env, staff: Portal, queue: Queue) -> None:
    _subscriber("magazine@example.jp", ["netclub_magazine"])
    _subscriber("argus-only@example.jp", ["e_argus"])
    _subscriber("opted-out@example.jp", ["netclub_magazine"], on=False)
    _subscriber("pending@example.jp", ["netclub_magazine"], status="pending_review")
    newsletter_id = _sent(staff)
    assert queue.poll() == 1
    record = queue.events[-1]["Records"][0]
    assert record["eventSource"] == "aws:sqs" and record["eventSourceARN"].endswith(":netclub-local-NewsletterQueue")
    assert set(record) >= {"messageId", "receiptHandle", "body", "attributes", "messageAttributes", "md5OfBody", "awsRegion"}
    assert queue.results[-1] == {"batchItemFailures": []} and queue.depth() == 0

    for address in (DEMO[0], "magazine@example.jp"):
        (mail,) = _newsletter_mails(env, address)
        token = env.link_token(address, "/unsubscribe")
        assert mail["headers"]["List-Unsubscribe"] == f"<http://portal.test/api/unsubscribe?token={token}>"
        assert mail["headers"]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert "公益財団法人 東京都中小企業振興公社" in mail["body"] and "〒101-0025" in mail["body"] and "03-3251-7881" in mail["body"]
    for address in ("argus-only@example.jp", "opted-out@example.jp", "pending@example.jp", "staff@netclub.example"):
        assert _newsletter_mails(env, address) == []
    view = staff.get(f"/api/admin/newsletters/{newsletter_id}").body
    assert view["status"] == "sent" and view["sent_at"] and view["audience"] == 2
    assert view["stats"] == {"recipients": 2, "sent": 2, "failed": 0, "bounced": 0, "complained": 0, "unsubscribed": 0, "stuck": 0, "unknown": 0}

    again = staff.post(f"/api/admin/newsletters/{newsletter_id}/send", {})
    assert again.status == 409 and again.error["code"] == "not_draft"
    assert staff.put(f"/api/admin/newsletters/{newsletter_id}", NEWSLETTER).status == 409
    assert staff.delete(f"/api/admin/newsletters/{newsletter_id}").status == 409


@pytest.mark.parametrize("crash", ["before SES answered", "after SES took the mail"])
def test_a_crash_in_the_middle_of_a_batch_and_the_redelivery_send_nobody_twice(
    env: Env, staff: Portal, queue: Queue, monkeypatch: pytest.MonkeyPatch, crash: str
) -> None:
    """The worker dies between the recipient's record and SES's answer (the 25th mail): before SES answered
    (not sent) or after SES took it (sent). Either way the redelivered message sends everyone else once and
    that member never twice, and the newsletter counts them "unknown", not "sent"."""
    from netclub.services import newsletters

    addresses = [f"reader{n:03d}@example.jp" for n in range(60)]
    for address in addresses:
        _subscriber(address, ["netclub_magazine", "e_argus"])
    addresses.append(DEMO[0])
    original = newsletters._deliver
    calls = {"n": 0}
    victim: dict[str, str] = {}

    def crashing(to: str, subject: str, body: str, headers: list[dict[str, str]], tags: Any = None) -> None:
        calls["n"] += 1
        if calls["n"] == 25:
            victim["to"] = to
            if crash == "after SES took the mail":
                original(to, subject, body, headers, tags)
            raise RuntimeError("the worker dies here")  # past the recipient's record: nothing releases it
        original(to, subject, body, headers, tags)

    monkeypatch.setattr(newsletters, "_deliver", crashing)
    newsletter_id = _sent(staff, ["netclub_magazine", "e_argus"])
    queue.poll()
    assert queue.results[-1]["batchItemFailures"], "the crashed message stays on the queue"
    assert queue.poller.redeliver_now() == 1  # its visibility timeout has passed
    while queue.poll():
        pass
    assert queue.depth() == 0

    counts = {address: len(_newsletter_mails(env, address)) for address in addresses}
    expected_victim = 1 if crash == "after SES took the mail" else 0
    assert counts.pop(victim["to"]) == expected_victim
    assert set(counts.values()) == {1}, {a: c for a, c in counts.items() if c != 1}
    view = staff.get(f"/api/admin/newsletters/{newsletter_id}").body
    assert view["status"] == "sent" and view["stats"]["recipients"] == 61
    assert view["stats"]["sent"] == 60 and view["stats"]["unknown"] == 1


def test_ses_throttling_is_retried_and_a_member_who_left_meanwhile_is_skipped(env: Env, staff: Portal, queue: Queue, monkeypatch: pytest.MonkeyPatch) -> None:
    from dataclasses import replace

    from botocore.exceptions import ClientError
    from netclub import retry
    from netclub.services import newsletters

    monkeypatch.setitem(retry.POLICIES, "ses.newsletter", replace(retry.policy("ses.newsletter"), max_attempts=2))
    monkeypatch.setattr(retry, "pause", lambda _s: None)
    _subscriber("throttled@example.jp", ["netclub_magazine"])
    original = newsletters._deliver
    refusals = {"left": 3}

    def throttled(to: str, subject: str, body: str, headers: list[dict[str, str]], tags: Any = None) -> None:
        if refusals["left"]:
            refusals["left"] -= 1
            raise ClientError({"Error": {"Code": "TooManyRequestsException", "Message": "slow down"}}, "SendEmail")
        original(to, subject, body, headers, tags)

    monkeypatch.setattr(newsletters, "_deliver", throttled)
    newsletter_id = _sent(staff)
    member = env.new_client()
    assert member.login(*DEMO).status == 200
    queue.poll()  # refused twice (the retries): released, the message stays
    assert queue.depth() == 1 and _newsletter_mails(env, DEMO[0]) == []
    _subscribe(member, False, [])  # the demo member opts out before the redelivery
    queue.poller.redeliver_now()
    queue.poll()
    assert queue.depth() == 0
    assert _newsletter_mails(env, DEMO[0]) == [] and len(_newsletter_mails(env, "throttled@example.jp")) == 1
    view = staff.get(f"/api/admin/newsletters/{newsletter_id}").body
    assert view["status"] == "sent" and view["stats"]["sent"] == 1 and view["stats"]["recipients"] == 2


def test_a_scheduled_newsletter_waits_for_newsletter_dispatch_and_test_mails_go_to_staff(env: Env, staff: Portal, queue: Queue) -> None:
    from netclub import clock

    created = staff.post("/api/admin/newsletters", NEWSLETTER).body
    test = staff.post(f"/api/admin/newsletters/{created['id']}/test")
    assert test.status == 202
    (mail,) = env.mails("staff@netclub.example")
    assert mail["subject"] == "【テスト】" + NEWSLETTER["subject"] and mail["headers"]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert _newsletter_mails(env, DEMO[0]) == []

    past = staff.post(f"/api/admin/newsletters/{created['id']}/send", {"send_at": "2020-01-01T09:00:00+09:00"})
    assert past.status == 400 and "send_at" in past.field_messages()
    soon = (clock.now() + __import__("datetime").timedelta(minutes=10)).isoformat()
    scheduled = staff.post(f"/api/admin/newsletters/{created['id']}/send", {"send_at": soon})
    assert scheduled.status == 202 and scheduled.body["status"] == "scheduled"
    assert staff.post(f"/api/admin/newsletters/{created['id']}/send", {}).status == 409
    assert env.invoke("NewsletterDispatchFunction", {}) == {"started": 0, "queued": 0}  # not yet
    from netclub.store import dynamo, keys

    dynamo.update(*keys.newsletter(created["id"]), "SET GSI2SK = :t", vals={":t": "2020-01-01T00:00:00+09:00"})  # its time has come
    assert env.invoke("NewsletterDispatchFunction", {}) == {"started": 1, "queued": 0}  # its one message queued by _go itself
    queue.poll()
    assert len(_newsletter_mails(env, DEMO[0])) == 1
    assert staff.get(f"/api/admin/newsletters/{created['id']}").body["status"] == "sent"


# --- slice 3: one-click unsubscribe -------------------------------------------------------------


def test_one_click_unsubscribe_without_a_session_takes_effect_at_once(env: Env, staff: Portal, queue: Queue) -> None:
    from netclub.services import newsletters
    from netclub.store import newsletters as store

    newsletter_id = _sent(staff)
    queue.poll()
    token = env.link_token(DEMO[0], "/unsubscribe")
    visitor = env.new_client()
    assert visitor.get(f"/api/unsubscribe?token={token}").status == 303  # a GET changes nothing: to the confirmation page
    assert newsletters.audience(["netclub_magazine"]) == [env.accounts["member"]]

    form = {"Content-Type": "application/x-www-form-urlencoded"}
    answer = visitor.post(f"/api/unsubscribe?token={token}", raw=b"List-Unsubscribe=One-Click", headers=form)
    assert answer.status == 200, answer.body
    assert newsletters.audience(["netclub_magazine", "e_argus"]) == []
    member = env.new_client()
    assert member.login(*DEMO).status == 200
    assert member.get("/api/profile").body["subscriptions"]["mail_magazine"] is False
    consent = store.consent(env.accounts["member"])
    assert consent and consent["withdrawn_at"] and consent["history"][-1]["via"] == "unsubscribe_link"
    assert visitor.post(f"/api/unsubscribe?token={token}", raw=b"List-Unsubscribe=One-Click", headers=form).status == 200  # harmless
    assert visitor.post("/api/unsubscribe", {"token": token}).status == 200
    assert staff.get(f"/api/admin/newsletters/{newsletter_id}").body["stats"]["unsubscribed"] == 1

    for bad in ("unknown-token", "x" * 300):
        refused = visitor.post("/api/unsubscribe", {"token": bad})
        assert refused.status == 400 and refused.error["code"] == "invalid_token", refused.body
    for bad in ("unknown", "y" * 500):
        unknown = visitor.post(f"/api/unsubscribe?token={bad}", raw=b"List-Unsubscribe=One-Click", headers=form)
        assert unknown.status == 400 and unknown.error["code"] == "invalid_token", unknown.body
    assert visitor.post("/api/unsubscribe", raw=json.dumps({}).encode()).error["code"] == "invalid_token"


def test_a_message_that_keeps_failing_ends_in_the_dead_letter_queue(env: Env, staff: Portal, queue: Queue, monkeypatch: pytest.MonkeyPatch) -> None:
    from netclub.services import newsletters

    def broken(message: dict[str, Any], pacer: Any = None) -> dict[str, int]:
        raise RuntimeError("always fails")

    monkeypatch.setattr(newsletters, "process", broken)
    _sent(staff)
    for _ in range(5):  # the queue's RedrivePolicy: maxReceiveCount 5
        assert queue.poll() == 0
        assert queue.results[-1]["batchItemFailures"] == [{"itemIdentifier": queue.events[-1]["Records"][0]["messageId"]}]
        queue.poller.redeliver_now()
    assert queue.poll() == 0 and queue.depth() == 0
    assert queue.depth(queue.dlq_url) == 1
    assert queue.events[-1]["Records"][0]["attributes"]["ApproximateReceiveCount"] == "5"


def test_the_worker_knows_which_receive_is_the_last_before_the_dlq() -> None:
    from local import cfn

    resources = cfn.load()["Resources"]
    worker = resources["NewsletterWorkerFunction"]["Properties"]["Environment"]["Variables"]
    assert int(worker["NEWSLETTER_MAX_RECEIVES"]) == int(resources["NewsletterQueue"]["Properties"]["RedrivePolicy"]["maxReceiveCount"])


def test_a_message_given_up_is_counted_stuck_and_staff_redrive_it_sending_nobody_twice(
    env: Env, staff: Portal, member: Portal, queue: Queue, monkeypatch: pytest.MonkeyPatch
) -> None:
    from botocore.exceptions import EndpointConnectionError
    from netclub.services import newsletters

    addresses = [DEMO[0]] + [f"stuck{n}@example.jp" for n in range(3)]
    for address in addresses[1:]:
        _subscriber(address, ["netclub_magazine"])
    original = newsletters._deliver
    ses = {"down": True, "calls": 0}

    def flaky(to: str, subject: str, body: str, headers: list[dict[str, str]], tags: Any = None) -> None:
        ses["calls"] += 1
        if ses["down"] and ses["calls"] > 1:  # the first mail goes out, then SES cannot be reached
            raise EndpointConnectionError(endpoint_url="https://email.ap-northeast-1.amazonaws.com")
        original(to, subject, body, headers, tags)

    monkeypatch.setattr(newsletters, "_deliver", flaky)
    newsletter_id = _sent(staff)
    for _ in range(5):  # maxReceiveCount 5: the fifth failure is the last attempt
        assert queue.poll() == 0
        queue.poller.redeliver_now()
    assert queue.poll() == 0 and queue.depth() == 0 and queue.depth(queue.dlq_url) == 1  # SQS moved it to the DLQ
    view = staff.get(f"/api/admin/newsletters/{newsletter_id}").body
    assert view["status"] == "sending" and view["stats"]["sent"] == 1 and view["stats"]["stuck"] == 3

    other = json.dumps({"newsletter_id": "another-newsletter", "member_ids": ["someone"]})
    queue.sqs.send_message(QueueUrl=queue.dlq_url, MessageBody=other)  # another newsletter's message stays in the DLQ
    assert member.post(f"/api/admin/newsletters/{newsletter_id}/redrive").status == 403
    ses["down"] = False
    answer = staff.post(f"/api/admin/newsletters/{newsletter_id}/redrive")
    assert answer.status == 200, answer.body
    assert answer.body == {"id": newsletter_id, "messages": 1, "recipients": 4}
    assert queue.depth(queue.dlq_url) == 1 and queue.depth() == 1
    assert queue.poll() == 1
    view = staff.get(f"/api/admin/newsletters/{newsletter_id}").body
    assert view["status"] == "sent" and view["stats"]["stuck"] == 0 and view["stats"]["sent"] == 4
    assert {a: len(_newsletter_mails(env, a)) for a in addresses} == dict.fromkeys(addresses, 1)

    again = staff.post(f"/api/admin/newsletters/{newsletter_id}/redrive")
    assert again.status == 409 and again.error["code"] == "not_sending"
    assert queue.depth(queue.dlq_url) == 1
    log = staff.get("/api/admin/audit-log").body["items"]
    assert [e["action"] for e in log if e["target"] == f"newsletter:{newsletter_id}"][:1] == ["newsletter.redrive"]


# --- slice 4: bounces and complaints ------------------------------------------------------------


def test_bounces_and_complaints_suppress_the_address_count_once_and_a_complaint_unsubscribes(env: Env, staff: Portal, queue: Queue) -> None:
    from netclub.services import newsletters

    _subscriber("bouncing@example.jp", ["netclub_magazine"])
    first = _sent(staff)
    queue.poll()
    dev = env.new_client()
    assert dev.post("/_dev/ses/events", {"type": "Bounce", "to": "bouncing@example.jp", "permanent": True}).status == 202
    assert dev.post("/_dev/ses/events", {"type": "Bounce", "to": "bouncing@example.jp", "permanent": True}).status == 202  # SNS: at least once
    assert dev.post("/_dev/ses/events", {"type": "Bounce", "to": DEMO[0]}).status == 202  # transient: nothing
    stats = staff.get(f"/api/admin/newsletters/{first}").body["stats"]
    assert stats["bounced"] == 1 and stats["complained"] == 0
    assert env.accounts["member"] in newsletters.audience(["netclub_magazine"])

    assert dev.post("/_dev/ses/events", {"type": "Complaint", "to": DEMO[0]}).status == 202
    assert env.accounts["member"] not in newsletters.audience(["netclub_magazine", "e_argus"])  # a complaint unsubscribes
    member = env.new_client()
    assert member.login(*DEMO).status == 200
    assert member.get("/api/profile").body["subscriptions"]["mail_magazine"] is False
    assert staff.get(f"/api/admin/newsletters/{first}").body["stats"]["complained"] == 1

    _subscribe(member, True, ["netclub_magazine"])  # opting in again does not lift the suppression of the address
    second = _sent(staff)
    queue.poll()
    assert len(_newsletter_mails(env, "bouncing@example.jp")) == 1 and len(_newsletter_mails(env, DEMO[0])) == 1
    view = staff.get(f"/api/admin/newsletters/{second}").body  # suppressed: neither counted nor enqueued
    assert view["status"] == "sent" and view["stats"]["recipients"] == 0 and view["stats"]["sent"] == 0


def test_the_audience_staff_see_and_the_recipients_sent_leave_out_suppressed_addresses(env: Env, staff: Portal, queue: Queue) -> None:
    from netclub.services import newsletters

    reader = new_member(env, staff, "gone@example.jp")
    reader_id = reader.get("/api/me").body["member_id"]
    _subscribe(reader, True, ["netclub_magazine"])
    draft = staff.post("/api/admin/newsletters", NEWSLETTER).body
    assert draft["audience"] == 2

    dev = env.new_client()
    assert dev.post("/_dev/ses/events", {"type": "Bounce", "to": "gone@example.jp", "permanent": True}).status == 202
    assert staff.get(f"/api/admin/newsletters/{draft['id']}").body["audience"] == 1  # the count staff see
    assert reader_id not in newsletters.audience(["netclub_magazine", "e_argus"])
    _subscribe(reader, True, ["netclub_magazine", "e_argus"])  # a profile write keeps it out while the address is suppressed
    assert reader_id not in newsletters.audience(["netclub_magazine", "e_argus"])

    assert staff.post(f"/api/admin/newsletters/{draft['id']}/send", {}).status == 202
    assert queue.poll() == 1
    view = staff.get(f"/api/admin/newsletters/{draft['id']}").body
    assert view["status"] == "sent" and view["audience"] == 1 and view["stats"]["recipients"] == 1 and view["stats"]["sent"] == 1
    assert _newsletter_mails(env, "gone@example.jp") == [] and len(_newsletter_mails(env, DEMO[0])) == 1

    # a bounce marked while a profile write was on its way: the write fails (409) rather than put the member back
    from local import ses_events

    original_ops = newsletters.subscription_ops

    def bounced_meanwhile(before: Any, after: Any, via: str, at: str | None = None) -> Any:
        ops = original_ops(before, after, via, at)
        bounce = ses_events.sns_event(ses_events.ses_event("Bounce", "race@example.jp", True, None), env.gateway.region, env.gateway.account)
        env.invoke("SesEventsFunction", bounce)
        return ops

    racer = new_member(env, staff, "race@example.jp")
    racer_id = racer.get("/api/me").body["member_id"]
    _subscribe(racer, True, ["netclub_magazine"])
    assert racer_id in newsletters.audience(["netclub_magazine"])
    body = _profile(racer)
    body["subscriptions"] = {**body["subscriptions"], "mail_magazine_genres": ["netclub_magazine", "e_argus"]}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(newsletters, "subscription_ops", bounced_meanwhile)
        assert racer.put("/api/profile", body).status == 409
    assert racer_id not in newsletters.audience(["netclub_magazine", "e_argus"])
    assert racer.put("/api/profile", body).status == 200  # again: saved, and still out while the address is suppressed
    assert racer_id not in newsletters.audience(["netclub_magazine", "e_argus"])

    # a new address (confirmed from its link) is not suppressed: the member is counted and sent to again
    body = _profile(reader)
    body["user"]["email"] = "back@example.jp"
    assert reader.put("/api/profile", body).status == 200
    assert env.new_client().post("/api/profile/email/confirm", {"token": env.link_token("back@example.jp", "/profile/email/confirm")}).status == 200
    assert reader_id in newsletters.audience(["netclub_magazine"])
    again = staff.post("/api/admin/newsletters", NEWSLETTER).body
    assert again["audience"] == 2
    assert staff.post(f"/api/admin/newsletters/{again['id']}/send", {}).status == 202
    queue.poll()
    assert len(_newsletter_mails(env, "back@example.jp")) == 1
    assert staff.get(f"/api/admin/newsletters/{again['id']}").body["stats"]["recipients"] == 2


def test_when_sqs_refuses_the_queueing_newsletter_dispatch_queues_the_rest_and_nobody_is_lost(
    env: Env, staff: Portal, queue: Queue, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The audience is written as held messages before the newsletter becomes `sending`; the request queues
    them until SQS fails (or its time is up, or it is killed), and answers 202: newsletter-dispatch queues the
    rest the next minute. A round queued twice (killed between the send and its delete) sends nobody twice."""
    from botocore.exceptions import ClientError
    from netclub import queue as sqs_queue
    from netclub.services import newsletters

    addresses = [f"held{n:03d}@example.jp" for n in range(120)]  # with DEMO[0]: 121 recipients, 3 messages
    for address in addresses:
        _subscriber(address, ["netclub_magazine"])
    monkeypatch.setattr(
        newsletters,
        "pump",
        lambda *_a, **_k: (_ for _ in ()).throw(ClientError({"Error": {"Code": "ServiceUnavailable", "Message": "down"}}, "SendMessageBatch")),
    )
    created = staff.post("/api/admin/newsletters", NEWSLETTER).body
    accepted = staff.post(f"/api/admin/newsletters/{created['id']}/send", {})
    assert accepted.status == 202 and accepted.body["status"] == "sending"
    assert queue.depth() == 0 and staff.get(f"/api/admin/newsletters/{created['id']}").body["status"] == "sending"
    monkeypatch.undo()

    # newsletter-dispatch: killed after its first SendMessageBatch, before the round was counted off
    original = sqs_queue.send_all
    monkeypatch.setattr(sqs_queue, "send_all", lambda url, bodies: (original(url, bodies), (_ for _ in ()).throw(SystemExit("killed")))[0])
    with pytest.raises(SystemExit):
        env.invoke("NewsletterDispatchFunction", {})
    monkeypatch.undo()
    assert queue.depth() == 3  # every held message went to the queue, none was counted off
    assert env.invoke("NewsletterDispatchFunction", {}) == {"started": 0, "queued": 3}  # the same three again
    assert env.invoke("NewsletterDispatchFunction", {}) == {"started": 0, "queued": 0}  # nothing held: off its list
    while queue.poll():
        pass
    for address in [*addresses, DEMO[0]]:
        assert len(_newsletter_mails(env, address)) == 1, address
    view = staff.get(f"/api/admin/newsletters/{created['id']}").body
    assert view["status"] == "sent" and view["stats"]["recipients"] == 121 and view["stats"]["sent"] == 121


def test_an_account_level_ses_refusal_pauses_the_newsletter_without_spending_its_audience(env: Env, staff: Portal, queue: Queue) -> None:
    """SES refuses every mail of the account (sending paused): the newsletter pauses (alarmed line, the reason
    for staff), its recipients are held, not failed or sent; 再開 after SES is back sends everyone once."""
    from local import moto_patches

    addresses = [f"paused{n:03d}@example.jp" for n in range(70)]  # with DEMO[0]: 71 recipients, 2 messages
    for address in addresses:
        _subscriber(address, ["netclub_magazine"])
    created = staff.post("/api/admin/newsletters", NEWSLETTER).body
    not_paused = staff.post(f"/api/admin/newsletters/{created['id']}/resume")
    assert not_paused.status == 409 and not_paused.error["code"] == "not_paused"
    moto_patches.ACCOUNT_OUTAGE["code"] = "SendingPausedException"
    try:
        assert staff.post(f"/api/admin/newsletters/{created['id']}/send", {}).status == 202
        with _log_lines() as lines:
            while queue.poll():
                pass
        assert queue.depth() == 0 and queue.depth(queue.dlq_url) == 0  # consumed: held in the table, not retried to the DLQ
        view = staff.get(f"/api/admin/newsletters/{created['id']}").body
        assert view["status"] == "paused" and "送信が一時停止" in view["paused_reason"]
        assert view["stats"] | {"recipients": 0} == {
            "recipients": 0,
            "sent": 0,
            "failed": 0,
            "bounced": 0,
            "complained": 0,
            "unsubscribed": 0,
            "stuck": 0,
            "unknown": 0,
        }
        assert sum("NEWSLETTER PAUSED" in line for line in lines) == 1 and not any("@" in line for line in lines if "PAUSED" in line)
        assert env.invoke("NewsletterDispatchFunction", {}) == {"started": 0, "queued": 0}  # paused: nothing moves
    finally:
        moto_patches.ACCOUNT_OUTAGE.clear()
    resumed = staff.post(f"/api/admin/newsletters/{created['id']}/resume")
    assert resumed.status == 202 and resumed.body["status"] == "sending"
    while queue.poll():
        pass
    for address in [*addresses, DEMO[0]]:
        assert len(_newsletter_mails(env, address)) == 1, address
    view = staff.get(f"/api/admin/newsletters/{created['id']}").body
    assert view["status"] == "sent" and view["stats"]["sent"] == 71 and view["paused_reason"] is None
    assert staff.post(f"/api/admin/newsletters/{created['id']}/resume").status == 409


# --- the index's backfill (members saved before the index existed) ------------------------------


def test_the_backfill_puts_members_saved_the_old_way_in_the_audience_once_and_resumes(
    env: Env, staff: Portal, queue: Queue, monkeypatch: pytest.MonkeyPatch
) -> None:
    from netclub import clock, ids
    from netclub.services import newsletters
    from netclub.store import accounts, dynamo
    from netclub.store import newsletters as store

    def old_way(email: str, genres: list[str], status: str = "active") -> str:  # as the portal wrote members before NEWSGENRE#
        now = clock.iso()
        member = {
            "member_id": ids.new_id(),
            "email": email,
            "role": "member",
            "status": status,
            "password_hash": "-",
            "company_name": "旧会員株式会社",
            "user_name": "旧会員太郎",
            "profile": {"corporate_type": "founder", "company_name": "旧会員株式会社", "user": {"name": "旧会員太郎", "email": email}}
            | {"subscriptions": {"mail_magazine": True, "mail_magazine_genres": genres}},
            "staff_fields": {},
            "created_at": now,
            "updated_at": now,
        }
        accounts.create_member(member)
        return str(member["member_id"])

    olds = [old_way(f"old{n}@example.jp", ["netclub_magazine"]) for n in range(5)]
    argus = old_way("old-argus@example.jp", ["e_argus"])
    pending = old_way("old-pending@example.jp", ["netclub_magazine"], status="pending_review")
    bounced = old_way("old-bounced@example.jp", ["netclub_magazine"])
    dynamo.transact([store.suppress_op("old-bounced@example.jp", "bounced", clock.iso())])  # suppressed before the mark existed
    assert newsletters.audience(["netclub_magazine", "e_argus"]) == [env.accounts["member"]]

    original_page = store.active_members_page
    monkeypatch.setattr(store, "active_members_page", lambda limit, start: original_page(3, start))  # pages of 3
    budget = iter([60_000, 60_000, 0])  # the first run's time is up after two pages: it stops, its cursor kept
    first = newsletters.backfill_index(False, lambda: next(budget, 0))
    assert first["done"] == 0 and 0 < first["members"] <= 6 and store.backfill_state()["cursor"]
    assert env.invoke("NewsletterBackfillFunction", {})["done"] == 1  # the next (scheduled) run resumes from the cursor
    magazine = newsletters.audience(["netclub_magazine"])
    assert sorted(magazine) == sorted([env.accounts["member"], *olds])
    assert sorted(newsletters.audience(["e_argus"])) == sorted([env.accounts["member"], argus])
    assert pending not in magazine and bounced not in magazine
    assert env.invoke("NewsletterBackfillFunction", {}) == {"done": 1, "members": 0, "changed": 0}  # done: nothing more
    again = env.invoke("NewsletterBackfillFunction", {"restart": True})  # re-runnable: the same index, nobody twice
    assert again["done"] == 1
    assert sorted(newsletters.audience(["netclub_magazine"])) == sorted(magazine)

    newsletter_id = _sent(staff)
    queue.poll()
    for n in range(5):
        assert len(_newsletter_mails(env, f"old{n}@example.jp")) == 1
    assert _newsletter_mails(env, "old-bounced@example.jp") == [] and _newsletter_mails(env, "old-pending@example.jp") == []
    view = staff.get(f"/api/admin/newsletters/{newsletter_id}").body
    assert view["stats"]["recipients"] == 6 and view["stats"]["sent"] == 6


def test_a_plain_visit_of_the_unsubscribe_url_shows_the_confirmation_page_and_changes_nothing(env: Env, staff: Portal, queue: Queue) -> None:
    """Mail clients without one-click open the List-Unsubscribe URL in a browser (a GET): 303 to the front end's
    配信停止 page with the same token, where the person confirms; the subscription stays until then."""
    newsletter_id = _sent(staff, ["netclub_magazine", "e_argus"])
    queue.poll()
    mail = _newsletter_mails(env, DEMO[0])[-1]
    url = next(h["List-Unsubscribe"] for h in [mail["headers"]] if "List-Unsubscribe" in h).strip("<>")
    path = url[url.index("/api/unsubscribe") :]
    visit = env.new_client().get(path)
    assert visit.status == 303 and visit.headers["Location"].startswith("/unsubscribe?token=")
    assert "json" not in visit.headers.get("Content-Type", ""), visit.headers  # no body to read
    assert visit.headers["Location"].split("token=", 1)[1] == path.split("token=", 1)[1]
    view = staff.get(f"/api/admin/newsletters/{newsletter_id}").body
    assert view["stats"]["unsubscribed"] == 0  # nothing changed by the visit
    assert env.new_client().get("/api/unsubscribe").headers["Location"] == "/unsubscribe"
