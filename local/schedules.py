"""EventBridge schedules of template.yaml, as the local stack runs them (docs/architecture.md "Events that are not HTTP").

Each function's `Type: Schedule` events with a `rate(...)` expression: a timer per schedule invokes the
function with EventBridge's scheduled event every period (the first one a period after the start, as a
new rule does), and `POST /_dev/scheduled/{name}` invokes it on demand with the same event. A failed
invocation is logged and the schedule goes on (EventBridge does not stop a rule for a failing target).
cron(...) expressions (RemindersFunction: 09:00 Tokyo daily) are not run by the timer; on demand they work the same.
A schedule answers at /_dev/scheduled/ under its short name (reminders, mail-retry) and its logical id.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
import traceback
import uuid
from dataclasses import dataclass
from typing import Any

from local.cfn import resources_of_type
from local.functions import Function

_RATE = re.compile(r"^rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)$")
_UNIT_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}


@dataclass(frozen=True)
class Schedule:
    function: str  # the function's logical id
    rule: str  # the event's name in the template
    expression: str  # rate(1 minute), cron(...)

    @property
    def name(self) -> str:
        """The short name of POST /_dev/scheduled/{name}: RemindersFunction -> reminders, MailRetryFunction -> mail-retry."""
        base = self.function.removesuffix("Function")
        return re.sub(r"(?<!^)(?=[A-Z])", "-", base).lower()

    @property
    def period_seconds(self) -> int | None:
        found = _RATE.match(self.expression.strip())
        if not found:
            return None
        return int(found.group(1)) * _UNIT_SECONDS[found.group(2).rstrip("s")]


def schedules(template: dict[str, Any]) -> list[Schedule]:
    found = []
    for name, res in resources_of_type(template, "AWS::Serverless::Function").items():
        for rule, event in (res["Properties"].get("Events") or {}).items():
            if event.get("Type") == "Schedule":
                found.append(Schedule(name, rule, str(event["Properties"]["Schedule"])))
    return found


def scheduled_event(schedule: Schedule, region: str, account: str) -> dict[str, Any]:
    """What EventBridge gives the target of a scheduled rule."""
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": account,
        "time": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": region,
        "resources": [f"arn:aws:events:{region}:{account}:rule/{schedule.function}-{schedule.rule}"],
        "detail": {},
    }


def invoke(schedule: Schedule, functions: dict[str, Function], region: str, account: str) -> Any:
    from local.gateway import invoke as invoke_function

    return invoke_function(functions[schedule.function], scheduled_event(schedule, region, account), region, account)


def start_timers(found: list[Schedule], functions: dict[str, Function], region: str, account: str, stopping: threading.Event) -> list[threading.Thread]:
    """A daemon thread per rate schedule, until `stopping` is set."""

    def run(schedule: Schedule, period: int) -> None:
        while not stopping.wait(period):
            try:
                invoke(schedule, functions, region, account)
            except Exception:  # logged; the schedule goes on, as EventBridge's does
                print(f"scheduled {schedule.function} failed:\n{traceback.format_exc()}", flush=True)

    threads = []
    for schedule in found:
        period = schedule.period_seconds
        if period is None:
            continue
        thread = threading.Thread(target=run, args=(schedule, period), name=f"schedule-{schedule.function}", daemon=True)
        thread.start()
        threads.append(thread)
    return threads
