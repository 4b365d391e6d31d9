from __future__ import annotations

from netclub import coldstart  # first: the function loads with the garbage collector paused

# isort: split

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from netclub.api import CORRELATION_PATH, build_resolver, json_response, logger, source_ip
from netclub.http import Response
from netclub.models.auth import Accepted, PasswordResetRequest
from netclub.services import recovery

app = build_resolver()


@app.post("/api/password-reset", summary="パスワード再設定メールの送信（登録の有無は答えない）", tags=["auth"], responses={202: {"description": "accepted"}})
def request_reset(body: PasswordResetRequest) -> Response[Accepted]:
    return json_response(202, Accepted(message=recovery.request_reset(body, source_ip(app))).model_dump())


@logger.inject_lambda_context(correlation_id_path=CORRELATION_PATH, clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)


coldstart.ready()  # end of init: what was loaded is frozen, the collector runs again
