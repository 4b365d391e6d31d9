"""会員検索 for staff: every member (any status) found by 会員番号, メールアドレス, 企業名 or its kana in part, 電話番号
(digits only) or 担当者名, with filters by status and 入会日. Never shown to members.

No search cluster and no Scan: an index object of every member (`staff/members.json.gz` in DirectoryBucket,
beside 会員企業検索's) is kept current by MemberIndexFunction from the table's stream (each change of a member
item, within seconds) and rebuilt hourly from the GSI1 `MEMBERS#<status>` partitions (Queries). A search
container keeps the index in memory and asks S3 whether it changed at most every REFRESH_SECONDS (a
conditional GET), then looks for each word with `in` over one line of text per member.

Matching, after normalisation (NFKC, case folding, katakana → hiragana, spaces removed, (株)/㈱ as 株式会社 and
(有)/㈲ as 有限会社): every word of the query must be in the member's text; a word of digits and hyphens also
matches the phone numbers by their digits (03-1234-5678 = 0312345678).
"""

from __future__ import annotations

import gzip
import json
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from aws_lambda_powertools import Logger

from netclub import clock, retry
from netclub.cursor import decode, encode
from netclub.errors import invalid
from netclub.services.directory_index import normalize
from netclub.store import accounts
from netclub.store import directory as index_store
from netclub.store.items import MemberItem

logger = Logger(service="netclub", child=True)
KEY = "staff/members.json.gz"
FORMAT = 1
SEP = "\x00"
STATUSES = ("pending_review", "active", "suspended", "withdrawn", "erased")
REFRESH_SECONDS = 5.0
_FORMS = (("(株)", "株式会社"), ("(有)", "有限会社"), ("(同)", "合同会社"), ("(社)", "社団法人"), ("(財)", "財団法人"))
_PHONE_WORD = re.compile(r"^[0-9\-()]+$")
_NOT_DIGIT = re.compile(r"\D")


def searchable(text: str) -> str:
    """One field as the index keeps it (and a query word as it is looked for)."""
    folded = normalize(text)
    for short, long in _FORMS:
        folded = folded.replace(short, long)
    return "".join(folded.split())


def _digits(text: str | None) -> str:
    return _NOT_DIGIT.sub("", text or "")


@dataclass(frozen=True)
class Row:
    member_id: str
    status: str
    joined_on: str  # "" when unknown
    created_at: str
    text: str  # the searchable fields, SEP between them
    shown: dict[str, Any]  # what a hit answers (MemberSummary)


def row_of(member: MemberItem) -> Row | None:
    """The member's row, or None for what is not a member (staff accounts)."""
    if member.get("role", "member") != "member" or not member.get("member_id"):
        return None
    profile = member.get("profile") or {}
    user = profile.get("user") or {}
    staff_fields = member.get("staff_fields") or {}
    fields = [
        str(staff_fields.get("member_number") or ""),
        str(member.get("email") or ""),
        str(member.get("company_name") or profile.get("company_name") or ""),
        str(profile.get("company_name_kana") or ""),
        str(profile.get("common_name") or ""),
        str(member.get("user_name") or user.get("name") or ""),
        str(user.get("name_kana") or ""),
        str((profile.get("representative") or {}).get("name") or ""),
    ]
    phones = [_digits(profile.get("phone")), _digits(user.get("phone"))]
    shown = {
        "member_id": str(member["member_id"]),
        "email": str(member.get("email") or ""),
        "company_name": str(member.get("company_name") or ""),
        "user_name": str(member.get("user_name") or ""),
        "status": str(member.get("status") or ""),
        "created_at": str(member.get("created_at") or ""),
        "corporate_type": profile.get("corporate_type"),
        "member_number": staff_fields.get("member_number"),
        "joined_on": staff_fields.get("joined_on"),
    }
    text = SEP.join([*(searchable(f) for f in fields), *phones])
    return Row(
        str(member["member_id"]), str(member.get("status") or ""), str(staff_fields.get("joined_on") or ""), str(member.get("created_at") or ""), text, shown
    )


class MemberIndex:
    """Every member's row, newest registration first."""

    def __init__(self, rows: Iterable[Row]) -> None:
        self.rows = sorted(rows, key=lambda r: (r.created_at, r.member_id), reverse=True)
        self.position = {r.member_id: n for n, r in enumerate(self.rows)}

    def __len__(self) -> int:
        return len(self.rows)

    def dump(self) -> bytes:
        body = [[r.member_id, r.status, r.joined_on, r.created_at, r.text, r.shown] for r in self.rows]
        return gzip.compress(json.dumps({"format": FORMAT, "built_at": clock.iso(), "rows": body}, ensure_ascii=False, separators=(",", ":")).encode(), 6)

    @classmethod
    def load(cls, blob: bytes) -> MemberIndex:
        data = json.loads(gzip.decompress(blob))
        if data.get("format") != FORMAT:
            raise ValueError("an index of another format")
        return cls(Row(*r) for r in data["rows"])

    def updated(self, rows: Sequence[Row], gone: set[str]) -> MemberIndex:
        replaced = {r.member_id for r in rows} | gone
        return MemberIndex([*(r for r in self.rows if r.member_id not in replaced), *rows])

    def search(self, q: str, status: str = "", joined_from: str = "", joined_to: str = "") -> list[Row]:
        words = [w for w in (searchable(w) for w in normalize(q).split()) if w]
        found: list[Row] = []
        for row in self.rows:
            if status and row.status != status:
                continue
            if (joined_from and (not row.joined_on or row.joined_on < joined_from)) or (joined_to and (not row.joined_on or row.joined_on > joined_to)):
                continue
            if all(_matches(word, row.text) for word in words):
                found.append(row)
        return found


def _matches(word: str, text: str) -> bool:
    if word in text:
        return True
    if _PHONE_WORD.match(word):
        digits = _digits(word)
        return len(digits) >= 3 and digits in text
    return False


# --- the index object: kept current, and read by the search containers -----------------------------


class Cache:
    """The index of one search container: loaded once, then refreshed by a conditional GetObject at most every
    REFRESH_SECONDS. A missing object is an empty index (the hourly rebuild writes it), logged."""

    def __init__(self) -> None:
        self.index: MemberIndex | None = None
        self.etag: str | None = None
        self.checked_at = 0.0

    def current(self) -> MemberIndex:
        now = time.monotonic()
        if self.index is not None and now - self.checked_at < REFRESH_SECONDS:
            return self.index
        try:
            state, blob, etag = index_store.fetch_index(self.etag if self.index is not None else None, KEY)
            if state == "new":
                self.index, self.etag = MemberIndex.load(blob), etag
            elif state == "missing" or self.index is None:
                logger.warning("member index object missing: answering from an empty index until MemberIndexFunction writes it")
                self.index, self.etag = MemberIndex([]), None
        except Exception as exc:
            if self.index is None:
                raise
            logger.warning("member index not refreshed", extra={"error": type(exc).__name__})
        self.checked_at = now
        return self.index


def _write(change: Any) -> dict[str, int]:
    for _attempt in retry.policy("s3.index_write").attempts():
        state, blob, etag = index_store.fetch_index(None, KEY)
        current = None
        if state == "new":
            try:
                current = MemberIndex.load(blob)
            except Exception as exc:
                logger.warning("member index unreadable: building it whole", extra={"error": type(exc).__name__})
        new = change(current)
        out = new.dump()
        try:
            index_store.put_index(out, etag if state == "new" else None, KEY)
        except index_store.IndexChanged:
            continue
        return {"members": len(new), "bytes": len(out)}
    raise RuntimeError("member index: too many concurrent writers")  # the event source retries the batch


def _all_rows() -> list[Row]:
    rows: list[Row] = []
    for status in STATUSES:
        for member in accounts.all_members_with_status(status):
            row = row_of(member)
            if row:
                rows.append(row)
    return rows


def rebuild() -> dict[str, int]:
    """Every member, from the GSI1 partition of each status (Queries, a page per ~1 MB)."""
    return _write(lambda _current: MemberIndex(_all_rows()))


def apply_changes(member_ids: set[str]) -> dict[str, int]:
    """The stream's records of these member items: each member's row as the member is now (read consistently)."""

    def change(index: MemberIndex | None) -> MemberIndex:
        if index is None:
            return MemberIndex(_all_rows())
        members = accounts.members_by_id(sorted(member_ids))
        rows = [r for r in (row_of(m) for m in members) if r]
        return index.updated(rows, member_ids - {r.member_id for r in rows})

    return _write(change)


def member_of_stream_keys(keys_image: dict[str, Any]) -> str | None:
    pk = str((keys_image.get("PK") or {}).get("S") or "")
    sk = str((keys_image.get("SK") or {}).get("S") or "")
    return pk.removeprefix("MEMBER#") if pk.startswith("MEMBER#") and sk == "MEMBER" else None


# --- GET /api/admin/members?q= ---------------------------------------------------------------------

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def search(
    cache: Cache, q: str, status: str, joined_from: str, joined_to: str, cursor: str | None, limit: int = 50
) -> tuple[list[dict[str, Any]], int, str | None]:
    """The matching members' summaries (a page), how many match, and the next page's cursor."""
    for name, value in (("joined_from", joined_from), ("joined_to", joined_to)):
        if value and not _DAY.match(value):
            raise invalid(name, "入会日は「2015-04-01」の形式で指定してください。")
    state = decode(cursor) or {}
    offset = state.get("offset", 0)
    if not isinstance(offset, int) or isinstance(offset, bool) or offset < 0:
        raise invalid("cursor", "ページ指定（cursor）が正しくありません。")
    found = cache.current().search(q, status, joined_from, joined_to)
    page = found[offset : offset + limit]
    more = offset + limit < len(found)
    return [r.shown for r in page], len(found), encode({"offset": offset + limit}) if more else None
