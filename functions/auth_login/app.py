from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.utilities.typing import LambdaContext
from netclub.api import CORRELATION_PATH, build_resolver, json_response, logger, session_cookie, source_ip
from netclub.models.auth import LoginRequest, LoginResponse
from netclub.services import auth

app = build_resolver()


@app.post(
    "/api/auth/login",
    summary="ログイン",
    tags=["auth"],
    responses={200: {"description": "logged in"}, 401: {"description": "invalid_credentials"}, 429: {"description": "too many failures"}},
)
def login(body: LoginRequest) -> Response[LoginResponse]:
    result = auth.login(body, source_ip(app))
    answer = LoginResponse(member=result.me, csrf_token=result.session.csrf_token)
    return json_response(200, answer.model_dump(), cookies=[session_cookie(result.session.token, result.session.max_age)])


@logger.inject_lambda_context(correlation_id_path=CORRELATION_PATH, clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
