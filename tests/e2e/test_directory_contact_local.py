"""商談申込 on the local stack as `make dev` starts it: the relayed mail in the dev mailbox
(GET /_dev/mail?to=…) carries the sender's address as its `Reply-To` header, and both members'
利用履歴 show it."""

from __future__ import annotations

import urllib.parse
import uuid

import pytest

from local.directory_data import companies
from local.seed_directory import PASSWORD as COMPANY_PASSWORD
from tests.e2e.conftest import register_member
from tests.stackutil import Browserish, LocalStack

pytestmark = pytest.mark.e2e

PASSWORD = "Buyer#2026pass"
RECIPIENT = "company1@directory.example"  # local/seed_directory.py: the first generated company


def test_a_contact_reaches_the_company_with_reply_to_the_sender(local_stack: LocalStack, staff: Browserish) -> None:
    sender = f"buyer-{uuid.uuid4().hex[:8]}@example.jp"
    register_member(local_stack, staff, sender, PASSWORD, "買付商事株式会社", "買付一郎")
    buyer = local_stack.client()
    assert buyer.login(sender, PASSWORD).status == 200

    name = next(iter(companies(1)))["company_name"]
    found = buyer.get(f"/api/directory?q={urllib.parse.quote(name)}")
    assert found.status == 200, found.body
    (card,) = [c for c in found.body["items"] if c["company_name"] == name]

    subject = f"試作品の加工依頼 {uuid.uuid4().hex[:6]}"
    answer = buyer.post(
        f"/api/directory/{card['company_id']}/contact", {"subject": subject, "message": "試作100個の見積りをお願いします。\nよろしくお願いいたします。"}
    )
    assert answer.status == 202, answer.body
    assert RECIPIENT not in str(answer.body)

    mail = local_stack.wait_for_mail(RECIPIENT, subject)
    assert mail["subject"] == f"【Net Club 商談申込】{subject}"
    assert mail["headers"]["Reply-To"] == sender
    assert "買付商事株式会社" in mail["body"] and "買付一郎" in mail["body"]
    assert "このメールに返信すると、申込元のご担当者に直接届きます。" in mail["body"]

    mine = buyer.get("/api/usage-history")
    assert mine.status == 200, mine.body
    assert {"type": "business_contact", "title": f"商談申込：{name}", "status": "sent", "ref_id": answer.body["id"]}.items() <= mine.body["items"][0].items()
    assert RECIPIENT not in str(mine.body)
    company = local_stack.client()
    assert company.login(RECIPIENT, COMPANY_PASSWORD).status == 200
    theirs = company.get("/api/usage-history").body["items"]
    assert [(i["type"], i["title"], i["status"]) for i in theirs if i["ref_id"] == answer.body["id"]] == [
        ("business_contact", "商談申込の受信：買付商事株式会社", "received")
    ]
