from __future__ import annotations

from netclub import coldstart  # first: the function loads with the garbage collector paused

# isort: split

from typing import Annotated, Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from netclub.api import CORRELATION_PATH, build_resolver, logger
from netclub.http import Query
from netclub.models.mail import OutboxList, OutboxMail
from netclub.services import outbox

app = build_resolver()


@app.get("/api/admin/mail-outbox", summary="送信できずに再送待ちのメール、または送信をあきらめたメール（新しい順、本文は含みません）", tags=["admin"])
def mail_outbox(
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    parked: Annotated[bool, Query(description="true: the mails the retry gave up on")] = False,
) -> OutboxList:
    items, next_cursor = outbox.page(limit, cursor, parked)
    return OutboxList(items=[OutboxMail(**i) for i in items], next_cursor=next_cursor)


@logger.inject_lambda_context(correlation_id_path=CORRELATION_PATH, clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)


coldstart.ready()  # end of init: what was loaded is frozen, the collector runs again
