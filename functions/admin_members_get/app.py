from __future__ import annotations

from netclub import coldstart  # first: the function loads with the garbage collector paused

# isort: split

from typing import Annotated, Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from netclub.api import CORRELATION_PATH, build_resolver, logger
from netclub.http import Path
from netclub.models.profile import AdminMemberDetail
from netclub.services import profiles

app = build_resolver()


@app.get("/api/admin/members/<member_id>", summary="会員の詳細（会員情報・My情報・公社登録項目）", tags=["admin"])
def get_member(member_id: Annotated[str, Path(max_length=64)]) -> AdminMemberDetail:
    return profiles.admin_get(member_id)


@logger.inject_lambda_context(correlation_id_path=CORRELATION_PATH, clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)


coldstart.ready()  # end of init: what was loaded is frozen, the collector runs again
