from __future__ import annotations

from netclub import coldstart  # first: the function loads with the garbage collector paused

# isort: split

from typing import Annotated, Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from netclub.api import CORRELATION_PATH, build_resolver, current_principal, json_response, logger
from netclub.http import Path, Response
from netclub.models.content import Deleted
from netclub.models.reservations import Slot, SlotIn
from netclub.services import offerings

app = build_resolver()
Id = Annotated[str, Path(max_length=64)]


@app.post("/api/admin/offerings/<offering_id>/slots", summary="日程の追加", tags=["admin"], responses={201: {"description": "created"}})
def create(offering_id: Id, body: SlotIn) -> Response[Slot]:
    return json_response(201, offerings.add_slot(current_principal(app).member_id, offering_id, body).model_dump())


@app.put("/api/admin/offerings/<offering_id>/slots/<slot_id>", summary="日程の更新（定員は予約済み席数以上）", tags=["admin"])
def update(offering_id: Id, slot_id: Id, body: SlotIn) -> Slot:
    return offerings.update_slot(current_principal(app).member_id, offering_id, slot_id, body)


@app.delete("/api/admin/offerings/<offering_id>/slots/<slot_id>", summary="日程の削除（お申込みがない場合のみ）", tags=["admin"])
def delete(offering_id: Id, slot_id: Id) -> Deleted:
    return offerings.delete_slot(current_principal(app).member_id, offering_id, slot_id)


@logger.inject_lambda_context(correlation_id_path=CORRELATION_PATH, clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)


coldstart.ready()  # end of init: what was loaded is frozen, the collector runs again
