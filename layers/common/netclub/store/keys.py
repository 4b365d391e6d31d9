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


def throttle(scope: str, value: str) -> tuple[str, str]:
    return f"THROTTLE#{scope}#{value}", "THROTTLE"


def audit_month(month: str) -> str:
    return f"AUDIT#{month}"


OUTBOX_PK = "OUTBOX"
