"""Key builders for the single table. One place that knows the key shapes."""

from __future__ import annotations

MEMBER_SK = "MEMBER"


def member(member_id: str) -> tuple[str, str]:
    return f"MEMBER#{member_id}", MEMBER_SK


def members_by_status(status: str) -> str:  # GSI1PK
    return f"MEMBERS#{status}"


def email(address: str) -> tuple[str, str]:
    return f"EMAIL#{address.strip().lower()}", "EMAIL"


def session(token_digest: str) -> tuple[str, str]:
    return f"SESSION#{token_digest}", "SESSION"


def sessions_of(member_id: str) -> str:  # GSI1PK
    return f"SESSIONS#{member_id}"


def token(token_digest: str) -> tuple[str, str]:
    return f"TOKEN#{token_digest}", "TOKEN"


def latest_token(purpose: str, subject: str) -> tuple[str, str]:
    """Which token of (purpose, subject) is the one that still works: issuing replaces it, using deletes it."""
    return f"TOKENS#{purpose}#{subject.strip().lower()}", "LATEST"


def limit(scope: str, hashed_value: str, window: int) -> tuple[str, str]:
    """A counter of one fixed window (login attempts, mails) of a hashed account, address or source."""
    return f"LIMIT#{scope}#{hashed_value}", f"W#{window}"


def login_streak(hashed_account: str) -> tuple[str, str]:
    """An account's failed logins from unknown devices and the earliest time of the next attempt."""
    return f"LIMIT#streak#{hashed_account}", "STREAK"


def device(token_digest: str) -> tuple[str, str]:
    """A browser that logged in to an account before (the device cookie, hashed)."""
    return f"DEVICE#{token_digest}", "DEVICE"


def audit_month(month: str) -> str:
    return f"AUDIT#{month}"


def audit_about(member_id: str) -> str:  # GSI1PK of the audit entries whose target is the member
    return f"AUDIT_ABOUT#{member_id}"


# --- mail magazine (store/newsletters.py) ---


def newsletter(newsletter_id: str) -> tuple[str, str]:
    return f"NEWSLETTER#{newsletter_id}", "NEWSLETTER"


def maintenance(job: str) -> tuple[str, str]:
    """The progress of a one-off maintenance job (its cursor, when it finished)."""
    return f"MAINT#{job}", "STATE"


def newsletter_held(newsletter_id: str, name: str) -> tuple[str, str]:
    """One message's recipients waiting to be queued: the audience when sent (A<n>), or held while paused (P<id>)."""
    return f"NEWSLETTER#{newsletter_id}", f"HELD#{name}"


def newsletter_stuck(newsletter_id: str, message_id: str) -> tuple[str, str]:
    """A message of the newsletter given up after its last attempt (in the DLQ until staff re-drive it)."""
    return f"NEWSLETTER#{newsletter_id}", f"STUCK#{message_id}"


def newsletter_recipient(newsletter_id: str, member_id: str) -> tuple[str, str]:
    """The per-recipient record: written (conditionally) before the mail is sent, so it is sent at most once."""
    return f"NEWSLETTER#{newsletter_id}", f"TO#{member_id}"


def news_genre(genre: str, member_id: str) -> tuple[str, str]:
    """A subscriber of a genre (the recipients' sparse index, maintained by every profile write)."""
    return f"NEWSGENRE#{genre}", f"MEMBER#{member_id}"


def news_consent(member_id: str) -> tuple[str, str]:
    """The member's mail magazine consent record (特定電子メール法: when they opted in, and out)."""
    return f"MEMBER#{member_id}", "NEWSCONSENT"


def suppressed(address: str) -> tuple[str, str]:
    """An address that bounced permanently or complained: no newsletter goes to it again."""
    return f"SUPPRESSED#{address.strip().lower()}", "SUPPRESSED"


NEWSLETTERS_GSI1PK = "NEWSLETTERS"  # every newsletter, newest first
NEWSLETTERS_SCHEDULED_GSI2PK = "NEWSLETTERS#scheduled"  # scheduled ones by send_at (newsletter-dispatch)
NEWSLETTERS_HELD_GSI2PK = "NEWSLETTERS#held"  # ones with messages still to queue (newsletter-dispatch resumes them)


def unsubscribe_gsi1pk(token_digest: str) -> str:
    """An unsubscribe token (hashed) → its recipient record (GSI1)."""
    return f"UNSUB#{token_digest}"


OUTBOX_PK = "OUTBOX"


def directory(company_id: str) -> tuple[str, str]:
    """A published company (会員企業検索): which member it is. The page itself is read from the member item."""
    return f"DIRECTORY#{company_id}", "COMPANY"


DIRECTORY_GSI1PK = "DIRECTORY"  # every directory item: the index rebuild's Query (a sparse GSI1 partition)


# --- staff accounts and departments (store/staff.py) ---

STAFF_GSI1PK = "STAFF"  # every staff account (their MEMBER# items), oldest first


def active_admins() -> tuple[str, str]:
    """How many staff accounts are active admins: changed in the same transaction as each change of one."""
    return "STAFF#ADMINS", "COUNT"


DEPARTMENTS_PK = "DEPARTMENTS"


def department(department_id: str) -> tuple[str, str]:
    return DEPARTMENTS_PK, f"DEPT#{department_id}"
