"""会員データ移行: the old system's members brought over from its CSV, and their ご利用開始 invitations.

1. POST /api/admin/member-imports: the import's record and a presigned POST; the CSV goes to S3
   (`imports/<id>.csv`, ≤ 20 MB; S3's lifecycle removes it after IMPORT_KEEP_DAYS).
2. …/validate → 202: a message on MemberImportQueue; the worker reads the file (services/member_csv.py),
   checks every row against the profile rules and the table (会員番号 and addresses already there),
   writes no member, and keeps the valid rows as chunk files of CHUNK_ROWS (`imports/<id>/chunks/`).
3. …/run → 202: a message per chunk. A chunk is a bounded set of transactions, one per row: the member,
   its unique address, its 会員番号 (MEMBERNO#), the recipients' index and consent record (source: the
   import), the row's marker and, when asked, the invitation's token and mail (outbox). Retried after a
   failure, a chunk skips its rows that have a marker, and is counted once (its CHUNK marker).
4. The invitations are sent after each chunk's commit at INVITATION_SEND_RATE a worker; one that fails,
   or a worker that stops, leaves it in the outbox for the scheduled retry.

Keyed by 会員番号, else the address: the same file run twice updates, never doubles; an address that
belongs to another member (number) is a reported error, never an overwrite.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from aws_lambda_powertools import Logger

from netclub import clock, ids
from netclub.config import get_settings
from netclub.data import choices
from netclub.errors import Conflict, FieldError, InvalidToken, NotFound, TooLarge, ValidationFailed, invalid
from netclub.files import s3
from netclub.models.imports import ImportCreate, ImportCreated, ImportList, ImportRowError, ImportState, InvitationSent, MemberInvitationConfirm
from netclub.models.inquiries import UploadForm
from netclub.services import audit, member_csv, passwords, profiles, sessions, tokens
from netclub.store import accounts, dynamo, outbox
from netclub.store import imports as store
from netclub.store.dynamo import ConditionFailed, TransactOp
from netclub.store.items import ImportErrorsItem, ImportItem, MemberItem, OutboxItem

logger = Logger(service="netclub", child=True)

MAX_SIZE = 20 * 1024 * 1024
UPLOAD_EXPIRES_SECONDS = 15 * 60
CHUNK_ROWS = 100
ERRORS_KEPT = 1000
INVITE_PURPOSE = "member_invitation"
INVITE_DAYS = 14
CONTENT_TYPE = "text/csv"
TOO_LARGE = "取り込めるファイルは20MBまでです。ファイルを分けてください。"
INVITATION_INVALID = "このリンクは無効か、有効期限（14日）が切れています。ログイン画面の「パスワードが不明な方」からパスワードを設定してください。"


def file_key(import_id: str) -> str:
    return f"imports/{import_id}.csv"


def chunk_key(import_id: str, chunk: int) -> str:
    return f"imports/{import_id}/chunks/{chunk:05d}.json"


def _expires() -> int:
    return clock.epoch() + store.MARKER_DAYS * 86400


# --- the admin's requests ---------------------------------------------------------------------------


def start(actor_id: str, request: ImportCreate) -> ImportCreated:
    if request.size > MAX_SIZE:
        raise TooLarge(TOO_LARGE)
    if request.size <= 0:
        raise invalid("size", "空のファイルは取り込めません。")
    filename = request.filename.replace("\\", "/").rsplit("/", 1)[-1].strip()
    if not filename.lower().endswith((".csv", ".txt")):
        raise invalid("filename", "CSVファイル（.csv）を選んでください。")
    import_id = ids.new_id()
    now = clock.iso()
    store.create({"import_id": import_id, "filename": filename, "size": request.size, "status": "uploaded", "created_by": actor_id, "created_at": now})
    form = s3.presigned_post(file_key(import_id), CONTENT_TYPE, MAX_SIZE, UPLOAD_EXPIRES_SECONDS)
    return ImportCreated(import_id=import_id, upload=UploadForm(url=form.url, fields=form.fields), max_size=MAX_SIZE)


def _state(item: ImportItem, errors: ImportErrorsItem | None) -> ImportState:
    kept = [ImportRowError(row=int(e["row"]), column=str(e.get("column", "")), message=str(e["message"])) for e in (errors or {}).get("errors") or []]
    return ImportState(
        import_id=str(item["import_id"]),
        filename=str(item.get("filename", "")),
        status=item["status"],
        encoding=item.get("encoding"),
        rows=int(item.get("rows", 0)),
        valid=int(item.get("valid", 0)),
        errors=kept,
        error_count=int((errors or {}).get("count", 0)),
        processed=int(item.get("processed", 0)),
        created=int(item.get("created", 0)),
        updated=int(item.get("updated", 0)),
        invited=int(item.get("invited", 0)),
        failed_message=item.get("failed_message"),
        created_at=str(item["created_at"]),
        updated_at=item.get("updated_at"),
    )


def state(import_id: str) -> ImportState:
    item, errors = store.get_with_errors(import_id)
    if not item:
        raise NotFound("取り込みが見つかりません。")
    return _state(item, errors)


def recent(limit: int = 20) -> ImportList:
    return ImportList(items=[_state(i, None) for i in store.recent(limit)])


def _enqueue(bodies: list[dict[str, Any]]) -> None:
    from netclub import queue

    queue.send_all(get_settings().need("member_import_queue_url"), [json.dumps(b) for b in bodies])


def request_validation(actor_id: str, import_id: str) -> ImportState:
    """検証する: the file must be there (HeadObject); the worker checks it (202)."""
    item = store.get(import_id)
    if not item:
        raise NotFound("取り込みが見つかりません。")
    if item["status"] not in ("uploaded", "validated", "failed"):
        raise Conflict("この取り込みは検証できない状態です（検証中または取り込み済み）。", code="not_validatable")
    head = s3.head(file_key(import_id))
    if head is None:
        raise Conflict("ファイルのアップロードが完了していません。もう一度ファイルを選んでください。", code="not_uploaded")
    if head.size > MAX_SIZE:
        raise TooLarge(TOO_LARGE)
    try:
        store.set_status(import_id, ("uploaded", "validated", "failed"), "validating", clock.iso(), {"validate_requested_by": actor_id})
    except ConditionFailed:
        raise Conflict("この取り込みは検証できない状態です（検証中または取り込み済み）。", code="not_validatable") from None
    try:
        _enqueue([{"import_id": import_id, "phase": "validate"}])
    except Exception:
        store.set_status(import_id, ("validating",), item["status"], clock.iso())  # back as it was: the admin can ask again
        raise
    return state(import_id)


def request_run(actor_id: str, actor_name: str, import_id: str, send_invitations: bool) -> ImportState:
    """取り込む: 409 unless validated with valid rows; a message per chunk (202)."""
    item = store.get(import_id)
    if not item:
        raise NotFound("取り込みが見つかりません。")
    if item["status"] != "validated":
        raise Conflict("検証が完了した取り込みだけを実行できます。", code="not_validated")
    chunks = int(item.get("chunks", 0))
    if not chunks:
        raise Conflict("取り込める行がありません。エラーを直したファイルで、もう一度検証してください。", code="nothing_to_import")
    at = clock.iso()
    entry = audit.op(
        actor_id, "member.import", f"import:{import_id}", {"actor_name": actor_name, "rows": int(item.get("valid", 0)), "invitations": send_invitations}
    )
    try:
        dynamo.transact([store.start_run_op(import_id, send_invitations, actor_id, at), entry])
    except ConditionFailed:
        raise Conflict("検証が完了した取り込みだけを実行できます。", code="not_validated") from None
    try:
        _enqueue([{"import_id": import_id, "phase": "run", "chunk": n} for n in range(chunks)])
    except Exception:
        store.set_status(import_id, ("importing",), "validated", clock.iso())  # the admin can run it again; counted chunks stay counted
        raise
    return state(import_id)


# --- the worker ---------------------------------------------------------------------------------------


def handle(message: dict[str, Any]) -> str:
    """One queue message: the validation of an import, or one chunk of its rows."""
    import_id = str(message.get("import_id", ""))
    if message.get("phase") == "validate":
        return validate(import_id)
    if message.get("phase") == "run":
        return run_chunk(import_id, int(message.get("chunk", -1)))
    logger.warning("member import: unknown message", extra={"phase": message.get("phase")})
    return "ignored"


@dataclass
class Target:
    """Where a row goes: a new member, or the existing one it updates."""

    member: MemberItem | None
    error: tuple[str, str] | None = None  # (column, message)


def _lookups(rows: list[member_csv.Row]) -> tuple[dict[str, str], dict[str, str], dict[str, MemberItem]]:
    numbers = store.members_of_numbers(sorted({r.member_number for r in rows}))
    emails = store.members_of_emails(sorted({r.email for r in rows}))
    member_ids = sorted(set(numbers.values()) | set(emails.values()))
    members = {str(m["member_id"]): m for m in accounts.members_by_id(member_ids)} if member_ids else {}
    return numbers, emails, members


def _target(row: member_csv.Row, numbers: dict[str, str], emails: dict[str, str], members: dict[str, MemberItem]) -> Target:
    """The member a row updates (by 会員番号, else by address) or None for a new one, or why it cannot go in."""
    by_number = members.get(numbers.get(row.member_number, ""))
    if by_number and (by_number.get("staff_fields") or {}).get("member_number") != row.member_number:
        by_number = None  # the number was changed by staff since: it no longer names that member
    by_email = members.get(emails.get(row.email, ""))
    if by_email and by_email.get("role", "member") != "member":
        return Target(None, ("メールアドレス", "このメールアドレスは職員のアカウントで使用されています。"))
    if by_number and by_email and by_number["member_id"] != by_email["member_id"]:
        other = (by_email.get("staff_fields") or {}).get("member_number") or "番号なし"
        return Target(None, ("メールアドレス", f"このメールアドレスは別の会員（会員番号 {other}）が使用しています。"))
    if not by_number and by_email:
        number = (by_email.get("staff_fields") or {}).get("member_number")
        if number and number != row.member_number:
            return Target(None, ("メールアドレス", f"このメールアドレスは別の会員（会員番号 {number}）が使用しています。"))
    member = by_number or by_email
    if member and member.get("status") != "active":
        label = {"pending_review": "承認待ち", "withdrawn": "退会済み", "suspended": "利用停止中"}.get(str(member.get("status")), str(member.get("status")))
        return Target(None, ("会員番号", f"この会員は「{label}」のため取り込めません。会員管理で状態を確認してください。"))
    return Target(member)


_CHOICES = {"trade_areas": choices.TRADE_AREAS, "processing_categories": choices.PROCESSING_CATEGORIES}


def _profile_of(row: member_csv.Row, member: MemberItem | None) -> tuple[dict[str, Any] | None, list[tuple[str, str]]]:
    """The row's profile columns over the member's stored profile (or none), checked by the profile rules.

    An existing member's お取引エリア・加工分類 the file does not carry stay as stored (mapped onto the lists where
    they can be), even a value from before the lists that maps onto none: the member is asked to choose again in
    My情報, and a row that changes, say, the address is not refused for a column it does not have."""
    merged = member_csv.overlay(member_csv.read_back_choices((member or {}).get("profile") or {}), row.values)
    merged["user"] = {**(merged.get("user") or {}), "email": row.email}
    kept: dict[str, list[str]] = {}
    for name, listed in _CHOICES.items():
        values = merged.get(name) or []
        if f"profile.{name}" not in row.values and any(v not in listed for v in values):
            kept[name] = list(values)
            merged[name] = [v for v in values if v in listed]
    profile, errors = profiles.validate(merged)
    if errors or profile is None:
        return None, member_csv.rule_errors(errors)
    return {**profiles.to_item(profile), **kept}, []


def _error(row: int, column: str, message: str) -> dict[str, Any]:
    return {"row": row, "column": column, "message": message}


def validate(import_id: str) -> str:
    """検証: every row checked, nothing written but the import's result and the chunk files of its valid rows."""
    item = store.get(import_id)
    if not item or item["status"] != "validating":
        return "skipped"  # a message delivered twice, or an import that moved on
    try:
        data = s3.read(file_key(import_id), MAX_SIZE)
        if data is None:
            raise member_csv.FileUnreadable("ファイルが見つかりません。もう一度ファイルを選んでください。")
        sheet = member_csv.read(data)
        rows = list(sheet.rows)
    except (member_csv.FileUnreadable, ValueError) as exc:
        message = str(exc) if isinstance(exc, member_csv.FileUnreadable) else TOO_LARGE
        store.set_status(import_id, ("validating",), "failed", clock.iso(), {"failed_message": message})
        return "failed"
    errors: list[dict[str, Any]] = [_error(0, "", message) for message in sheet.header_errors]
    valid: list[member_csv.Row] = []
    if not sheet.header_errors:
        valid = _check_rows(rows, errors)
    chunks = [valid[i : i + CHUNK_ROWS] for i in range(0, len(valid), CHUNK_ROWS)]
    for n, chunk in enumerate(chunks):
        body = json.dumps([{"row": r.number, "values": r.values} for r in chunk], ensure_ascii=False).encode()
        s3.write(chunk_key(import_id, n), body, "application/json")
    result = {"encoding": sheet.encoding, "rows": len(rows), "valid": len(valid), "chunks": len(chunks), "failed_message": None}
    store.validated(import_id, clock.iso(), result, errors[:ERRORS_KEPT], len(errors))
    logger.info("member import validated", extra={"import_id": import_id, "rows": len(rows), "valid": len(valid), "errors": len(errors)})
    return "validated"


def _check_rows(rows: list[member_csv.Row], errors: list[dict[str, Any]]) -> list[member_csv.Row]:
    seen_numbers: dict[str, int] = {}
    seen_emails: dict[str, str] = {}
    readable = [r for r in rows if not r.errors]
    numbers, emails, members = _lookups(readable) if readable else ({}, {}, {})
    valid: list[member_csv.Row] = []
    for row in rows:
        problems = list(row.errors)
        if not problems:
            if row.member_number in seen_numbers:
                problems.append(("会員番号", f"会員番号が{seen_numbers[row.member_number]}行目と重複しています。"))
            elif seen_emails.get(row.email, row.member_number) != row.member_number:
                problems.append(("メールアドレス", f"このメールアドレスは会員番号 {seen_emails[row.email]} の行でも使われています。"))
            else:
                seen_numbers[row.member_number] = row.number
                seen_emails[row.email] = row.member_number
                target = _target(row, numbers, emails, members)
                if target.error:
                    problems.append(target.error)
                else:
                    problems += _profile_of(row, target.member)[1]
        if problems:
            errors.extend(_error(row.number, column, message) for column, message in problems)
        else:
            valid.append(row)
    return valid


def run_chunk(import_id: str, chunk: int) -> str:
    """One chunk of rows written, each row once; counted once; then its invitations sent."""
    item = store.get(import_id)
    if not item or item["status"] != "importing" or chunk < 0:
        return "skipped"
    if store.chunk_is_done(import_id, chunk):
        store.finish_if_complete(import_id, clock.iso())
        return "already"
    raw = s3.read(chunk_key(import_id, chunk), MAX_SIZE)
    if raw is None:
        raise RuntimeError("the chunk file of a validated import is missing")
    rows = [member_csv.Row(int(r["row"]), dict(r["values"])) for r in json.loads(raw)]
    done = store.row_markers(import_id, [r.number for r in rows])
    todo = [r for r in rows if r.number not in done]
    mails: list[OutboxItem] = []
    if todo:
        numbers, emails, members = _lookups(todo)
        for row in todo:
            mail = _write_row(import_id, row, _target(row, numbers, emails, members), bool(item.get("send_invitations")))
            if mail:
                mails.append(mail)
    _count_chunk(import_id, chunk, rows)
    store.finish_if_complete(import_id, clock.iso())
    send_invitations(mails)
    return "imported"


def _write_row(import_id: str, row: member_csv.Row, target: Target, invite: bool) -> OutboxItem | None:
    """Row n's member written with its marker (one transaction); its invitation mail when one was written."""
    expires = _expires()
    if target.error:
        _refuse(import_id, row, *target.error)
        return None
    profile, problems = _profile_of(row, target.member)
    if problems or profile is None:
        _refuse(import_id, row, *problems[0])
        return None
    at = clock.iso()
    member = target.member
    staff_fields = {**((member or {}).get("staff_fields") or {}), "member_number": row.member_number}
    for path, field in (("joined_on", "joined_on"), ("note", "note")):
        if path in row.values:
            if row.values[path] is None:
                staff_fields.pop(field, None)
            else:
                staff_fields[field] = row.values[path]
    from netclub.services import directory, newsletters

    if member is None:
        after: MemberItem = {
            "member_id": ids.new_id(),
            "email": row.email,
            "role": "member",
            "status": "active",
            "company_name": profile.get("company_name", ""),
            "user_name": (profile.get("user") or {}).get("name", ""),
            "profile": profile,
            "staff_fields": staff_fields,
            "imported_from": import_id,
            "created_at": at,
            "updated_at": at,
        }
        ops = [*accounts.create_member_ops(after), *newsletters.subscription_ops(None, after, "import", at)]
        outcome = "created"
    else:
        after = {**member, "profile": profile, "staff_fields": staff_fields, "email": row.email}
        after["company_name"], after["user_name"] = profile.get("company_name", ""), (profile.get("user") or {}).get("name", "")
        company_id, listing_ops = directory.listing(after)
        ops = [*_update_ops(member, after, company_id, at), *listing_ops, *newsletters.subscription_ops(member, after, "import", at)]
        outcome = "updated"
    member_id = str(after["member_id"])
    ops.append(store.member_number_op(row.member_number, member_id))
    mail = None
    if invite and not after.get("password_hash"):
        mail, invitation_ops = _invitation(after, at)
        ops += [*invitation_ops, outbox.put_op(mail)]
    ops.append(store.row_marker_op(import_id, row.number, outcome, expires, member_id, invited=mail is not None))
    try:
        dynamo.transact(ops)
    except ConditionFailed as exc:
        if exc.reasons and exc.reasons[-1] == "ConditionalCheckFailed":
            return None  # the row's marker: written by an earlier delivery of this chunk
        _refuse(import_id, row, "", "取り込み中に会員情報が変更されたため、この行は取り込めませんでした。もう一度取り込んでください。")
        return None
    return mail


def _update_ops(before: MemberItem, after: MemberItem, company_id: str | None, at: str) -> list[TransactOp]:
    from netclub.store import profiles as profile_store

    if after["email"] != before["email"]:  # the old system has a new address: it moves, as a staff edit moves it
        extra: dict[str, Any] = {"company_name": after["company_name"], "user_name": after["user_name"], "staff_fields": after["staff_fields"]}
        if company_id:
            extra["company_id"] = company_id
        return profile_store.change_email_ops(before, str(before["email"]), str(after["email"]), after["profile"], at, extra)
    return [
        profile_store.update_op(
            str(before["member_id"]),
            after["profile"],
            after["company_name"],
            after["user_name"],
            at,
            after["staff_fields"],
            company_id=company_id,
            suppressed_as_read=before.get("mail_suppressed"),
        ),
        accounts.login_fields_op(str(before["email"]), str(before["member_id"]), {"company_name": after["company_name"], "user_name": after["user_name"]}),
    ]


def _refuse(import_id: str, row: member_csv.Row, column: str, message: str) -> None:
    try:
        dynamo.transact([store.row_marker_op(import_id, row.number, "error", _expires(), message=message, column=column)])
    except ConditionFailed:
        pass  # recorded by an earlier delivery


def _count_chunk(import_id: str, chunk: int, rows: list[member_csv.Row]) -> None:
    """The chunk's outcomes (its row markers) added to the import once."""
    markers = store.chunk_rows(import_id, rows[0].number, rows[-1].number) if rows else []
    counts = {"processed": len(markers), "created": 0, "updated": 0, "invited": 0}
    new_errors = []
    for marker in markers:
        outcome = str(marker.get("outcome"))
        if outcome in ("created", "updated"):
            counts[outcome] += 1
        if marker.get("invited"):
            counts["invited"] += 1
        if outcome == "error":
            new_errors.append(_error(int(marker["row"]), str(marker.get("column", "")), str(marker.get("message", ""))))
    for _attempt in range(5):
        errors_item = store.errors_item(import_id) if new_errors else None
        try:
            store.chunk_done(import_id, chunk, counts, errors_item, new_errors, ERRORS_KEPT, _expires(), clock.iso())
            return
        except ConditionFailed as exc:
            if exc.reasons and exc.reasons[0] == "ConditionalCheckFailed":
                return  # counted by an earlier delivery
            # the errors item changed meanwhile (another chunk's errors): read it again
    raise RuntimeError("the chunk's errors could not be appended; the message will be retried")


# --- ご利用開始 (invitations) --------------------------------------------------------------------------


def _invitation(member: MemberItem, at: str) -> tuple[OutboxItem, list[TransactOp]]:
    """The invitation's token (14 days, the latest only) and its mail for the outbox."""
    from netclub.mail.sender import kept_mail
    from netclub.mail.templates import render

    link, token_ops = tokens.issue_ops(INVITE_PURPOSE, str(member["member_id"]), "/welcome", ttl_seconds=INVITE_DAYS * 86400)
    subject, body = render(
        "member_invitation",
        company_name=member.get("company_name", ""),
        user_name=member.get("user_name", ""),
        member_number=(member.get("staff_fields") or {}).get("member_number", ""),
        email=member["email"],
        link=link,
    )
    return kept_mail(str(member["email"]), subject, body, "member_invitation", f"member:{member['member_id']}", at), token_ops


def send_invitations(mails: list[OutboxItem], sleep: Callable[[float], None] = time.sleep) -> int:
    """The committed invitation mails, paced at INVITATION_SEND_RATE a second (under SES's account rate)."""
    interval = 1.0 / max(get_settings().invitation_send_rate, 0.1)
    from netclub.mail.sender import send_kept

    sent = 0
    started = time.monotonic()
    for n, mail in enumerate(mails):
        wait = started + n * interval - time.monotonic()
        if wait > 0:
            sleep(wait)
        sent += send_kept(mail)
    return sent


def resend_invitation(actor_id: str, actor_name: str, member_id: str) -> InvitationSent:
    """ご利用開始のご案内を再送: a new link (earlier ones stop working), only to a member without a password."""
    member = accounts.get_member(member_id, consistent=True)
    if not member or member.get("role", "member") != "member":
        raise NotFound("会員が見つかりません。")
    if member.get("status") != "active":
        raise Conflict("有効な会員にだけご案内を送れます。", code="not_active")
    if member.get("password_hash"):
        raise Conflict("この会員はすでにパスワードを設定しています。パスワードが不明な場合は「パスワードが不明な方」をご案内ください。", code="password_set")
    at = clock.iso()
    mail, token_ops = _invitation(member, at)
    entry = audit.op(actor_id, "member.invitation", f"member:{member_id}", {"actor_name": actor_name})
    dynamo.transact([*token_ops, outbox.put_op(mail), entry])
    send_invitations([mail])
    return InvitationSent(member_id=member_id, expires_at=clock.iso(clock.now() + timedelta(days=INVITE_DAYS)))


def confirm_invitation(request: MemberInvitationConfirm) -> sessions.NewSession:
    """ご利用開始: the migrated member sets a password (the password rules) and is signed in."""
    token_ops, token = tokens.redeem(request.token, INVITE_PURPOSE, InvalidToken(INVITATION_INVALID))
    member = accounts.get_member(str(token["subject"]), consistent=True)
    if not member or member.get("status") != "active" or member.get("password_hash"):
        raise InvalidToken(INVITATION_INVALID)
    errors: list[FieldError] = passwords.check_new(
        request.password, request.password_confirm, email=str(member["email"]), field="password", confirm_field="password_confirm"
    )
    if errors:
        raise ValidationFailed(errors)
    password_ops = accounts.set_password_ops(str(member["member_id"]), str(member["email"]), passwords.hash_password(request.password), clock.iso(), first=True)
    try:  # the session, the password (only where none was set meanwhile) and the used token: all or nothing
        return sessions.create(str(member["member_id"]), "member", also=[*password_ops, *token_ops])
    except ConditionFailed:
        raise InvalidToken(INVITATION_INVALID) from None
