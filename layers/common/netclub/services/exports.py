"""名簿出力: the postal and attendee lists staff open in Excel (docs/product.md "名簿出力"), built in the background.

POST /api/admin/exports starts a job (202): the job (`queued`) and its audit entry in one transaction (it is
personal data leaving the system), then a message on ExportQueue. ExportWorkerFunction builds the CSV
(`handle`), writes it to the private ExportsBucket (`exports/<id>.csv`, SSE, expired by S3 after a day) and
marks the job `ready`; GET /api/admin/exports/{id} answers its state and, when ready, a presigned GET of
DOWNLOAD_EXPIRES_SECONDS that saves under the Japanese file name. A job is its requester's: any other
caller gets 404 (the link is handed only to the staff member whose export was audited). A build that
fails marks the job `failed` with a Japanese message; a worker that died (timeout) leaves it `running`,
which the status answers as failed once STALE_SECONDS have passed (SQS delivers it again meanwhile,
then to ExportDeadLetterQueue, alarmed). Nothing behind API Gateway waits for the CSV: 29 s and 6 MB are
no limit to it (30,000 members: benchmarks/export_members.py).

UTF-8 with a BOM (Excel then reads UTF-8, not Shift_JIS: no mojibake), CRLF line ends, a Japanese
header row, every cell quoted when needed (csv module). A cell that Excel would take for a formula
(starting with =, +, -, @, a tab or a carriage return) gets a leading apostrophe: the text shows,
nothing is evaluated (OWASP "CSV Injection"). Every export is audit-logged: it is personal data
leaving the system.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from aws_lambda_powertools import Logger

from netclub import clock, ids
from netclub.config import get_settings
from netclub.errors import NotFound, Unavailable, invalid
from netclub.models.exports import ExportCreate, ExportJob, Service
from netclub.services import audit
from netclub.store import accounts, dynamo
from netclub.store import exports as store
from netclub.store import reservations as reservation_store
from netclub.store.dynamo import ConditionFailed
from netclub.store.items import ExportItem, HolderItem, MemberItem

logger = Logger(service="netclub", child=True)

__all__ = ["Service"]

DOWNLOAD_EXPIRES_SECONDS = 300  # the link: 5 minutes, long enough to click, short enough not to be passed on
KEEP_SECONDS = 86400  # ExportsBucket's lifecycle removes the file after a day (template.yaml ExpireExports)
STALE_SECONDS = 15 * 60  # a job not finished by then is answered as failed (the worker's timeout is 120 s)
CONTENT_TYPE = "text/csv; charset=utf-8"
NOT_FOUND = "出力が見つかりません。もう一度出力してください。"
FAILED = "名簿を作成できませんでした。時間をおいて、もう一度出力してください。"
STALE = "名簿の作成に時間がかかりすぎたため中止しました。もう一度出力してください。"
SERVICE_LABELS: dict[str, str] = {
    "argus": "アーガス送付",
    "business_support_tokyo": "ビジネスサポートTOKYO送付",
    "direct_mail": "各種DM送付",
    "mail_magazine": "メールマガジン配信",
}
MEMBER_HEADER = ("会員番号", "企業名", "事業所名", "郵便番号", "住所", "担当者名", "部署", "電話番号", "メールアドレス")
ATTENDEE_HEADER = (*MEMBER_HEADER, "日程", "状況")
STATUS_LABELS = {
    "confirmed": "予約済み",
    "waitlisted": "キャンセル待ち",
    "applied": "申込済み（抽選待ち）",
    "won": "当選",
    "lost": "落選",
    "cancelled": "キャンセル済み",
    "attended": "参加済み",
}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> str:
    """The cell's text; one Excel would evaluate as a formula starts with an apostrophe. Looked at as Excel
    reads it: full-width signs (＝＋－＠) are the ASCII ones after NFKC, and leading spaces (also the
    full-width one) do not hide a formula behind them."""
    text = "" if value is None else str(value)
    probe = unicodedata.normalize("NFKC", text).lstrip()
    return "'" + text if text.startswith(_FORMULA_START) or probe.startswith(_FORMULA_START) else text


def to_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([neutralise(v) for v in row])
    return out.getvalue()


def _member_row(member: Mapping[str, Any]) -> list[Any]:
    profile = member.get("profile") or {}
    user = profile.get("user") or {}
    staff_fields = member.get("staff_fields") or profile.get("staff_fields") or {}
    return [
        staff_fields.get("member_number"),
        profile.get("company_name") or member.get("company_name"),
        profile.get("office_name"),
        profile.get("postal_code"),
        profile.get("address"),
        user.get("name") or member.get("user_name"),
        user.get("department"),
        user.get("phone") or profile.get("phone"),
        member.get("email"),
    ]


def _wants(member: MemberItem, service: str | None) -> bool:
    if member.get("role", "member") != "member":
        return False
    if service is None:
        return True
    return bool(((member.get("profile") or {}).get("subscriptions") or {}).get(service))


def member_rows(service: str | None) -> list[list[Any]]:
    """The rows of the active members who asked for `service` (every active member when None), by 会員番号,
    read a Query page at a time (only the rows are kept)."""
    rows: list[tuple[str, str, list[Any]]] = []
    for page in accounts.member_pages_with_status("active"):
        for member in page:
            if _wants(member, service):
                row = _member_row(member)
                rows.append((str(row[0] or "~"), str(member.get("member_id")), row))
    rows.sort(key=lambda r: (r[0], r[1]))
    return [r[2] for r in rows]


def attendee_rows(offering_id: str) -> list[list[Any]] | None:
    """An offering's live reservations, in slot then application order (None: no such offering)."""
    offering, slots, live, _ = reservation_store.offering_partition(offering_id)
    if not offering:
        return None
    slot_of = {s["id"]: s for s in slots}
    members = {str(m["member_id"]): m for m in accounts.members_by_id(sorted({str(h["member_id"]) for h in live}))}

    def when(holder: HolderItem) -> str:
        slot = slot_of.get(str(holder.get("slot_id") or ""))
        return f"{slot['date']} {slot['start_time']}〜{slot['end_time']}" if slot else ""

    def order(holder: HolderItem) -> tuple[str, str]:
        slot = slot_of.get(str(holder.get("slot_id") or ""))
        return ((f"{slot['date']} {slot['start_time']}") if slot else "~", str(holder.get("created_at")))

    rows = []
    for holder in sorted(live, key=order):
        member = members.get(str(holder["member_id"])) or {"company_name": holder.get("company_name"), "user_name": holder.get("user_name")}
        rows.append([*_member_row(member), when(holder), STATUS_LABELS.get(str(holder.get("status")), holder.get("status"))])
    return rows


# --- the staff's requests -----------------------------------------------------------------------------


def file_key(export_id: str) -> str:
    return f"exports/{export_id}.csv"


_NOT_IN_NAMES = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')


def _filename(kind: str, subject: str, at: str) -> str:
    """名簿-アーガス送付-2026-11-24.csv, 参加者名簿-<the offering's title>-2026-11-24.csv: what the download saves."""
    day = at[:10]
    if kind == "attendees":
        title = _NOT_IN_NAMES.sub("_", unicodedata.normalize("NFKC", subject)).strip(" ._")[:40] or "催し"
        return f"参加者名簿-{title}-{day}.csv"
    return f"名簿-{SERVICE_LABELS.get(subject, '利用中の全会員')}-{day}.csv"


def start(staff_id: str, request: ExportCreate) -> ExportJob:
    """The job (`queued`) with its audit entry, then its message; 202. An unknown offering is a 404 at once."""
    if request.kind == "attendees":
        if not request.offering_id:
            raise invalid("offering_id", "参加者名簿を出力するセミナー・相談を指定してください。")
        offering, _ = reservation_store.offering_with_slots(request.offering_id)
        if not offering:
            raise NotFound("セミナー・相談が見つかりません。")
        action, target, subject = "attendees.export", f"offering:{request.offering_id}", str(offering.get("title") or "")
    else:
        action, target, subject = "members.export", f"members:{request.service or 'active'}", request.service or ""
    export_id = ids.new_id()
    at = clock.iso()
    job: ExportItem = {
        "export_id": export_id,
        "kind": request.kind,
        "service": request.service if request.kind == "members" else None,
        "offering_id": request.offering_id if request.kind == "attendees" else None,
        "status": "queued",
        "filename": _filename(request.kind, subject, at),
        "created_by": staff_id,
        "created_at": at,
        "updated_at": at,
        "ttl_epoch": clock.epoch() + 2 * KEEP_SECONDS,
    }
    dynamo.transact([store.create_op(job), audit.op(staff_id, action, target, {"export_id": export_id})])
    from netclub import queue

    try:
        queue.send_all(get_settings().need("export_queue_url"), [json.dumps({"export_id": export_id})])
    except Exception as exc:
        logger.warning("export not queued", extra={"export_id": export_id, "error": type(exc).__name__})
        _fail(export_id, ("queued",), FAILED)  # the job says so too: the staff member may start another
        raise Unavailable(message="名簿の作成を開始できませんでした。しばらく時間をおいてから、もう一度お試しください。") from None
    return _state(job)


def _age(job: ExportItem) -> float:
    return (clock.now() - datetime.fromisoformat(str(job["created_at"]))).total_seconds()


def _state(job: ExportItem) -> ExportJob:
    status = str(job["status"])
    answer: dict[str, Any] = {}
    if status in ("queued", "running") and _age(job) > STALE_SECONDS:
        status, answer["failed_message"] = "failed", STALE
    elif status == "ready" and _age(job) > KEEP_SECONDS:
        status = "expired"
    elif status == "ready":
        from netclub.files import s3

        bucket = get_settings().need("exports_bucket")
        answer["download_url"] = s3.presigned_get(str(job["key"]), str(job["filename"]), DOWNLOAD_EXPIRES_SECONDS, bucket, CONTENT_TYPE)
        answer["download_expires_in"] = DOWNLOAD_EXPIRES_SECONDS
    elif status == "failed":
        answer["failed_message"] = job.get("failed_message") or FAILED
    return ExportJob(
        export_id=str(job["export_id"]),
        kind=job["kind"],
        service=job.get("service"),
        offering_id=job.get("offering_id"),
        status=status,
        filename=str(job["filename"]),
        rows=int(job["rows"]) if job.get("rows") is not None else None,
        size=int(job["size"]) if job.get("size") is not None else None,
        created_at=str(job["created_at"]),
        updated_at=job.get("updated_at"),
        **answer,
    )


def state(staff_id: str, export_id: str) -> ExportJob:
    """The job of this staff member (404 for anyone else's: the link is handed only to whom the audit names)."""
    job = store.get(export_id)
    if not job or job.get("created_by") != staff_id:
        raise NotFound(NOT_FOUND)
    return _state(job)


# --- the worker -----------------------------------------------------------------------------------------


def _fail(export_id: str, expected: tuple[str, ...], message: str) -> None:
    try:
        store.set_status(export_id, expected, "failed", clock.iso(), {"failed_message": message})
    except ConditionFailed:
        pass  # finished meanwhile (another delivery)


def handle(message: dict[str, Any]) -> str:
    """One message of ExportQueue: the job's CSV built and written to S3 (`ready`), or the job `failed`."""
    export_id = str(message.get("export_id", ""))
    job = store.get(export_id) if export_id else None
    if not job or job["status"] not in ("queued", "running"):
        return "skipped"  # a message delivered twice, or a job that finished
    if _age(job) > STALE_SECONDS:
        _fail(export_id, ("queued", "running"), STALE)  # answered as failed already: it stays so
        return "stale"
    store.set_status(export_id, ("queued", "running"), "running", clock.iso())
    try:
        if job["kind"] == "attendees":
            rows = attendee_rows(str(job["offering_id"]))
            if rows is None:
                _fail(export_id, ("running",), "セミナー・相談が見つかりません（削除された可能性があります）。")
                return "failed"
            body = to_csv(ATTENDEE_HEADER, rows)
        else:
            rows = member_rows(job.get("service"))
            body = to_csv(MEMBER_HEADER, rows)
        data = body.encode("utf-8")
        del body
        from netclub.files import s3

        s3.write(file_key(export_id), data, CONTENT_TYPE, get_settings().need("exports_bucket"))
    except Exception:
        logger.exception("EXPORT FAILED: the CSV could not be built or stored", extra={"export_id": export_id, "kind": job["kind"]})
        _fail(export_id, ("running",), FAILED)
        return "failed"
    store.set_status(export_id, ("running",), "ready", clock.iso(), {"key": file_key(export_id), "rows": len(rows), "size": len(data)})
    logger.info("export ready", extra={"export_id": export_id, "kind": job["kind"], "rows": len(rows), "bytes": len(data)})
    return "ready"
