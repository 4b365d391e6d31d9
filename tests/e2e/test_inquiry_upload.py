"""お問い合わせ with a real file over HTTP: the browser's multipart POST to the presigned URL, then the inquiry."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid

import pytest

from tests.conftest import STAFF
from tests.stackutil import LocalStack

pytestmark = pytest.mark.e2e

DEMO = ("chushojiro@netclub.example", "Demo#2026pass")


def _browser_upload(url: str, fields: dict[str, str], filename: str, data: bytes, content_type: str) -> int:
    """multipart/form-data as a browser's FormData sends it: the policy fields first, the file last."""
    boundary = uuid.uuid4().hex
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode() for name, value in fields.items()]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'.encode() + data + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    request = urllib.request.Request(url, data=b"".join(parts), method="POST", headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as err:
        return int(err.code)


def test_upload_a_file_and_send_an_inquiry(local_stack: LocalStack) -> None:
    member = local_stack.client()
    assert member.login(*DEMO).status == 200
    kinds = member.get("/api/inquiry-kinds").body["items"]
    assert "経営相談" in [k["name"] for k in kinds]
    kind = next(k for k in kinds if k["name"] == "経営相談")

    data = ("売上,数量\n" + "2026-04,120\n" * 500).encode("utf-8")
    started = member.post("/api/attachments", {"filename": "売上資料.csv", "content_type": "text/csv", "size": len(data)})
    assert started.status == 201, started.body
    upload = started.body["upload"]
    assert upload["url"].startswith(local_stack.url + "/_s3/")
    assert _browser_upload(upload["url"], upload["fields"], "売上資料.csv", data, "text/csv") in (200, 201, 204)

    sent = member.post(
        "/api/inquiries",
        {"kind_id": kind["id"], "content": "添付の資料について、販路開拓のご相談です。", "attachment_ids": [started.body["attachment_id"]]},
        headers={"Idempotency-Key": uuid.uuid4().hex},
    )
    assert sent.status == 201, sent.body
    assert sent.body["attachments"][0]["size"] == len(data)
    receipt = local_stack.wait_for_mail(DEMO[0], "お問い合わせを受け付けました")
    assert sent.body["receipt_no"] in receipt["body"]
    assert sent.body["id"] in [i["id"] for i in member.get("/api/inquiries").body["items"]]

    # the staff desk downloads the very same bytes through a short-lived link
    staff = local_stack.client()
    assert staff.login(*STAFF).status == 200
    detail = staff.get(f"/api/admin/inquiries/{sent.body['id']}").body
    with urllib.request.urlopen(detail["attachments"][0]["download_url"], timeout=30) as answer:
        assert answer.read() == data


def test_upload_bigger_than_declared_is_refused_at_submission(local_stack: LocalStack) -> None:
    member = local_stack.client()
    assert member.login(*DEMO).status == 200
    kind = member.get("/api/inquiry-kinds").body["items"][0]
    started = member.post("/api/attachments", {"filename": "memo.txt", "content_type": "text/plain", "size": 10})
    assert started.status == 201
    upload = started.body["upload"]
    _browser_upload(upload["url"], upload["fields"], "memo.txt", b"x" * 5000, "text/plain")  # moto accepts what S3 would refuse
    sent = member.post("/api/inquiries", {"kind_id": kind["id"], "content": "申告より大きいファイル", "attachment_ids": [started.body["attachment_id"]]})
    assert sent.status == 400
    assert "attachment_ids.0" in {f["field"] for f in sent.body["error"]["fields"]}
    assert json.dumps(sent.body, ensure_ascii=False).count("もう一度添付") == 1
