from __future__ import annotations

from netclub import coldstart  # first: the function loads with the garbage collector paused

# isort: split

from typing import Annotated, Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from netclub.api import CORRELATION_PATH, build_resolver, current_principal, logger
from netclub.http import Query
from netclub.models.reservations import UsageHistory
from netclub.services import usage

app = build_resolver()


@app.get("/api/usage-history", summary="利用履歴・管理（新しい順、登録確認後のみ）", tags=["reservations"])
def usage_history(cursor: Annotated[str | None, Query(max_length=2048)] = None) -> UsageHistory:
    return usage.history(current_principal(app).member_id, cursor)


@logger.inject_lambda_context(correlation_id_path=CORRELATION_PATH, clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)


coldstart.ready()  # end of init: what was loaded is frozen, the collector runs again
