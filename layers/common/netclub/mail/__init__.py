"""Japanese mails through SESv2. A failed send never loses the action: it is kept and retried.

The mail of an action is written to the outbox in the action's own transaction (`compose` builds it)
and sent after the commit (`send_kept`, `send_all_kept`); `send` sends at once and keeps the mail only
when SES refuses it (for the mails that follow no write). They are imported on first use (the sender,
its templates and the outbox are not on the cold path of a function whose request sends no mail).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from netclub.mail.sender import compose, drop_kept, send, send_all_kept, send_kept

__all__ = ["compose", "drop_kept", "send", "send_all_kept", "send_kept"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from netclub.mail import sender

        return getattr(sender, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
