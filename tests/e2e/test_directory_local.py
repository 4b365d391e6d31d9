"""会員企業検索 on the local stack as `make dev` starts it: the seeded companies are searchable at once,
and scheduled functions run on demand at POST /_dev/scheduled/{name} with EventBridge's event."""

from __future__ import annotations

from local.seed_directory import DEMO_COMPANIES
from tests.conftest import DEMO
from tests.stackutil import LocalStack


def test_seeded_companies_are_searchable_and_the_rebuild_runs_on_demand(local_stack: LocalStack) -> None:
    member = local_stack.client()
    assert member.login(*DEMO).status == 200
    listed = member.get("/api/directory?limit=50")
    assert listed.status == 200, listed.body
    assert listed.body["total"] >= DEMO_COMPANIES + 1  # the generated companies and the demo member's
    assert len(listed.body["items"]) == 50 and listed.body["next_cursor"]
    page = member.get(f"/api/directory/{listed.body['items'][0]['company_id']}")
    assert page.status == 200, page.body

    rebuilt = local_stack.client().post("/_dev/scheduled/DirectoryIndexFunction")
    assert rebuilt.status == 200, rebuilt.body
    assert rebuilt.body["function"] == "DirectoryIndexFunction"
    assert rebuilt.body["result"]["companies"] >= DEMO_COMPANIES + 1
    assert local_stack.client().post("/_dev/scheduled/AuthLoginFunction").status == 404  # not a scheduled function
    assert local_stack.client().get("/_dev/scheduled/DirectoryIndexFunction").status == 405
