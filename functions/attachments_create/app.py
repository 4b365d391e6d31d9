from __future__ import annotations

from netclub import coldstart  # first: the function loads with the garbage collector paused

# isort: split

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from netclub.api import CORRELATION_PATH, build_resolver, current_principal, json_response, logger
from netclub.http import Response
from netclub.models.inquiries import AttachmentRequest, AttachmentUpload
from netclub.services import attachments

app = build_resolver()


@app.post(
    "/api/attachments",
    summary="添付ファイルのアップロード準備（署名付き POST を返す。ブラウザは upload.url へ直接送信）",
    tags=["inquiries"],
    responses={201: {"description": "presigned POST"}, 413: {"description": "over 10 MB"}},
)
def create_attachment(body: AttachmentRequest) -> Response[AttachmentUpload]:
    return json_response(201, attachments.start_upload(current_principal(app).member_id, body).model_dump())


@logger.inject_lambda_context(correlation_id_path=CORRELATION_PATH, clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)


coldstart.ready()  # end of init: what was loaded is frozen, the collector runs again
