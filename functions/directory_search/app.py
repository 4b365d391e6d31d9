from __future__ import annotations

from netclub import coldstart  # first: the function loads with the garbage collector paused

# isort: split

from typing import Annotated, Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from netclub.api import CORRELATION_PATH, build_resolver, current_principal, logger
from netclub.http import Query
from netclub.models.directory import CompanyList
from netclub.services import directory

app = build_resolver()
index = directory.IndexCache()  # this container's copy of the index (loaded on the first search)
index.prime_for_snapshot()  # or during init, under SnapStart


@app.get(
    "/api/directory",
    summary="会員企業検索（キーワード・業種・取引エリア・加工分野）",
    description="Words ANDed, each a substring (NFKC, case and kana folded); best match first, then kana order.",
    tags=["directory"],
    responses={400: {"description": "validation_error with fields"}, 403: {"description": "not active yet"}},
)
def search(
    q: Annotated[str, Query(max_length=100, description="words separated by spaces, all must match")] = "",
    industry: Annotated[str, Query(max_length=4, description="JSIC code: major (E), middle (24) or minor (244)")] = "",
    area: Annotated[str, Query(max_length=100, description="one of the trade areas")] = "",
    processing: Annotated[str, Query(max_length=100, description="one of the processing categories")] = "",
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
    limit: Annotated[int, Query(ge=1, le=directory.MAX_LIMIT, description="items per page")] = 20,
) -> CompanyList:
    principal = current_principal(app)
    status = (principal.member or {}).get("status")
    return directory.search(principal.member_id, index, q, industry, area, processing, cursor, limit, requester_status=status)


@logger.inject_lambda_context(correlation_id_path=CORRELATION_PATH, clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)


coldstart.ready()  # end of init: what was loaded is frozen, the collector runs again
