"""会員企業検索's index: updated from the table's stream (each change of a directory item, within
seconds) and rebuilt whole on a schedule (a safety net: template.yaml DirectoryIndexFunction)."""

from __future__ import annotations

from netclub import coldstart  # first: the function loads with the garbage collector paused

# isort: split

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from netclub.log import logger
from netclub.services import directory
from netclub.store.directory import company_of_stream_keys


@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, int]:
    if "Records" in event:  # DynamoDB Streams (KEYS_ONLY, filtered to the directory items)
        changed = {c for r in event["Records"] if (c := company_of_stream_keys((r.get("dynamodb") or {}).get("Keys") or {}))}
        if not changed:
            return {"changed": 0}
        return directory.apply_changes(changed)
    result = directory.rebuild()
    logger.info("directory index rebuilt", extra=result)
    return result


coldstart.ready()  # end of init: what was loaded is frozen, the collector runs again
