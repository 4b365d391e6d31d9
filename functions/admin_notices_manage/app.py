from __future__ import annotations

from netclub import coldstart  # first: the function loads with the garbage collector paused

# isort: split

from typing import Annotated, Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from netclub.api import CORRELATION_PATH, build_resolver, current_principal, json_response, logger
from netclub.http import Path, Query, Response
from netclub.models.content import AdminNoticeList, Deleted, Notice, NoticeIn
from netclub.services import content

app = build_resolver()
Id = Annotated[str, Path(max_length=64)]


@app.get("/api/admin/notices", summary="お知らせの一覧（公開予定を含む、新しい順）", tags=["admin"])
def list_all(cursor: Annotated[str | None, Query(max_length=2048)] = None) -> AdminNoticeList:
    return content.admin_notices(cursor)


@app.post("/api/admin/notices", summary="お知らせの登録", tags=["admin"], responses={201: {"description": "created"}})
def create(body: NoticeIn) -> Response[Notice]:
    return json_response(201, content.create_notice(current_principal(app).member_id, body).model_dump())


@app.put("/api/admin/notices/<notice_id>", summary="お知らせの更新", tags=["admin"])
def update(notice_id: Id, body: NoticeIn) -> Notice:
    return content.update_notice(current_principal(app).member_id, notice_id, body)


@app.delete("/api/admin/notices/<notice_id>", summary="お知らせの削除", tags=["admin"])
def delete(notice_id: Id) -> Deleted:
    return content.delete(current_principal(app).member_id, "notice", notice_id)


@logger.inject_lambda_context(correlation_id_path=CORRELATION_PATH, clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)


coldstart.ready()  # end of init: what was loaded is frozen, the collector runs again
