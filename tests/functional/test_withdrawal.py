"""退会 (docs/security.md "Personal data"): everything ends at once, the waiting list moves up, the address is free again."""

from __future__ import annotations

import copy
from typing import Any

from netclub.store import dynamo, keys

from tests.conftest import Env, Portal
from tests.functional.reservation_helpers import PASSWORD, new_member, offering


def _subscribe(client: Portal) -> None:
    body = copy.deepcopy(client.get("/api/profile").body)
    body.pop("pending_email", None)
    body["subscriptions"] = {**body["subscriptions"], "mail_magazine": True, "mail_magazine_genres": ["e_argus"]}
    body["publish_company_info"] = True
    assert client.put("/api/profile", body).status == 200


def _member_id(client: Portal) -> str:
    return str(client.get("/api/me").body["member_id"])


def test_a_member_withdraws_and_everything_ends_at_once(env: Env, staff: Portal) -> None:
    leaving = new_member(env, staff, "leaving@example.jp")
    waiting = new_member(env, staff, "waiting@example.jp")
    member_id = _member_id(leaving)
    _subscribe(leaving)
    company_id = str(dynamo.get(*keys.member(member_id))["company_id"])  # type: ignore[index]
    seminar = offering(staff, capacities=(1,))
    slot = seminar["slots"][0]["id"]
    held = leaving.post("/api/reservations", {"offering_id": seminar["id"], "slot_id": slot})
    waits = waiting.post("/api/reservations", {"offering_id": seminar["id"], "slot_id": slot, "waitlist": True})
    assert held.status == waits.status == 201 and waits.body["status"] == "waitlisted"
    feed = leaving.get("/api/me/calendar-feed").body["url"]
    feed_path = feed[feed.index("/api/calendar/") :]
    assert env.new_client().get(feed_path).status == 200
    other_session = env.new_client()
    assert other_session.login("leaving@example.jp", PASSWORD).status == 200

    wrong = leaving.post("/api/me/withdrawal", {"password": "Wrong#2026pass"})
    assert wrong.status == 400 and wrong.field_messages() == {"password": "パスワードが正しくありません。"}
    done = leaving.post("/api/me/withdrawal", {"password": PASSWORD, "reason": "事業を廃止したため"})
    assert done.status == 200 and done.body["status"] == "withdrawn" and done.body["reservations_cancelled"] == 1, done.body
    assert "netclub_session=;" in done.headers.get("Set-Cookie", "") or "Max-Age=0" in done.headers.get("Set-Cookie", "")

    # every session ended, the login answers as for an unknown address
    assert leaving.get("/api/me").status == 401 and other_session.get("/api/me").status == 401
    known = env.new_client().post("/api/auth/login", {"email": "leaving@example.jp", "password": PASSWORD})
    unknown = env.new_client().post("/api/auth/login", {"email": "nobody-at-all@example.jp", "password": PASSWORD})
    assert known.status == unknown.status == 401 and known.body == unknown.body
    # the seat went to the head of the waiting list
    assert waiting.get(f"/api/reservations/{waits.body['id']}").body["status"] == "confirmed"
    # directory page, newsletter audience, calendar feed: gone
    assert dynamo.get(*keys.directory(company_id)) is None
    assert dynamo.get(*keys.news_genre("e_argus", member_id)) is None
    consent = dynamo.get(*keys.news_consent(member_id))
    assert consent and consent["genres"] == [] and consent["history"][-1]["via"] == "withdrawal"
    assert env.new_client().get(feed_path).status == 404
    # the mail, and what staff see
    assert any(m["subject"] == "【企業Myポータル】退会手続き完了のお知らせ" for m in env.mails("leaving@example.jp"))
    detail = staff.get(f"/api/admin/members/{member_id}").body
    assert detail["member"]["status"] == "withdrawn" and detail["staff_fields"]["withdrawn_on"]
    listed = staff.get("/api/admin/members?status=withdrawn").body["items"]
    assert member_id in [m["member_id"] for m in listed]
    # the address may register again: a new account, not 「すでに登録されています」
    again = env.new_client().post("/api/registrations", {"email": "leaving@example.jp", "email_confirm": "leaving@example.jp"})
    assert again.status == 202 and env.link_token("leaving@example.jp", "/register/confirm")


def test_staff_withdraw_a_member_audited(env: Env, staff: Portal) -> None:
    client = new_member(env, staff, "staffwithdraws@example.jp")
    member_id = _member_id(client)
    answer = staff.post(f"/api/admin/members/{member_id}/withdraw", {"reason": "書面による退会届"})
    assert answer.status == 200 and answer.body["status"] == "withdrawn"
    assert client.get("/api/me").status == 401
    again = staff.post(f"/api/admin/members/{member_id}/withdraw", {})
    assert again.status == 409 and again.error["code"] == "not_active"
    entries: list[dict[str, Any]] = staff.get("/api/admin/audit-log").body["items"]
    entry = next(e for e in entries if e["action"] == "member.withdraw" and e["target"] == f"member:{member_id}")
    assert entry["detail"]["by"] == "staff"
    assert client.post("/api/me/withdrawal", {"password": PASSWORD}).status == 401  # no session any more


def test_a_member_without_the_password_cannot_withdraw_and_others_cannot_reach_it(env: Env, member: Portal, staff: Portal) -> None:
    assert member.post("/api/me/withdrawal", {"password": ""}).status == 400
    assert member.post(f"/api/admin/members/{_member_id(member)}/withdraw", {}).status == 403
    assert staff.post("/api/admin/members/no-such-member/withdraw", {}).status == 404


def test_staff_suspend_and_reinstate_a_member(env: Env, staff: Portal) -> None:
    """利用停止: the member's sessions end at once (even a session the suspension's transaction did not delete is
    refused by the authorizer), the directory page and the audience leave, a login is refused with a message;
    再開: all back. Both audited, both mailed."""
    client = new_member(env, staff, "suspended@example.jp")
    member_id = _member_id(client)
    _subscribe(client)
    company_id = str(dynamo.get(*keys.member(member_id))["company_id"])  # type: ignore[index]
    assert dynamo.get(*keys.directory(company_id)) and dynamo.get(*keys.news_genre("e_argus", member_id))
    answer = staff.post(f"/api/admin/members/{member_id}/suspend", {"reason": "会費未納"})
    assert answer.status == 200 and answer.body["status"] == "suspended", answer.body
    assert client.get("/api/me").status == 401 and client.post("/api/inquiries", {"kind_id": "x", "content": "y"}).status in (401, 403)
    login = env.new_client().post("/api/auth/login", {"email": "suspended@example.jp", "password": PASSWORD})
    assert login.status == 403 and "利用停止" in login.error["message"]
    assert dynamo.get(*keys.directory(company_id)) is None and dynamo.get(*keys.news_genre("e_argus", member_id)) is None
    consent = dynamo.get(*keys.news_consent(member_id))
    assert consent and consent["genres"] == ["e_argus"]  # not the member's choice: the consent stays
    mail = next(m for m in env.mails("suspended@example.jp") if "ご利用停止" in m["subject"])
    assert "会費未納" in mail["body"]
    assert staff.post(f"/api/admin/members/{member_id}/suspend", {}).status == 409

    back = staff.post(f"/api/admin/members/{member_id}/reinstate")
    assert back.status == 200 and back.body["status"] == "active"
    assert env.new_client().login("suspended@example.jp", PASSWORD).status == 200
    assert dynamo.get(*keys.directory(company_id)) and dynamo.get(*keys.news_genre("e_argus", member_id))
    assert any("ご利用再開" in m["subject"] for m in env.mails("suspended@example.jp"))
    actions = [e["action"] for e in staff.get("/api/admin/audit-log").body["items"] if e["target"] == f"member:{member_id}"]
    assert "member.suspend" in actions and "member.reinstate" in actions
    assert staff.post(f"/api/admin/members/{member_id}/reinstate").status == 409


def test_a_session_left_over_by_a_suspension_is_refused_by_the_authorizer(env: Env, staff: Portal) -> None:
    client = new_member(env, staff, "leftover@example.jp")
    member_id = _member_id(client)
    from netclub import clock
    from netclub.store import accounts

    # suspended by a write that deleted no session (as if it had more sessions than its transaction holds)
    member = accounts.get_member(member_id)
    assert member
    dynamo.transact(accounts.set_status_ops(member_id, str(member["email"]), "active", "suspended", clock.iso()))
    assert client.get("/api/me").status == 401
