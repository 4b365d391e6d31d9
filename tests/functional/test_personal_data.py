"""個人情報保護法: 登録情報のダウンロード (開示), 削除請求 (erasure) and the retention schedule, with the clock moved."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from netclub import clock
from netclub.store import dynamo, keys

from tests.conftest import SCHEDULED_EVENT, Env, Portal
from tests.functional.reservation_helpers import PASSWORD, new_member, offering
from tests.functional.test_inquiries import _put_object


def _member_id(client: Portal) -> str:
    return str(client.get("/api/me").body["member_id"])


def _inquiry_with_attachment(staff: Portal, client: Portal) -> dict[str, Any]:
    kinds = client.get("/api/inquiry-kinds").body["items"] or [staff.post("/api/admin/inquiry-kinds", {"name": "経営相談"}).body]
    ticket = client.post("/api/attachments", {"filename": "決算書.pdf", "content_type": "application/pdf", "size": 9})
    assert ticket.status == 201, ticket.body
    _put_object(ticket.body["upload"]["fields"]["key"], b"%PDF-1.4\n", "application/pdf")
    made = client.post(
        "/api/inquiries", {"kind_id": kinds[0]["id"], "content": "資金繰りの相談です。電話 03-1111-2222", "attachment_ids": [ticket.body["attachment_id"]]}
    )
    assert made.status == 201, made.body
    return dict(made.body)


def _objects(prefix: str) -> list[str]:
    """The attachment objects under a prefix (boto3's own client: the portal's knows no ListObjects)."""
    import boto3
    from netclub.config import get_settings

    answer = boto3.client("s3", region_name=get_settings().region).list_objects_v2(Bucket=get_settings().attachments_bucket, Prefix=prefix)
    return [o["Key"] for o in answer.get("Contents", [])]


def test_the_download_holds_everything_about_the_member_and_nothing_secret(env: Env, staff: Portal) -> None:
    client = new_member(env, staff, "mydata@example.jp")
    member_id = _member_id(client)
    # a staff note (公社メモ) the member must never see
    detail = staff.get(f"/api/admin/members/{member_id}").body
    body = {**detail["profile"], "staff_fields": {**detail["staff_fields"], "member_number": "NC-77", "note": "支払い遅延あり（内部）"}}
    assert staff.put(f"/api/admin/members/{member_id}/profile", body).status == 200
    seminar = offering(staff)
    assert client.post("/api/reservations", {"offering_id": seminar["id"], "slot_id": seminar["slots"][0]["id"], "note": "車椅子で伺います"}).status == 201
    inquiry = _inquiry_with_attachment(staff, client)
    client.get("/api/me/calendar-feed")

    answer = client.get("/api/me/data-export")
    assert answer.status == 200 and answer.headers["Content-Disposition"].startswith('attachment; filename="netclub-my-data-')
    assert answer.headers["Content-Type"].startswith("application/json")
    data = answer.body if isinstance(answer.body, dict) else json.loads(answer.body)
    assert data["member"]["email"] == "mydata@example.jp" and data["member"]["profile"]["company_name"] == "創業太郎"
    assert data["member"]["staff_fields"] == {"member_number": "NC-77"}  # the note stays the organisation's
    assert [r["note"] for r in data["reservations"]] == ["車椅子で伺います"]
    (mine,) = data["inquiries"]
    assert mine["id"] == inquiry["id"] and [a["filename"] for a in mine["attachments"]] == ["決算書.pdf"]
    assert data["calendar_feed"]["issued_at"]
    assert {e["action"] for e in data["audit_entries"]} >= {"member.approve", "member.profile.update"}
    text = json.dumps(data, ensure_ascii=False)
    member = dynamo.get(*keys.member(member_id))
    assert member and str(member["password_hash"]) not in text and "$argon2" not in text and "支払い遅延" not in text
    assert "attachments/" not in text and '"PK"' not in text and "csrf" not in text
    # only one's own: there is no way to name another member
    assert env.new_client().get("/api/me/data-export").status == 401


def test_an_admin_erases_a_member_at_once_and_the_audit_stays_without_the_data(env: Env, staff: Portal) -> None:
    client = new_member(env, staff, "erase-me@example.jp")
    member_id = _member_id(client)
    seminar = offering(staff)
    booked = client.post("/api/reservations", {"offering_id": seminar["id"], "slot_id": seminar["slots"][0]["id"], "note": "個人的な事情"})
    assert booked.status == 201
    inquiry = _inquiry_with_attachment(staff, client)
    stored = [a["key"] for a in dynamo.get(keys.member(member_id)[0], f"INQUIRY#{inquiry['id']}")["attachments"]]  # type: ignore[index]
    assert _objects(stored[0]) == stored

    answer = staff.post(f"/api/admin/members/{member_id}/erase")
    assert answer.status == 200, answer.body
    assert answer.body == {"member_id": member_id, "status": "erased", "inquiries": 1, "attachments": 1, "business_contacts": 0, "reservations": 1}
    assert client.get("/api/me").status == 401  # withdrawn first: the session ended
    member = dynamo.get(*keys.member(member_id))
    assert member and member["status"] == "erased" and member["email"] == "" and member["profile"] == {} and "password_hash" not in member
    assert "erase-me" not in json.dumps(member, ensure_ascii=False, default=str)
    assert dynamo.get(*keys.email("erase-me@example.jp")) is None
    kept = dynamo.get(keys.member(member_id)[0], f"INQUIRY#{inquiry['id']}")
    assert kept and kept["content"] == "（削除請求により削除）" and kept["attachments"] == [] and kept["receipt_no"] == inquiry["receipt_no"]
    assert _objects(stored[0]) == []
    snapshot = staff.get(f"/api/admin/offerings/{seminar['id']}/reservations").body["items"]
    assert all("創業太郎" not in json.dumps(s, ensure_ascii=False) and s.get("note", "") == "" for s in snapshot), snapshot
    entries = staff.get("/api/admin/audit-log").body["items"]
    erased = next(e for e in entries if e["action"] == "member.erase")
    assert erased["target"] == f"member:{member_id}" and "erase-me" not in json.dumps(erased, ensure_ascii=False)
    assert any(e["action"] == "member.withdraw" and e["target"] == f"member:{member_id}" for e in entries)
    again = staff.post(f"/api/admin/members/{member_id}/erase")
    assert again.status == 409 and again.error["code"] == "already_erased"
    assert env.new_client().post(f"/api/admin/members/{member_id}/erase").status == 401


def test_only_an_admin_erases(env: Env, staff: Portal, member: Portal, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.functional.test_aws_faults import Ctx

    desk, _ = Ctx(env, staff, member, monkeypatch).new_staff(role="staff")
    target = new_member(env, staff, "kept@example.jp")
    assert desk.post(f"/api/admin/members/{_member_id(target)}/erase").status == 403
    assert member.post(f"/api/admin/members/{_member_id(target)}/erase").status == 403
    assert target.get("/api/me").status == 200


def test_the_retention_schedule_with_the_clock_moved(env: Env, staff: Portal, monkeypatch: pytest.MonkeyPatch) -> None:
    early = new_member(env, staff, "left-early@example.jp")
    recent = new_member(env, staff, "left-recently@example.jp")
    asker = new_member(env, staff, "asked@example.jp")
    early_id, recent_id, asker_id = _member_id(early), _member_id(recent), _member_id(asker)
    inquiry = _inquiry_with_attachment(staff, asker)
    key = dynamo.get(keys.member(asker_id)[0], f"INQUIRY#{inquiry['id']}")["attachments"][0]["key"]  # type: ignore[index]
    assert staff.post(f"/api/admin/inquiries/{inquiry['id']}/close").status == 200
    start = clock.now()
    assert early.post("/api/me/withdrawal", {"password": PASSWORD}).status == 200
    monkeypatch.setattr(clock, "now", lambda: start + dt.timedelta(days=200))
    assert recent.login("left-recently@example.jp", PASSWORD).status == 200  # its session of 200 days ago has long expired
    assert recent.post("/api/me/withdrawal", {"password": PASSWORD}).status == 200

    # 200 days on: the attachments (180 days after closing) go; nobody is anonymised yet (365 days)
    first = env.invoke("PersonalDataRetentionFunction", SCHEDULED_EVENT)
    assert first == {"members_erased": 0, "member_failures": 0, "inquiries_cleared": 1, "attachments_deleted": 1}, first
    assert _objects(key) == []
    cleared = dynamo.get(keys.member(asker_id)[0], f"INQUIRY#{inquiry['id']}")
    assert cleared and cleared["attachments"] == [] and cleared["content"].startswith("資金繰り")  # the words stay: only the files' time is up
    # 400 days on: the member who left first is anonymised, the one who left 200 days later is not
    monkeypatch.setattr(clock, "now", lambda: start + dt.timedelta(days=400))
    second = env.invoke("PersonalDataRetentionFunction", SCHEDULED_EVENT)
    assert second["members_erased"] == 1 and second["inquiries_cleared"] == 0, second
    assert dynamo.get(*keys.member(early_id))["status"] == "erased"  # type: ignore[index]
    assert dynamo.get(*keys.member(recent_id))["status"] == "withdrawn"  # type: ignore[index]
    # idempotent: run again, nothing more
    assert env.invoke("PersonalDataRetentionFunction", SCHEDULED_EVENT)["members_erased"] == 0
    monkeypatch.setattr(clock, "now", lambda: start + dt.timedelta(days=600))
    assert env.invoke("PersonalDataRetentionFunction", SCHEDULED_EVENT)["members_erased"] == 1
    assert dynamo.get(*keys.member(recent_id))["status"] == "erased"  # type: ignore[index]
