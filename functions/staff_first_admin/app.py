"""The first administrator of a new deployment (no API route): `make first-admin STACK=… EMAIL=…` invokes it
with the deployer's AWS credentials. It invites the address as an admin, and refuses once an active admin exists.

Event: {"email": "…", "name": "…"} → {"outcome": "invited" | "refused", "message", "staff_id"}.
"""

from __future__ import annotations

from netclub import coldstart  # first: the function loads with the garbage collector paused

# isort: split

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from netclub.log import logger
from netclub.models.staff import FirstAdminRequest
from netclub.services import staff
from pydantic import ValidationError


@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    try:
        request = FirstAdminRequest.model_validate(event)
    except ValidationError as exc:
        fields = ", ".join(".".join(str(p) for p in e["loc"]) for e in exc.errors())
        return {"outcome": "refused", "message": f"入力に誤りがあります（{fields}）。メールアドレスと氏名を確認してください。", "staff_id": None}
    return staff.first_admin(request).model_dump()


coldstart.ready()  # end of init: what was loaded is frozen, the collector runs again
