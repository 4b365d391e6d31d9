"""newsletter-backfill under moto: N members saved the old way (no NEWSGENRE# items) put in the recipients'
index by the real NewsletterBackfillFunction, run after run until it says done (time, DynamoDB calls).

Run: .venv/bin/python -m benchmarks.newsletter_backfill [--members 5000] [--suppressed 50]
The members are written straight to the table (the member item only, as before the index existed), by
BatchWriteItem; some of their addresses suppressed. Each run has the local stack's 30 s Lambda context, so
a large N takes several runs (the cursor kept between them). Times are moto's (in-process), not AWS's.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from benchmarks.harness import bench, put_items
from local import stack
from local.gateway import invoke
from local.resources import ACCOUNT


def _seed(n: int, suppressed: int) -> None:
    from netclub import clock, ids
    from netclub.store import keys

    now = clock.iso()
    writes: list[dict[str, Any]] = []
    for i in range(n):
        member_id = ids.new_id()
        email = f"old{i:05d}@example.jp"
        pk, sk = keys.member(member_id)
        profile = {"company_name": f"旧会員{i}", "user": {"name": f"旧会員{i}", "email": email}}
        profile["subscriptions"] = {"mail_magazine": i % 3 != 0, "mail_magazine_genres": ["netclub_magazine", "e_argus"][: 1 + i % 2]}
        writes.append(
            {"PK": pk, "SK": sk, "member_id": member_id, "email": email, "role": "member", "status": "active", "profile": profile, "created_at": now}
            | {"updated_at": now, "GSI1PK": keys.members_by_status("active"), "GSI1SK": f"{now}#{member_id}"}
        )
        if i < suppressed:
            spk, ssk = keys.suppressed(email)
            writes.append({"PK": spk, "SK": ssk, "reason": "bounced", "suppressed_at": now})
    put_items(writes)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=5000)
    parser.add_argument("--suppressed", type=int, default=50)
    args = parser.parse_args()
    with bench() as b:
        from netclub.services import newsletters

        t0 = time.perf_counter()
        _seed(args.members, args.suppressed)
        print(f"seeded {args.members} members the old way ({args.suppressed} suppressed) in {time.perf_counter() - t0:.1f} s")
        function = b.gateway.functions["NewsletterBackfillFunction"]
        b.counter.calls.clear()
        runs, members, t0 = 0, 0, time.perf_counter()
        while True:
            runs += 1
            result = invoke(function, {}, stack.REGION, ACCOUNT)
            members += result["members"]
            if result["done"]:
                break
        elapsed = time.perf_counter() - t0
        print(f"backfill: {members} members in {runs} run(s), {elapsed:.1f} s = {members / elapsed:.0f} members/s (moto in-process)")
        print(f"  DynamoDB calls {dict(b.counter.calls)} = {sum(b.counter.calls.values()) / max(members, 1):.2f} per member")
        magazine, argus = newsletters.audience(["netclub_magazine"]), newsletters.audience(["e_argus"])
        print(f"  index now: netclub_magazine {len(magazine)}, e_argus {len(argus)} (suppressed and opted-out members left out)")
        b.counter.calls.clear()
        again = invoke(function, {}, stack.REGION, ACCOUNT)
        print(f"  a run once done: {again} with DynamoDB calls {dict(b.counter.calls)}")


if __name__ == "__main__":
    main()
