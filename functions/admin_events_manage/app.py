from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.utilities.typing import LambdaContext
from netclub.api import CORRELATION_PATH, build_resolver, current_principal, json_response, logger
from netclub.models.content import Deleted, Event, EventIn
from netclub.services import content

app = build_resolver()
Id = Annotated[str, Path(max_length=64)]


@app.post("/api/admin/events", summary="イベントの登録", tags=["admin"], responses={201: {"description": "created"}})
def create(body: EventIn) -> Any:
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
