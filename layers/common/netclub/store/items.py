"""The stored items' types: one TypedDict per kind of item of the single table (and the idempotency table).

An item as DynamoDB gives it back is `dynamo.Item` (a dict of anything); `one` and `every` are the one place
where it becomes one of these types (no check at run time: the store writes these shapes, and only the store
reads them). Every attribute is optional to the type (`total=False`): an item written before an attribute existed lacks it,
the services build an item before the store adds its keys, and a projection (BatchGetItem's) reads a few.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypedDict, TypeVar, cast

from netclub.store.dynamo import Item


class Keys(TypedDict, total=False):
    """The table's key attributes and its two GSIs' (absent until the store writes the item)."""

    PK: str
    SK: str
    GSI1PK: str
    GSI1SK: str
    GSI2PK: str
    GSI2SK: str


T = TypeVar("T", bound=Mapping[str, object])


def one(kind: type[T], item: Item | None) -> T | None:
    """A stored item (or None: not found) as its kind's type: the typed boundary of a read."""
    return cast("T | None", item)


def the(kind: type[T], item: Item) -> T:
    """A stored item as its kind's type (`one`, for an item that is there)."""
    return cast("T", item)


def every(kind: type[T], items: Iterable[Item]) -> list[T]:
    """Stored items as their kind's type."""
    return cast("list[T]", list(items))


def with_keys(item: T, keys: Keys) -> T:
    """A copy of the item with these key attributes (PK, SK, GSI*): the typed boundary of a write's item."""
    return cast("T", {**item, **keys})


KEY_NAMES = frozenset(Keys.__annotations__)


def unkeyed(item: T, names: Iterable[str] = KEY_NAMES) -> T:
    """A copy of the item without these key attributes (by default all of them: the item's data alone)."""
    dropped = frozenset(names)
    return cast("T", {k: v for k, v in item.items() if k not in dropped})


# --- members and staff (store/accounts.py, store/profiles.py, store/staff.py) ---


class MemberItem(Keys, total=False):
    """`MEMBER#<id>` / `MEMBER`: a member, or a staff account (role staff/admin). GSI1 MEMBERS#<status> (staff: STAFF)."""

    member_id: str
    email: str
    role: str
    status: str
    password_hash: str
    password_changed_at: str
    company_name: str
    user_name: str
    profile: dict[str, Any]
    staff_fields: dict[str, Any]
    company_id: str | None  # None only in memory (a write leaves a None attribute out)
    pending_email: dict[str, Any]  # address, until_epoch: a change of address waiting for its link
    mail_suppressed: str
    imported_from: str
    created_at: str
    updated_at: str
    status_changed_at: str
    last_login_at: str | None  # None only in memory
    withdrawn_at: str
    withdrawal: dict[str, Any]
    erased_at: str
    # staff accounts
    departments: list[str]
    mfa_enrolled: bool
    mfa_secret: str
    mfa_pending_secret: str
    mfa_pending_at: str
    mfa_enrolled_at: str
    mfa_last_step: int
    mfa_recovery: list[str]  # hashes (a string set in the table)


class EmailItem(Keys, total=False):
    """`EMAIL#<address>` / `EMAIL`: the address's member, and (with login_v) the login projection of it."""

    member_id: str
    password_hash: str
    status: str
    role: str
    email: str
    company_name: str
    user_name: str
    login_v: int


class SessionItem(Keys, total=False):
    """`SESSION#<token digest>` / `SESSION`, GSI1 SESSIONS#<member id>."""

    member_id: str
    role: str
    csrf_token: str
    created_at: int
    last_seen: int
    ttl_epoch: int
    departments: list[str]


class TokenItem(Keys, total=False):
    """`TOKEN#<digest>` / `TOKEN`: a single-use link's token."""

    purpose: str
    subject: str
    expires: int
    ttl_epoch: int
    data: dict[str, Any]
    used: bool


class LatestTokenItem(Keys, total=False):
    """`TOKENS#<purpose>#<subject>` / `LATEST`: which token of them still works."""

    digest: str
    ttl_epoch: int


class DepartmentItem(Keys, total=False):
    """`DEPARTMENTS` / `DEPT#<id>`."""

    id: str
    name: str
    created_at: str
    updated_at: str


class AdminCountItem(Keys, total=False):
    """`STAFF#ADMINS` / `COUNT`: how many staff accounts are active admins."""

    active_admins: int


# --- audit, outbox, exports, imports, idempotency records ---


class AuditItem(Keys, total=False):
    """`AUDIT#<yyyy-mm>` / `<at>#<id>`, GSI1 AUDIT_ABOUT#<member id> for an entry about a member."""

    id: str
    at: str
    actor_id: str
    action: str
    target: str
    detail: dict[str, Any]


class OutboxItem(Keys, total=False):
    """`OUTBOX` / `<created_at>#<id>`: a mail to send (again); `OUTBOX#PARKED` once the retry gave up on it."""

    id: str
    to: str
    reply_to: str | None
    subject: str
    body: str
    template: str
    about: str
    attempts: int
    last_error: str
    last_attempt_at: str
    created_at: str
    parked_at: str
    parked_reason: str


class ExportItem(Keys, total=False):
    """`EXPORT#<id>` / `EXPORT`: a 名簿出力 / 参加者名簿 job and, once ready, its file."""

    export_id: str
    kind: str
    service: str | None
    offering_id: str | None
    status: str
    filename: str
    created_by: str
    created_at: str
    updated_at: str
    ttl_epoch: int
    key: str
    rows: int
    size: int
    failed_message: str


class IdempotencyItem(TypedDict, total=False):
    """An item of the idempotency table (its key is `id`): the first answer of a request."""

    id: str
    validation: str
    data: str
    status: str
    expiration: int


# --- calendar feeds (store/calendar.py) ---


class CalendarFeedItem(Keys, total=False):
    """`MEMBER#<id>` / `CALFEED`: the member's current feed token (its nonce and digest)."""

    member_id: str
    nonce: str
    digest: str
    created_at: str


class CalendarTokenItem(Keys, total=False):
    """`CALFEED#<digest>` / `CALFEED`: whose feed the token is."""

    member_id: str
    created_at: str


# --- 利用履歴 rows (GSI2 HISTORY#<member id>): a 商談申込 sent or received, an inquiry ---


class HistoryFields(TypedDict, total=False):
    """What the usage history (利用履歴) shows of an item under GSI2 HISTORY#<member id>."""

    history_type: str
    history_title: str
    history_date: str
    history_status: str
    ref_id: str


class HistoryItem(Keys, HistoryFields, total=False):
    """Any item under GSI2 HISTORY#<member id>, as the usage history reads it."""


# --- 会員企業検索 and 商談申込 (store/directory.py) ---


class DirectoryItem(Keys, total=False):
    """`DIRECTORY#<company id>` / `COMPANY`, GSI1 DIRECTORY: which member a published company is."""

    member_id: str
    company_id: str
    page_sha: str


class ContactItem(Keys, HistoryFields, total=False):
    """`MEMBER#<sender>` / `CONTACT#<id>`: a 商談申込 as sent (the recipient by id, never by address)."""

    id: str
    sender_id: str
    recipient_id: str
    company_id: str
    subject: str
    message: str
    created_at: str
    erased_at: str


class ReceivedContactItem(Keys, HistoryFields, total=False):
    """`MEMBER#<recipient>` / `CONTACT_IN#<id>`: the recipient's 利用履歴 row of a 商談申込."""

    id: str
    created_at: str


# --- 会員CSV取込 (store/imports.py) ---


class ImportItem(Keys, total=False):
    """`IMPORT#<id>` / `IMPORT`, GSI1 IMPORTS: an import, its state and its counters."""

    import_id: str
    filename: str
    size: int
    status: str
    created_by: str
    created_at: str
    updated_at: str
    validate_requested_by: str
    encoding: str
    rows: int
    valid: int
    chunks: int
    failed_message: str | None
    run_at: str
    run_by: str
    send_invitations: bool
    chunks_done: int
    processed: int
    created: int
    updated: int
    invited: int
    error_count: int
    finished_at: str


class ImportErrorsItem(Keys, total=False):
    """`IMPORT#<id>` / `ERRORS`: the first errors kept ({row, column, message}), how many in all, its version."""

    errors: list[dict[str, Any]]
    count: int
    version: int


class ImportRowItem(Keys, total=False):
    """`IMPORT#<id>` / `ROW#<n>`: a row's outcome, written once."""

    row: int
    outcome: str
    member_id: str
    invited: bool
    message: str
    column: str
    ttl_epoch: int


class MemberNumberItem(Keys, total=False):
    """`MEMBERNO#<会員番号>` / `MEMBERNO`: whose number it is."""

    member_id: str


# --- login limits (store/limits.py) ---


class DeviceItem(Keys, total=False):
    """`DEVICE#<cookie digest>` / `DEVICE`: a browser that logged in to the account before."""

    account: str
    member_id: str
    created: int
    expires: int
    ttl_epoch: int


# --- お問い合わせ (store/inquiries.py) ---


class InquiryKindItem(Keys, total=False):
    """`INQUIRY_KINDS` / `KIND#<id>`: a kind members can choose (and the department it belongs to)."""

    id: str
    name: str
    description: str
    sort_order: int
    active: bool
    department_id: str
    created_at: str
    updated_at: str


class AttachmentItem(Keys, total=False):
    """`ATTACHMENT#<id>` / `ATTACHMENT`: an upload; once claimed by an inquiry, its final key and no expiry."""

    attachment_id: str
    member_id: str
    filename: str
    content_type: str
    size: int
    upload_key: str
    final_key: str
    inquiry_id: str
    created_at: str
    created_epoch: int
    ttl_epoch: int


class InquiryItem(Keys, HistoryFields, total=False):
    """`MEMBER#<id>` / `INQUIRY#<id>`, GSI1 INQUIRIES#<status>, GSI2 HISTORY#<member id>."""

    id: str
    member_id: str
    receipt_no: str
    kind_id: str
    kind_name: str
    content: str
    attachments: list[dict[str, Any]]  # attachment_id, filename, size, content_type, key
    attachments_deleted_at: str
    status: str
    replies: list[dict[str, Any]]  # body, replied_at, staff_id
    company_name: str
    user_name: str
    created_at: str
    updated_at: str
    closed_at: str
    erased_at: str


class InquiryPointerItem(Keys, total=False):
    """`INQUIRY#<id>` / `INQUIRY`: whose the inquiry is."""

    member_id: str


class InquiryKeyItem(Keys, total=False):
    """`INQUIRY_KEY#<member id>#<key digest>` / `KEY`: the inquiry an Idempotency-Key made (24 hours)."""

    inquiry_id: str
    ttl_epoch: int


class AttachmentRetentionItem(Keys, total=False):
    """`RETENTION#attachments` / `<closed_at>#<inquiry id>`: a closed inquiry's attachments, due for deletion."""

    member_id: str
    inquiry_id: str
    closed_at: str


# --- events, videos, notices (store/content.py) ---


class EventItem(Keys, total=False):
    """`EVENT#<id>` / `EVENT` (GSI2 EVENTS), and a copy per Tokyo month it touches: `EVENT#<id>` / `MONTH#<yyyy-mm>`."""

    id: str
    kind: str
    rev: int
    title: str
    starts_at: str
    ends_at: str
    place: str
    url: str
    description: str


class VideoItem(Keys, total=False):
    """`VIDEO#<id>` / `VIDEO`, GSI1 VIDEOS."""

    id: str
    kind: str
    title: str
    description: str
    url: str
    thumbnail_url: str
    duration_s: int
    created_at: str


class NoticeItem(Keys, total=False):
    """`NOTICE#<id>` / `NOTICE`, GSI1 NOTICES."""

    id: str
    kind: str
    title: str
    body: str
    published_at: str


ContentItem = EventItem | VideoItem | NoticeItem


# --- メールマガジン (store/newsletters.py) ---


class NewsletterItem(Keys, total=False):
    """`NEWSLETTER#<id>` / `NEWSLETTER`, GSI1 NEWSLETTERS, GSI2 NEWSLETTERS#scheduled (by send_at) or NEWSLETTERS#held."""

    id: str
    subject: str
    body: str
    genres: list[str]
    status: str
    created_by: str
    created_at: str
    updated_at: str
    send_at: str
    sending_at: str
    sent_at: str
    paused_at: str
    paused_reason: str
    resumed_at: str
    held: int  # messages still to queue
    stats: dict[str, int]  # recipients, sent, failed, bounced, complained, unsubscribed, stuck, unknown, skipped, done (only ever ADDed)


class HeldMessageItem(Keys, total=False):
    """`NEWSLETTER#<id>` / `HELD#A<n>` (the audience at the send) or `HELD#P<id>` (held while paused): recipients to queue."""

    member_ids: list[str]
    ttl_epoch: int


class StuckMessageItem(Keys, total=False):
    """`NEWSLETTER#<id>` / `STUCK#<message id>`: a queue message given up at its last attempt (in the DLQ)."""

    stuck_count: int
    parked_at: str


class RecipientItem(Keys, total=False):
    """`NEWSLETTER#<id>` / `TO#<member id>`, GSI1 UNSUB#<token digest>: the per-recipient record, written before the send."""

    member_id: str
    newsletter_id: str
    delivery: str  # claimed, then sent / failed / skipped / unknown
    claimed_at: str
    settled_at: str
    ttl_epoch: int
    bounced: str
    complained: str


class GenreMemberItem(Keys, total=False):
    """`NEWSGENRE#<genre>` / `MEMBER#<member id>`: a subscriber of the genre."""

    member_id: str
    consented_at: str


class ConsentItem(Keys, total=False):
    """`MEMBER#<id>` / `NEWSCONSENT`: the member's mail magazine consent (特定電子メール法), each change appended."""

    member_id: str
    genres: list[str]
    consented_at: str
    withdrawn_at: str
    updated_at: str
    history: list[dict[str, Any]]  # at, via, genres


class SuppressedItem(Keys, total=False):
    """`SUPPRESSED#<address>` / `SUPPRESSED`: an address that bounced permanently or complained."""

    reason: str
    suppressed_at: str
    updated_at: str


class MaintenanceItem(Keys, total=False):
    """`MAINT#<job>` / `STATE`: a one-off maintenance job's progress."""

    members: int
    cursor: dict[str, Any]
    updated_at: str
    done_at: str


# --- セミナー / 専門家カウンセリング: offerings, slots, reservations (store/reservations.py) ---


class OfferingItem(Keys, total=False):
    """`OFFERING#<id>` / `META`, GSI1 OFFERINGS / <apply_until>#<id>: a seminar or a counselling offer."""

    id: str
    kind: str
    title: str
    description: str
    apply_until: str
    closing_at: str  # a staff delete under way
    lottery_status: str  # counselling: drawing, then drawn
    lottery_seed: int
    lottery_started_at: str
    lottery_by: str
    lottery_at: str


class SlotItem(Keys, total=False):
    """`OFFERING#<id>` / `SLOT#<id>`, GSI2 SLOTMONTH#<yyyy-mm> / <date>#<starts_at>#<offering id>#<slot id>."""

    id: str
    offering_id: str
    date: str
    start_time: str
    end_time: str
    starts_at: str
    place: str
    capacity: int
    seats_left: int
    waitlist_seq: int  # the last number given to a waiting reservation
    waitlist_count: int  # how many wait now
    closing_at: str


class SlotSnapshot(TypedDict, total=False):
    """A slot as a reservation keeps it (its `slot`: when booked, moved or drawn; its `preference_snapshots`: a
    counselling application's wished slots, date, time and place only), so a mail can name it once the slot is gone."""

    id: str
    date: str
    start_time: str
    end_time: str
    place: str
    capacity: int
    seats_left: int
    starts_at: str


class ReservationItem(Keys, HistoryFields, total=False):
    """`RES#<id>` / `RES`, GSI1 RESERVATIONS#<member id>; once attended GSI2 HISTORY#<member id> (利用履歴)."""

    id: str
    member_id: str
    offering_id: str
    offering_title: str
    kind: str
    status: str
    slot_id: str | None
    slot: SlotSnapshot | None  # the slot as it was when booked
    preferences: list[str]
    preference_snapshots: list[SlotSnapshot]
    note: str
    request_key: str  # the digest of its Idempotency-Key
    waitlist_seq: int
    apply_until: str
    created_at: str
    updated_at: str
    promoted_at: str
    cancelled_at: str
    attended_at: str
    erased_at: str


class HolderItem(Keys, total=False):
    """`OFFERING#<id>` / `HOLDER#<member id>`: the member's live reservation of the offering (a snapshot for the staff
    list and the lottery); `CANCELLED#<reservation id>` keeps one of a cancelled reservation."""

    reservation_id: str
    member_id: str
    company_name: str
    user_name: str
    status: str
    slot_id: str | None
    preferences: list[str]
    note: str
    created_at: str
    cancelled_at: str
    erased_at: str


class WaitItem(Keys, total=False):
    """`OFFERING#<id>` / `WAIT#<slot id>#<seq>`: a reservation waiting for a seat of the slot (キャンセル待ち)."""

    seq: int
    reservation_id: str
    member_id: str
    created_at: str


class ReminderItem(Keys, total=False):
    """`RES#<id>` / `REMINDED#<date>`: the day-before mail of the reservation for that slot day was written."""

    reminded_at: str
    slot_id: str
    ttl_epoch: int
