"""A queue mapping of template.yaml polled as the local stack polls it (local/event_sources.py over moto's SQS):
tests deliver what a request queued, when they choose."""

from __future__ import annotations

from typing import Any

from tests.conftest import Env, Portal


def poller(env: Env, mapping: str) -> Any:
    import boto3

    from local import cfn, event_sources, stack
    from local.resources import physical_names

    template = cfn.load()
    resolver = cfn.Resolver(template, physical_names(template, stack.PREFIX), {"Stage": "local"}, stack.REGION, stack.ACCOUNT)
    sqs = boto3.client("sqs", region_name=stack.REGION)
    (found,) = [p for p in event_sources.queue_pollers(template, resolver, sqs, stack.REGION, env.invoke) if p.mapping.name == mapping]
    return found


def draw(env: Env, staff: Portal, offering_id: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    """抽選を実行 (202, drawing), LotteryWorkerFunction given its message, then the draw as GET …/lottery answers it."""
    begun = staff.post(f"/api/admin/offerings/{offering_id}/lottery", body or {})
    assert begun.status == 202 and begun.body["status"] == "drawing", begun.body
    assert poller(env, "LotteryMapping").poll() >= 1
    state = staff.get(f"/api/admin/offerings/{offering_id}/lottery")
    assert state.status == 200 and state.body["status"] == "drawn", state.body
    return dict(state.body)
