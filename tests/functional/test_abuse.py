"""Abuse, through the real handlers: nobody can lock a member out, an older link dies when a newer
one is issued or any is used, mails to a chosen address are capped without telling, and the
client's address is believed from CloudFront only. (Parallel bursts: tests/e2e/test_abuse_limits.py.)"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest

from local import stack
from tests.conftest import DEMO, Env, Portal

WRONG = {"email": DEMO[0], "password": "Wrong#2026pass"}
RIGHT = {"email": DEMO[0], "password": DEMO[1]}
HOME = "203.0.113.5"
EVENTS = Path(__file__).resolve().parents[2] / "events"


class Clock:
    """The portal's clock, held still and moved by the test."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from netclub import clock

        self.at = clock.now()
        monkeypatch.setattr(clock, "now", lambda: self.at)

    def move(self, seconds: float) -> None:
        self.at += dt.timedelta(seconds=seconds)


# --- finding 2: an attacker cannot deny a member their login ---------------------------------


def test_five_failures_refuse_that_source_only(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    clock = Clock(monkeypatch)
    attacker = env.new_client("198.51.100.7")
    assert [attacker.post("/api/auth/login", WRONG).status for _ in range(5)] == [401] * 5
    assert attacker.post("/api/auth/login", RIGHT).status == 429  # from there, even the right password
    clock.move(1)  # the account's own delay after five failures (half a second) has passed
    assert attacker.post("/api/auth/login", RIGHT).status == 429
    assert env.new_client(HOME).login(*DEMO).status == 200  # the member, from their own address


def test_an_attacker_cannot_keep_a_member_out_of_a_browser_they_logged_in_from(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    Clock(monkeypatch)
    home = env.new_client(HOME)
    first = home.login(*DEMO)
    assert first.status == 200
    assert "netclub_device=" in str(first.headers.get("Set-Cookie")) or home.client.get_cookie("netclub_device", path="/api/auth/login")
    assert home.post("/api/auth/logout").status == 204
    for n in range(8):  # many addresses, each to its own limit, the account's delays at their longest
        attacker = env.new_client(f"198.51.100.{n}")
        for _ in range(5):
            assert attacker.post("/api/auth/login", WRONG).status in (401, 429)
    assert env.new_client(HOME).post("/api/auth/login", RIGHT).status == 429  # a browser the account does not know waits
    assert home.login(*DEMO).status == 200  # the member's own browser does not


def test_from_a_new_browser_the_member_meets_a_growing_delay_never_a_lock(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    clock = Clock(monkeypatch)
    waits: list[int] = []
    for n in range(30):
        attacker = env.new_client(f"198.51.100.{n}")  # a new address each time: the per-source limits never bite
        answer = attacker.post("/api/auth/login", WRONG)
        if answer.status == 429:
            waits.append(int(answer.headers["Retry-After"]))
            clock.move(waits[-1])
            answer = attacker.post("/api/auth/login", WRONG)
        assert answer.status == 401, answer.body
    assert waits == sorted(waits), waits  # the delays grow …
    assert waits[0] == 1 and max(waits) == 300, waits  # … from a second to at most five minutes
    member = env.new_client(HOME)
    answer = member.post("/api/auth/login", RIGHT)
    assert answer.status == 429 and answer.error["code"] == "too_many_requests"
    assert 1 <= int(answer.headers["Retry-After"]) <= 300
    clock.move(int(answer.headers["Retry-After"]))
    assert member.login(*DEMO).status == 200


def test_a_source_is_limited_whatever_the_account(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    Clock(monkeypatch)
    stuffer = env.new_client("198.51.100.99")
    for n in range(50):
        assert stuffer.post("/api/auth/login", {"email": f"guess{n}@example.jp", "password": "Wrong#2026pass"}).status == 401
    refused = stuffer.post("/api/auth/login", RIGHT)
    assert refused.status == 429 and int(refused.headers["Retry-After"]) >= 1
    assert env.new_client(HOME).login(*DEMO).status == 200


def test_unknown_and_registered_addresses_are_limited_alike(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    Clock(monkeypatch)
    client = env.new_client("198.51.100.50")
    last = []
    for email in (DEMO[0], "nobody@example.jp"):
        answers = [client.post("/api/auth/login", {"email": email, "password": "Wrong#2026pass"}) for _ in range(6)]
        assert [a.status for a in answers] == [401] * 5 + [429]
        last.append((answers[-1].error, answers[-1].headers["Retry-After"]))
    assert last[0] == last[1]


# --- the client's address: CloudFront's header, believed only with CloudFront's secret -----------


def _login_event(viewer: str | None, secret: str | None, body: dict[str, Any]) -> dict[str, Any]:
    event = json.loads((EVENTS / "auth_login" / "post.json").read_text())
    event["requestContext"]["identity"]["sourceIp"] = "130.176.0.10"  # a CloudFront edge
    headers = {"Content-Type": "application/json"}
    if viewer:
        headers["X-Netclub-Viewer-Ip"] = viewer
    if secret:
        headers["X-Origin-Verify"] = secret
    event["headers"] = headers
    event["multiValueHeaders"] = {k: [v] for k, v in headers.items()}
    event["body"] = json.dumps(body)
    return event


def test_behind_cloudfront_each_viewer_counts_as_its_own_source(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    clock = Clock(monkeypatch)
    statuses = [env.invoke("AuthLoginFunction", _login_event("198.51.100.1", stack.ORIGIN_VERIFY_SECRET, WRONG))["statusCode"] for _ in range(6)]
    assert statuses == [401] * 5 + [429]
    clock.move(1)
    # another viewer through the same edge is not the attacker
    assert env.invoke("AuthLoginFunction", _login_event("2001:db8::7", stack.ORIGIN_VERIFY_SECRET, RIGHT))["statusCode"] == 200


@pytest.mark.parametrize("secret", [None, "forged-secret"])
def test_a_forged_viewer_address_counts_under_the_real_source(env: Env, monkeypatch: pytest.MonkeyPatch, secret: str | None) -> None:
    Clock(monkeypatch)
    # an attacker calling API Gateway directly, a new "viewer" each time, without CloudFront's secret
    statuses = [env.invoke("AuthLoginFunction", _login_event(f"192.0.2.{n}", secret, WRONG))["statusCode"] for n in range(6)]
    assert statuses == [401] * 5 + [429]


def test_the_local_gateway_does_not_take_the_address_from_client_headers(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    Clock(monkeypatch)
    client = env.new_client("198.51.100.60")
    statuses = []
    for n in range(51):  # a new forged address each time, and a new account: only the real source can stop it
        forged = {"X-Forwarded-For": f"192.0.2.{n}", "X-Netclub-Viewer-Ip": f"192.0.2.{n}", "X-Origin-Verify": "x"}
        statuses.append(client.post("/api/auth/login", {"email": f"guess{n}@example.jp", "password": "Wrong#2026pass"}, headers=forged).status)
    assert statuses == [401] * 50 + [429]


# --- finding 3: only the latest link works ---------------------------------------------------


def _tokens(env: Env, to: str, path: str) -> list[str]:
    """The tokens of the links mailed to `to`, oldest first."""
    found = [re.search(re.escape(path) + r"\?token=([A-Za-z0-9_\-%]+)", m["body"]) for m in reversed(env.mails(to))]
    return [f.group(1) for f in found if f]


def _reset(portal: Portal, token: str, password: str) -> int:
    return portal.post("/api/password-reset/confirm", {"token": token, "new_password": password, "new_password_confirm": password}).status


def test_an_older_reset_link_dies_when_a_newer_one_is_used(env: Env, portal: Portal) -> None:
    for _ in range(2):
        assert portal.post("/api/password-reset", {"email": DEMO[0], "email_confirm": DEMO[0]}).status == 202
    older, newer = _tokens(env, DEMO[0], "/password-reset/confirm")[-2:]
    assert older != newer
    assert _reset(portal, newer, "Newer#2026pass") == 204
    assert _reset(portal, older, "Older#2026pass") == 400
    assert env.new_client().login(DEMO[0], "Newer#2026pass").status == 200


def test_issuing_a_reset_link_ends_the_earlier_one(env: Env, portal: Portal) -> None:
    for _ in range(2):
        assert portal.post("/api/password-reset", {"email": DEMO[0], "email_confirm": DEMO[0]}).status == 202
    older, newer = _tokens(env, DEMO[0], "/password-reset/confirm")[-2:]
    answer = portal.post("/api/password-reset/confirm", {"token": older, "new_password": "Older#2026pass", "new_password_confirm": "Older#2026pass"})
    assert answer.status == 400 and answer.error["code"] == "invalid_token"
    assert _reset(portal, newer, "Newer#2026pass") == 204


def test_only_the_latest_registration_link_registers(env: Env, portal: Portal) -> None:
    email = "twice@example.jp"
    for _ in range(2):
        assert portal.post("/api/registrations", {"email": email, "email_confirm": email}).status == 202
    older, newer = _tokens(env, email, "/register/confirm")[-2:]
    body = {
        "password": "Regist#2026",
        "password_confirm": "Regist#2026",
        "profile": {"corporate_type": "founder", "company_name": "二度目", "user": {"name": "二度"}},
    }
    refused = portal.post("/api/registrations/confirm", {"token": older, **body})
    assert refused.status == 400 and refused.error["code"] == "invalid_token"
    assert portal.post("/api/registrations/confirm", {"token": newer, **body}).status == 201


def test_only_the_latest_email_change_link_changes_the_address(env: Env, member: Portal) -> None:
    profile = member.get("/api/profile").body
    body = {k: v for k, v in profile.items() if k not in ("staff_fields", "pending_email")}
    for address in ("first-new@example.jp", "second-new@example.jp"):
        body["user"] = {**body["user"], "email": address}
        assert member.put("/api/profile", body).status == 200
    older = _tokens(env, "first-new@example.jp", "/profile/email/confirm")[-1]
    newer = _tokens(env, "second-new@example.jp", "/profile/email/confirm")[-1]
    assert env.new_client().post("/api/profile/email/confirm", {"token": older}).status == 400
    assert env.new_client().post("/api/profile/email/confirm", {"token": newer}).status == 200
    assert member.get("/api/me").body["email"] == "second-new@example.jp"


# --- finding 4: at most 3 mails an hour to an address the caller chooses -----------------------


def _capped(env: Env, path: str, email: str, subject: str, source: str = "198.51.100.70") -> tuple[int, set[str]]:
    client = env.new_client(source)
    answers = [client.post(path, {"email": email, "email_confirm": email}) for _ in range(10)]
    assert {a.status for a in answers} == {202}
    return sum(subject in m["subject"] for m in env.mails(email)), {json.dumps(a.body, ensure_ascii=False) for a in answers}


def test_ten_reset_requests_mail_three_times_with_the_same_answer(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    clock = Clock(monkeypatch)
    sent, answers = _capped(env, "/api/password-reset", DEMO[0], "パスワード再設定")
    assert sent == 3 and len(answers) == 1
    clock.move(3600)  # the next hour
    assert _capped(env, "/api/password-reset", DEMO[0], "パスワード再設定")[0] == 6


def test_ten_registrations_for_a_third_party_mail_three_times(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    Clock(monkeypatch)
    sent, answers = _capped(env, "/api/registrations", "victim@example.jp", "会員登録のご案内")
    assert sent == 3 and len(answers) == 1
    # a registered address answers the same and gets its "already registered" mail as often: never more than 3
    sent, _ = _capped(env, "/api/registrations", DEMO[0], "会員登録のお申込みについて", source="198.51.100.71")
    assert sent == 3


def test_one_source_mails_at_most_twenty_addresses_an_hour(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    Clock(monkeypatch)
    client = env.new_client("198.51.100.80")
    for n in range(25):
        email = f"spray{n}@example.jp"
        assert client.post("/api/registrations", {"email": email, "email_confirm": email}).status == 202
    assert sum(len(env.mails(f"spray{n}@example.jp")) for n in range(25)) == 20
    other = env.new_client("198.51.100.81")
    assert other.post("/api/registrations", {"email": "spray24@example.jp", "email_confirm": "spray24@example.jp"}).status == 202
    assert len(env.mails("spray24@example.jp")) == 1


def test_email_change_mails_to_one_address_are_capped(env: Env, member: Portal, monkeypatch: pytest.MonkeyPatch) -> None:
    Clock(monkeypatch)
    profile = member.get("/api/profile").body
    body = {k: v for k, v in profile.items() if k not in ("staff_fields", "pending_email")}
    body["user"] = {**body["user"], "email": "chosen@example.jp"}
    for _ in range(5):
        assert member.put("/api/profile", body).status == 200
    assert len(env.mails("chosen@example.jp")) == 3
