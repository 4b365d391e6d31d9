"""SQS (LotteryQueue): one counselling draw (services/lottery.py): each result committed with its mail in the
outbox, the mail sent after; short of time, the rest handed to a new message. A message whose handling raised is
reported (ReportBatchItemFailures), seen again after the visibility timeout (the draw resumes with its seed and
skips the results committed), then LotteryDeadLetterQueue (alarmed)."""

from __future__ import annotations

from netclub import coldstart  # first: the function loads with the garbage collector paused

# isort: split

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from netclub import queue
from netclub.log import logger
from netclub.services import lottery


@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    def time_left() -> float:
        return float(context.get_remaining_time_in_millis()) / 1000.0

    return queue.each_message(event, lambda message: lottery.handle(message, time_left), "lottery")


coldstart.ready()  # end of init: what was loaded is frozen, the collector runs again
