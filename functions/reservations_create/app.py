from __future__ import annotations

from netclub import coldstart  # first: the function loads with the garbage collector paused

# isort: split

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from netclub.api import CORRELATION_PATH, build_resolver, current_principal, header, json_response, logger
from netclub.http import Response
from netclub.models.reservations import Reservation, ReservationCreate
from netclub.services import reservations

app = build_resolver()


@app.post(
    "/api/reservations",
    summary="予約申込（セミナーは先着順で確定、専門家カウンセリングは第一・第二希望で申込）",
    description="Idempotency-Key header: a repeat with the same key returns the first answer and creates nothing.",
    tags=["reservations"],
    responses={
        201: {"description": "Reservation (seminar: confirmed, counseling: applied)"},
        409: {"description": "slot_full / already_reserved / deadline_passed"},
    },
)
def create(body: ReservationCreate) -> Response[Reservation]:
    principal = current_principal(app)
    created = reservations.apply(principal.member_id, body, header(app, "Idempotency-Key"), principal.member)
    return json_response(201, created.model_dump())


@logger.inject_lambda_context(correlation_id_path=CORRELATION_PATH, clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)


coldstart.ready()  # end of init: what was loaded is frozen, the collector runs again
