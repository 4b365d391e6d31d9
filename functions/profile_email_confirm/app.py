from __future__ import annotations

from netclub import coldstart  # first: the function loads with the garbage collector paused

# isort: split

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from netclub.api import CORRELATION_PATH, build_resolver, logger
from netclub.models.profile import EmailChanged, EmailConfirm
from netclub.services import profiles

app = build_resolver()


@app.post(
    "/api/profile/email/confirm",
    summary="メールアドレス（会員ID）変更の確定（新しいアドレスに届いたリンクから）",
    tags=["profile"],
    responses={400: {"description": "invalid_token"}, 409: {"description": "email_taken"}},
)
def confirm(body: EmailConfirm) -> EmailChanged:
    return EmailChanged(email=profiles.confirm_email(body.token))


@logger.inject_lambda_context(correlation_id_path=CORRELATION_PATH, clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)


coldstart.ready()  # end of init: what was loaded is frozen, the collector runs again
