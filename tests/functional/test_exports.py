"""名簿出力 and 参加者名簿 (POST /api/admin/exports → 202, GET /api/admin/exports/{id}): a job built by
ExportWorkerFunction through ExportQueue (the local stack's poller over moto's SQS), fetched from ExportsBucket
by a 5-minute presigned link. Excel-ready CSV (UTF-8 with a BOM, Japanese header row, CRLF), the right members
only, formula cells neutralised, staff only, each job its requester's, audit-logged, failures told in Japanese."""

from __future__ import annotations

import copy
import csv
import datetime as dt
import io
import urllib.parse
from typing import Any

import pytest

from tests.conftest import Env, Portal
from tests.functional import queues
from tests.functional.reservation_helpers import new_member, offering

HEADER = ["会員番号", "企業名", "事業所名", "郵便番号", "住所", "担当者名", "部署", "電話番号", "メールアドレス"]


class ExportQueue:
    """ExportMapping's poller, as the local stack runs it."""

    def __init__(self, env: Env) -> None:
        self.poller = queues.poller(env, "ExportMapping")

    def drain(self) -> int:
        return int(self.poller.poll())


@pytest.fixture
def queue(env: Env) -> ExportQueue:
    return ExportQueue(env)


def _download(url: str) -> tuple[bytes, dict[str, str]]:
    """The presigned GET as the browser follows it (moto's S3): the body and the response overrides it signs."""
    from netclub.aws import client

    parsed = urllib.parse.urlparse(url)
    query = dict(urllib.parse.parse_qsl(parsed.query))
    bucket, key = (
        parsed.path.lstrip("/").split("/", 1)
        if not parsed.netloc.startswith(("exports", "netclub"))
        else (parsed.netloc.split(".")[0], parsed.path.lstrip("/"))
    )
    assert int(query["X-Amz-Expires"]) == 300  # five minutes
    body = client("s3").get_object(Bucket=bucket, Key=urllib.parse.unquote(key))["Body"].read()
    return bytes(body), query


def export(staff: Portal, queue: ExportQueue, body: dict[str, Any]) -> dict[str, Any]:
    started = staff.post("/api/admin/exports", body)
    assert started.status == 202 and started.body["status"] == "queued", started.body
    assert staff.get(f"/api/admin/exports/{started.body['export_id']}").body["status"] == "queued"
    assert queue.drain() == 1
    state = staff.get(f"/api/admin/exports/{started.body['export_id']}")
    assert state.status == 200, state.body
    return dict(state.body)


def _rows(state: dict[str, Any]) -> list[list[str]]:
    assert state["status"] == "ready" and state["download_expires_in"] == 300, state
    raw, query = _download(state["download_url"])
    assert query["response-content-type"] == "text/csv; charset=utf-8"
    disposition = query["response-content-disposition"]
    assert disposition == "attachment; filename=\"download.csv\"; filename*=UTF-8''" + urllib.parse.quote(state["filename"], safe="")
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads UTF-8
    assert state["size"] == len(raw)
    text = raw.decode("utf-8")
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")  # CRLF only
    rows = list(csv.reader(io.StringIO(text[1:], newline="")))
    assert state["rows"] == len(rows) - 1
    return rows


def _set_profile(client: Portal, **changes: Any) -> None:
    body = copy.deepcopy(client.get("/api/profile").body)
    body.pop("pending_email", None)
    for key, value in changes.items():
        if isinstance(value, dict):
            body[key] = {**(body.get(key) or {}), **value}
        else:
            body[key] = value
    answer = client.put("/api/profile", body)
    assert answer.status == 200, answer.body


def test_members_by_service_with_a_japanese_header_and_excel_safe_cells(env: Env, staff: Portal, member: Portal, queue: ExportQueue) -> None:
    argus = new_member(env, staff, "argus@example.jp")
    _set_profile(argus, company_name='=HYPERLINK("http://evil.example")', subscriptions={"argus": True, "direct_mail": False}, user={"department": "+総務部"})
    _set_profile(member, subscriptions={"argus": False, "direct_mail": True})
    new_member(env, staff, "pending-never@example.jp")  # active too, wants nothing by post

    state = export(staff, queue, {"kind": "members", "service": "argus"})
    assert state["filename"].startswith("名簿-アーガス送付-") and state["filename"].endswith(".csv")
    rows = _rows(state)
    assert rows[0] == HEADER
    assert [r[8] for r in rows[1:]] == ["argus@example.jp"]
    assert rows[1][1] == '\'=HYPERLINK("http://evil.example")'  # shown as text, never evaluated
    assert rows[1][6] == "'+総務部"

    mail = [r[8] for r in _rows(export(staff, queue, {"kind": "members", "service": "direct_mail"}))[1:]]
    assert "argus@example.jp" not in mail and "chushojiro@netclub.example" in mail

    everyone = [r[8] for r in _rows(export(staff, queue, {"kind": "members"}))[1:]]
    assert {"argus@example.jp", "pending-never@example.jp", "chushojiro@netclub.example"} <= set(everyone)
    assert "staff@netclub.example" not in everyone  # members only

    log = staff.get("/api/admin/audit-log").body["items"]
    assert [(e["action"], e["target"]) for e in log[:3]] == [
        ("members.export", "members:active"),
        ("members.export", "members:direct_mail"),
        ("members.export", "members:argus"),
    ]
    assert log[0]["detail"]["export_id"]


def test_members_only_the_active_ones(env: Env, staff: Portal, queue: ExportQueue) -> None:
    visitor = env.new_client()
    assert visitor.post("/api/registrations", {"email": "waiting@example.jp", "email_confirm": "waiting@example.jp"}).status == 202
    everyone = [r[8] for r in _rows(export(staff, queue, {"kind": "members"}))[1:]]
    assert "waiting@example.jp" not in everyone


def test_attendees_of_an_offering_with_their_slot_and_state(env: Env, staff: Portal, member: Portal, queue: ExportQueue) -> None:
    seminar = offering(staff, capacities=(3, 5))
    other = new_member(env, staff, "attendee@example.jp")
    gone = new_member(env, staff, "gone@example.jp")
    for client, slot in ((member, 1), (other, 0), (gone, 0)):
        answer = client.post("/api/reservations", {"offering_id": seminar["id"], "slot_id": seminar["slots"][slot]["id"]})
        assert answer.status == 201, answer.body
    cancelled = gone.get("/api/reservations").body["items"][0]["id"]
    assert gone.delete(f"/api/reservations/{cancelled}").status == 200

    state = export(staff, queue, {"kind": "attendees", "offering_id": seminar["id"]})
    assert state["filename"].startswith("参加者名簿-経営セミナー-")
    rows = _rows(state)
    assert rows[0] == [*HEADER, "日程", "状況"]
    first, second = seminar["slots"]
    assert [(r[8], r[9], r[10]) for r in rows[1:]] == [
        ("attendee@example.jp", f"{first['date']} 14:00〜16:00", "予約済み"),
        ("chushojiro@netclub.example", f"{second['date']} 14:00〜16:00", "予約済み"),
    ]
    log = staff.get("/api/admin/audit-log").body["items"]
    assert (log[0]["action"], log[0]["target"]) == ("attendees.export", f"offering:{seminar['id']}")
    missing = staff.post("/api/admin/exports", {"kind": "attendees", "offering_id": "nope"})
    assert missing.status == 404 and "見つかりません" in missing.error["message"]
    assert queue.drain() == 0  # nothing started


def test_staff_only_each_job_its_requesters_and_bad_input(env: Env, staff: Portal, member: Portal, queue: ExportQueue) -> None:
    assert member.post("/api/admin/exports", {"kind": "members"}).status == 403
    assert env.new_client().post("/api/admin/exports", {"kind": "members"}).status == 401
    state = export(staff, queue, {"kind": "members"})
    assert member.get(f"/api/admin/exports/{state['export_id']}").status == 403  # a member never reaches the route

    from tests.functional.test_aws_faults import Ctx

    colleague, _ = Ctx(env, staff, member, pytest.MonkeyPatch()).new_staff()
    other = colleague.get(f"/api/admin/exports/{state['export_id']}")
    assert other.status == 404, other.body  # another staff member's job: the link is its requester's only
    assert staff.get("/api/admin/exports/unknown").status == 404

    for body, field in (
        ({"kind": "members", "service": "everyone"}, "service"),
        ({"kind": "everything"}, "kind"),
        ({"kind": "attendees"}, "offering_id"),
    ):
        bad = staff.post("/api/admin/exports", body)
        assert bad.status == 400, bad.body
        assert field in bad.field_messages(), bad.body
        assert any("\u3040" <= ch <= "\u9fff" for ch in bad.field_messages()[field]), bad.body


def test_a_failing_build_leaves_the_job_failed_with_a_japanese_message(env: Env, staff: Portal, queue: ExportQueue, monkeypatch: pytest.MonkeyPatch) -> None:
    from netclub.services import exports

    def broken(service: Any) -> Any:
        raise RuntimeError("DynamoDB went away")

    monkeypatch.setattr(exports, "member_rows", broken)
    state = export(staff, queue, {"kind": "members"})
    assert state["status"] == "failed" and state["download_url"] is None
    assert "もう一度出力してください" in state["failed_message"]
    assert queue.poller.failed == 0  # told through the job, not retried


def test_a_worker_that_died_is_answered_failed_later_and_an_old_file_expired(
    env: Env, staff: Portal, queue: ExportQueue, monkeypatch: pytest.MonkeyPatch
) -> None:
    from netclub import clock

    started = staff.post("/api/admin/exports", {"kind": "members"})
    assert started.status == 202
    export_id = started.body["export_id"]
    later = clock.now() + dt.timedelta(minutes=16)  # the worker never came (or timed out each time)
    monkeypatch.setattr(clock, "now", lambda: later)
    assert staff.login("staff@netclub.example", "Staff#2026pass").status == 200
    state = staff.get(f"/api/admin/exports/{export_id}").body
    assert state["status"] == "failed" and "時間がかかりすぎた" in state["failed_message"]
    queue.drain()  # the message comes at last: the job stays failed, no file is built for it
    assert staff.get(f"/api/admin/exports/{export_id}").body["status"] == "failed"

    ready = export(staff, queue, {"kind": "members"})
    assert ready["status"] == "ready"
    day_later = later + dt.timedelta(days=1, minutes=1)
    monkeypatch.setattr(clock, "now", lambda: day_later)
    assert staff.login("staff@netclub.example", "Staff#2026pass").status == 200
    gone = staff.get(f"/api/admin/exports/{ready['export_id']}").body
    assert gone["status"] == "expired" and gone["download_url"] is None


def test_sqs_refusing_the_message_fails_the_request_and_the_job(env: Env, staff: Portal, monkeypatch: pytest.MonkeyPatch) -> None:
    from netclub import queue as sqs

    def refused(url: str, bodies: list[str]) -> int:
        raise sqs.NotQueued("SQS did not take every message")

    monkeypatch.setattr(sqs, "send_all", refused)
    answer = staff.post("/api/admin/exports", {"kind": "members"})
    assert answer.status == 503, answer.body
    export_id = staff.get("/api/admin/audit-log").body["items"][0]["detail"]["export_id"]
    state = staff.get(f"/api/admin/exports/{export_id}").body
    assert state["status"] == "failed" and "もう一度出力してください" in state["failed_message"]
