from __future__ import annotations

from netclub import coldstart  # first: the function loads with the garbage collector paused

# isort: split

from typing import Annotated, Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from netclub.api import CORRELATION_PATH, build_resolver, current_principal, json_response, logger
from netclub.http import Path, Response
from netclub.models.content import Deleted
from netclub.models.reservations import AdminReservationList, OfferingDetail, OfferingIn, OfferingList
from netclub.services import offerings

app = build_resolver()
Id = Annotated[str, Path(max_length=64)]


@app.get("/api/admin/offerings", summary="セミナー・相談の一覧（締切を過ぎたものを含む）", tags=["admin"])
def list_all() -> OfferingList:
    return offerings.all_offerings()


@app.get("/api/admin/offerings/<offering_id>", summary="セミナー・相談の詳細と日程", tags=["admin"])
def get_one(offering_id: Id) -> OfferingDetail:
    return offerings.detail(offering_id)


@app.get("/api/admin/offerings/<offering_id>/reservations", summary="お申込み一覧（お申込み順。キャンセル済みはその後にキャンセル順）", tags=["admin"])
def reservations_of(offering_id: Id) -> AdminReservationList:
    return offerings.reservations_of(offering_id)


@app.post("/api/admin/offerings", summary="セミナー・相談の登録", tags=["admin"], responses={201: {"description": "created"}})
def create(body: OfferingIn) -> Response[OfferingDetail]:
    return json_response(201, offerings.create(current_principal(app).member_id, body).model_dump())


@app.put("/api/admin/offerings/<offering_id>", summary="セミナー・相談の更新", tags=["admin"])
def update(offering_id: Id, body: OfferingIn) -> OfferingDetail:
    return offerings.update(current_principal(app).member_id, offering_id, body)


@app.delete("/api/admin/offerings/<offering_id>", summary="セミナー・相談の削除（お申込みがない場合のみ）", tags=["admin"])
def delete(offering_id: Id) -> Deleted:
    return offerings.delete(current_principal(app).member_id, offering_id)


@logger.inject_lambda_context(correlation_id_path=CORRELATION_PATH, clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)


coldstart.ready()  # end of init: what was loaded is frozen, the collector runs again
