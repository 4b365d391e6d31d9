"""Scheduled (weekly) and on demand: every slot keyed in its GSI2 month partition (services/slot_index.py)."""

from __future__ import annotations

from netclub import coldstart  # first: the function loads with the garbage collector paused

# isort: split

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from netclub.log import logger
from netclub.services import slot_index


@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, int]:
    return slot_index.run()


coldstart.ready()  # end of init: what was loaded is frozen, the collector runs again
