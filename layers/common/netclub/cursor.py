"""Opaque list cursors (`next_cursor` / `?cursor=`). A tampered cursor is a 400, never a 500."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from netclub.errors import invalid


def encode(state: dict[str, Any] | None) -> str | None:
    if not state:
        return None
    return base64.urlsafe_b64encode(json.dumps(state, separators=(",", ":")).encode()).decode().rstrip("=")


def decode(cursor: str | None) -> dict[str, Any] | None:
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        state = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise invalid("cursor", "ページ指定（cursor）が正しくありません。") from None
    if not isinstance(state, dict):
        raise invalid("cursor", "ページ指定（cursor）が正しくありません。")
    return state
