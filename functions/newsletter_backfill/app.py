"""Scheduled (newsletter-backfill) or run by hand: the one-off, resumable backfill of the recipients' index
(NEWSGENRE#) for members saved before it existed. A bounded Query over the active members' GSI1 partition,
a page at a time, its cursor kept in the table; when done it only reads that it is done.
`{"restart": true}` runs it over again (idempotent)."""

from __future__ import annotations

from netclub import coldstart  # first: the function loads with the garbage collector paused

# isort: split

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from netclub.log import logger
from netclub.services import newsletters


@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, int]:
    return newsletters.backfill_index(bool((event or {}).get("restart")), context.get_remaining_time_in_millis)


coldstart.ready()  # end of init: what was loaded is frozen, the collector runs again
