from __future__ import annotations

from netclub import coldstart  # first: the function loads with the garbage collector paused

# isort: split

from typing import Annotated, Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from netclub.api import CORRELATION_PATH, build_resolver, logger
from netclub.http import Query
from netclub.models.content import NoticeList
from netclub.services import content

app = build_resolver()


@app.get("/api/notices", summary="公社からのお知らせ（新しい順）", tags=["content"])
def list_notices(cursor: Annotated[str | None, Query(max_length=2048)] = None) -> NoticeList:
    return content.notices(cursor)


@logger.inject_lambda_context(correlation_id_path=CORRELATION_PATH, clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)


coldstart.ready()  # end of init: what was loaded is frozen, the collector runs again
