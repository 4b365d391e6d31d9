"""Expiry rules of sessions and single-use tokens (pure rules, storage faked by moto)."""

from __future__ import annotations

import datetime as dt

import pytest
from netclub import clock, ids
from netclub.services import sessions
from netclub.store import accounts


@pytest.fixture
def frozen(aws: None, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    from netclub.store import dynamo, keys

    for member_id in ("m1", "m2"):  # a session counts only while its account exists (services/sessions.py)
        dynamo.put({"PK": keys.member(member_id)[0], "SK": keys.member(member_id)[1], "member_id": member_id, "status": "active", "role": "member"})
    start = clock.now()
    state = {"now": start}
    monkeypatch.setattr(clock, "now", lambda: state["now"])
    return state


def test_session_idles_out_after_60_minutes(frozen) -> None:  # type: ignore[no-untyped-def]
    new = sessions.create("m1", "member")
    frozen["now"] += dt.timedelta(minutes=59)
    assert sessions.resolve(new.token) is not None  # and the request refreshes it
    frozen["now"] += dt.timedelta(minutes=59)
    assert sessions.resolve(new.token) is not None
    frozen["now"] += dt.timedelta(minutes=61)
    assert sessions.resolve(new.token) is None


def test_session_ends_after_12_hours_however_active(frozen) -> None:  # type: ignore[no-untyped-def]
    new = sessions.create("m1", "member")
    for _ in range(12):
        frozen["now"] += dt.timedelta(minutes=59)
        assert sessions.resolve(new.token) is not None
    frozen["now"] += dt.timedelta(minutes=59)
    assert sessions.resolve(new.token) is None


def test_only_the_digest_is_stored(frozen) -> None:  # type: ignore[no-untyped-def]
    new = sessions.create("m1", "member")
    assert accounts.get_session(new.token) is None
    assert accounts.get_session(ids.digest(new.token)) is not None


def test_csrf_needed_only_for_unsafe_methods(frozen) -> None:  # type: ignore[no-untyped-def]
    new = sessions.create("m1", "member")
    live = sessions.resolve(new.token)
    assert live is not None
    assert sessions.csrf_ok(live, "GET", None)
    assert not sessions.csrf_ok(live, "POST", None)
    assert not sessions.csrf_ok(live, "DELETE", "wrong")
    assert sessions.csrf_ok(live, "PUT", new.csrf_token)


def test_revoke_ops_end_every_session_of_the_member_but_the_named_one(frozen) -> None:  # type: ignore[no-untyped-def]
    from netclub.store import dynamo

    first = sessions.create("m1", "member")
    second = sessions.create("m1", "member")
    other = sessions.create("m2", "member")
    keep = sessions.resolve(first.token)
    assert keep is not None
    operations, later = sessions.revoke_ops("m1", keep_session_id=keep.session_id)
    assert len(operations) == 1 and later == []
    dynamo.transact(operations)  # as a password change commits them, with the change itself
    assert sessions.resolve(first.token) is not None
    assert sessions.resolve(second.token) is None
    assert sessions.resolve(other.token) is not None


def test_the_session_and_its_member_are_one_read_and_an_altered_member_id_finds_nothing(frozen) -> None:  # type: ignore[no-untyped-def]
    from netclub.store import dynamo, keys

    pk, sk = keys.member("m7")
    dynamo.put(
        {
            "PK": pk,
            "SK": sk,
            "member_id": "m7",
            "email": "m7@example.jp",
            "company_name": "株式会社七",
            "user_name": "七郎",
            "status": "active",
            "password_hash": "x",
        }
    )
    new = sessions.create("m7", "member")
    assert new.token.startswith("m7.")
    live = sessions.resolve(new.token)
    assert live is not None and live.member == {"email": "m7@example.jp", "company_name": "株式会社七", "user_name": "七郎", "status": "active"}
    assert sessions.resolve("m1." + new.token.split(".", 1)[1]) is None  # the digest covers the member id too
    # a session of the older form (no member id in the cookie) still works; its handlers read the member themselves
    old = "A" * 43
    accounts.put_session(
        ids.digest(old),
        {"member_id": "m7", "role": "member", "csrf_token": "c", "created_at": clock.epoch(), "last_seen": clock.epoch(), "ttl_epoch": clock.epoch() + 3600},
    )
    again = sessions.resolve(old)
    assert again is not None and again.member_id == "m7" and again.member is None
