"""POST /api/reservations with an Idempotency-Key (issue 14): the key's record is one item of the reservation's
transaction, the member's e-mail and names come from the authorizer. Three DynamoDB calls in all; a repeat answers
the first answer, even once the slot is full; concurrent twins make one reservation."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from tests.conftest import DEMO, Env, Portal
from tests.functional import faults as wire
from tests.functional.dynamodb_calls import dynamodb_calls
from tests.functional.reservation_helpers import new_member, offering, serial_dynamodb


def _records() -> list[dict[str, Any]]:
    from netclub.config import get_settings
    from netclub.store.dynamo import deserialize

    return [deserialize(i) for i in wire.table_items(str(get_settings().idempotency_table_name))]


def _reservations_of(member_id: str) -> list[dict[str, Any]]:
    from netclub.config import get_settings
    from netclub.store.dynamo import deserialize

    items = [deserialize(i) for i in wire.table_items(get_settings().table_name)]
    return [i for i in items if str(i["PK"]).startswith("RES#") and i.get("member_id") == member_id]


def test_apply_with_a_key_is_four_calls_and_a_repeat_answers_the_first_answer(staff: Portal, member: Portal) -> None:
    o = offering(staff, capacities=(1, 5))
    a = o["slots"][0]["id"]
    body = {"offering_id": o["id"], "slot_id": a}
    with dynamodb_calls() as calls:
        first = member.post("/api/reservations", body, headers={"Idempotency-Key": "k-1"})
    assert first.status == 201, first.body
    # authorizer (session + member: one BatchGetItem) + offering Query + one transaction (with the key's record and the
    # mail in the outbox) + the mail out of the outbox once SES took it
    assert calls == {"BatchGetItem": 1, "Query": 1, "TransactWriteItems": 1, "DeleteItem": 1}, calls
    (record,) = _records()
    assert record["status"] == "COMPLETED" and "k-1" not in str(record)  # the key only hashed
    # the slot is full now: the repeat is refused before its commit, finds the record and answers as the first time
    with dynamodb_calls() as calls:
        again = member.post("/api/reservations", body, headers={"Idempotency-Key": "k-1"})
    assert (again.status, again.body) == (first.status, first.body)
    assert calls == {"BatchGetItem": 1, "Query": 1, "GetItem": 1}, calls
    assert member.get(f"/api/offerings/{o['id']}").body["slots"][0]["seats_left"] == 0
    assert len(member.get("/api/reservations").body["items"]) == 1
    reused = member.post("/api/reservations", {**body, "slot_id": o["slots"][1]["id"]}, headers={"Idempotency-Key": "k-1"})
    assert reused.status == 409 and reused.error["code"] == "idempotency_key_reused", reused.body
    # without a key, the same request is what it is: already reserved
    assert member.post("/api/reservations", body).error["code"] == "slot_full"


def test_a_repeat_whose_checks_pass_meets_the_record_in_the_transaction(staff: Portal, member: Portal) -> None:
    o = offering(staff, capacities=(3, 5))
    body = {"offering_id": o["id"], "slot_id": o["slots"][0]["id"]}
    first = member.post("/api/reservations", body, headers={"Idempotency-Key": "k-2"})
    with dynamodb_calls() as calls:
        again = member.post("/api/reservations", body, headers={"Idempotency-Key": "k-2"})
    assert (again.status, again.body) == (201, first.body)
    assert calls == {"BatchGetItem": 1, "Query": 1, "TransactWriteItems": 1}, calls
    assert member.get(f"/api/offerings/{o['id']}").body["slots"][0]["seats_left"] == 2


def test_concurrent_twins_make_one_reservation_and_get_the_same_answer(env: Env, staff: Portal, monkeypatch: pytest.MonkeyPatch) -> None:
    o = offering(staff, capacities=(3, 5))
    twin = new_member(env, staff, "twins@example.jp")
    member_id = twin.get("/api/me").body["member_id"]
    body = {"offering_id": o["id"], "slot_id": o["slots"][0]["id"]}
    barrier = threading.Barrier(6)

    def send() -> Any:
        barrier.wait()
        return twin.post("/api/reservations", body, headers={"Idempotency-Key": "twin-1"})

    with serial_dynamodb(monkeypatch), ThreadPoolExecutor(max_workers=6) as pool:
        answers = [f.result() for f in [pool.submit(send) for _ in range(6)]]
    ok = [a for a in answers if a.status == 201]
    assert ok and all(a.body == ok[0].body for a in ok), [(a.status, a.body) for a in answers]
    assert all(a.status == 201 or (a.status == 409 and a.error["code"] == "busy") for a in answers), [(a.status, a.body) for a in answers]
    assert len(_reservations_of(member_id)) == 1
    assert twin.get(f"/api/offerings/{o['id']}").body["slots"][0]["seats_left"] == 2
    assert len(_records()) == 1


def test_the_mail_and_holder_use_the_member_as_the_authorizer_read_it_at_this_request(env: Env, staff: Portal, member: Portal) -> None:
    """The authorizer reads the member with the session on every request: a name changed after login is the one used."""
    from netclub.store import accounts, dynamo, keys

    member_id = member.get("/api/me").body["member_id"]
    dynamo.update(*keys.member(member_id), "SET user_name = :n", vals={":n": "改名花子"})
    assert accounts.get_member(member_id)["user_name"] == "改名花子"  # type: ignore[index]
    o = offering(staff, capacities=(3, 5))
    made = member.post("/api/reservations", {"offering_id": o["id"], "slot_id": o["slots"][0]["id"]}, headers={"Idempotency-Key": "k-3"})
    assert made.status == 201, made.body
    assert any("改名花子 様" in m["body"] for m in env.mails(DEMO[0]))
    listed = staff.get(f"/api/admin/offerings/{o['id']}/reservations")
    assert listed.status == 200, listed.body
    assert "改名花子" in str(listed.body)
