from __future__ import annotations

from netclub import coldstart  # first: the function loads with the garbage collector paused

# isort: split

from typing import Annotated, Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from netclub.api import CORRELATION_PATH, build_resolver, current_principal, header, json_response, logger
from netclub.http import Path, Response
from netclub.models.directory import ContactAccepted, ContactRequest
from netclub.services import contacts

app = build_resolver()


@app.post(
    "/api/directory/<company_id>/contact",
    summary="会員企業検索: 商談申込（企業の担当者へメールで中継、Idempotency-Key 対応）",
    description="The mail goes to the company's user address with Reply-To the sender's address; the answer never carries the recipient's address.",
    tags=["directory"],
    responses={
        202: {"description": "accepted: the mail is sent (or kept for the retry)"},
        400: {"description": "validation_error with fields, or own_company"},
        403: {"description": "not active yet"},
        404: {"description": "unknown or unpublished company"},
        429: {"description": "more than 10 today (Asia/Tokyo); Retry-After until midnight"},
    },
)
def contact_company(company_id: Annotated[str, Path(max_length=64)], body: ContactRequest) -> Response[ContactAccepted]:
    answer = contacts.contact(current_principal(app).member_id, company_id, body, header(app, "Idempotency-Key"))
    return json_response(202, answer.model_dump())


@logger.inject_lambda_context(correlation_id_path=CORRELATION_PATH, clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)


coldstart.ready()  # end of init: what was loaded is frozen, the collector runs again
