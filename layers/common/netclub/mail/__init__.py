"""Japanese mails through SESv2. A failed send never loses the action: it is kept and retried."""

from netclub.mail.sender import send

__all__ = ["send"]
