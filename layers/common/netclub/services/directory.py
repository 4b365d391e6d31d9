"""会員企業検索: which companies are published, and the only view of them other members get.

A company is in the directory while its member is `active` and its profile says
`publish_company_info: true`. Its public page is built here from an allow-list of fields:
nothing else of the profile (the contact person, phones, fax, genders, subscriptions,
staff fields, officers, large-company investment, customers, subcontractors, affiliates) is
ever copied into it. 個人事業者・創業予定者 show the prefecture and city, not a street address,
and no representative.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from typing import Any

from aws_lambda_powertools import Logger

from netclub import retry
from netclub.config import snap_start_init
from netclub.cursor import decode, encode
from netclub.data import choices
from netclub.errors import FieldError, NotActive, NotFound, ValidationFailed, invalid
from netclub.models.directory import CompanyCard, CompanyList, CompanyPage, EquipmentView, IndustryView, PublicView, RepresentativeView
from netclub.services import industries
from netclub.services.directory_index import Company, Index, company_from
from netclub.store import accounts
from netclub.store import directory as directory_store
from netclub.store.dynamo import TransactOp
from netclub.store.items import MemberItem

SUMMARY_LENGTH = 120
logger = Logger(service="netclub", child=True)
_PREFECTURE = re.compile(r"^\s*(東京都|北海道|京都府|大阪府|[^\s都道府県0-9０-９]{2,3}県)")
_CITY = re.compile(r"^(.+?郡.+?[町村]|.+?市.+?区|.+?[市区町村])")


def is_published(member: MemberItem) -> bool:
    return member.get("status") == "active" and member.get("role", "member") == "member" and bool((member.get("profile") or {}).get("publish_company_info"))


def prefecture_and_city(address: str | None) -> tuple[str | None, str | None]:
    """(都道府県, 市区町村) at the start of an address, as far as they can be told."""
    if not address:
        return None, None
    found = _PREFECTURE.match(address)
    if not found:
        return None, None
    rest = address[found.end() :].lstrip()
    city = _CITY.match(rest)
    return found.group(1), city.group(1) if city else None


def _industry(profile: dict[str, Any]) -> IndustryView:
    codes = profile.get("industry") or {}
    major, middle, minor = codes.get("major"), codes.get("middle"), codes.get("minor")
    name = next((industries.name_of(c) for c in (minor and minor[:3], middle, major) if c and industries.name_of(c)), None)
    return IndustryView(major=major, middle=middle, minor=minor, name=name)


def page_of(company_id: str, profile: dict[str, Any]) -> CompanyPage:
    """The public page of a published profile: the allow-listed fields only."""
    individual = profile.get("corporate_type") in ("sole_proprietor", "founder")
    prefecture, city = prefecture_and_city(profile.get("address"))
    representative = profile.get("representative") or {}
    summary = str(profile.get("business_summary") or "")
    return CompanyPage(
        company_id=company_id,
        company_name=str(profile.get("company_name") or ""),
        company_name_kana=profile.get("company_name_kana"),
        common_name=profile.get("common_name"),
        industry=_industry(profile),
        prefecture=prefecture,
        summary=summary[:SUMMARY_LENGTH],
        # a value from before the lists as the list value it means (the page, its card and the index alike)
        processing_categories=choices.read_back(map(str, profile.get("processing_categories") or []), choices.processing_category),
        trade_areas=choices.read_back(map(str, profile.get("trade_areas") or []), choices.trade_area),
        homepage_url=profile.get("homepage_url"),
        office_name=profile.get("office_name"),
        address=("".join(p for p in (prefecture, city) if p) or None) if individual else profile.get("address"),
        representative=None if individual else RepresentativeView(name=representative.get("name"), title=representative.get("title")),
        capital_thousand_yen=profile.get("capital_thousand_yen"),
        employees_total=(profile.get("employees") or {}).get("total"),
        established_year_month=profile.get("established_year_month"),
        public_info=profile.get("public_info"),
        business_summary=profile.get("business_summary"),
        shipping_sales=profile.get("shipping_sales"),
        equipment=[
            EquipmentView(
                capability_class=e.get("capability_class"),
                name=str(e.get("name") or ""),
                domestic=e.get("domestic"),
                maker=e.get("maker"),
                count=e.get("count"),
            )
            for e in profile.get("equipment") or []
            if e.get("name")
        ],
    )


def card_of(page: CompanyPage) -> CompanyCard:
    return CompanyCard.model_validate(page.model_dump(include=set(CompanyCard.model_fields)))


def index_entry(page: CompanyPage) -> Company:
    """What the search index holds of a company: built from its public page only, so a search can
    never match (or show) what the page does not publish."""
    public = page.model_dump()
    public["industry"] = {k: public["industry"].get(k) for k in ("major", "middle", "minor")}
    return company_from(card_of(page).model_dump(), public)


# --- publication: the directory item follows every write that can change it ----------------

NOT_FOUND = "企業が見つかりません。掲載が終了したか、URLが正しくありません。"


def page_sha(company_id: str, profile: dict[str, Any]) -> str:
    """The digest of the public page: the directory item changes exactly when the page does."""
    return hashlib.sha256(page_of(company_id, profile).model_dump_json().encode("utf-8")).hexdigest()[:32]


def new_company_id() -> str:
    """Random and opaque: nothing of the member id can be learnt from it."""
    return secrets.token_urlsafe(12)


def listing(member_after: MemberItem) -> tuple[str | None, list[TransactOp]]:
    """For a write that leaves the member as `member_after`: the company_id to keep on the member
    item (a new one the first time the company is published; None: nothing to set) and the
    directory item's operation for the same transaction (put when published, else delete)."""
    company_id = member_after.get("company_id")
    if is_published(member_after):
        company_id = company_id or new_company_id()
        return company_id, [directory_store.put_op(company_id, member_after["member_id"], page_sha(company_id, member_after.get("profile") or {}))]
    if company_id:
        return None, [directory_store.delete_op(company_id)]
    return None, []


# --- the two read routes ---------------------------------------------------------------------


def _requester(member_id: str, status: str | None) -> None:
    """Only active members use the directory. `status`: the member's as the authorizer read it at this
    request (authorizer_context); without it (a session cookie of the older form) the member is read."""
    if not status:
        member = accounts.get_member(member_id)
        if not member:
            raise NotFound()
        status = str(member.get("status") or "")
    if status != "active":
        raise NotActive()


def get_page(requester_id: str, company_id: str, requester_status: str | None = None) -> CompanyPage:
    """GET /api/directory/{company_id}: built from the member item now, so unpublishing is at once."""
    _requester(requester_id, requester_status)
    item = directory_store.get(company_id)
    member = accounts.get_member(str(item["member_id"])) if item else None
    if not member or member.get("company_id") != company_id or not is_published(member):
        raise NotFound(NOT_FOUND)
    return page_of(company_id, member.get("profile") or {})


def own_public_view(member_id: str) -> PublicView:
    """GET /api/profile/public-view: the member's own company as other members see it (one GetItem).
    The page is built by page_of from the stored profile, as get_page builds it: the same answer
    while published, and what would be shown once 企業情報の発信 is 発信する."""
    member = accounts.get_member(member_id)
    if not member:
        raise NotFound()
    if member.get("status") != "active":
        raise NotActive()
    return PublicView(published=is_published(member), page=page_of(str(member.get("company_id") or ""), member.get("profile") or {}))


REFRESH_SECONDS = 5.0  # a container asks S3 whether the index changed at most this often (a conditional GET: cheap)
MAX_LIMIT = 50


class IndexCache:
    """The search index of one container: loaded once, then refreshed by a conditional GetObject
    (If-None-Match) at most every REFRESH_SECONDS. A missing object is an empty index (the
    scheduled rebuild creates it), logged."""

    def __init__(self) -> None:
        self.index: Index | None = None
        self.etag: str | None = None
        self.checked_at = 0.0

    def current(self) -> Index:
        now = time.monotonic()
        if self.index is not None and now - self.checked_at < REFRESH_SECONDS:
            return self.index
        try:
            state, blob, etag = directory_store.fetch_index(self.etag if self.index is not None else None)
            loaded = Index.load(blob) if state == "new" else None
        except Exception as exc:
            if self.index is None:
                raise
            # S3 out for a moment, or an object this code cannot read: the index this container has is
            # still a good answer (at most a rebuild old); ask again after REFRESH_SECONDS
            logger.warning("directory index not refreshed", extra={"error": type(exc).__name__})
            self.checked_at = now
            return self.index
        if loaded is not None:
            self.index, self.etag = loaded, etag
        elif state == "missing" or self.index is None:
            logger.warning("directory index object missing: answering from an empty index until the rebuild writes it")
            self.index, self.etag = Index.build([]), None
        self.checked_at = now
        return self.index

    def prime_for_snapshot(self) -> None:
        """Under SnapStart, the S3 client and the index are made during init, so the snapshot holds them
        (netclub.aws.prime_for_snapshot does it for DynamoDB): the first search after a restore asks S3
        only whether the index changed (a conditional GetObject: 304 when it did not) instead of loading
        it. The next search checks at once, whatever the clock did across the restore. Elsewhere nothing
        happens here; an init that cannot reach S3 leaves the load to the first search."""
        if not snap_start_init():
            return
        try:
            self.current()
        except Exception as exc:  # the snapshot is still good without the index
            logger.warning("directory index not loaded at init", extra={"error": type(exc).__name__})
        self.checked_at = float("-inf")


def _industry_code(code: str) -> str:
    code = code.strip().upper()
    if code and code not in industries.classification().names:
        raise invalid("industry", "業種の分類コードが正しくありません。")
    return code


def _offset(cursor: str | None) -> int:
    state = decode(cursor) or {}
    offset = state.get("offset", 0)
    if not isinstance(offset, int) or isinstance(offset, bool) or offset < 0:
        raise invalid("cursor", "ページ指定（cursor）が正しくありません。")
    return offset


def search(
    requester_id: str,
    cache: IndexCache,
    q: str = "",
    industry: str = "",
    area: str = "",
    processing: str = "",
    cursor: str | None = None,
    limit: int = 20,
    requester_status: str | None = None,
) -> CompanyList:
    """GET /api/directory: at most one S3 call (and a GetItem of the requester when the authorizer did
    not pass its status)."""
    errors: list[FieldError] = []
    try:
        code = _industry_code(industry or "")
    except ValidationFailed as exc:
        errors += exc.fields
        code = ""
    try:
        offset = _offset(cursor)
    except ValidationFailed as exc:
        errors += exc.fields
        offset = 0
    if errors:
        raise ValidationFailed(errors)
    _requester(requester_id, requester_status)
    index = cache.current()
    area = choices.trade_area(area) or area if area else ""  # 「東京都」 asks for 東京都内; text of no list value, as it is
    processing = choices.processing_category(processing) or processing if processing else ""
    found = index.search(q or "", code, area, processing)
    page = found[offset : offset + limit]
    more = offset + limit < len(found)
    return CompanyList(
        items=[CompanyCard.model_validate(index.cards[n]) for n in page], total=len(found), next_cursor=encode({"offset": offset + limit}) if more else None
    )


# --- keeping the index current -------------------------------------------------------------------
# Two writers: the table's stream (template.yaml: DirectoryChangesMapping) brings each change of a
# directory item within seconds (apply_changes), and a schedule rebuilds everything now and then in
# case a change was ever lost (rebuild). Both read the index object, change it and write it back
# conditionally on the version they read; a writer that lost the race reads again and redoes its
# change (retry policy "s3.index_write"), so neither ever undoes the other's.


def _published_entries(pointers: dict[str, str]) -> tuple[list[Company], set[str]]:
    """For {company_id: member_id}: the index entries of those published now (read strongly
    consistent) and the ids of the others."""
    members = {str(m["member_id"]): m for m in directory_store.members(sorted(set(pointers.values())))}
    entries: list[Company] = []
    for company_id, member_id in pointers.items():
        m = members.get(member_id)
        if m and is_published(m) and m.get("company_id") == company_id:
            entries.append(index_entry(page_of(company_id, m.get("profile") or {})))
    listed = {str(e.card["company_id"]) for e in entries}
    return entries, set(pointers) - listed


def _write(change: Any) -> dict[str, int]:
    """Read the index, `change(index or None) -> Index`, write it on the version read; again on a race."""
    for attempt in retry.policy("s3.index_write").attempts():
        state, blob, etag = directory_store.fetch_index(None)
        current = None
        if state == "new":
            try:
                current = Index.load(blob)
            except Exception as exc:  # an object this code cannot read: built whole again
                logger.warning("directory index unreadable: building it whole", extra={"error": type(exc).__name__})
        new = change(current)
        out = new.dump()
        try:
            directory_store.put_index(out, etag if state == "new" else None)
        except directory_store.IndexChanged:
            logger.info("directory index changed meanwhile: redoing the change", extra={"attempt": attempt + 1})
            continue
        return {"companies": len(new), "bytes": len(out)}
    raise RuntimeError("directory index: too many concurrent writers")  # the event source retries the batch


def apply_changes(company_ids: set[str]) -> dict[str, int]:
    """The stream's records of these directory items: each company in or out of the index as it is now."""

    def change(index: Index | None) -> Index:
        if index is None:  # no index yet: build it whole (the changes are in it)
            return _full_index(None)
        pointers = {str(p["company_id"]): str(p["member_id"]) for p in directory_store.pointers(sorted(company_ids))}
        entries, unpublished = _published_entries(pointers)
        return index.updated(entries, (company_ids - set(pointers)) | unpublished)

    result = _write(change)
    logger.info("directory index updated", extra={"changed": len(company_ids), **result})
    return result


def _full_index(current: Index | None) -> Index:
    """Every published company. A company the index has but the Query of GSI1 (eventually
    consistent) did not return is asked for by key before it is dropped: a company published a
    moment ago is not lost by a rebuild that overlaps its stream record."""
    pointers = {str(e["company_id"]): str(e["member_id"]) for e in directory_store.listed()}
    unseen = [c for c in (current.company_ids() if current else []) if c not in pointers]
    if unseen:
        pointers |= {str(p["company_id"]): str(p["member_id"]) for p in directory_store.pointers(unseen)}
    entries, _ = _published_entries(pointers)
    return Index.build(entries)


def rebuild() -> dict[str, int]:
    """Every published company into the index (Query GSI1 DIRECTORY, BatchGetItem the members)."""
    return _write(_full_index)
