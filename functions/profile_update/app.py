from __future__ import annotations

from netclub import coldstart  # first: the function loads with the garbage collector paused

# isort: split

from typing import Annotated, Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from netclub.api import CORRELATION_PATH, build_resolver, current_principal, logger
from netclub.http import Body, Query
from netclub.models.profile import ProfileBody, ProfileView
from netclub.services import profiles

app = build_resolver()


@app.put(
    "/api/profile",
    summary="My情報の更新（dry_run=true は確認画面用の検証のみ）",
    description="A changed user.email takes effect only via the link mailed to it.",
    tags=["profile"],
    responses={400: {"description": "validation_error with fields"}, 403: {"description": "not active yet"}, 409: {"description": "email_taken"}},
)
def update_profile(
    body: Annotated[ProfileBody, Body(description="Profile (staff_fields are ignored)")],
    dry_run: Annotated[bool, Query(description="validate only, change nothing")] = False,
) -> ProfileView:
    return profiles.update_profile(current_principal(app).member_id, body, dry_run=dry_run)


@logger.inject_lambda_context(correlation_id_path=CORRELATION_PATH, clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)


coldstart.ready()  # end of init: what was loaded is frozen, the collector runs again
