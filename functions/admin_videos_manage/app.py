from __future__ import annotations

from netclub import coldstart  # first: the function loads with the garbage collector paused

# isort: split

from typing import Annotated, Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from netclub.api import CORRELATION_PATH, build_resolver, current_principal, json_response, logger
from netclub.http import Path, Response
from netclub.models.content import Deleted, Video, VideoIn
from netclub.services import content

app = build_resolver()
Id = Annotated[str, Path(max_length=64)]


@app.post("/api/admin/videos", summary="動画の登録", tags=["admin"], responses={201: {"description": "created"}})
def create(body: VideoIn) -> Response[Video]:
    return json_response(201, content.create_video(current_principal(app).member_id, body).model_dump())


@app.put("/api/admin/videos/<video_id>", summary="動画の更新", tags=["admin"])
def update(video_id: Id, body: VideoIn) -> Video:
    return content.update_video(current_principal(app).member_id, video_id, body)


@app.delete("/api/admin/videos/<video_id>", summary="動画の削除", tags=["admin"])
def delete(video_id: Id) -> Deleted:
    return content.delete(current_principal(app).member_id, "video", video_id)


@logger.inject_lambda_context(correlation_id_path=CORRELATION_PATH, clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)


coldstart.ready()  # end of init: what was loaded is frozen, the collector runs again
