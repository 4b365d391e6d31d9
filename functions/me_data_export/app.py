"""登録情報のダウンロード: everything held about the member, as a JSON file (services/my_data.py)."""

from __future__ import annotations

from netclub import coldstart  # first: the function loads with the garbage collector paused

# isort: split

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from netclub.api import CORRELATION_PATH, JSON_TYPE, build_resolver, current_principal, logger
from netclub.http import Response
from netclub.models.withdrawal import MyDataExport
from netclub.services import my_data

app = build_resolver()


@app.get(
    "/api/me/data-export",
    summary="登録情報のダウンロード（JSON）",
    tags=["profile"],
    description="Everything the portal holds about the member (profile, consents with history, reservations, inquiries with attachment names, 商談 sent and received, usage history, audit entries about them). No secrets, no staff notes.",
    responses={200: {"description": "a JSON file (Content-Disposition: attachment; never cached)"}},
)
def export() -> Response[MyDataExport]:
    data = MyDataExport.model_validate(my_data.export(current_principal(app).member_id))
    headers = {"Content-Disposition": f'attachment; filename="{my_data.filename()}"', "Cache-Control": "private, no-store"}
    return Response[MyDataExport](status_code=200, content_type=JSON_TYPE, body=data, headers=headers)


@logger.inject_lambda_context(correlation_id_path=CORRELATION_PATH, clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)


coldstart.ready()  # end of init: what was loaded is frozen, the collector runs again
