from __future__ import annotations

from netclub import coldstart  # first: the function loads with the garbage collector paused

# isort: split

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from netclub.api import CORRELATION_PATH, build_resolver, json_response, logger, source_ip
from netclub.http import Response
from netclub.models.auth import Accepted, RegistrationRequest
from netclub.services import registration

app = build_resolver()


@app.post("/api/registrations", summary="新規会員登録の申込み（確認メール送信）", tags=["registration"], responses={202: {"description": "accepted"}})
def request_registration(body: RegistrationRequest) -> Response[Accepted]:
    return json_response(202, Accepted(message=registration.request_registration(body, source_ip(app))).model_dump())


@logger.inject_lambda_context(correlation_id_path=CORRELATION_PATH, clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)


coldstart.ready()  # end of init: what was loaded is frozen, the collector runs again
