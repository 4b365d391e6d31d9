"""担当部署: every staff member reads them; admins create, rename and delete them (netclub.access.ADMIN_ONLY)."""

from __future__ import annotations

from netclub import coldstart  # first: the function loads with the garbage collector paused

# isort: split

from typing import Annotated, Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from netclub.api import CORRELATION_PATH, build_resolver, current_principal, json_response, logger, no_content
from netclub.http import Path, Response
from netclub.models.staff import Department, DepartmentInput, DepartmentList
from netclub.services import departments

app = build_resolver()
Id = Annotated[str, Path(max_length=64)]


def _actor() -> tuple[str, str]:
    who = current_principal(app)
    return who.member_id, (who.member or {}).get("user_name", "")


@app.get("/api/admin/departments", summary="担当部署の一覧", tags=["admin"])
def list_departments() -> DepartmentList:
    return departments.list_departments()


@app.post("/api/admin/departments", summary="担当部署の追加", tags=["admin"], responses={201: {"description": "created"}})
def create(body: DepartmentInput) -> Response[Department]:
    return json_response(201, departments.create(*_actor(), body).model_dump())


@app.put("/api/admin/departments/<department_id>", summary="担当部署の名称変更", tags=["admin"])
def update(department_id: Id, body: DepartmentInput) -> Department:
    return departments.update(*_actor(), department_id, body)


@app.delete(
    "/api/admin/departments/<department_id>",
    summary="担当部署の削除",
    tags=["admin"],
    responses={204: {"description": "deleted"}, 409: {"description": "department_in_use"}},
)
def delete(department_id: Id) -> Response[None]:
    departments.delete(*_actor(), department_id)
    return no_content()


@logger.inject_lambda_context(correlation_id_path=CORRELATION_PATH, clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)


coldstart.ready()  # end of init: what was loaded is frozen, the collector runs again
