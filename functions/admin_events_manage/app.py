from __future__ import annotations

from netclub import coldstart  # first: the function loads with the garbage collector paused

# isort: split

from typing import Annotated, Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from netclub.api import CORRELATION_PATH, build_resolver, current_principal, json_response, logger
from netclub.http import Path, Query, Response
from netclub.models.content import AdminEventList, Deleted, Event, EventIn
from netclub.services import content

app = build_resolver()
Id = Annotated[str, Path(max_length=64)]


@app.get("/api/admin/events", summary="イベントの一覧（過去・今後のすべて、開始日時の新しい順）", tags=["admin"])
def list_all(
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
    limit: Annotated[int, Query(ge=1, le=100, description="items per page")] = 50,
) -> AdminEventList:
    return content.admin_events(cursor, limit)


@app.post("/api/admin/events", summary="イベントの登録", tags=["admin"], responses={201: {"description": "created"}})
def create(body: EventIn) -> Response[Event]:
    return json_response(201, content.create_event(current_principal(app).member_id, body).model_dump())


@app.put("/api/admin/events/<event_id>", summary="イベントの更新", tags=["admin"])
def update(event_id: Id, body: EventIn) -> Event:
    return content.update_event(current_principal(app).member_id, event_id, body)


@app.delete("/api/admin/events/<event_id>", summary="イベントの削除", tags=["admin"])
def delete(event_id: Id) -> Deleted:
    return content.delete_event(current_principal(app).member_id, event_id)


@logger.inject_lambda_context(correlation_id_path=CORRELATION_PATH, clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)


coldstart.ready()  # end of init: what was loaded is frozen, the collector runs again
