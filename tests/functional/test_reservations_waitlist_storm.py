"""キャンセル待ち under concurrency (issue 13, "Prove it under concurrency"): members cancel, wait, leave,
change and book one slot at once while staff raise its capacity: threads against the in-process handlers,
DynamoDB requests applied one at a time as DynamoDB applies each transaction atomically (moto's in-memory
backend does not guard itself; the local stack serialises it the same way: local/moto_server.py).
Run also with TransactionConflict injected on a third of the transactions.

At the end, per slot: capacity = confirmed + seats_left, seats_left >= 0, nobody waits while a seat is
free, the waiting entries = the waiting reservations = waitlist_count, every promoted reservation
joined before every one still waiting (first come, first served), positions 1..n in join order, one
promotion mail per promotion. `pytest -s` prints the figures.
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from tests.conftest import Answer, Env, Portal
from tests.functional import faults as wire
from tests.functional.reservation_helpers import new_member, offering, serial_dynamodb

PROMOTED = "キャンセル待ちの繰り上げのお知らせ"
MEMBERS = 14
ROUNDS = 4
ALLOWED = {
    200: {None},
    201: {None},
    409: {"slot_full", "already_reserved", "not_changeable", "not_cancellable", "busy"},
}


def _all_at_once(actions: list[Callable[[], None]]) -> None:
    barrier = threading.Barrier(len(actions))

    def go(action: Callable[[], None]) -> None:
        barrier.wait()
        action()

    with ThreadPoolExecutor(max_workers=len(actions)) as pool:
        for done in [pool.submit(go, a) for a in actions]:
            done.result()


def _items(prefix: str) -> list[dict[str, Any]]:
    from netclub.config import get_settings
    from netclub.store.dynamo import deserialize

    return [deserialize(i) for i in wire.table_items(get_settings().table_name) if i["PK"]["S"].startswith(prefix)]


@pytest.mark.parametrize("conflicts", [False, True], ids=["plain", "TransactionConflict-injected"])
def test_waitlist_storm(env: Env, staff: Portal, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], conflicts: bool) -> None:
    from netclub.services import reservations

    o = offering(staff, capacities=(3, 2))
    x, y = o["slots"]
    members = [new_member(env, staff, f"storm{n:02d}@example.jp") for n in range(MEMBERS)]
    held: dict[int, str | None] = dict.fromkeys(range(MEMBERS))
    answers: Counter[tuple[str, int, str | None]] = Counter()
    again = Counter[str]()

    class CountedAgain(reservations._Again):  # type: ignore[name-defined,misc]
        def __init__(self) -> None:
            again["waitlist re-read"] += 1
            super().__init__()

    monkeypatch.setattr(reservations, "_Again", CountedAgain)

    def record(what: str, n: int, answer: Answer) -> Answer:
        code = answer.error.get("code") if answer.status >= 400 else None
        assert answer.status in ALLOWED and code in ALLOWED[answer.status], (what, answer.status, answer.body)
        answers[(what, answer.status, code)] += 1
        return answer

    def book(n: int, slot: dict[str, Any], waitlist: bool) -> None:
        answer = record(
            "join" if waitlist else "book", n, members[n].post("/api/reservations", {"offering_id": o["id"], "slot_id": slot["id"], "waitlist": waitlist})
        )
        if answer.status == 201:
            held[n] = answer.body["id"]

    def cancel(n: int) -> None:
        if held[n] and record("cancel", n, members[n].delete(f"/api/reservations/{held[n]}")).status == 200:
            held[n] = None

    def change(n: int, slot: dict[str, Any]) -> None:
        if held[n]:
            record("change", n, members[n].put(f"/api/reservations/{held[n]}", {"slot_id": slot["id"]}))

    def raise_capacity(slot: dict[str, Any], by: int) -> Callable[[], None]:
        def run() -> None:
            current = staff.get(f"/api/admin/offerings/{o['id']}").body["slots"]
            capacity = next(s["capacity"] for s in current if s["id"] == slot["id"])
            body = {k: slot[k] for k in ("date", "start_time", "end_time", "place")} | {"capacity": capacity + by}
            answer = staff.put(f"/api/admin/offerings/{o['id']}/slots/{slot['id']}", body)
            assert answer.status in (200, 409), answer.body
            answers[("raise", answer.status, answer.error.get("code") if answer.status >= 400 else None)] += 1

        return run

    with wire.injected(monkeypatch) as faults, serial_dynamodb(monkeypatch):
        if conflicts:
            rng_faults = random.Random(13)
            rule = faults.dynamodb(cancel="TransactionConflict")
            rule.matches = lambda service, operation, body: service == "dynamodb" and operation == "TransactWriteItems" and rng_faults.random() < 0.3  # type: ignore[method-assign]
        # the slots fill: 3 + 2 seats, then everyone else wants slot x at once, with waitlist
        for n in range(5):
            book(n, x if n < 3 else y, waitlist=False)
        _all_at_once([lambda n=n: book(n, x, waitlist=True) for n in range(5, MEMBERS)])  # type: ignore[misc]
        joined = {n: held[n] for n in range(5, MEMBERS) if held[n]}
        positions = sorted(members[n].get(f"/api/reservations/{r}").body["waitlist_position"] for n, r in joined.items())
        assert positions == list(range(1, len(joined) + 1)), positions  # unique, no gaps

        # the storm: rounds of random steps for every member, staff raising x during the first two
        rng = random.Random(2026)
        for round_ in range(ROUNDS):
            plans: list[Callable[[], None]] = []
            for n in range(MEMBERS):
                slot = rng.choice([x, x, y])
                if held[n]:  # holding (a seat or a place in the list): cancel (leave) or change
                    if rng.random() < 0.6:
                        plans.append(lambda n=n: cancel(n))  # type: ignore[misc]
                    else:
                        plans.append(lambda n=n, s=slot: change(n, s))  # type: ignore[misc]
                else:  # a newcomer: book, or join the list
                    plans.append(lambda n=n, s=slot, w=rng.random() < 0.7: book(n, s, w))  # type: ignore[misc]
            if round_ < 2:
                plans.append(raise_capacity(x, 1))
            _all_at_once(plans)
        injected = faults.refused["dynamodb.TransactWriteItems"]
        faults.clear()

    # --- the end state ------------------------------------------------------------------------
    partition = _items(f"OFFERING#{o['id']}")
    reservations_now = [r for r in _items("RES#") if r.get("offering_id") == o["id"]]
    slots = {i["id"]: i for i in partition if i["SK"].startswith("SLOT#")}
    entries = [i for i in partition if i["SK"].startswith("WAIT#")]
    promoted_total = 0
    for slot_id, slot in slots.items():
        mine = [r for r in reservations_now if r.get("slot_id") == slot_id]
        confirmed = [r for r in mine if r["status"] == "confirmed"]
        waiting = [r for r in mine if r["status"] == "waitlisted"]
        assert slot["capacity"] == len(confirmed) + slot["seats_left"], (slot, len(confirmed))
        assert slot["seats_left"] >= 0
        assert not (slot["seats_left"] > 0 and waiting), f"a seat is free while {len(waiting)} wait"
        assert int(slot.get("waitlist_count") or 0) == len(waiting) == len([e for e in entries if e["SK"].startswith(f"WAIT#{slot_id}#")])
        assert {e["reservation_id"] for e in entries if e["SK"].startswith(f"WAIT#{slot_id}#")} == {r["id"] for r in waiting}
        promoted = [r for r in mine if r.get("promoted_at")]
        promoted_total += len(promoted)
        # promoted on this slot: one promoted elsewhere and moved here since keeps promoted_at, not its old slot's number
        promoted_here = [r for r in promoted if "waitlist_seq" in r]
        if promoted_here and waiting:  # first come, first served: every promotion joined before everyone still waiting
            assert max(int(r["waitlist_seq"]) for r in promoted_here) < min(int(r["waitlist_seq"]) for r in waiting)
        # positions of those still waiting: 1..n in join order
        by_seq = sorted(waiting, key=lambda r: int(r["waitlist_seq"]))
        owners = {held[n]: members[n] for n in range(MEMBERS)}
        assert [owners[r["id"]].get(f"/api/reservations/{r['id']}").body["waitlist_position"] for r in by_seq] == list(range(1, len(by_seq) + 1))
    # one promotion mail per promotion, to its member
    mails = sum(1 for n in range(MEMBERS) for m in env.mails(f"storm{n:02d}@example.jp") if PROMOTED in m["subject"])
    promoted_ids = {r["id"] for r in reservations_now if r.get("promoted_at")}
    assert mails == len(promoted_ids) == promoted_total
    # the staff list and the members' own views agree with the table
    staff_view = Counter(
        (r["slot_id"], r["status"]) for r in staff.get(f"/api/admin/offerings/{o['id']}/reservations").body["items"] if r["status"] != "cancelled"
    )
    table_view = Counter((r["slot_id"], r["status"]) for r in reservations_now if r["status"] != "cancelled")
    assert staff_view == table_view
    public = {s["id"]: (s["seats_left"], s["waitlist_count"]) for s in members[0].get(f"/api/offerings/{o['id']}").body["slots"]}
    assert public == {k: (v["seats_left"], int(v.get("waitlist_count") or 0)) for k, v in slots.items()}

    requests = sum(answers.values())
    outcomes = {" ".join(str(p) for p in key if p is not None): count for key, count in sorted(answers.items(), key=str)}
    end = {s["capacity"]: (s["seats_left"], int(s.get("waitlist_count") or 0)) for s in slots.values()}
    with capsys.disabled():
        print(
            f"\nwaitlist storm ({'TransactionConflict injected on ~30% of transactions' if conflicts else 'no injected faults'}): "
            f"{requests} requests {outcomes}; {promoted_total} promoted; {again['waitlist re-read']} waitlist steps read and run again; "
            f"{injected} TransactionConflict cancellations injected (each retried by the transaction); "
            f"end state capacity: (seats_left, waiting) {end}"
        )
    assert promoted_total > 0 and requests >= MEMBERS * (ROUNDS + 1)
    if conflicts:
        assert injected > 0
