"""会員企業検索's 商談申込 (POST /api/directory/{company_id}/contact).

The request is relayed by mail to the company's user address with Reply-To the sender's address;
the sender never learns the recipient's address; both members' 利用履歴 show it; at most 10 a day
per sending member (the day in Asia/Tokyo), counted in the same transaction as the records.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from tests.conftest import DEMO, SCHEDULED_EVENT, Answer, Env, Portal
from tests.functional import faults as wire
from tests.functional.dynamodb_calls import dynamodb_calls
from tests.functional.reservation_helpers import new_member

RECIPIENT = "company1@directory.example"  # local/seed_directory.py: the first demo company, published
BODY = {"subject": "部品加工のご相談", "message": "御社のプレス加工について伺いたく存じます。\n試作100個の見積りをお願いできますか。"}


@pytest.fixture
def company(env: Env) -> dict[str, Any]:
    """A published company other than the demo member's: its company_id, member_id and name."""
    from netclub.store import accounts

    from local import seed_directory

    seed_directory.seed(1)
    member_id = accounts.member_id_for_email(RECIPIENT)
    assert member_id
    member = accounts.get_member(member_id)
    assert member and member["company_id"]
    return {"company_id": member["company_id"], "member_id": member_id, "company_name": member["company_name"]}


def contact(client: Portal, company_id: str, body: dict[str, Any] | None = None, **kw: Any) -> Answer:
    return client.post(f"/api/directory/{company_id}/contact", BODY if body is None else body, **kw)


def history(client: Portal) -> list[dict[str, Any]]:
    answer = client.get("/api/usage-history")
    assert answer.status == 200, answer.body
    return [i for i in answer.body["items"] if i["type"] == "business_contact"]


def recipient_client(env: Env) -> Portal:
    from local import seed_directory

    client = env.new_client()
    assert client.login(RECIPIENT, seed_directory.PASSWORD).status == 200
    return client


def counter_items() -> list[dict[str, Any]]:
    return [i for i in wire.state()["table"] if i["PK"]["S"].startswith("LIMIT#business-contact#")]


# --- the happy path ------------------------------------------------------------------------------


def test_a_contact_is_mailed_with_reply_to_and_shown_in_both_histories(env: Env, member: Portal, staff: Portal, company: dict[str, Any]) -> None:
    answer = contact(member, company["company_id"])
    assert answer.status == 202, answer.body
    assert set(answer.body) == {"id"} and answer.body["id"]
    contact_id = answer.body["id"]

    (mail,) = env.mails(RECIPIENT)
    assert mail["subject"] == "【Net Club 商談申込】部品加工のご相談"
    assert mail["headers"] == {"Reply-To": DEMO[0]}
    body = mail["body"]
    assert "株式会社中小ニット" in body and "中企小太郎" in body  # the sender's company and user (担当者名)
    assert BODY["message"] in body
    assert "このメールに返信すると、申込元のご担当者に直接届きます。" in body
    assert "公益財団法人 東京都中小企業振興公社" in body and "送信専用" not in body
    assert DEMO[0] not in body  # the address travels as Reply-To only
    assert env.mails(DEMO[0]) == []  # nothing to the sender

    (sent,) = history(member)
    assert sent == {"type": "business_contact", "title": f"商談申込：{company['company_name']}", "date": sent["date"], "status": "sent", "ref_id": contact_id}
    (received,) = history(recipient_client(env))
    assert received["title"] == "商談申込の受信：株式会社中小ニット" and received["status"] == "received" and received["ref_id"] == contact_id
    assert sent["date"] == received["date"]

    log = staff.get("/api/admin/audit-log")
    assert log.status == 200, log.body
    (entry,) = [e for e in log.body["items"] if e["action"] == "directory.contact"]
    assert entry["actor_id"] == env.accounts["member"] and entry["target"] == f"business_contact:{contact_id}"
    assert entry["detail"] == {"company_id": company["company_id"]}


def test_the_recipient_address_never_reaches_the_sender(env: Env, member: Portal, company: dict[str, Any]) -> None:
    answers = [contact(member, company["company_id"]), member.get("/api/usage-history"), member.get(f"/api/directory/{company['company_id']}")]
    answers.append(contact(member, company["company_id"], {"subject": "", "message": ""}))
    for answer in answers:
        text = json.dumps(answer.body, ensure_ascii=False) + json.dumps(answer.headers)
        assert RECIPIENT not in text and "directory.example" not in text and company["member_id"] not in text, text
    # nor the sender's own records
    mine = [i for i in wire.state()["table"] if i["PK"]["S"] == f"MEMBER#{env.accounts['member']}" and i["SK"]["S"].startswith("CONTACT")]
    assert mine and RECIPIENT not in json.dumps(mine, ensure_ascii=False)


def test_idempotency_key_sends_once(env: Env, member: Portal, company: dict[str, Any]) -> None:
    headers = {"Idempotency-Key": "contact-1"}
    first = contact(member, company["company_id"], headers=headers)
    again = contact(member, company["company_id"], headers=headers)
    assert first.status == again.status == 202 and first.body == again.body
    assert len(env.mails(RECIPIENT)) == 1 and len(history(member)) == 1
    other = contact(member, company["company_id"], {**BODY, "subject": "別件"}, headers=headers)
    assert other.status == 409 and other.error["code"] == "idempotency_key_reused"


# --- who may ask whom ----------------------------------------------------------------------------


def test_own_company_is_400_in_japanese(env: Env, member: Portal) -> None:
    from netclub.store import accounts

    own = accounts.get_member(env.accounts["member"])
    assert own and own["company_id"]
    answer = contact(member, own["company_id"])
    assert answer.status == 400, answer.body
    assert answer.error["message"] == "自社には商談を申し込めません。"
    assert env.mails(DEMO[0]) == [] and history(member) == []


def test_unknown_or_unpublished_company_is_404(env: Env, member: Portal, staff: Portal, company: dict[str, Any]) -> None:
    assert contact(member, "no-such-company").status == 404
    detail = staff.get(f"/api/admin/members/{company['member_id']}").body
    assert staff.put(f"/api/admin/members/{company['member_id']}/profile", {**detail["profile"], "publish_company_info": False}).status == 200
    answer = contact(member, company["company_id"])
    assert answer.status == 404 and answer.error["message"].startswith("企業が見つかりません")
    assert env.mails(RECIPIENT) == [] and history(member) == []


def test_a_pending_member_is_403(env: Env, member: Portal, company: dict[str, Any]) -> None:
    from netclub import clock
    from netclub.store import accounts

    accounts.set_status(env.accounts["member"], "active", "pending_review", clock.iso())
    answer = contact(member, company["company_id"])
    assert answer.status == 403 and answer.error["code"] == "forbidden"
    assert env.mails(RECIPIENT) == []


def test_needs_a_session_and_csrf(portal: Portal, member: Portal, company: dict[str, Any]) -> None:
    assert contact(portal, company["company_id"]).status == 401
    assert member.request("POST", f"/api/directory/{company['company_id']}/contact", BODY, csrf=False).status == 403


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"message": "内容"}, "subject"),
        ({"subject": "件名"}, "message"),
        ({"subject": "", "message": "内容"}, "subject"),
        ({"subject": "　 ", "message": "内容"}, "subject"),
        ({"subject": "件名", "message": "\n \n"}, "message"),
        ({"subject": "あ" * 101, "message": "内容"}, "subject"),
        ({"subject": "件名", "message": "あ" * 2001}, "message"),
        ({"subject": "件名\r\nBcc: x@example.jp", "message": "内容"}, "subject"),
        ({"subject": "件名", "message": "内容\x00"}, "message"),
        ({"subject": "件名\u202e", "message": "内容"}, "subject"),
        ({"subject": 5, "message": "内容"}, "subject"),
    ],
)
def test_bad_input_is_400_in_japanese_with_fields(env: Env, member: Portal, company: dict[str, Any], body: dict[str, Any], field: str) -> None:
    answer = contact(member, company["company_id"], body)
    assert answer.status == 400, answer.body
    assert answer.error["code"] == "validation_error"
    messages = answer.field_messages()
    assert field in messages, messages
    assert any("\u3040" <= ch <= "\u9fff" for ch in messages[field]), messages
    assert env.mails(RECIPIENT) == []


def test_the_longest_input_and_line_breaks_are_accepted(env: Env, member: Portal, company: dict[str, Any]) -> None:
    body = {"subject": "あ" * 100, "message": ("一行目\r\n\t二行目\n" + "あ" * 2000)[:2000]}
    assert contact(member, company["company_id"], body).status == 202
    assert body["message"] in env.mails(RECIPIENT)[0]["body"]


# --- the daily limit -----------------------------------------------------------------------------


@pytest.fixture
def atomic_dynamodb(monkeypatch: pytest.MonkeyPatch) -> None:
    """DynamoDB applies each request (a conditional write, a transaction) atomically; moto's in-memory backend
    does not guard against two threads interleaving: one request at a time, as the local stack's moto
    server does (local/moto_server.py). The handlers themselves run on the threads concurrently."""
    from moto.core.botocore_stubber import BotocoreStubber

    lock = threading.Lock()
    inner = BotocoreStubber.__call__

    def one_at_a_time(self: BotocoreStubber, event_name: str, request: Any, **kwargs: Any) -> Any:
        if str(request.headers.get("X-Amz-Target", b"")).find("DynamoDB_") >= 0:
            with lock:
                return inner(self, event_name, request, **kwargs)
        return inner(self, event_name, request, **kwargs)

    monkeypatch.setattr(BotocoreStubber, "__call__", one_at_a_time)


def test_twenty_parallel_requests_give_exactly_ten(env: Env, member: Portal, company: dict[str, Any], atomic_dynamodb: None) -> None:
    barrier = threading.Barrier(20)

    def one(n: int) -> Answer:
        barrier.wait()
        return contact(member, company["company_id"], {**BODY, "subject": f"並行{n}"})

    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(one, range(20)))
    statuses = sorted(a.status for a in answers)
    assert statuses == [202] * 10 + [429] * 10, statuses
    refused = [a for a in answers if a.status == 429]
    assert all(a.error["code"] == "too_many_requests" and "1日10件" in a.error["message"] for a in refused)
    assert all(1 <= int(a.headers["Retry-After"]) <= 86400 for a in refused)
    assert len(env.mails(RECIPIENT)) == 10 and len(history(member)) == 10
    assert len({a.body["id"] for a in answers if a.status == 202}) == 10
    (counter,) = counter_items()
    assert counter["attempts"]["N"] == "10"


def test_the_limit_starts_again_the_next_day_in_tokyo(env: Env, member: Portal, company: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    from netclub import clock

    late = dt.datetime(2026, 12, 1, 14, 59, 0, tzinfo=dt.UTC)  # 23:59 in Tokyo
    monkeypatch.setattr(clock, "now", lambda: late)
    assert member.login(*DEMO).status == 200
    for _ in range(10):
        assert contact(member, company["company_id"]).status == 202
    refused = contact(member, company["company_id"])
    assert refused.status == 429 and refused.headers["Retry-After"] == "60"  # until midnight in Tokyo
    midnight = dt.datetime(2026, 12, 1, 15, 0, 0, tzinfo=dt.UTC)  # 00:00 on 12-02 in Tokyo (still 12-01 in UTC)
    monkeypatch.setattr(clock, "now", lambda: midnight)
    assert contact(member, company["company_id"]).status == 202
    assert len(env.mails(RECIPIENT)) == 11
    dates = sorted({i["date"] for i in history(member)})
    assert dates == ["2026-12-01", "2026-12-02"]


def test_refused_requests_count_nothing(env: Env, member: Portal, company: dict[str, Any]) -> None:
    """Only a contact that was sent counts: bad input, 404 and 400 leave the day's count alone."""
    from netclub.store import accounts

    own = accounts.get_member(env.accounts["member"])
    assert own
    contact(member, company["company_id"], {"subject": "", "message": ""})
    contact(member, "no-such-company")
    contact(member, own["company_id"])
    assert counter_items() == []


# --- what a request costs, and SES faults --------------------------------------------------------


def test_dynamodb_calls_of_one_contact(member: Portal, company: dict[str, Any]) -> None:
    with dynamodb_calls() as calls:
        assert contact(member, company["company_id"]).status == 202
    # the authorizer's read (session and member, one BatchGetItem), then: sender, directory item, company's member; one
    # transaction (with the mail in the outbox); the mail out of the outbox once SES took it
    assert dict(calls) == {"BatchGetItem": 1, "GetItem": 3, "TransactWriteItems": 1, "DeleteItem": 1}
    with dynamodb_calls() as calls:
        assert contact(member, company["company_id"], headers={"Idempotency-Key": "cost"}).status == 202
    # + Powertools' in-progress record (PutItem) and its result (UpdateItem) on the idempotency table
    assert dict(calls) == {"BatchGetItem": 1, "GetItem": 3, "TransactWriteItems": 1, "DeleteItem": 1, "PutItem": 1, "UpdateItem": 1}


def test_mail_retry_keeps_reply_to_after_an_ses_fault(env: Env, member: Portal, company: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    with wire.injected(monkeypatch) as faults:
        faults.ses("ServiceUnavailable")
        answer = contact(member, company["company_id"])
        faults.clear()  # SES is back
    assert answer.status == 202, answer.body
    assert env.mails(RECIPIENT) == []
    (kept,) = wire.outbox()
    assert kept["template"]["S"] == "business_contact" and kept["reply_to"]["S"] == DEMO[0]
    assert env.invoke("MailRetryFunction", SCHEDULED_EVENT) == {"sent": 1, "failed": 0, "parked": 0}
    (mail,) = env.mails(RECIPIENT)
    assert mail["headers"] == {"Reply-To": DEMO[0]}
    assert mail["subject"] == "【Net Club 商談申込】部品加工のご相談"
    assert wire.outbox() == []


def test_a_second_member_can_contact_too(env: Env, staff: Portal, member: Portal, company: dict[str, Any]) -> None:
    """Each member has a count of their own; Reply-To is each sender's own address."""
    other = new_member(env, staff, "buyer@example.jp")
    assert contact(other, company["company_id"]).status == 202
    assert contact(member, company["company_id"]).status == 202
    replies = sorted(m["headers"]["Reply-To"] for m in env.mails(RECIPIENT))
    assert replies == sorted(["buyer@example.jp", DEMO[0]])
    assert len(counter_items()) == 2
