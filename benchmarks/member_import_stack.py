"""会員データ移行 on the local stack itself (`make dev`'s process: the gateway over HTTP, moto's server, the queue's
pollers): a cp932 file of N rows (default 10,000, a few of them broken) uploaded through the presigned POST,
validated and imported by the admin's routes, the progress polled as the screen does; then the same file
again (every row an update, nothing doubled). Prints the wall time of each phase and the rows per second.

Run: .venv/bin/python -m benchmarks.member_import_stack [--rows 10000] [--broken 25]
Times are the local stack's on this machine (moto's transactions dominate): the DynamoDB calls per row are
in benchmarks/member_import.py; on AWS a row's transaction is tens of milliseconds.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from tests.member_files import csv_bytes, row
from tests.stackutil import Browserish, presigned_post, start_stack, stop_stack

STAFF = ("staff@netclub.example", "Staff#2026pass")


def _until(admin: Browserish, import_id: str, done: tuple[str, ...], limit: float) -> tuple[dict[str, Any], float]:
    started = time.perf_counter()
    while time.perf_counter() - started < limit:
        state = admin.get(f"/api/admin/member-imports/{import_id}").body
        if state["status"] in done:
            return state, time.perf_counter() - started
        time.sleep(1.0)
    raise TimeoutError(f"import {import_id} still {state['status']} after {limit} s: {state}")


def _round(admin: Browserish, data: bytes, label: str) -> dict[str, Any]:
    created = admin.post("/api/admin/member-imports", {"filename": "旧システム会員.csv", "size": len(data)})
    assert created.status == 201, created.body
    t0 = time.perf_counter()
    presigned_post(created.body["upload"], data, "text/csv")
    uploaded = time.perf_counter() - t0
    import_id = created.body["import_id"]
    assert admin.post(f"/api/admin/member-imports/{import_id}/validate").status == 202
    state, validated = _until(admin, import_id, ("validated", "failed"), 1800)
    assert state["status"] == "validated", state
    assert admin.post(f"/api/admin/member-imports/{import_id}/run", {"send_invitations": False}).status == 202
    final, imported = _until(admin, import_id, ("done",), 3600)
    print(
        f"{label}: upload {uploaded:.1f} s, validate {state['rows']} rows ({state['encoding']}) {validated:.0f} s,"
        f" errors {state['error_count']} (first: row {state['errors'][0]['row']} {state['errors'][0]['column']}: {state['errors'][0]['message']})"
        if state["errors"]
        else f"{label}: upload {uploaded:.1f} s, validate {state['rows']} rows {validated:.0f} s, no errors"
    )
    print(
        f"  import {final['processed']} rows in {imported:.0f} s = {final['processed'] / imported:.0f} rows/s: created {final['created']}, updated {final['updated']}"
    )
    return dict(final)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10000)
    parser.add_argument("--broken", type=int, default=25)
    args = parser.parse_args()
    rows = [row(n) for n in range(1, args.rows + 1)]
    for n in range(0, args.rows, max(1, args.rows // max(1, args.broken))):  # a broken 郵便番号 every so often
        rows[n]["郵便番号"] = "12-345"
    data = csv_bytes(rows)
    print(f"file: {args.rows} rows, {len(data) / 1024 / 1024:.1f} MiB cp932, {args.broken} with a broken 郵便番号")
    stack = start_stack()
    try:
        admin = Browserish(stack.url)
        assert admin.login(*STAFF).status == 200
        first = _round(admin, data, "first run")
        second = _round(admin, data, "same file again")
        assert second["created"] == 0 and second["updated"] == first["created"], second
        print(f"nothing doubled: the second run created {second['created']} and updated {second['updated']}")
    finally:
        stop_stack(stack)


if __name__ == "__main__":
    main()
