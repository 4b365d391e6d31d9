"""会員企業検索 on the local stack as `make dev` starts it: the seeded companies are searchable at once,
and scheduled functions run on demand at POST /_dev/scheduled/{name} with EventBridge's event."""

from __future__ import annotations

import time
import urllib.parse
from collections.abc import Callable

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


def _seconds_until(check: Callable[[], bool], limit: float) -> float:
    started = time.monotonic()
    while not check():
        assert time.monotonic() - started < limit, f"not within {limit} s"
        time.sleep(0.2)
    return time.monotonic() - started


def test_a_profile_change_reaches_search_within_seconds_through_the_tables_stream(local_stack: LocalStack) -> None:
    """No schedule is asked for: the change reaches the index through the stream (local/event_sources.py)."""
    owner = local_stack.client()
    assert owner.login("company7@directory.example", "Company#2026pass").status == 200
    profile = owner.get("/api/profile").body
    name = profile["company_name"]
    searcher = local_stack.client()
    assert searcher.login(*DEMO).status == 200

    def listed(words: str) -> bool:
        answer = searcher.get("/api/directory?" + urllib.parse.urlencode({"q": words}))
        assert answer.status == 200, answer.body
        return any(c["company_name"] == name for c in answer.body["items"])

    assert listed(name)
    company_id = next(c["company_id"] for c in searcher.get("/api/directory?" + urllib.parse.urlencode({"q": name})).body["items"] if c["company_name"] == name)
    editable = {k: v for k, v in profile.items() if k != "staff_fields"}

    assert owner.put("/api/profile", {**editable, "publish_company_info": False}).status == 200
    assert searcher.get(f"/api/directory/{company_id}").status == 404  # the page: at once
    gone = _seconds_until(lambda: not listed(name), 15)

    word = "ストリーム検証用ワード"
    assert owner.put("/api/profile", {**editable, "publish_company_info": True, "business_summary": word}).status == 200
    back = _seconds_until(lambda: listed("すとりーむ検証用わーど"), 15)
    print(f"\nunpublished -> gone from search in {gone:.1f} s; republished with a new summary -> found in {back:.1f} s")
