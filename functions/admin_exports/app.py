"""名簿出力 and 参加者名簿 (staff): start an export job (202), then its state and, when ready, a short-lived link."""

from __future__ import annotations

from netclub import coldstart  # first: the function loads with the garbage collector paused

# isort: split

from typing import Annotated, Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from netclub.api import CORRELATION_PATH, build_resolver, current_principal, json_response, logger
from netclub.http import Path, Response
from netclub.models.exports import ExportCreate, ExportJob
from netclub.services import exports

app = build_resolver()


@app.post(
    "/api/admin/exports",
    summary="名簿出力・参加者名簿の作成を開始（CSV、バックグラウンドで作成）",
    tags=["admin"],
    responses={202: {"description": "accepted: poll GET /api/admin/exports/{export_id}"}, 404: {"description": "the offering (attendees)"}},
)
def start(body: ExportCreate) -> Response[ExportJob]:
    return json_response(202, exports.start(current_principal(app).member_id, body).model_dump())


@app.get(
    "/api/admin/exports/<export_id>",
    summary="名簿出力: 作成状況と、完成後のダウンロードリンク（5分間有効）",
    tags=["admin"],
    responses={404: {"description": "unknown, or another staff member's export"}},
)
def get(export_id: Annotated[str, Path(max_length=64)]) -> ExportJob:
    return exports.state(current_principal(app).member_id, export_id)


@logger.inject_lambda_context(correlation_id_path=CORRELATION_PATH, clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)


coldstart.ready()  # end of init: what was loaded is frozen, the collector runs again
