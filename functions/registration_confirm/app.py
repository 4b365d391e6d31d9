from __future__ import annotations

from netclub import coldstart  # first: the function loads with the garbage collector paused

# isort: split

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from netclub.api import CORRELATION_PATH, build_resolver, json_response, logger
from netclub.http import Response
from netclub.models.auth import RegistrationCreated
from netclub.models.registration import RegistrationConfirm
from netclub.services import registration

app = build_resolver()


@app.post(
    "/api/registrations/confirm", summary="会員情報・パスワードの登録（登録受付）", tags=["registration"], responses={201: {"description": "pending_review"}}
)
def confirm(body: RegistrationConfirm) -> Response[RegistrationCreated]:
    return json_response(201, registration.confirm_registration(body).model_dump())


@logger.inject_lambda_context(correlation_id_path=CORRELATION_PATH, clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)


coldstart.ready()  # end of init: what was loaded is frozen, the collector runs again
