"""会員データ移行 (admins only: netclub.access.ADMIN_ONLY): upload the old system's CSV, 検証する, 取り込む, progress."""

from __future__ import annotations

from netclub import coldstart  # first: the function loads with the garbage collector paused

# isort: split

from typing import Annotated, Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from netclub.api import CORRELATION_PATH, build_resolver, current_principal, json_response, logger
from netclub.http import Path, Response
from netclub.models.imports import ImportCreate, ImportCreated, ImportList, ImportRun, ImportState
from netclub.services import member_import

app = build_resolver()
Id = Annotated[str, Path(max_length=64)]
ACCEPTED = {202: {"description": "accepted: the worker does it; poll GET /api/admin/member-imports/{import_id}"}}


@app.get("/api/admin/member-imports", summary="会員データ移行: これまでの取り込み", tags=["admin"])
def list_imports() -> ImportList:
    return member_import.recent()


@app.post("/api/admin/member-imports", summary="会員データ移行: CSVのアップロード（20MBまで）", tags=["admin"], responses={201: {"description": "created"}})
def create(body: ImportCreate) -> Response[ImportCreated]:
    return json_response(201, member_import.start(current_principal(app).member_id, body).model_dump())


@app.get("/api/admin/member-imports/<import_id>", summary="会員データ移行: 状態・件数・エラー（先頭1,000件）", tags=["admin"])
def get(import_id: Id) -> ImportState:
    return member_import.state(import_id)


@app.post("/api/admin/member-imports/<import_id>/validate", summary="検証する（会員は書き込まない）", tags=["admin"], responses=ACCEPTED)
def validate(import_id: Id) -> Response[ImportState]:
    return json_response(202, member_import.request_validation(current_principal(app).member_id, import_id).model_dump())


@app.post(
    "/api/admin/member-imports/<import_id>/run",
    summary="取り込む（検証済みのみ、エラーの行は除く）",
    tags=["admin"],
    responses={**ACCEPTED, 409: {"description": "not_validated, nothing_to_import"}},
)
def run(import_id: Id, body: ImportRun) -> Response[ImportState]:
    who = current_principal(app)
    answer = member_import.request_run(who.member_id, (who.member or {}).get("user_name", ""), import_id, body.send_invitations)
    return json_response(202, answer.model_dump())


@logger.inject_lambda_context(correlation_id_path=CORRELATION_PATH, clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)


coldstart.ready()  # end of init: what was loaded is frozen, the collector runs again
