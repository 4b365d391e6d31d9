from __future__ import annotations

from netclub import coldstart  # first: the function loads with the garbage collector paused

# isort: split

from typing import Annotated, Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from netclub.api import CORRELATION_PATH, build_resolver, current_principal, json_response, logger
from netclub.http import Path, Response
from netclub.models.newsletters import NewsletterAccepted, NewsletterRedriven, NewsletterSend
from netclub.services import newsletters

app = build_resolver()
Id = Annotated[str, Path(max_length=64)]


@app.post(
    "/api/admin/newsletters/<newsletter_id>/test",
    summary="テスト送信（職員自身のアドレスへ、件名に【テスト】）",
    tags=["admin"],
    responses={202: {"description": "sent"}},
)
def test(newsletter_id: Id) -> Response[NewsletterAccepted]:
    return json_response(202, newsletters.send_test(current_principal(app).member_id, newsletter_id).model_dump())


@app.post(
    "/api/admin/newsletters/<newsletter_id>/send",
    summary="配信（今すぐ、または send_at に予約）",
    tags=["admin"],
    responses={202: {"description": "accepted"}, 409: {"description": "not_draft（配信予約済み・配信済み）"}},
)
def send(newsletter_id: Id, body: NewsletterSend) -> Response[NewsletterAccepted]:
    return json_response(202, newsletters.send(current_principal(app).member_id, newsletter_id, body).model_dump())


@app.post(
    "/api/admin/newsletters/<newsletter_id>/redrive",
    summary="再送（配信できずDLQに残ったこのメールマガジンの宛先をキューに戻す）",
    tags=["admin"],
    responses={409: {"description": "not_sending（配信中ではない）"}},
)
def redrive(newsletter_id: Id) -> NewsletterRedriven:
    return newsletters.redrive(current_principal(app).member_id, newsletter_id)


@app.post(
    "/api/admin/newsletters/<newsletter_id>/resume",
    summary="再開（SES がアカウント全体の送信を止めて一時停止したメールマガジンを続ける）",
    tags=["admin"],
    responses={202: {"description": "sending again"}, 409: {"description": "not_paused（一時停止中ではない）"}},
)
def resume(newsletter_id: Id) -> Response[NewsletterAccepted]:
    return json_response(202, newsletters.resume(current_principal(app).member_id, newsletter_id).model_dump())


@logger.inject_lambda_context(correlation_id_path=CORRELATION_PATH, clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)


coldstart.ready()  # end of init: what was loaded is frozen, the collector runs again
