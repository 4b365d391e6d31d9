from __future__ import annotations

from netclub import coldstart  # first: the function loads with the garbage collector paused

# isort: split

from typing import Annotated, Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from netclub.api import CORRELATION_PATH, build_resolver, current_principal, logger
from netclub.http import Path
from netclub.models.reservations import Reservation, ReservationChange
from netclub.services import reservations

app = build_resolver()


@app.put("/api/reservations/<reservation_id>", summary="予約変更（別の日程へ／希望日程・ご希望の変更）", tags=["reservations"])
def change(reservation_id: Annotated[str, Path(max_length=64)], body: ReservationChange) -> Reservation:
    principal = current_principal(app)
    return reservations.change(principal.member_id, reservation_id, body, principal.member)


@logger.inject_lambda_context(correlation_id_path=CORRELATION_PATH, clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)


coldstart.ready()  # end of init: what was loaded is frozen, the collector runs again
