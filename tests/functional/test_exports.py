"""名簿出力 (GET /api/admin/exports/members.csv) and 参加者名簿 (GET /api/admin/offerings/{id}/attendees.csv):
Excel-ready CSV (UTF-8 with a BOM, Japanese header row, CRLF), the right members only, formula cells
neutralised, staff only, audit-logged."""

from __future__ import annotations

import copy
import csv
import io
from typing import Any

from tests.conftest import Env, Portal
from tests.functional.reservation_helpers import new_member, offering

HEADER = ["会員番号", "企業名", "事業所名", "郵便番号", "住所", "担当者名", "部署", "電話番号", "メールアドレス"]


def _rows(answer: Any) -> list[list[str]]:
    assert answer.status == 200, answer.body
    assert answer.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert answer.headers["Content-Disposition"].startswith("attachment; filename=")
    assert answer.raw.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads UTF-8
    text = answer.raw.decode("utf-8")
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")  # CRLF only
    return list(csv.reader(io.StringIO(text[1:], newline="")))


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


def test_members_by_service_with_a_japanese_header_and_excel_safe_cells(env: Env, staff: Portal, member: Portal) -> None:
    argus = new_member(env, staff, "argus@example.jp")
    _set_profile(argus, company_name='=HYPERLINK("http://evil.example")', subscriptions={"argus": True, "direct_mail": False}, user={"department": "+総務部"})
    _set_profile(member, subscriptions={"argus": False, "direct_mail": True})
    new_member(env, staff, "pending-never@example.jp")  # active too, wants nothing by post

    rows = _rows(staff.get("/api/admin/exports/members.csv?service=argus"))
    assert rows[0] == HEADER
    assert [r[8] for r in rows[1:]] == ["argus@example.jp"]
    assert rows[1][1] == '\'=HYPERLINK("http://evil.example")'  # shown as text, never evaluated
    assert rows[1][6] == "'+総務部"

    mail = [r[8] for r in _rows(staff.get("/api/admin/exports/members.csv?service=direct_mail"))[1:]]
    assert "argus@example.jp" not in mail and "chushojiro@netclub.example" in mail

    everyone = [r[8] for r in _rows(staff.get("/api/admin/exports/members.csv"))[1:]]
    assert {"argus@example.jp", "pending-never@example.jp", "chushojiro@netclub.example"} <= set(everyone)
    assert "staff@netclub.example" not in everyone  # members only

    log = staff.get("/api/admin/audit-log").body["items"]
    assert [(e["action"], e["target"]) for e in log[:3]] == [
        ("members.export", "members:active"),
        ("members.export", "members:direct_mail"),
        ("members.export", "members:argus"),
    ]


def test_members_only_the_active_ones(env: Env, staff: Portal) -> None:
    visitor = env.new_client()
    assert visitor.post("/api/registrations", {"email": "waiting@example.jp", "email_confirm": "waiting@example.jp"}).status == 202
    everyone = [r[8] for r in _rows(staff.get("/api/admin/exports/members.csv"))[1:]]
    assert "waiting@example.jp" not in everyone


def test_attendees_of_an_offering_with_their_slot_and_state(env: Env, staff: Portal, member: Portal) -> None:
    seminar = offering(staff, capacities=(3, 5))
    other = new_member(env, staff, "attendee@example.jp")
    gone = new_member(env, staff, "gone@example.jp")
    for client, slot in ((member, 1), (other, 0), (gone, 0)):
        answer = client.post("/api/reservations", {"offering_id": seminar["id"], "slot_id": seminar["slots"][slot]["id"]})
        assert answer.status == 201, answer.body
    cancelled = gone.get("/api/reservations").body["items"][0]["id"]
    assert gone.delete(f"/api/reservations/{cancelled}").status == 200

    rows = _rows(staff.get(f"/api/admin/offerings/{seminar['id']}/attendees.csv"))
    assert rows[0] == [*HEADER, "日程", "状況"]
    first, second = seminar["slots"]
    assert [(r[8], r[9], r[10]) for r in rows[1:]] == [
        ("attendee@example.jp", f"{first['date']} 14:00〜16:00", "予約済み"),
        ("chushojiro@netclub.example", f"{second['date']} 14:00〜16:00", "予約済み"),
    ]
    assert staff.get("/api/admin/offerings/nope/attendees.csv").status == 404


def test_staff_only_and_bad_input(env: Env, staff: Portal, member: Portal) -> None:
    assert member.get("/api/admin/exports/members.csv").status == 403
    assert member.get("/api/admin/offerings/x/attendees.csv").status == 403
    assert env.new_client().get("/api/admin/exports/members.csv").status == 401
    bad = staff.get("/api/admin/exports/members.csv?service=everyone")
    assert bad.status == 400, bad.body
    assert "service" in bad.field_messages()
