"""名簿出力: the postal lists by service and an offering's attendee list, as Excel-ready CSV (staff)."""

from __future__ import annotations

from netclub import coldstart  # first: the function loads with the garbage collector paused

# isort: split

import urllib.parse
from typing import Annotated, Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from netclub.api import CORRELATION_PATH, build_resolver, current_principal, logger
from netclub.http import Path, Query, Response
from netclub.services import exports

app = build_resolver()
CSV: dict[int, Any] = {200: {"description": "UTF-8 CSV with a BOM (Excel), Japanese header row", "content": {"text/csv": {"schema": {"type": "string"}}}}}


def _csv(name: str, body: str) -> Response[str]:
    quoted = urllib.parse.quote(name)
    return Response(
        status_code=200,
        content_type="text/csv; charset=utf-8",
        body=body,
        headers={"Content-Disposition": f"attachment; filename=\"{name}\"; filename*=UTF-8''{quoted}", "Cache-Control": "private, no-store"},
    )


@app.get(
    "/api/admin/exports/members.csv", summary="名簿出力（アーガス送付・ビジネスサポートTOKYO送付・各種DM送付・メールマガジン）", tags=["admin"], responses=CSV
)
def members_csv(service: Annotated[exports.Service | None, Query(description="absent: every active member")] = None) -> Response[str]:
    return _csv(*exports.members_csv(current_principal(app).member_id, service))


@app.get("/api/admin/offerings/<offering_id>/attendees.csv", summary="参加者名簿（CSV）", tags=["admin"], responses=CSV)
def attendees_csv(offering_id: Annotated[str, Path(max_length=64)]) -> Response[str]:
    return _csv(*exports.attendees_csv(current_principal(app).member_id, offering_id))


@logger.inject_lambda_context(correlation_id_path=CORRELATION_PATH, clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)


coldstart.ready()  # end of init: what was loaded is frozen, the collector runs again
