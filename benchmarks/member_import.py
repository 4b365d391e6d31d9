"""会員データ移行 under moto: N generated rows (cp932, as Excel saves them) validated and imported through the
real handlers, the worker given MemberImportQueue's messages one by one as the SQS mapping gives them.

Prints: the file's size; validation time and DynamoDB calls; the import time, DynamoDB calls per row and the
peak Python allocation of one chunk (tracemalloc, on the first chunk); then the same file again (every row an
update: nothing doubled). `--invite` adds the invitations (their mails through the outbox, SES emulated, the
pacing set aside to time the work itself). Times are moto's, in-process on this machine, not AWS's: count the
calls, time them on AWS.

Run: .venv/bin/python -m benchmarks.member_import [--rows 10000] [--invite]
"""

from __future__ import annotations

import argparse
import os
import time
import tracemalloc
from typing import Any

from benchmarks.harness import STAFF, bench
from local import stack
from local.gateway import invoke
from local.resources import ACCOUNT
from tests.member_files import csv_bytes, row


def _drain(b: Any, url: str, trace_first: bool) -> tuple[int, int, float]:
    """Every message of the queue to the worker; (messages, peak bytes of the first, seconds)."""
    from netclub.aws import client

    worker = b.gateway.functions["MemberImportWorkerFunction"]
    messages, peak = 0, 0
    started = time.perf_counter()
    while True:
        got = client("sqs").receive_message(QueueUrl=url, MaxNumberOfMessages=1, WaitTimeSeconds=0).get("Messages") or []
        if not got:
            break
        record = {"messageId": got[0]["MessageId"], "receiptHandle": got[0]["ReceiptHandle"], "body": got[0]["Body"], "attributes": {}}
        if trace_first and not messages:
            tracemalloc.start()
        result = invoke(worker, {"Records": [record]}, stack.REGION, ACCOUNT)
        if trace_first and not messages:
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
        assert result == {"batchItemFailures": []}, result
        client("sqs").delete_message_batch(QueueUrl=url, Entries=[{"Id": "0", "ReceiptHandle": got[0]["ReceiptHandle"]}])
        messages += 1
    return messages, peak, time.perf_counter() - started


def _upload(b: Any, web: Any, data: bytes) -> str:
    from netclub.aws import client
    from netclub.config import get_settings

    status, created = web.call("POST", "/api/admin/member-imports", {"filename": "kaiin.csv", "size": len(data)})
    assert status == 201, created
    client("s3").put_object(Bucket=get_settings().attachments_bucket, Key=created["upload"]["fields"]["key"], Body=data)
    return str(created["import_id"])


def _one_run(b: Any, web: Any, data: bytes, url: str, invite: bool, label: str) -> dict[str, Any]:
    import_id = _upload(b, web, data)
    b.counter.calls.clear()
    status, _ = web.call("POST", f"/api/admin/member-imports/{import_id}/validate", {})
    assert status == 202
    _, _, seconds = _drain(b, url, trace_first=False)
    validate_calls = dict(b.counter.calls)
    _, state = web.call("GET", f"/api/admin/member-imports/{import_id}")
    assert state["status"] == "validated", state
    print(f"{label}: validate {state['rows']} rows ({state['encoding']}) in {seconds:.1f} s; valid {state['valid']}, errors {state['error_count']}")
    print(f"  DynamoDB calls of the validation {validate_calls}")
    b.counter.calls.clear()
    status, _ = web.call("POST", f"/api/admin/member-imports/{import_id}/run", {"send_invitations": invite})
    assert status == 202
    chunks, peak, seconds = _drain(b, url, trace_first=True)
    _, state = web.call("GET", f"/api/admin/member-imports/{import_id}")
    assert state["status"] == "done", state
    rows = state["processed"]
    per_row = {k: round(v / rows, 2) for k, v in b.counter.calls.items()}
    print(
        f"  import: {chunks} chunks in {seconds:.1f} s = {rows / seconds:.0f} rows/s; created {state['created']}, updated {state['updated']}, invited {state['invited']}"
    )
    print(f"  DynamoDB calls per row {per_row} ({sum(b.counter.calls.values()) / rows:.2f} in all)")
    print(f"  peak Python allocation of one chunk (the first, with tracemalloc) {peak / 1024:.0f} KiB")
    return dict(state)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10000)
    parser.add_argument("--invite", action="store_true")
    args = parser.parse_args()
    os.environ["INVITATION_SEND_RATE"] = "100000"  # SES emulated: the worker's own cost, not the pacing
    data = csv_bytes([row(n) for n in range(1, args.rows + 1)])
    print(f"file: {args.rows} rows, {len(data) / 1024 / 1024:.1f} MiB in cp932")
    with bench() as b:
        web = b.browser()
        web.login(STAFF)
        url = stack.environment("http://bench.local", None)[2].ref("MemberImportQueue")
        first = _one_run(b, web, data, url, args.invite, "first run")
        second = _one_run(b, web, data, url, False, "same file again")
        assert (second["created"], second["updated"]) == (0, first["created"]), second
        from netclub.store import dynamo, keys

        active = dynamo.count(keys.members_by_status("active"), index="GSI1")
        print(f"members active after both runs: {active} (the demo accounts and {first['created']} imported: nothing doubled)")


if __name__ == "__main__":
    main()
