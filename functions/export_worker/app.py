"""SQS (ExportQueue): one export job's CSV built and written to ExportsBucket (services/exports.py). A build that
fails marks the job failed; a message whose handling raised (the job could not even be marked) is reported
(ReportBatchItemFailures), seen again after the visibility timeout, then ExportDeadLetterQueue (alarmed)."""

from __future__ import annotations

from netclub import coldstart  # first: the function loads with the garbage collector paused

# isort: split

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from netclub import queue
from netclub.log import logger
from netclub.services import exports


@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return queue.each_message(event, exports.handle, "export")


coldstart.ready()  # end of init: what was loaded is frozen, the collector runs again
