from __future__ import annotations

from netclub import coldstart  # first: the function loads with the garbage collector paused

# isort: split

from typing import Annotated, Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from netclub.api import CORRELATION_PATH, build_resolver, current_principal, logger
from netclub.http import Path, Query
from netclub.models.reservations import Reservation, ReservationList
from netclub.services import reservations

app = build_resolver()


@app.get("/api/reservations", summary="予約確認・変更（自分の予約一覧、新しい順）", tags=["reservations"])
def list_reservations(cursor: Annotated[str | None, Query(max_length=2048)] = None) -> ReservationList:
    return reservations.list_mine(current_principal(app).member_id, cursor)


@app.get("/api/reservations/<reservation_id>", summary="予約申込内容確認（詳細）", tags=["reservations"])
def get_reservation(reservation_id: Annotated[str, Path(max_length=64)]) -> Reservation:
    return reservations.detail(current_principal(app).member_id, reservation_id)


@logger.inject_lambda_context(correlation_id_path=CORRELATION_PATH, clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)


coldstart.ready()  # end of init: what was loaded is frozen, the collector runs again
