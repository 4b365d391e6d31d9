"""会員検索's index (services/member_search.py): updated from the table's stream (each change of a member item,
within seconds) and rebuilt whole every hour (a safety net)."""

from __future__ import annotations

from netclub import coldstart  # first: the function loads with the garbage collector paused

# isort: split

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from netclub.log import logger
from netclub.services import member_search


@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, int]:
    if "Records" in event:  # DynamoDB Streams (KEYS_ONLY, filtered to the member items)
        changed = {m for r in event["Records"] if (m := member_search.member_of_stream_keys((r.get("dynamodb") or {}).get("Keys") or {}))}
        if not changed:
            return {"changed": 0}
        result = member_search.apply_changes(changed)
    else:
        result = member_search.rebuild()
    logger.info("member index written", extra=result)
    return result


coldstart.ready()  # end of init: what was loaded is frozen, the collector runs again
