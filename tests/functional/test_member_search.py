"""会員検索 for staff (GET /api/admin/members?q=): every member, any status, by 会員番号, address, company
name or kana in part, phone digits, person's name; the index kept current by the table's stream (MemberChangesMapping)."""

from __future__ import annotations

from typing import Any

import pytest
from netclub.store import accounts

from tests.conftest import SCHEDULED_EVENT, Env, Portal


class MemberStream:
    def __init__(self, env: Env) -> None:
        import boto3
        from botocore.config import Config

        from local import cfn, event_sources, stack
        from local.resources import physical_names

        template = cfn.load()
        names = physical_names(template, stack.PREFIX)
        streams = boto3.client("dynamodbstreams", region_name=stack.REGION, config=Config(account_id_endpoint_mode="disabled"))
        readers = event_sources.readers(template, names.__getitem__, streams, stack.REGION, env.invoke)
        (self.reader,) = [r for r in readers if r.mapping.name == "MemberChangesMapping"]

    def poll(self) -> int:
        return self.reader.poll()


@pytest.fixture
def fresh(monkeypatch: pytest.MonkeyPatch) -> None:
    from netclub.services import member_search

    monkeypatch.setattr(member_search, "REFRESH_SECONDS", 0.0)  # the search container asks S3 at every request


def _member(email: str, number: str, company: str, kana: str, phone: str, user: str, status: str = "active", joined: str = "2010-04-01") -> dict[str, Any]:
    from local import seed

    profile = {"corporate_type": "corporation", "company_name": company, "company_name_kana": kana, "phone": phone, "user": {"name": user, "email": email}}
    made = seed._member(email, "Member#2026pass", "member", company, user, profile)
    made["staff_fields"] = {"member_number": number, "joined_on": joined}
    made["status"] = status
    accounts.create_member(made)
    return made


def _search(staff: Portal, **query: str) -> dict[str, Any]:
    from urllib.parse import urlencode

    answer = staff.get(f"/api/admin/members?{urlencode(query)}")
    assert answer.status == 200, answer.body
    return dict(answer.body)


def _emails(body: dict[str, Any]) -> list[str]:
    return sorted(m["email"] for m in body["items"])


def test_staff_find_members_by_number_kana_phone_and_name(env: Env, staff: Portal, fresh: None) -> None:
    _member("kogyo@example.jp", "NC-004711", "㈱東京精密工業", "トウキョウセイミツコウギョウ", "03-3251-7881", "山田 太郎", joined="2008-05-01")
    _member("nitto@example.jp", "NC-004712", "日東プレス有限会社", "ニットウプレス", "0422(55)1234", "佐藤花子", status="suspended", joined="2015-10-01")
    _member("sole@example.jp", "K-77", "個人 鈴木", "スズキ", "090-1111-2222", "鈴木一郎", status="pending_review", joined="2021-01-15")
    assert env.invoke("MemberIndexFunction", SCHEDULED_EVENT)["members"] >= 4  # the hourly rebuild (Queries of MEMBERS#<status>)

    assert _emails(_search(staff, q="NC-0047")) == ["kogyo@example.jp", "nitto@example.jp"]
    assert _emails(_search(staff, q="004712")) == ["nitto@example.jp"]
    assert _emails(_search(staff, q="せいみつ")) == ["kogyo@example.jp"]  # kana in part, hiragana for katakana
    assert _emails(_search(staff, q="ｾｲﾐﾂ")) == ["kogyo@example.jp"]  # half-width
    assert _emails(_search(staff, q="株式会社東京")) == ["kogyo@example.jp"]  # ㈱ = (株) = 株式会社
    assert _emails(_search(staff, q="(株)東京精密")) == ["kogyo@example.jp"]
    assert _emails(_search(staff, q="0332517881")) == ["kogyo@example.jp"]  # the phone by its digits
    assert _emails(_search(staff, q="0422-55-1234")) == ["nitto@example.jp"]
    assert _emails(_search(staff, q="山田太郎")) == ["kogyo@example.jp"] and _emails(_search(staff, q="佐藤 花子")) == ["nitto@example.jp"]
    assert _emails(_search(staff, q="NITTO@EXAMPLE")) == ["nitto@example.jp"]
    # filters: status, 入会日; any status by default (a suspended and a pending member are found too)
    assert _emails(_search(staff, q="example.jp", status="suspended")) == ["nitto@example.jp"]
    assert "sole@example.jp" in _emails(_search(staff, q="鈴木"))
    assert _emails(_search(staff, q="example.jp", joined_from="2010-01-01", joined_to="2016-12-31")) == ["nitto@example.jp"]
    body = _search(staff, q="NC-0047")
    assert body["total"] == 2 and body["items"][0]["member_number"].startswith("NC-0047")
    # staff accounts are not members
    assert _search(staff, q="staff@netclub")["total"] == 0
    # bad input: a Japanese message, never a 5xx
    bad = staff.get("/api/admin/members?q=a&joined_from=2020/01/01")
    assert bad.status == 400 and "入会日" in bad.field_messages()["joined_from"]
    # without q: the status listing as before
    assert staff.get("/api/admin/members?status=active").body["total"] is None


def test_the_stream_keeps_the_index_current(env: Env, staff: Portal, member: Portal, fresh: None) -> None:
    stream = MemberStream(env)
    stream.poll()  # the seed's members: the first index is built from them
    assert _emails(_search(staff, q="中小ニット")) == [member.get("/api/me").body["email"]]
    body = member.get("/api/profile").body
    body.pop("pending_email", None)
    body["company_name"] = "株式会社新名称テキスタイル"
    assert member.put("/api/profile", body).status == 200
    assert _search(staff, q="新名称")["total"] == 0  # not yet: nothing read the stream
    assert stream.poll() >= 1
    assert _search(staff, q="新名称")["total"] == 1 and _search(staff, q="株式会社中小ニット")["total"] == 0


def test_members_cannot_search(member: Portal) -> None:
    assert member.get("/api/admin/members?q=a").status == 403
