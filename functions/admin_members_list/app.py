"""会員一覧 (by status, newest first: 登録確認) and 会員検索 (q, status, 入会日: every member, services/member_search.py)."""

from __future__ import annotations

from netclub import coldstart  # first: the function loads with the garbage collector paused

# isort: split

from typing import Annotated, Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from netclub.api import CORRELATION_PATH, build_resolver, logger
from netclub.http import Query
from netclub.models.auth import MemberList, MemberSummary, Status
from netclub.services import member_search, members

app = build_resolver()
CACHE = member_search.Cache()  # the member index, kept across the container's requests
Day = Annotated[str | None, Query(max_length=10, description="入会日 (YYYY-MM-DD)")]


@app.get(
    "/api/admin/members",
    summary="会員一覧（状態別）・会員検索",
    tags=["admin"],
    description="Without q or 入会日: the members of one status (default pending_review), newest first. With them: every member that matches "
    "(会員番号, メールアドレス, 企業名・カナ in part, 電話番号 digits, 担当者名; kana/width/case-insensitive, (株)/㈱/株式会社 alike), of any status unless one is given.",
)
def list_members(
    status: Annotated[Status | None, Query()] = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
    joined_from: Day = None,
    joined_to: Day = None,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
) -> MemberList:
    if not (q and q.strip()) and not joined_from and not joined_to:
        return members.list_by_status(status or "pending_review", cursor)
    found, total, next_cursor = member_search.search(CACHE, q or "", status or "", joined_from or "", joined_to or "", cursor)
    return MemberList(items=[MemberSummary.model_validate(f) for f in found], next_cursor=next_cursor, total=total)


@logger.inject_lambda_context(correlation_id_path=CORRELATION_PATH, clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)


coldstart.ready()  # end of init: what was loaded is frozen, the collector runs again
