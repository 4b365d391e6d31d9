"""削除請求 (admins only: netclub.access.ADMIN_ONLY): the member's personal data anonymised at once (services/erasure.py)."""

from __future__ import annotations

from netclub import coldstart  # first: the function loads with the garbage collector paused

# isort: split

from typing import Annotated, Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from netclub.api import CORRELATION_PATH, build_resolver, current_principal, logger
from netclub.http import Path
from netclub.models.withdrawal import ErasureResult
from netclub.services import erasure

app = build_resolver()
Id = Annotated[str, Path(max_length=64)]


@app.post(
    "/api/admin/members/<member_id>/erase",
    summary="個人情報の削除（削除請求）",
    tags=["admin"],
    description="An active member is withdrawn first; the audit entries stay, the erasure's own without personal data.",
    responses={409: {"description": "already_erased, not_erasable"}},
)
def erase(member_id: Id) -> ErasureResult:
    who = current_principal(app)
    return erasure.erase_by_admin(who.member_id, (who.member or {}).get("user_name", ""), member_id)


@logger.inject_lambda_context(correlation_id_path=CORRELATION_PATH, clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)


coldstart.ready()  # end of init: what was loaded is frozen, the collector runs again
