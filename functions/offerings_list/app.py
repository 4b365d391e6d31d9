from __future__ import annotations

from netclub import coldstart  # first: the function loads with the garbage collector paused

# isort: split

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from netclub.api import CORRELATION_PATH, build_resolver, logger
from netclub.models.reservations import OfferingList
from netclub.services import reservations

app = build_resolver()


@app.get("/api/offerings", summary="申込受付中のセミナー・専門家カウンセリング（締切順）", tags=["reservations"])
def list_offerings() -> OfferingList:
    return reservations.open_offerings()


@logger.inject_lambda_context(correlation_id_path=CORRELATION_PATH, clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)


coldstart.ready()  # end of init: what was loaded is frozen, the collector runs again
