from __future__ import annotations

from netclub import coldstart  # first: the function loads with the garbage collector paused

# isort: split

from typing import Annotated, Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from netclub.api import CORRELATION_PATH, build_resolver, current_principal, logger, no_content
from netclub.http import Path, Response
from netclub.services import inquiries

app = build_resolver()


@app.delete(
    "/api/admin/inquiry-kinds/<kind_id>",
    summary="お問い合わせの種類の削除（送信済みのお問い合わせは種類名を保持）",
    tags=["admin"],
    responses={204: {"description": "deleted"}},
)
def delete_kind(kind_id: Annotated[str, Path(max_length=64)]) -> Response[None]:
    inquiries.delete_kind(current_principal(app).member_id, kind_id)
    return no_content()


@logger.inject_lambda_context(correlation_id_path=CORRELATION_PATH, clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)


coldstart.ready()  # end of init: what was loaded is frozen, the collector runs again
