"""SNS (SesEventsTopic): SES's BOUNCE and COMPLAINT events of every mail (MailConfigurationSet).
A permanent bounce or a complaint suppresses the address and counts on the newsletter; a complaint unsubscribes."""

from __future__ import annotations

from netclub import coldstart  # first: the function loads with the garbage collector paused

# isort: split

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from netclub.log import logger
from netclub.services import newsletters


@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, int]:
    return newsletters.handle_ses_events(event.get("Records") or [])


coldstart.ready()  # end of init: what was loaded is frozen, the collector runs again
