"""名簿出力 at the organisation's scale under moto: N generated active members (default 30,000, full profiles)
exported through the real handlers: POST /api/admin/exports (202), ExportWorkerFunction given ExportQueue's
message as the SQS mapping gives it, GET /api/admin/exports/{id} (the presigned link).

Prints: the request's time; the worker's time (without tracing) and its peak Python allocation (tracemalloc, a
second run), its DynamoDB calls; the CSV's size and rows; all against the worker's Timeout and MemorySize in
template.yaml.

By default the members' GSI1 partition is handed to the worker as DynamoDB would page it (1 MB of items a
page, each page's items made as it is asked for, as boto3 deserialises a page): moto's own Query scans and
sorts the table for every page in this process (1,000 members: 27 of the worker's 28 s were moto's), which
measures moto, not the export. `--moto` runs the whole path on moto's Query instead (use a small --members).
On AWS add the Query pages' own time: 30,000 members of ~2.3 KB are ~70 pages, ~100 ms each.

Run: .venv/bin/python -m benchmarks.export_members [--members 30000] [--moto]
"""

from __future__ import annotations

import argparse
import json
import time
import tracemalloc
from typing import Any

from benchmarks.harness import STAFF, bench, put_items
from local import cfn, stack
from local.gateway import invoke
from local.resources import ACCOUNT

PREFECTURES = ["東京都", "神奈川県", "埼玉県", "千葉県"]
SERVICES = ["argus", "business_support_tokyo", "direct_mail", "mail_magazine"]


def _member(n: int) -> dict[str, Any]:
    member_id = f"bench{n:08d}"
    created = f"20{10 + n % 15:02d}-04-01T09:00:00+09:00"
    profile = {
        "corporate_type": "corporation",
        "company_name": f"株式会社東京精密工業{n}",
        "company_name_kana": "カブシキガイシャトウキョウセイミツコウギョウ",
        "common_name": f"東京精密{n}",
        "office_name": "本社工場",
        "postal_code": f"{100 + n % 900:03d}-{n % 10000:04d}",
        "address": f"{PREFECTURES[n % 4]}千代田区神田練塀町{n % 50}-{n % 9 + 1} 秋葉原ビル{n % 12 + 1}F",
        "phone": f"03-{1000 + n % 9000}-{n % 10000:04d}",
        "fax": f"03-{1000 + n % 9000}-{(n + 1) % 10000:04d}",
        "representative": {"name": f"代表 太郎{n}", "title": "代表取締役"},
        "capital_thousand_yen": 10000 + n,
        "employees_total": 5 + n % 300,
        "business_summary": "精密板金加工、プレス加工、金型の設計製作。試作から量産まで一貫して対応します。" * 2,
        "subscriptions": {s: (n + i) % 3 != 0 for i, s in enumerate(SERVICES)},
        "mail_magazine_genres": ["netclub_magazine"],
        "user": {
            "name": f"担当{n} 花子",
            "name_kana": "タントウ ハナコ",
            "department": "総務部",
            "phone": f"090-{n % 10000:04d}-{(n * 7) % 10000:04d}",
            "email": f"member{n:06d}@company{n % 977}.example.jp",
        },
    }
    return {
        "PK": f"MEMBER#{member_id}",
        "SK": "MEMBER",
        "GSI1PK": "MEMBERS#active",
        "GSI1SK": f"{created}#{member_id}",
        "member_id": member_id,
        "email": profile["user"]["email"],
        "role": "member",
        "status": "active",
        "company_name": profile["company_name"],
        "user_name": profile["user"]["name"],
        "password_hash": "$argon2id$v=19$m=19456,t=2,p=1$" + "x" * 70,
        "created_at": created,
        "updated_at": created,
        "staff_fields": {"member_number": f"NC{n:06d}", "joined_on": created[:10], "note": "展示会で入会"},
        "profile": profile,
    }


def _pages(count: int) -> Any:
    """accounts.member_pages_with_status as DynamoDB pages the partition: 1 MB of items a page."""
    per_page = max(1, (1024 * 1024) // len(json.dumps(_member(0), ensure_ascii=False).encode()))
    pages = {"count": 0}

    def member_pages_with_status(status: str) -> Any:
        assert status == "active"
        for start in range(0, count, per_page):
            pages["count"] += 1
            yield [{k: v for k, v in _member(n).items() if k not in ("PK", "SK", "GSI1PK", "GSI1SK")} for n in range(start, min(count, start + per_page))]

    return member_pages_with_status, pages, per_page


def _message(queue_url: str) -> dict[str, Any]:
    from netclub.aws import client

    got = client("sqs").receive_message(QueueUrl=queue_url, MaxNumberOfMessages=1, WaitTimeSeconds=0)["Messages"][0]
    return {"messageId": got["MessageId"], "receiptHandle": got["ReceiptHandle"], "body": got["Body"], "attributes": {}}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=30000)
    parser.add_argument("--moto", action="store_true", help="the members in moto's table, read by moto's Query (slow: small --members)")
    args = parser.parse_args()
    worker_props = cfn.resources_of_type(cfn.load(), "AWS::Serverless::Function")["ExportWorkerFunction"]["Properties"]
    timeout, memory = int(worker_props["Timeout"]), int(worker_props["MemorySize"])
    with bench() as b:
        pages = {"count": 0}
        if args.moto:
            t0 = time.perf_counter()
            put_items([_member(n) for n in range(args.members)])
            print(f"members: {args.members} active, full profiles, written to moto in {time.perf_counter() - t0:.0f} s (not measured)")
        else:
            from netclub.store import accounts

            accounts.member_pages_with_status, pages, per_page = _pages(args.members)  # type: ignore[assignment]
            size = len(json.dumps(_member(0), ensure_ascii=False).encode())
            print(f"members: {args.members} active, full profiles (~{size} bytes each as JSON): {per_page} a 1 MB Query page")
        web = b.browser()
        web.login(STAFF)
        queue_url = stack.environment("http://bench.local", None)[2].ref("ExportQueue")
        worker = b.gateway.functions["ExportWorkerFunction"]

        def run(traced: bool) -> tuple[dict[str, Any], float, int, int]:
            t0 = time.perf_counter()
            status, job = web.call("POST", "/api/admin/exports", {"kind": "members"})
            requested = time.perf_counter() - t0
            assert status == 202, job
            record = _message(queue_url)
            b.counter.calls.clear()
            if traced:
                tracemalloc.start()
            t0 = time.perf_counter()
            result = invoke(worker, {"Records": [record]}, stack.REGION, ACCOUNT)
            seconds = time.perf_counter() - t0
            peak = tracemalloc.get_traced_memory()[1] if traced else 0
            if traced:
                tracemalloc.stop()
            assert result == {"batchItemFailures": []}, result
            calls = sum(b.counter.calls.values()) + pages["count"]
            pages["count"] = 0
            status, state = web.call("GET", f"/api/admin/exports/{job['export_id']}")
            assert status == 200 and state["status"] == "ready", state
            print(f"  POST /api/admin/exports answered 202 in {requested * 1000:.0f} ms")
            return state, seconds, peak, calls

        state, seconds, _, calls = run(traced=False)
        _, traced_seconds, peak, _ = run(traced=True)
        from netclub.aws import client
        from netclub.config import get_settings

        body = client("s3").get_object(Bucket=get_settings().exports_bucket, Key=f"exports/{state['export_id']}.csv")["Body"].read()
        assert body.startswith(b"\xef\xbb\xbf") and body.count(b"\r\n") == state["rows"] + 1
        print(f"worker: {state['rows']} rows in {seconds:.1f} s ({seconds / timeout:.0%} of its {timeout} s Timeout); {calls} DynamoDB calls")
        print(
            f"  peak Python allocation {peak / 1024 / 1024:.0f} MiB (tracemalloc, a second run: {traced_seconds:.1f} s) of its {memory} MB ({peak / 1024 / 1024 / memory:.0%})"
        )
        print(f"CSV: {state['size'] / 1024 / 1024:.1f} MiB ({state['size']} bytes, UTF-8 with BOM, CRLF), {state['filename']}")
        print(f"  status answer: {len(json.dumps(state))} bytes with a {state['download_expires_in']} s link (the CSV never passes API Gateway)")


if __name__ == "__main__":
    main()
