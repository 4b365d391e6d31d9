from __future__ import annotations

from netclub import coldstart  # first: the function loads with the garbage collector paused

# isort: split

from typing import Annotated, Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from netclub.api import CORRELATION_PATH, build_resolver, logger
from netclub.http import Query
from netclub.models.auth import MemberList, Status
from netclub.services import members

app = build_resolver()


@app.get("/api/admin/members", summary="会員一覧（状態別、承認待ちの確認）", tags=["admin"])
def list_members(status: Annotated[Status, Query()] = "pending_review", cursor: Annotated[str | None, Query(max_length=2048)] = None) -> MemberList:
    return members.list_by_status(status, cursor)


@logger.inject_lambda_context(correlation_id_path=CORRELATION_PATH, clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)


coldstart.ready()  # end of init: what was loaded is frozen, the collector runs again
