"""利用停止 / 再開 (staff): a suspended member's sessions end at once and the authorizer refuses them; audited, mailed."""

from __future__ import annotations

from netclub import coldstart  # first: the function loads with the garbage collector paused

# isort: split

from typing import Annotated, Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from netclub.api import CORRELATION_PATH, build_resolver, current_principal, logger
from netclub.http import Path
from netclub.models.auth import MemberSummary
from netclub.models.withdrawal import SuspensionRequest
from netclub.services import members

app = build_resolver()
Id = Annotated[str, Path(max_length=64)]
STATUS_CHANGED = {409: {"description": "status_changed: not active (suspend) / not suspended (reinstate)"}}


def _actor() -> tuple[str, str]:
    who = current_principal(app)
    return who.member_id, (who.member or {}).get("user_name", "")


@app.post("/api/admin/members/<member_id>/suspend", summary="会員の利用停止（ログインを直ちに終了）", tags=["admin"], responses=STATUS_CHANGED)
def suspend(member_id: Id, body: SuspensionRequest) -> MemberSummary:
    return members.suspend(*_actor(), member_id, body.reason or "")


@app.post("/api/admin/members/<member_id>/reinstate", summary="会員の利用再開", tags=["admin"], responses=STATUS_CHANGED)
def reinstate(member_id: Id) -> MemberSummary:
    return members.reinstate(*_actor(), member_id)


@logger.inject_lambda_context(correlation_id_path=CORRELATION_PATH, clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)


coldstart.ready()  # end of init: what was loaded is frozen, the collector runs again
