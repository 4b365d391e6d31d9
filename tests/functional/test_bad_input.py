"""Malformed JSON, wrong types, huge strings and non-UTF-8 bodies give 4xx, never 5xx."""

from __future__ import annotations

import pytest

from tests.conftest import Portal

PUBLIC_POSTS = ["/api/auth/login", "/api/password-reset", "/api/password-reset/confirm", "/api/registrations", "/api/registrations/confirm"]

BAD_BODIES: list[bytes] = [
    b"{not json",
    b"",
    b"[]",
    b"null",
    b'{"email": 12, "password": ["x"]}',
    b'{"email": "' + b"a" * 2_000_000 + b'@example.jp", "password": "x"}',
    b"\xff\xfe\x00garbage",
    '{"email": "テスト@例え.jp", "password": "パスワード"}'.encode("shift_jis"),
    b'{"token": {"$ne": null}, "new_password": 1, "new_password_confirm": true}',
]


@pytest.mark.parametrize("path", PUBLIC_POSTS)
@pytest.mark.parametrize("body", BAD_BODIES, ids=range(len(BAD_BODIES)))
def test_public_posts_never_answer_5xx(portal: Portal, path: str, body: bytes) -> None:
    answer = portal.post(path, raw=body)
    assert 400 <= answer.status < 500, (answer.status, answer.raw[:300])
    assert answer.error["message"], answer.body


def test_validation_errors_are_japanese_with_fields(portal: Portal) -> None:
    answer = portal.post("/api/auth/login", {"email": "not-an-email"})
    assert answer.status == 400
    assert answer.error["code"] == "validation_error"
    fields = answer.field_messages()
    assert fields["email"] == "メールアドレスの形式が正しくありません。"
    assert fields["password"] == "必須項目です。入力してください。"


def test_member_routes_with_bad_bodies(member: Portal) -> None:
    for raw in (b"{", b"\xff\xff", b'{"current_password": 1}'):
        answer = member.put("/api/me/password", raw=raw)
        assert 400 <= answer.status < 500


def test_bad_cursor_and_unknown_route(staff: Portal) -> None:
    assert staff.get("/api/admin/members?status=active&cursor=%%%").status == 400
    assert staff.get("/api/admin/members?status=active&cursor=eyJhIjoxfQ").status in (200, 400)
    assert staff.get("/api/nowhere").status == 404


def test_malformed_cookie_is_just_unauthenticated(portal: Portal) -> None:
    answer = portal.get("/api/me", headers={"Cookie": 'netclub_session="\\x00;;;=='})
    assert answer.status == 401
