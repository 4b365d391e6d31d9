"""会員企業検索 under moto: AWS calls and time per search, page and rebuild, a fresh container's first search.

Run: .venv/bin/python -m benchmarks.directory_calls [--companies 2000]
Calls are counted on the wire (botocore's before-call event), the authorizer's read (session and member, one BatchGetItem) included.
Every route of template.yaml, pinned by a test: .venv/bin/python -m benchmarks.route_calls.
A "fresh container" here is a new copy of the function's module in this process (local/functions.py):
it fetches and parses the index as a Lambda cold start does, but Python's and the layer's imports are
already warm (benchmarks/cold_start.py measures those).

Under moto the rebuild's time is moto's BatchGetItem (~1 s per 100 items, its serialisation; cProfile),
not the portal's: count its calls here (1 Query page per ~1 MB of directory items, 1 BatchGetItem per
100 companies), time it on AWS. 2,000 companies: Query 1, BatchGetItem 21, PutObject 1; 207 KiB stored;
a fresh container's first search 81 ms (GetObject + parse), warm 27 ms, company page 3 calls (the authorizer's BatchGetItem, 2 GetItems); a search reads no member (its status comes with the authorizer's read).
"""

from __future__ import annotations

import argparse
import collections
import time
from typing import Any

from benchmarks.harness import DEMO, bench
from local import seed_directory, stack
from local.gateway import invoke
from local.resources import ACCOUNT

SCHEDULED = {"version": "0", "id": "bench", "detail-type": "Scheduled Event", "source": "aws.events", "detail": {}, "resources": []}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--companies", type=int, default=2000)
    args = parser.parse_args()
    with bench() as b:
        from netclub.aws import client
        from netclub.services import directory

        s3: collections.Counter[str] = collections.Counter()
        client("s3").meta.events.register("before-call.s3", lambda model, **_: s3.update([model.name]))
        started = time.perf_counter()
        seed_directory.seed(args.companies)
        print(f"seeded {args.companies} published companies in {time.perf_counter() - started:.1f} s")

        def measured(name: str, action: Any) -> Any:
            b.counter.calls.clear()
            s3.clear()
            t0 = time.perf_counter()
            result = action()
            ms = (time.perf_counter() - t0) * 1000
            print(f"{name:<46} {ms:>8.1f} ms  DynamoDB {dict(b.counter.calls)}  S3 {dict(s3)}")
            return result

        fn = b.gateway.functions["DirectoryIndexFunction"]
        result = measured("rebuild (scheduled)", lambda: invoke(fn, SCHEDULED, stack.REGION, ACCOUNT))
        print(f"  index: {result['companies']} companies, {result['bytes'] / 1024:.0f} KiB stored")
        web = b.browser()
        web.login(DEMO)
        search = b.gateway.functions["DirectorySearchFunction"]
        search._free.clear()  # the next search starts a new container
        measured("search, fresh container (GetObject + load)", lambda: web.call("GET", "/api/directory?q=プレス"))
        measured("search, warm (within 15 s: no S3 call)", lambda: web.call("GET", "/api/directory?q=プレス 金型"))
        directory.REFRESH_SECONDS = 0.0
        measured("search, warm, after 15 s (conditional GET 304)", lambda: web.call("GET", "/api/directory?industry=24&area=関東"))
        measured("rebuild again", lambda: invoke(fn, SCHEDULED, stack.REGION, ACCOUNT))
        measured("search, warm, index changed (GET 200 + load)", lambda: web.call("GET", "/api/directory?q=ステンレス"))
        status, body = web.call("GET", "/api/directory?limit=1")
        assert status == 200, body
        company = body["items"][0]["company_id"]
        measured("company page", lambda: web.call("GET", f"/api/directory/{company}"))


if __name__ == "__main__":
    main()
