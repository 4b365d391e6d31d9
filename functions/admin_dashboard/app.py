from __future__ import annotations

from netclub import coldstart  # first: the function loads with the garbage collector paused

# isort: split

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from netclub.api import CORRELATION_PATH, build_resolver, current_principal, logger
from netclub.models.dashboard import Dashboard
from netclub.services import dashboard, departments

app = build_resolver()


@app.get("/api/admin/dashboard", summary="コンソールのホーム: 確認待ちの登録・未回答のお問い合わせ・再送待ちメールの件数と、今後14日間の開催枠", tags=["admin"])
def get_dashboard() -> Dashboard:
    staff = current_principal(app)
    return dashboard.view(departments.desk_of(staff.role, staff.departments))


@logger.inject_lambda_context(correlation_id_path=CORRELATION_PATH, clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)


coldstart.ready()  # end of init: what was loaded is frozen, the collector runs again
