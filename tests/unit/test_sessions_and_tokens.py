"""Expiry rules of sessions and single-use tokens (pure rules, storage faked by moto)."""

from __future__ import annotations

import datetime as dt

import pytest
from netclub import clock, ids
from netclub.services import sessions
from netclub.store import accounts


@pytest.fixture
def frozen(aws: None, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
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


def test_revoke_all_keeps_only_the_named_session(frozen) -> None:  # type: ignore[no-untyped-def]
    first = sessions.create("m1", "member")
    second = sessions.create("m1", "member")
    other = sessions.create("m2", "member")
    keep = sessions.resolve(first.token)
    assert keep is not None
    assert sessions.revoke_all("m1", keep_session_id=keep.session_id) == 1
    assert sessions.resolve(first.token) is not None
    assert sessions.resolve(second.token) is None
    assert sessions.resolve(other.token) is not None
