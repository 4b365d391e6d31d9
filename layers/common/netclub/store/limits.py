"""Limits whose check and count are one conditional write: login attempts, the account's login
streak, mails per address and per source; and the devices an account logged in from.

Accounts, addresses and source addresses are stored hashed (what a limit needs is equality, not
the value). Every expression of these items is here; services/throttle.py holds the rules.
"""

from __future__ import annotations

import hashlib

from netclub.store import dynamo, keys
from netclub.store.dynamo import ConditionFailed, Item, TransactOp
from netclub.store.items import DeviceItem

__all__ = ["ConditionFailed", "Item"]


def hashed(value: str) -> str:
    return hashlib.sha256(value.strip().lower().encode("utf-8")).hexdigest()[:40]


# --- counters of a fixed window ---------------------------------------------------------


def take_op(scope: str, value: str, window: int, limit: int, expires: int) -> TransactOp:
    """Count one in this window unless `limit` are counted already (the check and the count are one write)."""
    pk, sk = keys.limit(scope, hashed(value), window)
    return dynamo.t_update(
        pk,
        sk,
        "ADD attempts :one SET ttl_epoch = :ttl",
        vals={":one": 1, ":limit": limit, ":ttl": expires},
        condition="attribute_not_exists(attempts) OR attempts < :limit",
        return_old_on_failure=True,
    )


def give_back_op(scope: str, value: str, window: int) -> TransactOp:
    """Uncount one taken by take_op in that window (a successful login is not a failure)."""
    pk, sk = keys.limit(scope, hashed(value), window)
    return dynamo.t_update(pk, sk, "ADD attempts :minus", vals={":minus": -1})


def clear_op(scope: str, value: str, window: int) -> TransactOp:
    return dynamo.t_delete(*keys.limit(scope, hashed(value), window))


# --- an account's streak of failed logins from unknown devices ----------------------------
# n: attempts in the streak; next_at: the earliest time (ms) of the next attempt once `free` are
# spent; step: the delay the next attempt sets, doubled by each attempt; last_at: the latest (ms).


def streak_grow_op(account: str, now_ms: int, free: int, first_step_ms: int, cap_ms: int, quiet_ms: int, expires: int) -> TransactOp:
    """One more attempt of a live streak: allowed while free attempts are left or once next_at has passed."""
    pk, sk = keys.login_streak(hashed(account))
    return dynamo.t_update(
        pk,
        sk,
        "SET n = if_not_exists(n, :zero) + :one, next_at = :now + if_not_exists(step, :first), "
        "step = if_not_exists(step, :first) + if_not_exists(step, :first), last_at = :now, ttl_epoch = :ttl",
        vals={":zero": 0, ":one": 1, ":now": now_ms, ":first": first_step_ms, ":free": free, ":cap": cap_ms, ":quiet": now_ms - quiet_ms, ":ttl": expires},
        condition="attribute_not_exists(n) OR (last_at > :quiet AND step < :cap AND (n < :free OR next_at <= :now))",
        return_old_on_failure=True,
    )


def streak_restart_op(account: str, now_ms: int, first_step_ms: int, quiet_ms: int, expires: int) -> TransactOp:
    """The first attempt after a quiet period starts the streak again."""
    pk, sk = keys.login_streak(hashed(account))
    return dynamo.t_update(
        pk,
        sk,
        "SET n = :one, next_at = :next, step = :second, last_at = :now, ttl_epoch = :ttl",
        vals={":one": 1, ":next": now_ms + first_step_ms, ":second": 2 * first_step_ms, ":now": now_ms, ":quiet": now_ms - quiet_ms, ":ttl": expires},
        condition="last_at <= :quiet",
        return_old_on_failure=True,
    )


def streak_capped_op(account: str, now_ms: int, free: int, cap_ms: int, quiet_ms: int, expires: int) -> TransactOp:
    """Once the delay has reached its cap, it grows no more."""
    pk, sk = keys.login_streak(hashed(account))
    return dynamo.t_update(
        pk,
        sk,
        "SET n = n + :one, next_at = :next, last_at = :now, ttl_epoch = :ttl",
        vals={":one": 1, ":next": now_ms + cap_ms, ":now": now_ms, ":free": free, ":cap": cap_ms, ":quiet": now_ms - quiet_ms, ":ttl": expires},
        condition="last_at > :quiet AND step >= :cap AND (n < :free OR next_at <= :now)",
        return_old_on_failure=True,
    )


def streak_clear_op(account: str) -> TransactOp:
    return dynamo.t_delete(*keys.login_streak(hashed(account)))


# --- devices an account logged in from ----------------------------------------------------


def device_check_op(device_digest: str, account: str, now: int) -> TransactOp:
    """The device cookie is one this account was given at a successful login, and not expired."""
    pk, sk = keys.device(device_digest)
    return dynamo.t_check(pk, sk, "account = :a AND expires > :now", vals={":a": hashed(account), ":now": now})


def device_put_op(device_digest: str, account: str, member_id: str, now: int, expires: int) -> TransactOp:
    pk, sk = keys.device(device_digest)
    return dynamo.t_put(DeviceItem(PK=pk, SK=sk, account=hashed(account), member_id=member_id, created=now, expires=expires, ttl_epoch=expires))


def transact(operations: list[TransactOp]) -> None:
    dynamo.transact(operations)
