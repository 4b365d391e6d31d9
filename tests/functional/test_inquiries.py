"""お問い合わせ: kinds, presigned uploads and their HeadObject checks, inquiries, the staff desk."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from tests.conftest import DEMO, Env, Portal

MB10 = 10 * 1024 * 1024


def _kind(staff: Portal, name: str = "経営相談", **extra: Any) -> str:
    answer = staff.post("/api/admin/inquiry-kinds", {"name": name, "description": "説明", **extra})
    assert answer.status == 201, answer.body
    return str(answer.body["id"])


def _put_object(key: str, data: bytes, content_type: str) -> None:
    from netclub.aws import client
    from netclub.config import get_settings

    client("s3").put_object(Bucket=get_settings().attachments_bucket, Key=key, Body=data, ContentType=content_type)


def _attach(
    member: Portal,
    data: bytes = b"hello\n",
    filename: str = "資料.txt",
    content_type: str = "text/plain",
    declared: int | None = None,
    upload_type: str | None = None,
) -> str:
    answer = member.post("/api/attachments", {"filename": filename, "content_type": content_type, "size": len(data) if declared is None else declared})
    assert answer.status == 201, answer.body
    # the browser's POST to S3, as moto stores it (moto does not enforce the POST policy)
    _put_object(answer.body["upload"]["fields"]["key"], data, upload_type or content_type)
    return str(answer.body["attachment_id"])


def _other_member(env: Env) -> Portal:
    from netclub.store import accounts

    from local.seed import _member

    other = _member("other@example.jp", "Other#2026pass", "member", "株式会社ほか", "他社太郎", {})
    accounts.create_member(other)
    client = env.new_client()
    assert client.login("other@example.jp", "Other#2026pass").status == 200
    return client


# --- kinds ----------------------------------------------------------------------------------


def test_staff_manage_kinds_and_members_see_active_ones(staff: Portal, member: Portal) -> None:
    first = _kind(staff, "経営相談", sort_order=20)
    second = _kind(staff, "助成金制度", sort_order=10)
    hidden = _kind(staff, "非公開", active=False)
    assert [k["name"] for k in member.get("/api/inquiry-kinds").body["items"]] == ["助成金制度", "経営相談"]
    assert len(staff.get("/api/admin/inquiry-kinds").body["items"]) == 3
    updated = staff.put(f"/api/admin/inquiry-kinds/{first}", {"name": "経営相談（一般）", "sort_order": 5})
    assert updated.status == 200 and updated.body["name"] == "経営相談（一般）"
    assert staff.delete(f"/api/admin/inquiry-kinds/{second}").status == 204
    assert [k["id"] for k in member.get("/api/inquiry-kinds").body["items"]] == [first]
    assert staff.delete(f"/api/admin/inquiry-kinds/{second}").status == 404
    assert staff.put("/api/admin/inquiry-kinds/nope", {"name": "x"}).status == 404
    assert staff.post("/api/admin/inquiry-kinds", {"name": ""}).status == 400
    assert hidden
    from netclub.services import audit

    actions = {e["action"] for e in audit.page()[0]}
    assert {"inquiry_kind.create", "inquiry_kind.update", "inquiry_kind.delete"} <= actions


def test_members_cannot_manage_kinds(member: Portal) -> None:
    assert member.post("/api/admin/inquiry-kinds", {"name": "x"}).status == 403
    assert member.get("/api/admin/inquiry-kinds").status == 403


# --- attachments ----------------------------------------------------------------------------


def test_attachment_answers_a_presigned_post_under_the_members_prefix(env: Env, member: Portal) -> None:
    answer = member.post(
        "/api/attachments",
        {"filename": "C:\\Users\\me\\参考資料.xlsx", "content_type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "size": 1234},
    )
    assert answer.status == 201
    fields = answer.body["upload"]["fields"]
    assert fields["key"] == f"uploads/{env.accounts['member']}/{answer.body['attachment_id']}"
    assert "参考資料" not in fields["key"]
    assert fields["x-amz-algorithm"] == "AWS4-HMAC-SHA256"
    policy = json.loads(base64.b64decode(fields["policy"]))
    assert ["content-length-range", 1, MB10] in policy["conditions"]
    assert {"Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"} in policy["conditions"]
    assert answer.body["expires_at"]
    assert answer.body["upload"]["url"]


def test_attachment_over_10mb_is_413_pointing_to_compression(member: Portal) -> None:
    answer = member.post("/api/attachments", {"filename": "big.pdf", "content_type": "application/pdf", "size": MB10 + 1})
    assert answer.status == 413
    assert answer.error["code"] == "too_large"
    assert "圧縮" in answer.error["message"]
    assert member.post("/api/attachments", {"filename": "ok.pdf", "content_type": "application/pdf", "size": MB10}).status == 201


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"filename": "x.exe", "content_type": "application/x-msdownload", "size": 10}, "content_type"),
        ({"filename": "x.exe", "content_type": "text/plain", "size": 10}, "filename"),
        ({"filename": "x.txt", "content_type": "text/plain", "size": 0}, "size"),
        ({"filename": "", "content_type": "text/plain", "size": 1}, "filename"),
        ({"filename": "x.txt", "content_type": "text/plain", "size": "many"}, "size"),
    ],
)
def test_attachment_refusals(member: Portal, body: dict[str, Any], field: str) -> None:
    answer = member.post("/api/attachments", body)
    assert answer.status == 400
    assert field in answer.field_messages()


def test_attachment_needs_a_session(portal: Portal) -> None:
    assert portal.post("/api/attachments", {"filename": "a.txt", "content_type": "text/plain", "size": 1}).status == 401


# --- submitting -----------------------------------------------------------------------------


def test_submit_with_attachment_moves_it_mails_a_receipt_and_adds_history(env: Env, staff: Portal, member: Portal) -> None:
    kind = _kind(staff)
    attachment = _attach(member, b"a,b\n1,2\n", "売上.csv", "text/csv")
    answer = member.post("/api/inquiries", {"kind_id": kind, "content": "販路について相談したい。", "attachment_ids": [attachment]})
    assert answer.status == 201, answer.body
    inquiry = answer.body
    assert inquiry["status"] == "open"
    assert inquiry["attachments"] == [{"attachment_id": attachment, "filename": "売上.csv", "size": 8, "content_type": "text/csv"}]
    from netclub.files import s3

    member_id = env.accounts["member"]
    assert s3.head(f"uploads/{member_id}/{attachment}") is None
    assert s3.head(f"attachments/{member_id}/{inquiry['id']}/{attachment}") is not None
    receipt = [m for m in env.mails(DEMO[0]) if "お問い合わせを受け付けました" in m["subject"]]
    assert receipt and inquiry["receipt_no"] in receipt[0]["body"]
    from netclub.store import dynamo

    rows, _ = dynamo.query(f"HISTORY#{member_id}", index="GSI2", forward=False)
    row = next(r for r in rows if r.get("ref_id") == inquiry["id"])
    assert row["history_type"] == "inquiry" and row["history_status"] == "open"
    assert row["history_title"] == "お問い合わせ（経営相談）"
    assert len(row["history_date"]) == 10
    assert row["GSI2SK"].endswith("#" + inquiry["id"])


def test_content_is_counted_as_a_person_counts(staff: Portal, member: Portal) -> None:
    kind = _kind(staff)
    family = "👨‍👩‍👧"  # 5 code points, one character for a person
    assert member.post("/api/inquiries", {"kind_id": kind, "content": family * 800}).status == 201
    too_long = member.post("/api/inquiries", {"kind_id": kind, "content": "あ" * 801})
    assert too_long.status == 400
    assert "800文字" in too_long.field_messages()["content"]
    assert member.post("/api/inquiries", {"kind_id": kind, "content": "が" * 800}).status == 201
    assert member.post("/api/inquiries", {"kind_id": kind, "content": "か\u3099" * 800}).status == 201  # か + combining 濁点
    assert "content" in member.post("/api/inquiries", {"kind_id": kind, "content": "  \n "}).field_messages()
    assert "kind_id" in member.post("/api/inquiries", {"kind_id": "unknown", "content": "x"}).field_messages()
    assert member.post("/api/inquiries", {"kind_id": kind, "content": "x" * 30000}).status == 400


def test_at_most_five_attachments(staff: Portal, member: Portal) -> None:
    kind = _kind(staff)
    ids = [_attach(member) for _ in range(6)]
    answer = member.post("/api/inquiries", {"kind_id": kind, "content": "x", "attachment_ids": ids})
    assert answer.status == 400
    assert "attachment_ids" in answer.field_messages()
    assert member.post("/api/inquiries", {"kind_id": kind, "content": "x", "attachment_ids": ids[:5]}).status == 201


def test_another_members_attachment_is_404(env: Env, staff: Portal, member: Portal) -> None:
    kind = _kind(staff)
    theirs = _attach(_other_member(env))
    answer = member.post("/api/inquiries", {"kind_id": kind, "content": "x", "attachment_ids": [theirs]})
    assert answer.status == 404
    assert member.post("/api/inquiries", {"kind_id": kind, "content": "x", "attachment_ids": ["no-such-id"]}).status == 404


def test_oversize_upload_is_refused_at_head_object(staff: Portal, member: Portal) -> None:
    kind = _kind(staff)
    attachment = _attach(member, b"x" * (MB10 + 1), "big.txt", declared=100)
    answer = member.post("/api/inquiries", {"kind_id": kind, "content": "x", "attachment_ids": [attachment]})
    assert answer.status == 413
    assert "圧縮" in answer.error["message"]


def test_upload_larger_than_declared_is_refused_at_submission(staff: Portal, member: Portal) -> None:
    kind = _kind(staff)
    attachment = _attach(member, b"x" * 2000, "a.txt", declared=1000)
    answer = member.post("/api/inquiries", {"kind_id": kind, "content": "x", "attachment_ids": [attachment]})
    assert answer.status == 400
    assert "attachment_ids.0" in answer.field_messages()


def test_wrong_type_upload_is_refused_at_head_object(staff: Portal, member: Portal) -> None:
    kind = _kind(staff)
    attachment = _attach(member, b"MZ\x90\x00", "a.txt", upload_type="application/x-msdownload")
    answer = member.post("/api/inquiries", {"kind_id": kind, "content": "x", "attachment_ids": [attachment]})
    assert answer.status == 400
    assert "形式" in answer.field_messages()["attachment_ids.0"]


def test_attachment_never_uploaded_is_400(staff: Portal, member: Portal) -> None:
    kind = _kind(staff)
    started = member.post("/api/attachments", {"filename": "a.txt", "content_type": "text/plain", "size": 5})
    answer = member.post("/api/inquiries", {"kind_id": kind, "content": "x", "attachment_ids": [started.body["attachment_id"]]})
    assert answer.status == 400
    assert "アップロードが完了していません" in answer.field_messages()["attachment_ids.0"]


def test_an_attachment_goes_with_one_inquiry_only(staff: Portal, member: Portal) -> None:
    kind = _kind(staff)
    attachment = _attach(member)
    assert member.post("/api/inquiries", {"kind_id": kind, "content": "1", "attachment_ids": [attachment]}).status == 201
    again = member.post("/api/inquiries", {"kind_id": kind, "content": "2", "attachment_ids": [attachment]})
    assert again.status == 409


def test_idempotency_key_creates_one_inquiry(staff: Portal, member: Portal) -> None:
    kind = _kind(staff)
    body = {"kind_id": kind, "content": "一度だけ"}
    first = member.post("/api/inquiries", body, headers={"Idempotency-Key": "inq-1"})
    second = member.post("/api/inquiries", body, headers={"Idempotency-Key": "inq-1"})
    assert first.status == second.status == 201
    assert first.body["id"] == second.body["id"]
    assert len(member.get("/api/inquiries").body["items"]) == 1
    reused = member.post("/api/inquiries", {**body, "content": "別の内容"}, headers={"Idempotency-Key": "inq-1"})
    assert reused.status == 409
    assert member.post("/api/inquiries", body, headers={"Idempotency-Key": "k" * 129}).status == 400


def test_members_read_only_their_own_inquiries(env: Env, staff: Portal, member: Portal) -> None:
    kind = _kind(staff)
    mine = member.post("/api/inquiries", {"kind_id": kind, "content": "自社の相談"}).body
    other = _other_member(env)
    theirs = other.post("/api/inquiries", {"kind_id": kind, "content": "他社の相談"}).body
    assert [i["id"] for i in member.get("/api/inquiries").body["items"]] == [mine["id"]]
    assert member.get(f"/api/inquiries/{mine['id']}").status == 200
    assert member.get(f"/api/inquiries/{theirs['id']}").status == 404
    assert other.get(f"/api/inquiries/{mine['id']}").status == 404
    assert member.get("/api/inquiries?cursor=%%%").status == 400


def test_member_list_pages_newest_first(staff: Portal, member: Portal) -> None:
    kind = _kind(staff)
    ids = [member.post("/api/inquiries", {"kind_id": kind, "content": f"相談{n}"}).body["id"] for n in range(3)]
    page = member.get("/api/inquiries").body
    assert [i["id"] for i in page["items"]] == list(reversed(ids))
    assert page["next_cursor"] is None


# --- the staff desk -------------------------------------------------------------------------


def test_staff_desk_lists_reads_replies_and_closes(env: Env, staff: Portal, member: Portal) -> None:
    import urllib.parse

    kind = _kind(staff)
    attachment = _attach(member, b"%PDF-1.4\n", "見積書.pdf", "application/pdf")
    inquiry = member.post("/api/inquiries", {"kind_id": kind, "content": "回答をお願いします", "attachment_ids": [attachment]}).body
    listed = staff.get("/api/admin/inquiries?status=open").body["items"]
    assert [i["id"] for i in listed] == [inquiry["id"]]
    assert listed[0]["company_name"] == "株式会社中小ニット" and listed[0]["attachment_count"] == 1
    detail = staff.get(f"/api/admin/inquiries/{inquiry['id']}").body
    link = detail["attachments"][0]["download_url"]
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(link).query)
    assert query["X-Amz-Expires"] == ["300"]
    assert "見積書.pdf" in urllib.parse.unquote(query["response-content-disposition"][0])
    assert detail["email"] == DEMO[0]
    replied = staff.post(f"/api/admin/inquiries/{inquiry['id']}/reply", {"body": "ご回答いたします。"})
    assert replied.status == 200 and replied.body["status"] == "answered"
    assert any("回答" in m["subject"] and "ご回答いたします。" in m["body"] for m in env.mails(DEMO[0]))
    seen = member.get(f"/api/inquiries/{inquiry['id']}").body
    assert seen["status"] == "answered"
    assert [r["body"] for r in seen["replies"]] == ["ご回答いたします。"]
    assert "staff_id" not in seen["replies"][0]
    assert staff.get("/api/admin/inquiries?status=open").body["items"] == []
    assert [i["id"] for i in staff.get("/api/admin/inquiries?status=answered").body["items"]] == [inquiry["id"]]
    assert staff.post(f"/api/admin/inquiries/{inquiry['id']}/close").body["status"] == "closed"
    assert staff.post(f"/api/admin/inquiries/{inquiry['id']}/close").status == 409
    assert staff.post(f"/api/admin/inquiries/{inquiry['id']}/reply", {"body": "追記"}).status == 409
    from netclub.services import audit
    from netclub.store import dynamo

    actions = {(e["action"], e["target"]) for e in audit.page()[0]}
    assert {("inquiry.reply", f"inquiry:{inquiry['id']}"), ("inquiry.close", f"inquiry:{inquiry['id']}")} <= actions
    rows, _ = dynamo.query(f"HISTORY#{env.accounts['member']}", index="GSI2")
    assert next(r for r in rows if r["ref_id"] == inquiry["id"])["history_status"] == "closed"


def test_staff_desk_errors(staff: Portal, member: Portal) -> None:
    assert staff.get("/api/admin/inquiries/unknown").status == 404
    assert staff.post("/api/admin/inquiries/unknown/reply", {"body": "x"}).status == 404
    assert staff.post("/api/admin/inquiries/unknown/close").status == 404
    assert staff.get("/api/admin/inquiries?status=bogus").status == 400
    assert member.get("/api/admin/inquiries").status == 403
    kind = _kind(staff)
    inquiry = member.post("/api/inquiries", {"kind_id": kind, "content": "x"}).body
    assert staff.post(f"/api/admin/inquiries/{inquiry['id']}/reply", {"body": ""}).status == 400
