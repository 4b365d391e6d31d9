"""会員企業検索 at the organisation's scale: 20,000 published companies (local/directory_data.py).

Prints the index's build time and size (gzip JSON, as it would be kept in S3), the time to load it
(decompress, parse, build: what a fresh container does), and warm search latencies (p50/p95) for
queries of 1-3 words with and without a filter, in-process.

    .venv/bin/python -m benchmarks.directory_search [--companies 20000]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from typing import Any

from netclub.services.directory_index import Index, company_from

from local.directory_data import companies

QUERIES: list[dict[str, str]] = [
    {"q": "金型"},
    {"q": "溶接"},
    {"q": "ぷれす"},
    {"q": "ﾏｼﾆﾝｸﾞ"},
    {"q": "ステンレス 切削"},
    {"q": "アルミ 溶接 短納期"},
    {"q": "研磨", "industry": "E"},
    {"q": "金型 プレス", "industry": "24"},
    {"q": "オークマ", "area": "関東"},
    {"q": "医療機器", "processing": "切削"},
    {"q": "チタン 5軸", "industry": "26"},
    {"q": "", "industry": "244"},
    {"q": "精工"},
    {"q": "東和"},
    {"q": "存在しない語"},
]


def _card(n: int, profile: dict[str, Any]) -> dict[str, Any]:
    return {
        "company_id": f"c{n:06d}",
        "company_name": profile["company_name"],
        "company_name_kana": profile["company_name_kana"],
        "common_name": profile.get("common_name"),
        "industry": profile["industry"],
        "prefecture": "東京都",
        "summary": (profile.get("business_summary") or "")[:120],
        "processing_categories": profile["processing_categories"],
        "trade_areas": profile["trade_areas"],
        "homepage_url": profile.get("homepage_url"),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--companies", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    started = time.perf_counter()
    items = [company_from(_card(n, p), p) for n, p in enumerate(companies(args.companies))]
    generated = time.perf_counter() - started
    started = time.perf_counter()
    index = Index.build(items)
    built = time.perf_counter() - started
    started = time.perf_counter()
    blob = index.dump()
    dumped = time.perf_counter() - started
    started = time.perf_counter()
    loaded = Index.load(blob)
    load = time.perf_counter() - started
    assert len(loaded) == len(index)
    print(
        f"{len(index)} companies: generated in {generated:.2f} s; index built in {built:.2f} s, stored in {dumped:.2f} s (gzip JSON, {len(blob) / 1e6:.1f} MB); loaded (decompress + parse) in {load:.2f} s"
    )
    # what the stream's index update computes for one change (DirectoryIndexFunction: apply_changes), AWS calls aside
    started = time.perf_counter()
    changed = Index.load(blob).updated([items[0]], {str(items[1].card["company_id"])}).dump()
    update = time.perf_counter() - started
    assert len(Index.load(changed)) == len(index) - 1
    print(f"one change applied to the stored index (load + update + store): {update:.2f} s, in-process, on this machine")
    timings: list[float] = []
    per_query: dict[str, list[float]] = {}
    for _ in range(args.rounds):
        for query in QUERIES:
            started = time.perf_counter()
            found = index.search(query.get("q", ""), query.get("industry", ""), query.get("area", ""), query.get("processing", ""))
            page = [index.cards[n] for n in found[:20]]
            elapsed = (time.perf_counter() - started) * 1000
            timings.append(elapsed)
            per_query.setdefault(json.dumps(query, ensure_ascii=False), []).append(elapsed)
            assert len(page) <= 20
    timings.sort()
    p50 = statistics.median(timings)
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(f"warm search over {len(timings)} searches: p50 {p50:.2f} ms, p95 {p95:.2f} ms, max {timings[-1]:.2f} ms")
    for query, values in per_query.items():
        hits = len(index.search(*(json.loads(query).get(k, "") for k in ("q", "industry", "area", "processing"))))
        print(f"  {query}: median {statistics.median(values):.2f} ms, {hits} hits")


if __name__ == "__main__":
    main()
