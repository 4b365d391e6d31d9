"""My情報 (GET/PUT /api/profile, e-mail change), the JSIC list, and the staff's member view/edit."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest

from tests.conftest import DEMO, Env, Portal

NEW_EMAIL = "kotaro.new@example.jp"


def _profile(member: Portal) -> dict[str, Any]:
    answer = member.get("/api/profile")
    assert answer.status == 200, answer.body
    return answer.body


def _editable(view: dict[str, Any]) -> dict[str, Any]:
    body = copy.deepcopy(view)
    body.pop("pending_email", None)
    return body


def test_industries_are_public_and_nested(portal: Portal) -> None:
    answer = portal.get("/api/industries")
    assert answer.status == 200
    majors = answer.body["items"]
    assert [m["code"] for m in majors] == [chr(c) for c in range(ord("A"), ord("T") + 1)]
    manufacturing = next(m for m in majors if m["code"] == "E")
    assert manufacturing["name"] == "製造業"
    middles = {m["code"]: m for m in manufacturing["children"]}
    assert middles["11"]["name"] == "繊維工業"
    assert "244" in {c["code"] for c in middles["24"]["children"]}
    assert sum(len(m["children"]) for m in majors) == 99
    assert "max-age" in answer.headers.get("Cache-Control", "")


def test_get_profile_shows_profile_and_read_only_staff_fields(member: Portal) -> None:
    view = _profile(member)
    assert view["company_name"] == "株式会社中小ニット"
    assert view["industry"] == {"major": "E", "middle": "11", "minor": "1151"}
    assert view["user"]["email"] == DEMO[0]
    assert view["staff_fields"]["member_number"] == "NC-000123"


def test_profile_needs_a_session(portal: Portal) -> None:
    assert portal.get("/api/profile").status == 401


def test_profile_is_403_until_active(env: Env, member: Portal) -> None:
    from netclub import clock
    from netclub.store import accounts

    accounts.set_status(env.accounts["member"], "active", "pending_review", clock.iso())
    assert member.get("/api/profile").status == 403
    answer = member.put("/api/profile", _editable(_profile_of(env)))
    assert answer.status == 403
    assert answer.error["code"] == "forbidden"


def _profile_of(env: Env) -> dict[str, Any]:
    from netclub.store import accounts

    item = accounts.get_member(env.accounts["member"])
    assert item
    return dict(item["profile"])


def test_update_profile_changes_names_shown_by_me(member: Portal) -> None:
    body = _editable(_profile(member))
    body["company_name"] = "株式会社中小ニット東京"
    body["user"]["name"] = "中企次郎"
    answer = member.put("/api/profile", body)
    assert answer.status == 200, answer.body
    assert answer.body["company_name"] == "株式会社中小ニット東京"
    me = member.get("/api/me").body
    assert me["company_name"] == "株式会社中小ニット東京"
    assert me["user_name"] == "中企次郎"
    assert _profile(member)["user"]["name"] == "中企次郎"


def test_dry_run_validates_and_changes_nothing(member: Portal) -> None:
    before = _profile(member)
    body = _editable(before)
    body["company_name"] = "変更後の社名"
    answer = member.put("/api/profile?dry_run=true", body)
    assert answer.status == 200
    assert answer.body["company_name"] == "変更後の社名"
    assert _profile(member) == before
    body["corporate_type"] = "corporation"
    body["office_name"] = ""
    bad = member.put("/api/profile?dry_run=true", body)
    assert bad.status == 400
    assert "office_name" in bad.field_messages()


def test_member_cannot_change_staff_fields(member: Portal) -> None:
    body = _editable(_profile(member))
    body["staff_fields"] = {"member_number": "HACKED", "note": "x"}
    assert member.put("/api/profile", body).status == 200
    assert _profile(member)["staff_fields"]["member_number"] == "NC-000123"


def test_corporation_rule_and_field_messages(member: Portal) -> None:
    body = _editable(_profile(member))
    body["corporate_type"] = "corporation"
    body["industry"] = {}
    body["capital_thousand_yen"] = None
    body["employees"] = {}
    body["office_name"] = None
    answer = member.put("/api/profile", body)
    assert answer.status == 400
    fields = answer.field_messages()
    assert set(fields) >= {"industry.major", "industry.middle", "capital_thousand_yen", "employees.total", "office_name"}
    assert all("法人" in fields[f] for f in ("industry.major", "office_name"))
    body["corporate_type"] = "sole_proprietor"
    assert member.put("/api/profile", body).status == 200


def test_trade_areas_and_processing_are_chosen_from_the_lists(env: Env, member: Portal) -> None:
    """お取引エリア・加工分類 (issue 27): the lists of 会員企業検索 only; a value from before the lists is read back as
    the list value it means, or as written (the form asks to choose again); nothing is dropped by a read."""
    body = _editable(_profile(member))
    body["trade_areas"], body["processing_categories"] = ["東京都"], ["編立", "ﾌﾟﾚｽ加工"]
    refused = member.put("/api/profile", body)
    assert refused.status == 400
    fields = refused.field_messages()
    assert fields == {
        "trade_areas": "お取引エリアは選択肢の中から選んでください（「東京都」は選択肢にありません）。",
        "processing_categories": "加工分類は選択肢の中から選んでください（「ﾌﾟﾚｽ加工」は選択肢にありません）。",
    }
    body["trade_areas"], body["processing_categories"] = ["東京都内", "北海道", "東京都内"], ["編立", "縫製"]
    accepted = member.put("/api/profile", body)
    assert accepted.status == 200, accepted.body
    assert _profile(member)["trade_areas"] == ["東京都内", "北海道"]  # each once

    from netclub.store import dynamo, keys

    stored = dynamo.get(*keys.member(env.accounts["member"]))
    assert stored
    dynamo.put({**stored, "profile": {**stored["profile"], "trade_areas": ["東京", "関東地方", "多摩地区"], "processing_categories": ["ﾆｯﾄ", "縫製加工"]}})
    view = _profile(member)
    assert view["trade_areas"] == ["東京都内", "関東", "多摩地区"] and view["processing_categories"] == ["編立", "縫製"]
    again = member.put("/api/profile", _editable(view))  # saved as read: the unlisted value must be chosen again
    assert again.status == 400 and "「多摩地区」" in again.field_messages()["trade_areas"]
    assert dynamo.get(*keys.member(env.accounts["member"]))["profile"]["trade_areas"] == ["東京", "関東地方", "多摩地区"]  # type: ignore[index]
    view["trade_areas"] = ["東京都内", "関東"]
    assert member.put("/api/profile", _editable(view)).status == 200
    assert _profile(member)["trade_areas"] == ["東京都内", "関東"]


@pytest.mark.parametrize(
    ("industry", "field"),
    [
        ({"major": "Z", "middle": "11"}, "industry.major"),
        ({"major": "E", "middle": "00"}, "industry.middle"),
        ({"major": "A", "middle": "11"}, "industry.middle"),
        ({"major": "E", "middle": "11", "minor": "244"}, "industry.minor"),
        ({"major": "E", "middle": "11", "minor": "1191x"}, "industry.minor"),
        ({"major": "E", "middle": "11", "minor": "9999"}, "industry.minor"),
    ],
)
def test_bad_industry_codes_are_400(member: Portal, industry: dict[str, str], field: str) -> None:
    body = _editable(_profile(member))
    body["industry"] = industry
    answer = member.put("/api/profile", body)
    assert answer.status == 400
    assert field in answer.field_messages()


def test_api_example_industry_validates(member: Portal) -> None:
    body = _editable(_profile(member))
    body["industry"] = {"major": "E", "middle": "24", "minor": "2441"}
    assert member.put("/api/profile", body).status == 200
    body["industry"] = {"major": "E", "middle": "24", "minor": "244"}
    assert member.put("/api/profile", body).status == 200


@pytest.mark.parametrize("raw", [b"not json", b"[1,2]", b'{"company_name": 5, "employees": {"total": -3}}', b'"x"'])
def test_malformed_bodies_are_400(member: Portal, raw: bytes) -> None:
    answer = member.put("/api/profile", raw=raw)
    assert answer.status == 400, answer.body


def _request_email_change(member: Portal, address: str = NEW_EMAIL) -> Any:
    body = _editable(_profile(member))
    body["user"]["email"] = address
    return member.put("/api/profile", body)


def test_email_change_takes_effect_only_from_the_link(env: Env, member: Portal) -> None:
    answer = _request_email_change(member)
    assert answer.status == 200
    assert answer.body["pending_email"] == NEW_EMAIL
    assert answer.body["user"]["email"] == DEMO[0]
    assert member.get("/api/me").body["email"] == DEMO[0]
    assert _profile(member)["pending_email"] == NEW_EMAIL  # a reload still shows the change waiting for its link
    token = env.link_token(NEW_EMAIL, "/profile/email/confirm")
    anonymous = env.new_client()
    confirmed = anonymous.post("/api/profile/email/confirm", {"token": token})
    assert confirmed.status == 200, confirmed.body
    assert confirmed.body["email"] == NEW_EMAIL
    assert member.get("/api/me").body["email"] == NEW_EMAIL
    assert _profile(member)["user"]["email"] == NEW_EMAIL
    assert _profile(member)["pending_email"] is None
    assert any("変更のお知らせ" in m["subject"] for m in env.mails(DEMO[0]))
    # the old address no longer logs in, the new one does
    assert env.new_client().login(DEMO[0], DEMO[1]).status == 401
    assert env.new_client().login(NEW_EMAIL, DEMO[1]).status == 200
    # single use
    assert anonymous.post("/api/profile/email/confirm", {"token": token}).status == 400


def test_email_change_link_expires(env: Env, member: Portal, monkeypatch: pytest.MonkeyPatch) -> None:
    from netclub import clock

    assert _request_email_change(member).status == 200
    token = env.link_token(NEW_EMAIL, "/profile/email/confirm")
    later = clock.now() + dt.timedelta(minutes=61)
    monkeypatch.setattr(clock, "now", lambda: later)
    from netclub.services import profiles

    assert profiles.get_profile(env.accounts["member"]).pending_email is None  # an expired link is no longer shown as waiting
    answer = env.new_client().post("/api/profile/email/confirm", {"token": token})
    assert answer.status == 400
    assert answer.error["code"] == "invalid_token"


def test_email_change_to_an_address_in_use_is_409(env: Env, member: Portal) -> None:
    answer = _request_email_change(member, "staff@netclub.example")
    assert answer.status == 409
    assert answer.error["code"] == "email_taken"


def test_email_claimed_by_someone_else_before_confirmation_is_409(env: Env, member: Portal) -> None:
    from netclub.store import dynamo, keys

    assert _request_email_change(member).status == 200
    token = env.link_token(NEW_EMAIL, "/profile/email/confirm")
    pk, sk = keys.email(NEW_EMAIL)
    dynamo.put({"PK": pk, "SK": sk, "member_id": "someone-else"})
    answer = env.new_client().post("/api/profile/email/confirm", {"token": token})
    assert answer.status == 409
    assert member.get("/api/me").body["email"] == DEMO[0]


def test_bogus_email_token_is_400(portal: Portal) -> None:
    assert portal.post("/api/profile/email/confirm", {"token": "nope"}).status == 400
    assert portal.post("/api/profile/email/confirm", {}).status == 400


def test_staff_reads_and_edits_every_field_audited(env: Env, staff: Portal, member: Portal) -> None:
    member_id = env.accounts["member"]
    detail = staff.get(f"/api/admin/members/{member_id}")
    assert detail.status == 200
    assert detail.body["member"]["email"] == DEMO[0]
    assert detail.body["staff_fields"]["member_number"] == "NC-000123"
    body = {**detail.body["profile"], "staff_fields": {"member_number": "NC-999999", "joined_on": "2020-01-01", "note": "更新"}}
    body["company_name"] = "株式会社職員更新"
    answer = staff.put(f"/api/admin/members/{member_id}/profile", body)
    assert answer.status == 200, answer.body
    assert answer.body["staff_fields"]["member_number"] == "NC-999999" and answer.body["staff_fields"]["note"] == "更新"
    assert _profile(member)["staff_fields"] == {"member_number": "NC-999999", "joined_on": "2020-01-01"}  # 公社メモ is never the member's to see
    assert member.get("/api/me").body["company_name"] == "株式会社職員更新"
    from netclub.services import audit

    entries, _ = audit.page()
    assert any(e["action"] == "member.profile.update" and e["target"] == f"member:{member_id}" for e in entries)


def test_staff_edit_validates_and_changes_email_at_once(env: Env, staff: Portal) -> None:
    member_id = env.accounts["member"]
    profile = staff.get(f"/api/admin/members/{member_id}").body["profile"]
    bad = staff.put(f"/api/admin/members/{member_id}/profile", {**profile, "staff_fields": {"joined_on": "yesterday"}})
    assert bad.status == 400
    assert "staff_fields.joined_on" in bad.field_messages()
    taken = copy.deepcopy(profile)
    taken["user"]["email"] = "staff@netclub.example"
    assert staff.put(f"/api/admin/members/{member_id}/profile", taken).status == 409
    fresh = copy.deepcopy(profile)
    fresh["user"]["email"] = NEW_EMAIL
    answer = staff.put(f"/api/admin/members/{member_id}/profile", fresh)
    assert answer.status == 200, answer.body
    assert answer.body["member"]["email"] == NEW_EMAIL
    assert env.new_client().login(NEW_EMAIL, DEMO[1]).status == 200


def test_staff_member_routes_404_and_role(staff: Portal, member: Portal, env: Env) -> None:
    assert staff.get("/api/admin/members/unknown").status == 404
    assert staff.get(f"/api/admin/members/{env.accounts['staff']}").status == 404
    assert member.get(f"/api/admin/members/{env.accounts['member']}").status == 403
