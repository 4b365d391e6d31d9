from __future__ import annotations

from netclub import coldstart  # first: the function loads with the garbage collector paused

# isort: split

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from netclub.api import CORRELATION_PATH, build_resolver, cookie_from_header, device_cookie, header, json_response, logger, session_cookie, source_ip
from netclub.config import get_settings
from netclub.http import Response
from netclub.models.auth import LoginRequest, LoginResponse, MfaChallenge
from netclub.services import auth, throttle

app = build_resolver()


@app.post(
    "/api/auth/login",
    summary="ログイン",
    tags=["auth"],
    description="A member: the session (cookie) at once. Staff: no session yet, the second factor next (POST /api/auth/mfa/enrol or /verify).",
    responses={
        200: {"description": "logged in, or (staff) the second step"},
        401: {"description": "invalid_credentials"},
        429: {"description": "too many failures"},
    },
)
def login(body: LoginRequest) -> Response[LoginResponse | MfaChallenge]:
    known_device = cookie_from_header(header(app, "Cookie"), throttle.DEVICE_COOKIE)
    result = auth.login(body, source_ip(app), known_device)
    cookies = []
    if result.challenge is not None:
        answer: LoginResponse | MfaChallenge = result.challenge
    else:
        assert result.me is not None and result.session is not None
        answer = LoginResponse(member=result.me, csrf_token=result.session.csrf_token)
        cookies.append(session_cookie(result.session.token, result.session.max_age))
    if result.device_token:
        cookies.append(device_cookie(throttle.DEVICE_COOKIE, result.device_token, get_settings().device_days * 86400))
    return json_response(200, answer.model_dump(), cookies=cookies)


@logger.inject_lambda_context(correlation_id_path=CORRELATION_PATH, clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)


coldstart.ready()  # end of init: what was loaded is frozen, the collector runs again
