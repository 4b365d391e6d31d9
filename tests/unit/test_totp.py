"""netclub.totp against RFC 6238's test vectors (Appendix B) and against pyotp (a differential test)."""

from __future__ import annotations

import base64

import pyotp
from hypothesis import given, settings
from hypothesis import strategies as st
from netclub import config, totp

from tests import second_factor

RFC_SECRET = base64.b32encode(b"12345678901234567890").decode()  # the SHA-1 seed of RFC 6238 Appendix B

# (time, the 8-digit SHA-1 TOTP of RFC 6238 Appendix B)
RFC_VECTORS = [
    (59, "94287082"),
    (1111111109, "07081804"),
    (1111111111, "14050471"),
    (1234567890, "89005924"),
    (2000000000, "69279037"),
    (20000000000, "65353130"),
]


def test_rfc_6238_vectors() -> None:
    key = b"12345678901234567890"
    for at, expected in RFC_VECTORS:
        assert totp.hotp(key, totp.step_at(at), digits=8) == expected
        assert totp.code_at(RFC_SECRET, at) == expected[-6:]  # six digits: the same value modulo 10^6


@settings(max_examples=300, deadline=None)
@given(raw=st.binary(min_size=10, max_size=40), at=st.integers(min_value=0, max_value=2**33))
def test_the_same_codes_as_pyotp(raw: bytes, at: int) -> None:
    secret = base64.b32encode(raw).decode().rstrip("=")
    reference = pyotp.TOTP(secret)
    assert totp.code_at(secret, at) == reference.at(at)
    code = reference.at(at)
    assert totp.matching_step(secret, code, at) == totp.step_at(at)
    assert (totp.matching_step(secret, code, at + 30) is not None) == reference.verify(code, for_time=at + 30, valid_window=1)


def test_window_and_bad_input() -> None:
    secret = totp.new_secret()
    assert len(base64.b32decode(secret + "=" * (-len(secret) % 8))) == totp.SECRET_BYTES
    now = 1_800_000_000
    for offset, accepted in ((-30, True), (0, True), (30, True), (-60, False), (60, False)):
        code = totp.code_at(secret, now + offset)
        near = {totp.code_at(secret, now + d) for d in (-30, 0, 30)}
        assert (totp.matching_step(secret, code, now) is not None) is (accepted or code in near)
    for bad in ("", "12345", "1234567", "12345a", "１２３４５６", " 12 345"):
        assert totp.matching_step(secret, bad, now) is None


def test_the_key_uri_is_what_pyotp_writes() -> None:
    secret = totp.new_secret()
    ours = totp.otpauth_uri(secret, "admin@netclub.example", "企業Myポータル")
    parsed = pyotp.parse_uri(ours)
    assert parsed.secret == secret and parsed.name == "admin@netclub.example" and parsed.issuer == "企業Myポータル"


def test_the_tests_know_the_demo_secret() -> None:
    assert second_factor.DEMO_TOTP_SECRET == config.DEMO_STAFF_TOTP_SECRET
