"""The staff view of mails waiting for a retry (a failed send is retried and visible to staff: docs/operations.md).

Bodies stay out of it: they can carry a member's reset or verification link.
"""

from __future__ import annotations

from typing import Any

from netclub.cursor import decode, encode
from netclub.store import outbox

SHOWN = ("id", "to", "subject", "template", "created_at", "attempts", "last_error", "last_attempt_at", "parked_at", "parked_reason")


def page(limit: int, cursor: str | None, parked: bool = False) -> tuple[list[dict[str, Any]], str | None]:
    found, last = outbox.page(limit, decode(cursor), parked)
    return [{k: item.get(k) for k in SHOWN} for item in found], encode(last)
