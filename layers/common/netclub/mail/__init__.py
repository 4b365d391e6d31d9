"""Japanese mails through SESv2. A failed send never loses the action: it is kept and retried.

`send` is imported on first use (the sender, its templates and the outbox are not on the cold path
of a function whose request sends no mail).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from netclub.mail.sender import send

__all__ = ["send"]


def __getattr__(name: str) -> Any:
    if name == "send":
        from netclub.mail.sender import send

        return send
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
