"""退会 by staff (e.g. on a written request): the same effects as the member's own, audited with the staff's name."""

from __future__ import annotations

from netclub import coldstart  # first: the function loads with the garbage collector paused

# isort: split

from typing import Annotated, Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from netclub.api import CORRELATION_PATH, build_resolver, current_principal, logger
from netclub.http import Path
from netclub.models.withdrawal import StaffWithdrawalRequest, WithdrawalResult
from netclub.services import withdrawal

app = build_resolver()
Id = Annotated[str, Path(max_length=64)]


@app.post("/api/admin/members/<member_id>/withdraw", summary="会員を退会にする", tags=["admin"], responses={409: {"description": "not_active"}})
def withdraw(member_id: Id, body: StaffWithdrawalRequest) -> WithdrawalResult:
    who = current_principal(app)
    return withdrawal.withdraw_by_staff(who.member_id, (who.member or {}).get("user_name", ""), member_id, body.reason or "")


@logger.inject_lambda_context(correlation_id_path=CORRELATION_PATH, clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)


coldstart.ready()  # end of init: what was loaded is frozen, the collector runs again
