from __future__ import annotations

from netclub import coldstart  # first: the function loads with the garbage collector paused

# isort: split

from typing import Annotated, Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from netclub.api import CORRELATION_PATH, build_resolver, current_principal, json_response, logger
from netclub.http import Path, Query, Response
from netclub.models.content import Deleted
from netclub.models.newsletters import Newsletter, NewsletterIn, NewsletterList
from netclub.services import newsletters

app = build_resolver()
Id = Annotated[str, Path(max_length=64)]


@app.get("/api/admin/newsletters", summary="メールマガジンの一覧（新しい順）", tags=["admin"])
def list_all(
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
    limit: Annotated[int, Query(ge=1, le=100, description="items per page")] = 50,
) -> NewsletterList:
    return newsletters.list_newsletters(cursor, limit)


@app.post("/api/admin/newsletters", summary="メールマガジンの作成（下書き）", tags=["admin"], responses={201: {"description": "created"}})
def create(body: NewsletterIn) -> Response[Newsletter]:
    return json_response(201, newsletters.create(current_principal(app).member_id, body).model_dump())


@app.get("/api/admin/newsletters/<newsletter_id>", summary="メールマガジン（配信対象の件数・配信結果つき）", tags=["admin"])
def get(newsletter_id: Id) -> Newsletter:
    return newsletters.get_newsletter(newsletter_id)


@app.put(
    "/api/admin/newsletters/<newsletter_id>",
    summary="メールマガジンの変更（下書きのみ）",
    tags=["admin"],
    responses={409: {"description": "not_draft（配信予約済み・配信済み）"}},
)
def update(newsletter_id: Id, body: NewsletterIn) -> Newsletter:
    return newsletters.update(current_principal(app).member_id, newsletter_id, body)


@app.delete(
    "/api/admin/newsletters/<newsletter_id>",
    summary="メールマガジンの削除（下書きのみ）",
    tags=["admin"],
    responses={409: {"description": "not_draft（配信予約済み・配信済み）"}},
)
def delete(newsletter_id: Id) -> Deleted:
    return newsletters.delete(current_principal(app).member_id, newsletter_id)


@logger.inject_lambda_context(correlation_id_path=CORRELATION_PATH, clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)


coldstart.ready()  # end of init: what was loaded is frozen, the collector runs again
