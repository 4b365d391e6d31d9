"""メールマガジン on the local stack as `make dev` starts it: the queue is polled by the stack's own
event source poller (local/event_sources.py), the mail arrives in /_dev/mail with its RFC 8058 headers,
the one-click unsubscribe works from the header's URL without a session, and a bounce fed through
POST /_dev/ses/events suppresses the address."""

from __future__ import annotations

import time
import urllib.parse
from collections.abc import Callable

from tests.e2e.conftest import register_member
from tests.stackutil import Browserish, LocalStack

PASSWORD = "Reader#2026pass"


def _until(check: Callable[[], bool], limit: float = 20.0) -> None:
    started = time.monotonic()
    while not check():
        assert time.monotonic() - started < limit, f"not within {limit} s"
        time.sleep(0.2)


def _send(staff: Browserish, subject: str) -> str:
    created = staff.post("/api/admin/newsletters", {"subject": subject, "body": "本文です。", "genres": ["e_argus"]})
    assert created.status == 201, created.body
    assert staff.post(f"/api/admin/newsletters/{created.body['id']}/send", {}).status == 202
    return str(created.body["id"])


def test_a_newsletter_arrives_unsubscribes_in_one_click_and_a_bounce_suppresses(local_stack: LocalStack, staff: Browserish) -> None:
    email = "e2e-reader@example.jp"
    register_member(local_stack, staff, email, PASSWORD, "電子アーガス購読株式会社", "購読花子")
    reader = local_stack.client()
    assert reader.login(email, PASSWORD).status == 200
    profile = {k: v for k, v in reader.get("/api/profile").body.items() if k not in ("staff_fields", "pending_email")}
    profile["subscriptions"] = {**profile["subscriptions"], "mail_magazine": True, "mail_magazine_genres": ["e_argus"]}
    assert reader.put("/api/profile", profile).status == 200

    first = _send(staff, "電子ARGUS 第1号")
    mail = local_stack.wait_for_mail(email, "電子ARGUS 第1号", timeout=30)
    _until(lambda: staff.get(f"/api/admin/newsletters/{first}").body["status"] == "sent")
    assert mail["headers"]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    one_click = mail["headers"]["List-Unsubscribe"].strip("<>")
    assert one_click.startswith(local_stack.url + "/api/unsubscribe?token=")
    token = urllib.parse.parse_qs(urllib.parse.urlsplit(one_click).query)["token"][0]
    assert f"/unsubscribe?token={token}" in mail["body"]

    mailbox_provider = local_stack.client()  # what Gmail does with RFC 8058: a POST, no cookie, no CSRF token
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    answer = mailbox_provider.request("POST", one_click.removeprefix(local_stack.url), headers=form)
    assert answer.status == 200, answer.body
    assert reader.get("/api/profile").body["subscriptions"]["mail_magazine"] is False
    _send(staff, "電子ARGUS 第2号")
    time.sleep(3)  # the poller runs every 0.5 s: nothing for the reader
    assert not [m for m in local_stack.mails(email) if "第2号" in m["subject"]]

    assert reader.put("/api/profile", profile).status == 200  # opts in again
    bounced = local_stack.client().post("/_dev/ses/events", {"type": "Bounce", "to": email, "permanent": True})
    assert bounced.status == 202, bounced.body
    assert staff.get(f"/api/admin/newsletters/{first}").body["stats"]["bounced"] == 1
    third = _send(staff, "電子ARGUS 第3号")
    _until(lambda: staff.get(f"/api/admin/newsletters/{third}").body["status"] == "sent")
    assert not [m for m in local_stack.mails(email) if "第3号" in m["subject"]]  # the address is suppressed


def test_the_index_backfill_runs_on_the_local_stack_like_the_other_schedules(local_stack: LocalStack, staff: Browserish) -> None:
    dev = local_stack.client()
    assert "newsletter-backfill" in dev.get("/_dev/scheduled").body["scheduled"]
    first = dev.post("/_dev/scheduled/newsletter-backfill")
    assert first.status == 200, first.body
    assert first.body["result"]["done"] == 1  # the seed's members are few: one run finishes
    again = dev.post("/_dev/scheduled/newsletter-backfill")
    assert again.status == 200 and again.body["result"] == {"done": 1, "members": 0, "changed": 0}  # done: only reads that it is
