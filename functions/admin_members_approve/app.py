from __future__ import annotations

from netclub import coldstart  # first: the function loads with the garbage collector paused

# isort: split

from typing import Annotated, Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from netclub.api import CORRELATION_PATH, build_resolver, current_principal, logger
from netclub.http import Path
from netclub.models.auth import MemberSummary
from netclub.services import members

app = build_resolver()


@app.post("/api/admin/members/<member_id>/approve", summary="会員登録の承認（通知メール送信）", tags=["admin"])
def approve(member_id: Annotated[str, Path(max_length=64)]) -> MemberSummary:
    return members.approve(current_principal(app).member_id, member_id)


@logger.inject_lambda_context(correlation_id_path=CORRELATION_PATH, clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)


coldstart.ready()  # end of init: what was loaded is frozen, the collector runs again
