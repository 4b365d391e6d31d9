"""2段階認証: the second step of a staff sign-in (enrolment at the first login, then a code or a recovery code)."""

from __future__ import annotations

from netclub import coldstart  # first: the function loads with the garbage collector paused

# isort: split

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from netclub.api import CORRELATION_PATH, build_resolver, json_response, logger, session_cookie, source_ip
from netclub.http import Response
from netclub.models.staff import MfaEnrolment, MfaTokenRequest, MfaVerified, MfaVerifyRequest
from netclub.services import auth, mfa

app = build_resolver()


@app.post("/api/auth/mfa/enrol", summary="2段階認証の設定: 秘密鍵（QRコード）", tags=["auth"], responses={401: {"description": "mfa_expired"}})
def enrol(body: MfaTokenRequest) -> MfaEnrolment:
    return mfa.enrol(body.mfa_token)


@app.post(
    "/api/auth/mfa/verify",
    summary="2段階認証: 確認コードまたはリカバリーコード → ログイン",
    tags=["auth"],
    responses={401: {"description": "invalid_code, mfa_expired"}, 429: {"description": "too many wrong codes"}},
)
def verify(body: MfaVerifyRequest) -> Response[MfaVerified]:
    done = mfa.verify(body.mfa_token, body.code, body.recovery_code, source_ip(app))
    answer = MfaVerified(member=auth.me_of(done.member), csrf_token=done.session.csrf_token, recovery_codes=done.recovery_codes)
    return json_response(200, answer.model_dump(), cookies=[session_cookie(done.session.token, done.session.max_age)])


@logger.inject_lambda_context(correlation_id_path=CORRELATION_PATH, clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)


coldstart.ready()  # end of init: what was loaded is frozen, the collector runs again
