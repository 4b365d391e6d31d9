"""personal-data-retention (daily): withdrawn members anonymised after WITHDRAWN_RETENTION_DAYS, inquiry attachments
deleted ATTACHMENT_RETENTION_DAYS after their inquiry closed (services/erasure.py)."""

from __future__ import annotations

from netclub import coldstart  # first: the function loads with the garbage collector paused

# isort: split

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from netclub.config import get_settings
from netclub.log import logger
from netclub.services import erasure


@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, int]:
    settings = get_settings()
    return erasure.run_retention(settings.withdrawn_retention_days, settings.attachment_retention_days, context.get_remaining_time_in_millis)


coldstart.ready()  # end of init: what was loaded is frozen, the collector runs again
