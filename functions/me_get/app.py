from __future__ import annotations

from netclub import coldstart  # first: the function loads with the garbage collector paused

# isort: split

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from netclub.api import CORRELATION_PATH, build_resolver, current_principal, logger
from netclub.models.auth import MeResponse
from netclub.services import auth

app = build_resolver()


@app.get("/api/me", summary="ログイン中の会員", tags=["auth"])
def me() -> MeResponse:
    principal = current_principal(app)
    return MeResponse(**auth.me(principal.member_id).model_dump(), csrf_token=principal.csrf_token)


@logger.inject_lambda_context(correlation_id_path=CORRELATION_PATH, clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)


coldstart.ready()  # end of init: what was loaded is frozen, the collector runs again
