"""会員企業検索's index kept current by the table's stream (template.yaml DirectoryChangesMapping).

The records are read from moto's DynamoDB Streams and delivered by local/event_sources.py, the
same reader the local stack runs: KEYS_ONLY, filtered by the mapping's FilterCriteria, in Lambda's
event shape. No schedule runs in these tests unless one says so.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from botocore.config import Config

from tests.conftest import DEMO, SCHEDULED_EVENT, Env, Portal
from tests.functional.reservation_helpers import new_member
from tests.functional.test_directory import _editable, search


@pytest.fixture(autouse=True)
def fresh_index(monkeypatch: pytest.MonkeyPatch) -> None:
    from netclub.services import directory

    monkeypatch.setattr(directory, "REFRESH_SECONDS", 0.0)


class Stream:
    """The mapping's reader, polled on demand; what it delivered is kept."""

    def __init__(self, env: Env) -> None:
        import boto3

        from local import cfn, event_sources, stack
        from local.resources import physical_names

        template = cfn.load()
        names = physical_names(template, stack.PREFIX)
        self.events: list[dict[str, Any]] = []
        self.results: list[Any] = []

        def invoke(function: str, event: dict[str, Any]) -> Any:
            self.events.append(event)
            result = env.invoke(function, event)
            self.results.append(result)
            return result

        # botocore's account-id endpoints (…streams-ddb…) are not moto's: the classic endpoint, as the local stack's moto server is
        streams = boto3.client("dynamodbstreams", region_name=stack.REGION, config=Config(account_id_endpoint_mode="disabled"))
        (self.reader,) = [
            r for r in event_sources.readers(template, names.__getitem__, streams, stack.REGION, invoke) if r.mapping.name == "DirectoryChangesMapping"
        ]

    def poll(self) -> int:
        return self.reader.poll()


@pytest.fixture
def stream(env: Env) -> Stream:
    return Stream(env)


@pytest.fixture
def other(env: Env, staff: Portal) -> Portal:
    return new_member(env, staff, "searcher@example.jp")


def _ids(body: dict[str, Any]) -> list[str]:
    return [c["company_id"] for c in body["items"]]


def test_publish_edit_and_unpublish_reach_search_through_the_stream_only(stream: Stream, member: Portal, other: Portal) -> None:
    stream.poll()  # the seed's own directory items: the first index is built from them
    body = _editable(member)
    assert search(other, q="ニット")["total"] == 1

    assert member.put("/api/profile", {**body, "business_summary": "精密金型の設計と製作"}).status == 200
    assert search(other, q="金型")["total"] == 0  # not yet: nothing read the stream
    assert stream.poll() == 1
    found = search(other, q="金型")
    assert found["total"] == 1 and found["items"][0]["summary"] == "精密金型の設計と製作"
    company_id = found["items"][0]["company_id"]
    record = stream.events[-1]["Records"][0]
    assert record["eventSource"] == "aws:dynamodb" and record["eventName"] == "MODIFY"
    assert record["dynamodb"]["Keys"] == {"PK": {"S": f"DIRECTORY#{company_id}"}, "SK": {"S": "COMPANY"}}
    assert "NewImage" not in record["dynamodb"] and "OldImage" not in record["dynamodb"]  # KEYS_ONLY: no profile in the stream

    assert member.put("/api/profile", {**body, "publish_company_info": False}).status == 200
    assert other.get(f"/api/directory/{company_id}").status == 404  # the page: at once
    assert stream.poll() == 1
    assert stream.events[-1]["Records"][0]["eventName"] == "REMOVE"
    assert company_id not in _ids(search(other, q="ニット"))

    assert member.put("/api/profile", {**body, "publish_company_info": True}).status == 200
    assert stream.poll() == 1
    assert _ids(search(other, q="ニット")) == [company_id]  # the same opaque id again


def test_a_private_field_change_leaves_the_directory_item_as_it_was(env: Env, stream: Stream, member: Portal) -> None:
    """DynamoDB Streams writes no record for a put that changes nothing; the item carries the public page's
    digest, so an edit of a private field (a phone number, the subscriptions) wakes no index update on AWS."""
    from netclub.store import accounts
    from netclub.store import directory as directory_store

    body = _editable(member)
    company_id = str(accounts.get_member(env.accounts["member"])["company_id"])  # type: ignore[index]
    before = directory_store.get(company_id)
    assert before and before["page_sha"]
    assert member.put("/api/profile", {**body, "phone": "03-9999-0000", "subscriptions": {**body["subscriptions"], "argus": True}}).status == 200
    assert directory_store.get(company_id) == before
    assert member.put("/api/profile", {**body, "public_info": "公開情報を更新しました"}).status == 200
    after = directory_store.get(company_id)
    assert after and after["page_sha"] != before["page_sha"]


def test_records_of_other_items_never_reach_the_function(env: Env, stream: Stream, member: Portal) -> None:
    stream.poll()
    stream.events.clear()
    assert env.new_client().login(*DEMO).status == 200  # a session, the login counters: items of the table, not of the directory
    assert stream.poll() == 0 and stream.events == []


def test_two_writers_never_undo_each_other(env: Env, stream: Stream, member: Portal, other: Portal, staff: Portal, monkeypatch: pytest.MonkeyPatch) -> None:
    """A stream update and the scheduled rebuild overlapping: the one that writes second read a version
    that is no longer there (conditional PutObject: 412), reads again and redoes its change."""
    from netclub.services import directory
    from netclub.store import directory as directory_store

    stream.poll()
    third = new_member(env, staff, "third@example.jp")
    body = _editable(third)
    body.update({"publish_company_info": True, "company_name": "第三精工株式会社", "company_name_kana": "ダイサンセイコウ"})
    assert third.put("/api/profile", body).status == 200

    real_fetch = directory_store.fetch_index
    raced = threading.Event()

    def fetch_then_race(etag: str | None) -> Any:
        answer = real_fetch(etag)
        if not raced.is_set():
            raced.set()
            assert env.invoke("DirectoryIndexFunction", SCHEDULED_EVENT)["companies"] == 2  # another writer, in between
        return answer

    puts: list[str | None] = []
    real_put = directory_store.put_index
    monkeypatch.setattr(directory_store, "fetch_index", fetch_then_race)
    monkeypatch.setattr(directory_store, "put_index", lambda blob, if_match: (puts.append(if_match), real_put(blob, if_match))[1])
    member_body = _editable(member)
    assert member.put("/api/profile", {**member_body, "business_summary": "板金加工"}).status == 200
    assert stream.poll() == 2  # the third company's publication and the demo member's edit
    assert len(puts) == 3  # the rebuild's, the stream's refused one (412), the stream's again
    assert search(other, q="板金")["total"] == 1
    assert search(other, q="第三精工")["total"] == 1
    assert directory.REFRESH_SECONDS == 0.0


def test_a_missing_index_is_built_whole_from_the_first_record(env: Env, stream: Stream, member: Portal, other: Portal) -> None:
    from netclub.aws import client
    from netclub.config import get_settings
    from netclub.store import directory as directory_store

    stream.poll()
    client("s3").delete_object(Bucket=get_settings().need("directory_bucket"), Key=directory_store.INDEX_KEY)
    body = _editable(member)
    assert member.put("/api/profile", {**body, "shipping_sales": "全国へ出荷"}).status == 200
    assert stream.poll() == 1
    assert stream.results[-1]["companies"] == 1
    assert search(other, q="ニット")["total"] == 1


def test_a_failing_batch_is_delivered_again_then_given_up(env: Env, stream: Stream, member: Portal, monkeypatch: pytest.MonkeyPatch) -> None:
    """As Lambda does with a stream: the same records again (the shard waits), up to MaximumRetryAttempts."""
    from netclub.services import directory

    from local import event_sources

    stream.poll()
    failures = {"left": 2}
    real = directory.apply_changes

    def flaky(ids: set[str]) -> dict[str, int]:
        if failures["left"]:
            failures["left"] -= 1
            raise RuntimeError("S3 out for a moment")
        return real(ids)

    monkeypatch.setattr(directory, "apply_changes", flaky)
    monkeypatch.setattr(event_sources.time, "sleep", lambda s: None)
    body = _editable(member)
    assert member.put("/api/profile", {**body, "business_summary": "溶接と塗装"}).status == 200
    assert stream.poll() == 1
    assert failures["left"] == 0 and len(stream.events) >= 3
    assert stream.events[-1] == stream.events[-2] == stream.events[-3]  # the same records each time
    assert stream.reader.mapping.max_retries == 5 and stream.reader.given_up == 0
