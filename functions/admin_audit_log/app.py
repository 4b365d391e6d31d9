from __future__ import annotations

from netclub import coldstart  # first: the function loads with the garbage collector paused

# isort: split

from typing import Annotated, Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from netclub.api import CORRELATION_PATH, build_resolver, logger
from netclub.http import Query
from netclub.models.content import AuditEntry, AuditLog
from netclub.services import audit

app = build_resolver()


@app.get("/api/admin/audit-log", summary="操作ログ（職員の操作、新しい順）", tags=["admin"])
def audit_log(cursor: Annotated[str | None, Query(max_length=2048)] = None, limit: Annotated[int, Query(ge=1, le=200)] = 50) -> AuditLog:
    items, next_cursor = audit.page(limit, cursor)
    return AuditLog(items=[AuditEntry(**i) for i in items], next_cursor=next_cursor)


@logger.inject_lambda_context(correlation_id_path=CORRELATION_PATH, clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)


coldstart.ready()  # end of init: what was loaded is frozen, the collector runs again
