"""添付ファイル: presigned uploads under the member's own prefix, and the checks before an inquiry accepts them.

moto does not enforce a presigned POST's policy, and the browser cannot be trusted either, so the
object itself is checked with HeadObject at submission: it exists, it is this member's upload,
its real size is within 10 MB and not above what was declared, and its type is allowed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from netclub import clock, ids
from netclub.errors import Conflict, FieldError, NotFound, TooLarge, ValidationFailed, invalid
from netclub.files import s3
from netclub.models.inquiries import AttachmentRequest, AttachmentUpload, UploadForm
from netclub.store import inquiries as store

MAX_SIZE = 10 * 1024 * 1024  # 10,485,760 bytes
UPLOAD_EXPIRES_SECONDS = 15 * 60  # the presigned POST
KEEP_UNUSED_SECONDS = 24 * 3600  # an upload not sent with an inquiry by then is gone (S3 lifecycle on uploads/)
TOO_LARGE = "1ファイル最大10MBまでのファイルを添付できます。10MBを超える場合は、ファイルを圧縮（ZIP形式など）してから添付してください。"

# content type → file name extensions it may carry: office documents, PDF, images, zip, text
ALLOWED: dict[str, tuple[str, ...]] = {
    "application/pdf": (".pdf",),
    "application/msword": (".doc",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (".docx",),
    "application/vnd.ms-excel": (".xls", ".csv"),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (".xlsx",),
    "application/vnd.ms-powerpoint": (".ppt",),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": (".pptx",),
    "image/jpeg": (".jpg", ".jpeg"),
    "image/png": (".png",),
    "image/gif": (".gif",),
    "application/zip": (".zip",),
    "application/x-zip-compressed": (".zip",),
    "text/plain": (".txt",),
    "text/csv": (".csv",),
}
TYPE_REFUSED = "添付できるファイルの形式は、PDF、Word・Excel・PowerPoint、画像（JPEG・PNG・GIF）、ZIP、テキスト（TXT・CSV）です。"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def display_name(raw: str) -> str:
    """The name shown to people: the last path part, NFC, no control characters. Never used as a key."""
    name = unicodedata.normalize("NFC", raw).replace("\\", "/").rsplit("/", 1)[-1]
    return _CONTROL.sub("", name).strip()


def _media_type(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def upload_key(member_id: str, attachment_id: str) -> str:
    return f"uploads/{member_id}/{attachment_id}"


def final_key(member_id: str, inquiry_id: str, attachment_id: str) -> str:
    return f"attachments/{member_id}/{inquiry_id}/{attachment_id}"


def start_upload(member_id: str, request: AttachmentRequest) -> AttachmentUpload:
    """POST /api/attachments: record the attachment and answer a presigned POST for its key."""
    if request.size > MAX_SIZE:
        raise TooLarge(TOO_LARGE)
    if request.size <= 0:
        raise invalid("size", "空のファイルは添付できません。")
    filename = display_name(request.filename)
    if not filename:
        raise invalid("filename", "ファイル名が正しくありません。")
    content_type = _media_type(request.content_type)
    extensions = ALLOWED.get(content_type)
    if not extensions:
        raise invalid("content_type", TYPE_REFUSED)
    if not filename.lower().endswith(extensions):
        raise invalid("filename", f"ファイル名の拡張子がファイルの形式と一致しません（{'、'.join(extensions)}）。")
    attachment_id = ids.new_id()
    key = upload_key(member_id, attachment_id)
    now = clock.now()
    store.put_attachment(
        {
            "attachment_id": attachment_id,
            "member_id": member_id,
            "filename": filename,
            "content_type": content_type,
            "size": request.size,
            "upload_key": key,
            "created_at": clock.iso(now),
            "created_epoch": int(now.timestamp()),
            "ttl_epoch": int(now.timestamp()) + KEEP_UNUSED_SECONDS + 86400,
        }
    )
    form = s3.presigned_post(key, content_type, MAX_SIZE, UPLOAD_EXPIRES_SECONDS)
    return AttachmentUpload(
        attachment_id=attachment_id,
        upload=UploadForm(url=form.url, fields=form.fields),
        expires_at=clock.iso(now + timedelta(seconds=UPLOAD_EXPIRES_SECONDS)),
        max_size=MAX_SIZE,
    )


@dataclass(frozen=True)
class Accepted:
    attachment_id: str
    filename: str
    size: int
    content_type: str
    upload_key: str

    def info(self) -> dict[str, Any]:
        return {"attachment_id": self.attachment_id, "filename": self.filename, "size": self.size, "content_type": self.content_type}


def check_for_submission(member_id: str, attachment_ids: list[str]) -> list[Accepted]:
    """Every attachment of an inquiry, checked against its record and the real object (HeadObject)."""
    if len(set(attachment_ids)) != len(attachment_ids):
        raise invalid("attachment_ids", "同じ添付ファイルが重複しています。")
    accepted: list[Accepted] = []
    errors: list[FieldError] = []
    for index, attachment_id in enumerate(attachment_ids):
        field = f"attachment_ids.{index}"
        record = store.get_attachment(attachment_id)
        if not record or record.get("member_id") != member_id:
            raise NotFound("添付ファイルが見つかりません。もう一度添付してください。")
        if record.get("inquiry_id"):
            raise Conflict("この添付ファイルは、すでに別のお問い合わせで送信されています。", code="attachment_used")
        if int(record.get("created_epoch", 0)) + KEEP_UNUSED_SECONDS <= clock.epoch():
            errors.append(FieldError(field, "添付ファイルの有効期限が切れました。もう一度添付してください。"))
            continue
        head = s3.head(str(record["upload_key"]))
        if head is None:
            errors.append(FieldError(field, f"「{record['filename']}」のアップロードが完了していません。もう一度添付してください。"))
            continue
        if head.size > MAX_SIZE:
            raise TooLarge(f"「{record['filename']}」は10MBを超えています。{TOO_LARGE}")
        if head.size > int(record["size"]) or head.size <= 0:
            errors.append(FieldError(field, f"「{record['filename']}」の内容が添付時と異なります。もう一度添付してください。"))
            continue
        media_type = _media_type(head.content_type)
        if media_type not in ALLOWED or media_type != record["content_type"]:
            errors.append(FieldError(field, f"「{record['filename']}」は添付できない形式です。{TYPE_REFUSED}"))
            continue
        accepted.append(Accepted(attachment_id, str(record["filename"]), head.size, media_type, str(record["upload_key"])))
    if errors:
        raise ValidationFailed(errors)
    return accepted
