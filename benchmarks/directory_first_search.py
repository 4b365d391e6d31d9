"""会員企業検索's first search in a fresh container, as deployed, with 20,000 published companies.

The index is built as DirectoryIndexFunction builds it (page_of → index_entry of each generated
profile: local/directory_data.py, seeded) and put in the DirectoryBucket of a moto server that holds
the demo data (tests/deployed/aws.py). Then, for each run, one fresh interpreter of the runtime's
Python runs DirectorySearchFunction from the `sam build` output (layer read-only at /opt/python,
with its bytecode; tests/deployed/built.py) and answers three searches in turn: the first loads the
index from S3 (GetObject, gunzip, parse), the next two are warm. Beside it, the floor (`import
boto3; boto3.client("dynamodb")` in the same kind of process) is measured in the same run.

Printed per run and as medians: the process's wall time (start, import, first search, two more,
exit), the first search's own wall time inside the process, and the warm searches'.
The issue's bar: the first search in a fresh container, index load included, ≤ 1.5 s.

Run: .venv/bin/python -m benchmarks.directory_first_search [--companies 20000] [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import boto3

from benchmarks.cold_start_deployed import FLOOR, _first_event, _timed
from local.directory_data import companies
from local.functions import Function
from tests.deployed.built import Deployed, environment, functions

QUERIES = [
    {"q": "金型 プレス", "industry": "24"},
    {"q": "金型"},
    {"q": "アルミ 溶接 短納期"},
]  # from benchmarks/directory_search.py; the first one with a filter


def _index_blob(count: int) -> bytes:
    from netclub.services.directory import index_entry, page_of
    from netclub.services.directory_index import Index

    return Index.build(index_entry(page_of(f"c{n:06d}", p)) for n, p in enumerate(companies(count))).dump()


def _memory_of(logical_id: str) -> int:
    from local import cfn

    template = cfn.load()
    props = template["Resources"][logical_id]["Properties"]
    return int(props.get("MemorySize") or template["Globals"]["Function"].get("MemorySize", 128))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--companies", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    fns, resolver = functions()
    fn = fns["DirectorySearchFunction"]
    started = time.perf_counter()
    blob = _index_blob(args.companies)
    print(f"index of {args.companies} companies built in {time.perf_counter() - started:.1f} s: {len(blob) / 1e6:.2f} MB gzip JSON", flush=True)

    aws_process = subprocess.Popen([sys.executable, "-m", "tests.deployed.aws"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert aws_process.stdin and aws_process.stdout
    aws = json.loads(aws_process.stdout.readline())
    try:
        from netclub.store.directory import INDEX_KEY

        s3 = boto3.client("s3", endpoint_url=aws["endpoint"], region_name="ap-northeast-1", aws_access_key_id="testing", aws_secret_access_key="testing")
        s3.put_object(Bucket=resolver.ref("DirectoryBucket"), Key=INDEX_KEY, Body=blob)
        with tempfile.TemporaryDirectory() as tmp:
            scratch = Path(tmp)
            deployed = Deployed.make(scratch / "root", bytecode=True)
            template_event = _first_event(fn, aws)
            events = [{**template_event, "queryStringParameters": q, "multiValueQueryStringParameters": {k: [v] for k, v in q.items()}} for q in QUERIES]
            events_file = scratch / "events.json"
            events_file.write_text(json.dumps(events, ensure_ascii=False), encoding="utf-8")
            env = environment(fn, resolver, aws["endpoint"], deployed.runtime)

            floor_dir = scratch / "floor"
            floor_dir.mkdir()
            (floor_dir / "app.py").write_text(FLOOR, encoding="utf-8")
            floor_fn = Function(logical_id="Floor", code_dir=floor_dir)
            floor_cmd = deployed.command(floor_fn, None, scratch / "floor.json")
            floor_cmd[floor_cmd.index(str(deployed.root / "var" / "task" / "Floor"))] = str(floor_dir)
            floor_env = environment(floor_fn, resolver, aws["endpoint"], deployed.runtime)

            print(f"{fn.logical_id} as built ({deployed.runtime}, layer with bytecode, read-only), {args.runs} fresh processes, 3 searches each", flush=True)
            rows: list[dict[str, Any]] = []
            for run in range(args.runs):
                _, floor_wall = _timed(floor_cmd, floor_env)
                _, wall = _timed(deployed.command(fn, events_file, scratch / "result.json"), env)
                inside = json.loads((scratch / "result.json").read_text(encoding="utf-8"))
                answers = inside["invocations"]
                for a in answers:
                    assert "answer" in a and a["answer"]["statusCode"] == 200, a
                totals = [json.loads(a["answer"]["body"])["total"] for a in answers]
                row = {
                    "floor": floor_wall,
                    "process": wall,
                    "import": inside["import_wall"],
                    "first": answers[0]["wall"],
                    "warm": statistics.median(a["wall"] for a in answers[1:]),
                    "import_cpu": inside["import_cpu"],
                    "first_cpu": answers[0]["cpu"],
                }
                rows.append(row)
                print(
                    f"  run {run + 1}: process {row['process'] * 1000:5.0f} ms (floor {row['floor'] * 1000:4.0f} ms); import {row['import'] * 1000:4.0f} ms; "
                    f"first search {row['first'] * 1000:5.0f} ms; warm {row['warm'] * 1000:5.1f} ms; CPU: import {row['import_cpu'] * 1000:4.0f} ms, "
                    f"first search {row['first_cpu'] * 1000:4.0f} ms; hits {totals}",
                    flush=True,
                )
    finally:
        aws_process.stdin.close()
        aws_process.wait(timeout=30)

    def med(key: str) -> float:
        return statistics.median(r[key] for r in rows) * 1000

    worst = max(r["import"] + r["first"] for r in rows) * 1000
    # On Lambda a function gets CPU in proportion to its memory (one full vCPU at 1,769 MB): the CPU time
    # measured here, stretched by that share, is the wall time of the same work as deployed.
    memory = _memory_of(fn.logical_id)
    share = min(1.0, memory / 1769)
    cpu = statistics.median(r["import_cpu"] + r["first_cpu"] for r in rows)
    print(
        f"as deployed ({memory} MB: {share:.2f} vCPU): import + first search CPU {cpu * 1000:.0f} ms -> about {cpu / share * 1000:.0f} ms "
        "on Lambda (bar 1500 ms), plus the S3 GetObject's transfer"
    )
    print(
        f"median: process {med('process'):.0f} ms vs floor {med('floor'):.0f} ms; import {med('import'):.0f} ms + first search {med('first'):.0f} ms "
        f"= {med('import') + med('first'):.0f} ms (worst {worst:.0f} ms; bar 1500 ms); warm search {med('warm'):.1f} ms"
    )


if __name__ == "__main__":
    main()
