"""The login's credential projection on the EMAIL# item (store/accounts.py, issue 14): one item read, and
never a stale credential logged in, whichever write changed the member."""

from __future__ import annotations

import copy
from typing import Any

from tests.conftest import DEMO, STAFF, Env, Portal
from tests.functional.dynamodb_calls import dynamodb_calls

NEW_PASSWORD = "Fresh#2026pass"


def _email_item(address: str) -> dict[str, Any]:
    from netclub.store import dynamo, keys

    item = dynamo.get(*keys.email(address), consistent=True)
    assert item is not None
    return item


def _put_email_item(item: dict[str, Any]) -> None:
    from netclub.store import dynamo

    dynamo.put(item)


def _login_calls(env: Env, email: str, password: str) -> tuple[int, int, dict[str, Any]]:
    client = env.new_client()
    with dynamodb_calls() as calls:
        answer = client.login(email, password)
    return answer.status, sum(calls.values()), answer.body


def test_registration_writes_the_projection_and_login_reads_one_item(env: Env) -> None:
    from netclub.store import accounts

    item = _email_item(DEMO[0])
    member = accounts.get_member(env.accounts["member"], consistent=True)
    assert member is not None
    assert item["login_v"] == 1
    assert {f: item.get(f) for f in accounts.LOGIN_FIELDS} == {f: member.get(f) for f in accounts.LOGIN_FIELDS}
    status, calls, body = _login_calls(env, *DEMO)
    assert (status, calls) == (200, 3)
    assert body["member"]["user_name"] == "中企小太郎"


def test_an_email_item_without_the_projection_logs_in_from_the_member_and_gets_it(env: Env) -> None:
    """Data written before the projection: the member item is read (4 calls), and the session's transaction
    writes the projection, so the next login reads one item."""
    _put_email_item({"PK": f"EMAIL#{DEMO[0]}", "SK": "EMAIL", "member_id": env.accounts["member"]})
    status, calls, body = _login_calls(env, *DEMO)
    assert (status, calls) == (200, 4)
    assert body["member"]["company_name"] == "株式会社中小ニット"
    assert _email_item(DEMO[0])["login_v"] == 1
    status, calls, _ = _login_calls(env, *DEMO)
    assert (status, calls) == (200, 3)
    assert _login_calls(env, DEMO[0], "Wrong#2026pass")[0] == 401
    # and the staff's (its role read from the member)
    _put_email_item({"PK": f"EMAIL#{STAFF[0]}", "SK": "EMAIL", "member_id": env.accounts["staff"]})
    staff = env.new_client()
    assert staff.login(*STAFF).body["member"]["role"] == "admin"  # the demo staff account is the admin
    assert staff.get("/api/admin/members?status=pending_review").status == 200


def test_a_partial_projection_written_to_an_older_item_is_not_used(env: Env, member: Portal) -> None:
    """A write to an item without the projection sets only what it changes: without the mark, the login
    still reads the member."""
    _put_email_item({"PK": f"EMAIL#{DEMO[0]}", "SK": "EMAIL", "member_id": env.accounts["member"]})
    answer = member.put("/api/me/password", {"current_password": DEMO[1], "new_password": NEW_PASSWORD, "new_password_confirm": NEW_PASSWORD})
    assert answer.status == 204, answer.body
    item = _email_item(DEMO[0])
    assert "login_v" not in item and item["password_hash"]
    assert _login_calls(env, *DEMO)[0] == 401
    status, calls, body = _login_calls(env, DEMO[0], NEW_PASSWORD)
    assert (status, calls) == (200, 4)
    assert body["member"]["role"] == "member"


def test_a_changed_password_refuses_the_old_one(env: Env, member: Portal) -> None:
    answer = member.put("/api/me/password", {"current_password": DEMO[1], "new_password": NEW_PASSWORD, "new_password_confirm": NEW_PASSWORD})
    assert answer.status == 204, answer.body
    assert env.new_client().login(*DEMO).status == 401
    assert _login_calls(env, DEMO[0], NEW_PASSWORD)[:2] == (200, 3)


def test_a_reset_password_refuses_the_old_one(env: Env, portal: Portal) -> None:
    portal.post("/api/password-reset", {"email": DEMO[0], "email_confirm": DEMO[0]})
    token = env.link_token(DEMO[0], "/password-reset/confirm")
    assert portal.post("/api/password-reset/confirm", {"token": token, "new_password": NEW_PASSWORD, "new_password_confirm": NEW_PASSWORD}).status == 204
    assert env.new_client().login(*DEMO).status == 401
    assert _login_calls(env, DEMO[0], NEW_PASSWORD)[:2] == (200, 3)


def test_a_suspended_member_is_refused(env: Env) -> None:
    from netclub import clock
    from netclub.store import accounts

    accounts.set_status(env.accounts["member"], "active", "suspended", clock.iso())
    assert _email_item(DEMO[0])["status"] == "suspended"
    answer = env.new_client().login(*DEMO)
    assert answer.status == 403


def test_an_approved_member_logs_in_as_active(env: Env, staff: Portal) -> None:
    from netclub import clock
    from netclub.store import accounts

    member_id = env.accounts["member"]
    accounts.set_status(member_id, "active", "pending_review", clock.iso())
    assert env.new_client().login(*DEMO).body["member"]["status"] == "pending_review"
    assert staff.post(f"/api/admin/members/{member_id}/approve").status == 200
    assert _email_item(DEMO[0])["status"] == "active"
    status, calls, body = _login_calls(env, *DEMO)
    assert (status, calls, body["member"]["status"]) == (200, 3, "active")


def test_a_name_change_shows_in_the_login(env: Env, member: Portal, staff: Portal) -> None:
    view = member.get("/api/profile").body
    body = copy.deepcopy(view)
    body.pop("pending_email", None)
    body["company_name"] = "株式会社新ニット"
    body["user"]["name"] = "新名太郎"
    assert member.put("/api/profile", body).status == 200
    status, calls, me = _login_calls(env, *DEMO)
    assert (status, calls) == (200, 3)
    assert (me["member"]["company_name"], me["member"]["user_name"]) == ("株式会社新ニット", "新名太郎")
    # and by the staff
    detail = staff.get(f"/api/admin/members/{env.accounts['member']}").body
    edited = {**detail["profile"], "user": {**detail["profile"]["user"], "name": "職員が直した名"}, "staff_fields": detail["staff_fields"]}
    assert staff.put(f"/api/admin/members/{env.accounts['member']}/profile", edited).status == 200, edited
    assert env.new_client().login(*DEMO).body["member"]["user_name"] == "職員が直した名"


def test_an_email_change_by_the_staff_moves_the_projection(env: Env, staff: Portal) -> None:
    detail = staff.get(f"/api/admin/members/{env.accounts['member']}").body
    moved = "moved@example.jp"
    edited = {**detail["profile"], "user": {**detail["profile"]["user"], "email": moved, "name": "移転太郎"}, "staff_fields": detail["staff_fields"]}
    answer = staff.put(f"/api/admin/members/{env.accounts['member']}/profile", edited)
    assert answer.status == 200, answer.body
    assert env.new_client().login(*DEMO).status == 401
    status, calls, body = _login_calls(env, moved, DEMO[1])
    assert (status, calls) == (200, 3)
    assert (body["member"]["email"], body["member"]["user_name"]) == (moved, "移転太郎")


def test_a_stale_projection_never_logs_in(env: Env) -> None:
    """Should a write ever miss the projection, the session's ConditionCheck on the member refuses what it says."""
    from netclub import clock
    from netclub.services import passwords
    from netclub.store import accounts, dynamo, keys

    member_id = env.accounts["member"]
    stale = _email_item(DEMO[0])
    pk, sk = keys.member(member_id)
    dynamo.update(pk, sk, "SET password_hash = :h", vals={":h": passwords.hash_password(NEW_PASSWORD)})  # the member only
    assert env.new_client().login(*DEMO).status == 401  # the projection's old hash matches; the member's does not
    assert _email_item(DEMO[0])["password_hash"] == stale["password_hash"]
    dynamo.update(pk, sk, "SET password_hash = :h", vals={":h": stale["password_hash"]})
    accounts.set_status(member_id, "active", "suspended", clock.iso())
    _put_email_item(stale)  # says active
    assert env.new_client().login(*DEMO).status == 403
    dynamo.update(pk, sk, "SET #s = :a, user_name = :u", vals={":a": "active", ":u": "更新後"}, names={"#s": "status"})
    answer = env.new_client().login(*DEMO)  # the member item read instead, and the projection written again
    assert answer.status == 200 and answer.body["member"]["user_name"] == "更新後"
    assert _email_item(DEMO[0])["user_name"] == "更新後"
