from __future__ import annotations

from netclub import coldstart  # first: the function loads with the garbage collector paused

# isort: split

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from netclub.api import CORRELATION_PATH, build_resolver, current_principal, logger
from netclub.models.directory import PublicView
from netclub.services import directory

app = build_resolver()


@app.get(
    "/api/profile/public-view",
    summary="My情報: 公開される情報（他の会員に表示される企業ページと、企業情報の発信の状態）",
    tags=["profile", "directory"],
    responses={403: {"description": "not active yet"}},
)
def get_public_view() -> PublicView:
    return directory.own_public_view(current_principal(app).member_id)


@logger.inject_lambda_context(correlation_id_path=CORRELATION_PATH, clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)


coldstart.ready()  # end of init: what was loaded is frozen, the collector runs again
