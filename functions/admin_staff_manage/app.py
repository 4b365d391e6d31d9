"""職員管理 (admins only: netclub.access.ADMIN_ONLY): invite, edit, 停止/再開, 2段階認証のリセット."""

from __future__ import annotations

from netclub import coldstart  # first: the function loads with the garbage collector paused

# isort: split

from typing import Annotated, Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from netclub.api import CORRELATION_PATH, build_resolver, current_principal, json_response, logger
from netclub.http import Path, Response
from netclub.models.staff import StaffInvite, StaffList, StaffMember, StaffUpdate
from netclub.services import staff

app = build_resolver()
Id = Annotated[str, Path(max_length=64)]
LAST_ADMIN = {409: {"description": "last_admin: no active admin would be left"}}


def _actor() -> tuple[str, str]:
    who = current_principal(app)
    return who.member_id, (who.member or {}).get("user_name", "")


@app.get("/api/admin/staff", summary="職員管理: 職員の一覧", tags=["admin"])
def list_staff() -> StaffList:
    return staff.list_staff()


@app.post("/api/admin/staff", summary="職員を招待（招待メール、72時間有効）", tags=["admin"], responses={201: {"description": "invited"}})
def invite(body: StaffInvite) -> Response[StaffMember]:
    return json_response(201, staff.invite(*_actor(), body).model_dump())


@app.put("/api/admin/staff/<staff_id>", summary="職員の編集（氏名・権限・担当部署）", tags=["admin"], responses=LAST_ADMIN)
def update(staff_id: Id, body: StaffUpdate) -> StaffMember:
    return staff.update(*_actor(), staff_id, body)


@app.post("/api/admin/staff/<staff_id>/disable", summary="職員の停止（その職員のログインを直ちに終了）", tags=["admin"], responses=LAST_ADMIN)
def disable(staff_id: Id) -> StaffMember:
    return staff.disable(*_actor(), staff_id)


@app.post("/api/admin/staff/<staff_id>/enable", summary="職員の再開", tags=["admin"])
def enable(staff_id: Id) -> StaffMember:
    return staff.enable(*_actor(), staff_id)


@app.post("/api/admin/staff/<staff_id>/mfa-reset", summary="2段階認証をリセット（次回ログイン時に再設定）", tags=["admin"])
def reset_mfa(staff_id: Id) -> StaffMember:
    return staff.reset_mfa(*_actor(), staff_id)


@logger.inject_lambda_context(correlation_id_path=CORRELATION_PATH, clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)


coldstart.ready()  # end of init: what was loaded is frozen, the collector runs again
