"""退会 (My情報管理 → 退会する): the member's password confirms it; everything ends at once (services/withdrawal.py)."""

from __future__ import annotations

from netclub import coldstart  # first: the function loads with the garbage collector paused

# isort: split

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from netclub.api import CORRELATION_PATH, build_resolver, cleared_session_cookie, current_principal, json_response, logger
from netclub.http import Response
from netclub.models.withdrawal import WithdrawalRequest, WithdrawalResult
from netclub.services import withdrawal

app = build_resolver()


@app.post(
    "/api/me/withdrawal",
    summary="退会する",
    tags=["profile"],
    description="Status withdrawn at once: sessions ended, future reservations cancelled, directory page gone, newsletters and the calendar feed stopped; mail 退会手続き完了のお知らせ.",
    responses={200: {"description": "withdrawn (the session cookie is cleared)"}, 400: {"description": "validation_error: the password"}},
)
def withdraw(body: WithdrawalRequest) -> Response[WithdrawalResult]:
    result = withdrawal.withdraw_self(current_principal(app).member_id, body)
    return json_response(200, result.model_dump(), cookies=[cleared_session_cookie()])


@logger.inject_lambda_context(correlation_id_path=CORRELATION_PATH, clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)


coldstart.ready()  # end of init: what was loaded is frozen, the collector runs again
