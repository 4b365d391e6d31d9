from __future__ import annotations

from netclub import coldstart  # first: the function loads with the garbage collector paused

# isort: split

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from netclub.api import CORRELATION_PATH, build_resolver, current_principal, logger
from netclub.models.profile import ProfileView
from netclub.services import profiles

app = build_resolver()


@app.get("/api/profile", summary="My情報の表示（staff_fields は公社登録項目・参照のみ）", tags=["profile"], responses={403: {"description": "not active yet"}})
def get_profile() -> ProfileView:
    return profiles.get_profile(current_principal(app).member_id)


@logger.inject_lambda_context(correlation_id_path=CORRELATION_PATH, clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)


coldstart.ready()  # end of init: what was loaded is frozen, the collector runs again
