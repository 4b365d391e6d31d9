"""会員検索 at the organisation's scale: N generated members (default 30,000) in the member index object, then
GET /api/admin/members?q=… through the real handler (authorizer included), warm, for a mix of queries: 会員番号,
kana in part, phone digits, a person's name, a company name with (株), a word nobody has.

Prints the index object's size, the time to build it and to load it in a fresh container (its first search),
then p50 / p95 of the warm answers per kind of query, side by side with the status listing (one Query) in
the same run. Times are this machine's, in process, with moto standing in for S3 and DynamoDB: the search
itself is Python over the in-memory index, as on Lambda (1 vCPU at 1,769 MB; 512 MB gets about a third).

Run: .venv/bin/python -m benchmarks.member_search [--members 30000] [--runs 40]
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

from benchmarks.harness import STAFF, bench

KANA = ["トウキョウ", "セイミツ", "コウギョウ", "ニットウ", "プレス", "カナガタ", "デンシ", "ショウジ", "サンギョウ", "ギケン"]
NAMES = ["東京", "精密", "工業", "日東", "プレス", "金型", "電子", "商事", "産業", "技研"]


def _member(n: int) -> dict[str, Any]:
    a, b = NAMES[n % 10], NAMES[(n // 10) % 10]
    return {
        "member_id": f"m{n:08d}",
        "email": f"member{n:06d}@company{n % 977}.example.jp",
        "role": "member",
        "status": ("active", "active", "active", "withdrawn", "pending_review")[n % 5],
        "company_name": f"株式会社{a}{b}{n}",
        "user_name": f"担当{n} 花子",
        "created_at": f"20{10 + n % 15:02d}-04-01T09:00:00+09:00",
        "staff_fields": {"member_number": f"NC{n:06d}", "joined_on": f"20{10 + n % 15:02d}-04-01"},
        "profile": {
            "corporate_type": "corporation",
            "company_name": f"株式会社{a}{b}{n}",
            "company_name_kana": f"カブシキガイシャ{KANA[n % 10]}{KANA[(n // 10) % 10]}",
            "phone": f"03-{1000 + n % 9000}-{n % 10000:04d}",
            "user": {"name": f"担当{n} 花子", "name_kana": "タントウ ハナコ", "phone": f"090-{n % 10000:04d}-{(n * 7) % 10000:04d}"},
        },
    }


QUERIES = {
    "会員番号 (part)": lambda n: f"NC0{n % 10000:04d}",
    "kana in part": lambda n: KANA[n % 10][1:4],
    "phone digits": lambda n: f"03{1000 + n % 9000}",
    "person's name": lambda n: f"担当{n}",
    "(株) + name": lambda n: f"(株){NAMES[n % 10]}",
    "no match": lambda n: f"該当なし{n}",
}


def _p(values: list[float], q: float) -> float:
    return sorted(values)[min(len(values) - 1, int(q * len(values)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=30000)
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()
    with bench() as b:
        from netclub.services import member_search
        from netclub.store import directory as index_store

        t0 = time.perf_counter()
        index = member_search.MemberIndex(r for r in (member_search.row_of(_member(n)) for n in range(args.members)) if r)
        blob = index.dump()
        built = time.perf_counter() - t0
        index_store.put_index(blob, None, member_search.KEY)
        t0 = time.perf_counter()
        member_search.MemberIndex.load(blob)
        loaded = time.perf_counter() - t0
        print(f"index: {len(index)} members, {len(blob) / 1024:.0f} KiB gzip; built in {built:.2f} s, loaded (parsed) in {loaded * 1000:.0f} ms")
        web = b.browser()
        web.login(STAFF)
        t0 = time.perf_counter()
        status, body = web.call("GET", "/api/admin/members?q=NC000001")
        print(f"first search of a fresh container (S3 GET + load + search): {(time.perf_counter() - t0) * 1000:.0f} ms, {body['total']} found")
        assert status == 200, body
        rows = []
        for kind, make in [("status listing (no q: one Query)", None), *QUERIES.items()]:
            times: list[float] = []
            found = 0
            for n in range(args.runs):
                path = "/api/admin/members?status=active" if make is None else f"/api/admin/members?q={make(n * 37 + 11)}"
                t0 = time.perf_counter()
                status, body = web.call("GET", path)
                times.append((time.perf_counter() - t0) * 1000)
                assert status == 200, body
                found += len(body["items"])
            rows.append((kind, statistics.median(times), _p(times, 0.95), found / args.runs))
        print(f"{'query (warm, whole request through the gateway)':<52} {'p50 ms':>8} {'p95 ms':>8} {'items':>6}")
        for kind, p50, p95, items in rows:
            print(f"{kind:<52} {p50:>8.1f} {p95:>8.1f} {items:>6.1f}")
        base = rows[0][1]
        print("ratios to the status listing (p50): " + ", ".join(f"{k} {p50 / base:.2f}x" for k, p50, _, _ in rows[1:]))


if __name__ == "__main__":
    main()
