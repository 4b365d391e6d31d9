"""SQS (NewsletterQueue): each message is up to 50 recipients of one newsletter; failed ones are reported
(ReportBatchItemFailures) and stay on the queue, the others are deleted by Lambda."""

from __future__ import annotations

from netclub import coldstart  # first: the function loads with the garbage collector paused

# isort: split

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from netclub.log import logger
from netclub.services import newsletters


@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return newsletters.handle_batch(event.get("Records") or [])


coldstart.ready()  # end of init: what was loaded is frozen, the collector runs again
