from __future__ import annotations

from netclub import coldstart  # first: the function loads with the garbage collector paused

# isort: split

from typing import Annotated, Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from netclub.api import CORRELATION_PATH, build_resolver, logger
from netclub.http import Path
from netclub.models.reservations import OfferingDetail
from netclub.services import reservations

app = build_resolver()


@app.get("/api/offerings/<offering_id>", summary="セミナー・相談の詳細と日程（空き状況 = seats_left）", tags=["reservations"])
def get_offering(offering_id: Annotated[str, Path(max_length=64)]) -> OfferingDetail:
    return reservations.offering_detail(offering_id)


@logger.inject_lambda_context(correlation_id_path=CORRELATION_PATH, clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)


coldstart.ready()  # end of init: what was loaded is frozen, the collector runs again
