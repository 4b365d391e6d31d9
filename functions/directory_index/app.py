"""Scheduled (every minute): rebuild 会員企業検索's index from the published companies."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from netclub.api import logger
from netclub.services import directory


@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, int]:
    result = directory.rebuild()
    logger.info("directory index rebuilt", extra=result)
    return result
