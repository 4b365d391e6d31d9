"""Input that should never be stored (issue 10, finding 5): control and bidi characters, off-site URLs.

Every text field refuses C0/C1 controls, DEL, bidi controls and invisible format characters with a
Japanese 400 naming the field; single-line fields refuse line breaks and tabs too. A URL is an
absolute http(s) URL with a host and no credentials, or a same-site path ("/x", never "//x" or "/\\x").
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Env, Portal
from tests.functional.test_content import EVENT
from tests.functional.test_inquiries import _attach, _kind

FORBIDDEN = "使用できない文字（制御文字など）が含まれています。"


def test_nul_in_inquiry_content_is_refused_and_nothing_is_stored(staff: Portal, member: Portal) -> None:
    kind = _kind(staff)
    answer = member.post("/api/inquiries", {"kind_id": kind, "content": "ご相談です。\x00よろしくお願いします。"})
    assert answer.status == 400, answer.body
    assert answer.error["code"] == "validation_error"
    assert answer.field_messages() == {"content": FORBIDDEN}
    assert member.get("/api/inquiries").body["items"] == []
    assert staff.get("/api/admin/inquiries?status=open").body["items"] == []
    # a multi-line text keeps its line breaks and tabs
    fine = member.post("/api/inquiries", {"kind_id": kind, "content": "一行目です。\n\t二行目：全角記号「」・〜！"})
    assert fine.status == 201, fine.body
    assert fine.body["content"] == "一行目です。\n\t二行目：全角記号「」・〜！"


@pytest.mark.parametrize("name", ["report\u202efdp.txt", "資料\u2066.txt", "\ufeff資料.txt", "資料\x85.txt", "資料\n.txt"])
def test_spoofing_attachment_names_are_refused(member: Portal, name: str) -> None:
    answer = member.post("/api/attachments", {"filename": name, "content_type": "text/plain", "size": 6})
    assert answer.status == 400, answer.body
    assert set(answer.field_messages()) == {"filename"}


def test_plain_japanese_attachment_name_is_accepted(member: Portal) -> None:
    assert _attach(member, filename="見積書（２０２６年度）・最終版.txt")


@pytest.mark.parametrize(
    "url",
    [
        "/\\evil.example/",
        "//evil.example",
        "javascript:alert(1)",
        "http://user@x",
        " https://x",
        "https://x y",
        "/a\\b",
        "https://",
        "http:evil.example",
        "https://a.example/\x00x",
        "https://a.example/\x1bx",
        "/a\x7fb",
    ],
)
def test_event_url_refuses_off_site_and_odd_urls(staff: Portal, url: str) -> None:
    answer = staff.post("/api/admin/events", {**EVENT, "url": url})
    assert answer.status == 400, (url, answer.body)
    assert set(answer.field_messages()) == {"url"}
    assert answer.field_messages()["url"] == "URLは https:// で始まる形式（またはサイト内の / で始まるパス）で入力してください。"


@pytest.mark.parametrize("url", ["https://example.jp/a", "/events/1", "http://example.jp:8080/a?b=c#d", "/", ""])
def test_event_url_accepts_absolute_and_same_site_urls(staff: Portal, url: str) -> None:
    answer = staff.post("/api/admin/events", {**EVENT, "url": url})
    assert answer.status == 201, (url, answer.body)
    assert answer.body["url"] == url


def test_event_update_refuses_an_off_site_url_too(staff: Portal) -> None:
    created = staff.post("/api/admin/events", EVENT).body
    answer = staff.put(f"/api/admin/events/{created['id']}", {**EVENT, "url": "/\\evil.example/"})
    assert answer.status == 400 and set(answer.field_messages()) == {"url"}


@pytest.mark.parametrize(
    "path,body,field",
    [
        ("/api/admin/videos", {"title": "動画", "url": "//evil.example/v.mp4"}, "url"),
        ("/api/admin/videos", {"title": "動画", "url": "https://example.jp/v.mp4", "thumbnail_url": "/\\evil.example/t.png"}, "thumbnail_url"),
        ("/api/admin/notices", {"title": "お知らせ\u202e", "body": "本文"}, "title"),
        ("/api/admin/events", {**EVENT, "title": "説明会\tのご案内"}, "title"),
        ("/api/admin/events", {**EVENT, "place": "秋葉原\u2028庁舎"}, "place"),
    ],
)
def test_staff_content_refuses_unsafe_text_and_urls(staff: Portal, path: str, body: dict[str, Any], field: str) -> None:
    answer = staff.post(path, body)
    assert answer.status == 400, answer.body
    assert set(answer.field_messages()) == {field}


def test_profile_fields_refuse_controls_and_keep_textarea_lines(member: Portal) -> None:
    current = member.get("/api/profile").body
    current.pop("pending_email", None)
    bad = member.put("/api/profile?dry_run=true", {**current, "company_name": "株式会社\u202eテスト", "homepage_url": "https://user@evil.example/"})
    assert bad.status == 400, bad.body
    assert bad.field_messages()["company_name"] == FORBIDDEN
    assert "homepage_url" in bad.field_messages()
    fine = member.put("/api/profile?dry_run=true", {**current, "business_summary": "精密加工。\n試作から量産まで。"})
    assert fine.status == 200, fine.body


def test_password_with_a_control_character_is_refused_without_echo(member: Portal) -> None:
    answer = member.put("/api/me/password", {"current_password": "x", "new_password": "Secret\x00Pass#2026", "new_password_confirm": "Secret\x00Pass#2026"})
    assert answer.status == 400, answer.body
    assert set(answer.field_messages()) >= {"new_password"}
    assert "Secret" not in answer.raw.decode()


@pytest.mark.parametrize("path", ["/api/notices?cursor=%C2%85", "/api/inquiries?cursor=eyJ%E2%80%AE", "/api/reservations?cursor=%00"])
def test_query_strings_refuse_controls_too(member: Portal, path: str) -> None:
    answer = member.get(path)
    assert answer.status == 400, answer.body
    assert answer.field_messages() == {"cursor": FORBIDDEN}


@pytest.mark.parametrize("path", ["/api/inquiries/abc%E2%80%AE", "/api/offerings/x%00y"])
def test_path_ids_with_controls_match_no_route(member: Portal, path: str) -> None:
    """Powertools' route patterns match word characters and URL punctuation only: such an id never
    reaches a handler (and the parameter check in netclub.api would refuse it if one did)."""
    assert member.get(path).status == 404


def test_a_profile_stored_before_the_rule_is_still_shown(env: Env, staff: Portal) -> None:
    """Text accepted before this rule existed is shown as stored (the rule is for input, not for reading)."""
    from netclub.store import accounts

    from local.seed import _member

    old = _member("old@example.jp", "Old#2026pass", "member", "株式会社旧", "旧太郎", {"company_name": "株式会社\u202e旧", "user": {"name": "旧\x00太郎"}})
    accounts.create_member(old)
    client = env.new_client()
    assert client.login("old@example.jp", "Old#2026pass").status == 200
    mine = client.get("/api/profile")
    assert mine.status == 200, mine.body
    assert mine.body["company_name"] == "株式会社\u202e旧"
    detail = staff.get(f"/api/admin/members/{old['member_id']}")
    assert detail.status == 200, detail.body
    assert detail.body["profile"]["user"]["name"] == "旧\x00太郎"
