"""SQS (MemberImportQueue): an import's validation, or one chunk of its rows. A message that fails is reported
(ReportBatchItemFailures), seen again after the visibility timeout, then the DLQ; a chunk retried skips the
rows it wrote and is counted once (services/member_import.py)."""

from __future__ import annotations

from netclub import coldstart  # first: the function loads with the garbage collector paused

# isort: split

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from netclub import queue
from netclub.log import logger
from netclub.services import member_import


@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return queue.each_message(event, member_import.handle, "member import")


coldstart.ready()  # end of init: what was loaded is frozen, the collector runs again
