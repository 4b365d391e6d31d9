from __future__ import annotations

import pytest
from netclub.services import passwords


@pytest.mark.parametrize("candidate", ["Abcdef1!", "abc123\\x", "abc123¥x", "Zz9`~!@#", 'q1"quote', "a1{}[]|:;<>,.?/", "Demo#2026pass"])
def test_accepts_the_manual_rule(candidate: str) -> None:
    assert passwords.problems(candidate) == []


@pytest.mark.parametrize(
    ("candidate", "fragment"),
    [
        ("Ab1!", "8文字以上"),
        ("abcdefgh!", "数字"),
        ("12345678!", "英字"),
        ("abcd1234", "記号"),
        ("abcd 1234!", "使用できない文字"),
        ("ａｂｃ１２３！!", "使用できない文字"),
        ("pass€123a", "使用できない文字"),
        ("P@ssw0rd", "推測されやすい"),
        ("a1!" + "x" * 130, "128文字以内"),
    ],
)
def test_refuses_with_a_japanese_reason(candidate: str, fragment: str) -> None:
    found = passwords.problems(candidate)
    assert any(fragment in p for p in found), found


def test_refuses_the_email_address_as_password() -> None:
    assert any("メールアドレス" in p for p in passwords.problems("a1@b.jp", email="A1@b.jp") + passwords.problems("x1@ex.jp", email="x1@ex.jp"))


def test_check_new_reports_mismatch_on_the_confirm_field() -> None:
    errors = passwords.check_new("Abcdef1!", "Abcdef1?", email=None)
    assert [e.field for e in errors] == ["new_password_confirm"]


def test_hash_is_argon2id_and_verifies() -> None:
    digest = passwords.hash_password("Abcdef1!")
    assert digest.startswith("$argon2id$")
    assert passwords.verify(digest, "Abcdef1!")
    assert not passwords.verify(digest, "Abcdef1?")
    assert not passwords.verify("not-a-hash", "Abcdef1!")
