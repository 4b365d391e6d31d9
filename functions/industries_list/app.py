from __future__ import annotations

from netclub import coldstart  # first: the function loads with the garbage collector paused

# isort: split

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from netclub.api import CORRELATION_PATH, JSON_TYPE, build_resolver, logger
from netclub.http import Response
from netclub.models.profile import IndustryList
from netclub.services import industries

app = build_resolver()


@app.get("/api/industries", summary="業種（日本標準産業分類 大・中・小分類）の一覧（My情報・会員登録の選択肢）", tags=["profile"])
def list_industries() -> Response[IndustryList]:
    body = IndustryList.model_validate({"revision": industries.REVISION, "items": industries.tree()})
    # Public and the same for everyone: browsers and CloudFront may keep it for a day.
    return Response(200, JSON_TYPE, body, headers={"Cache-Control": "public, max-age=86400"})


@logger.inject_lambda_context(correlation_id_path=CORRELATION_PATH, clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)


coldstart.ready()  # end of init: what was loaded is frozen, the collector runs again
