from __future__ import annotations

from netclub import coldstart  # first: the function loads with the garbage collector paused

# isort: split

from typing import Annotated, Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from netclub.api import CORRELATION_PATH, build_resolver, current_principal, logger
from netclub.http import Path
from netclub.models.directory import CompanyPage
from netclub.services import directory

app = build_resolver()


@app.get(
    "/api/directory/<company_id>",
    summary="会員企業検索: 企業の詳細（公開項目のみ）",
    tags=["directory"],
    responses={403: {"description": "not active yet"}, 404: {"description": "unknown or unpublished company"}},
)
def get_company(company_id: Annotated[str, Path(max_length=64)]) -> CompanyPage:
    principal = current_principal(app)
    return directory.get_page(principal.member_id, company_id, requester_status=(principal.member or {}).get("status"))


@logger.inject_lambda_context(correlation_id_path=CORRELATION_PATH, clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)


coldstart.ready()  # end of init: what was loaded is frozen, the collector runs again
