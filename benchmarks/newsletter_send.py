"""メールマガジン under moto: `send` for N subscribers (time, DynamoDB and SQS calls until all is enqueued),
then the worker on a sample of the messages (throughput with the SES rate set high, peak memory of a
50-recipient message).

Run: .venv/bin/python -m benchmarks.newsletter_send [--subscribers 20000] [--worker-messages 10]
The subscribers are written straight to the table (the member item and its NEWSGENRE# index item, as
the profile write makes them), by BatchWriteItem, to seed quickly; `send` and the worker are the real
handlers through the local gateway/invoker. Calls are counted on the wire (botocore's before-call).
Times are moto's (in-process, on this machine), not AWS's: count the calls, time them on AWS.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import time
import tracemalloc
from typing import Any

from benchmarks.harness import STAFF, bench, put_items
from local import stack
from local.gateway import invoke
from local.resources import ACCOUNT


def _seed(n: int) -> None:
    from netclub import clock, ids
    from netclub.store import keys

    now = clock.iso()
    writes: list[dict[str, Any]] = []
    for i in range(n):
        member_id = ids.new_id()
        email = f"reader{i:05d}@example.jp"
        pk, sk = keys.member(member_id)
        profile = {"company_name": f"読者{i}", "user": {"name": f"読者{i}", "email": email}}
        profile["subscriptions"] = {"mail_magazine": True, "mail_magazine_genres": ["netclub_magazine"]}
        member = {"PK": pk, "SK": sk, "member_id": member_id, "email": email, "role": "member", "status": "active", "profile": profile, "created_at": now}
        gpk, gsk = keys.news_genre("netclub_magazine", member_id)
        writes += [member, {"PK": gpk, "SK": gsk, "member_id": member_id, "consented_at": now}]
    put_items(writes)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--subscribers", type=int, default=20000)
    parser.add_argument("--worker-messages", type=int, default=10)
    args = parser.parse_args()
    os.environ["NEWSLETTER_SEND_RATE"] = "100000"  # SES emulated: the worker's own cost, not the pacing
    with bench() as b:
        from netclub.aws import client

        sqs: collections.Counter[str] = collections.Counter()
        client("sqs").meta.events.register("before-call.sqs", lambda model, **_: sqs.update([model.name]))
        t0 = time.perf_counter()
        _seed(args.subscribers)
        print(f"seeded {args.subscribers} subscribers in {time.perf_counter() - t0:.1f} s")
        web = b.browser()
        web.login(STAFF)
        status, created = web.call("POST", "/api/admin/newsletters", {"subject": "ベンチマーク号", "body": "本文", "genres": ["netclub_magazine"]})
        assert status == 201, created
        b.counter.calls.clear()
        sqs.clear()
        t0 = time.perf_counter()
        status, answer = web.call("POST", f"/api/admin/newsletters/{created['id']}/send", {})
        elapsed = time.perf_counter() - t0
        assert status == 202, answer
        print(f"send → all enqueued: {elapsed:.2f} s  DynamoDB {dict(b.counter.calls)} (the session read included)  SQS {dict(sqs)}")

        url = stack.environment("http://bench.local", None)[2].ref("NewsletterQueue")
        worker = b.gateway.functions["NewsletterWorkerFunction"]
        sent = 0
        b.counter.calls.clear()
        t0 = time.perf_counter()
        peak = 0
        for _ in range(args.worker_messages):
            got = client("sqs").receive_message(QueueUrl=url, MaxNumberOfMessages=1, MessageSystemAttributeNames=["All"])["Messages"]
            record = {"messageId": got[0]["MessageId"], "receiptHandle": got[0]["ReceiptHandle"], "body": got[0]["Body"], "attributes": {}}
            if not peak:  # the first message under tracemalloc (which slows it), the others timed
                tracemalloc.start()
                result = invoke(worker, {"Records": [record]}, stack.REGION, ACCOUNT)
                peak = tracemalloc.get_traced_memory()[1]
                tracemalloc.stop()
                b.counter.calls.clear()
                t0 = time.perf_counter()
                continue
            result = invoke(worker, {"Records": [record]}, stack.REGION, ACCOUNT)
            assert result == {"batchItemFailures": []}, result
            sent += len(json.loads(got[0]["Body"])["member_ids"])
        elapsed = time.perf_counter() - t0
        per = {k: round(v / sent, 2) for k, v in b.counter.calls.items()}
        print(f"worker: {sent} recipients in {elapsed:.2f} s = {sent / elapsed:.1f} mails/s (moto in-process, SES emulated, one worker)")
        print(f"  DynamoDB calls per recipient {per}; peak Python allocation per 50-recipient message {peak / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
