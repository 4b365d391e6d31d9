"""The one Content-Disposition of a download (RFC 6266): the API's own files (an iCalendar file) and the
presigned S3 links (attachments, exports) name the saved file the same way."""

from __future__ import annotations

import re
from urllib.parse import quote

_PLAIN = re.compile(r"[A-Za-z0-9 !#$&'()+\-.=@\[\]^_`{}~]+")  # ASCII that needs no escaping in a quoted filename
_EXTENSION = re.compile(r"[A-Za-z0-9]{1,10}")
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")  # never in a header (CR/LF would end it)


def attachment(filename: str, fallback: str = "download") -> str:
    """`attachment` with the file's name: an ASCII `filename` (the name itself when it is plain ASCII, else
    `fallback` with the name's extension) and, for any other name, the UTF-8 `filename*` (RFC 5987) every
    current browser uses. Quotes, backslashes, semicolons, commas and percent signs are never written raw;
    control characters are dropped."""
    name = _UNSAFE.sub("", filename).strip()
    if name and _PLAIN.fullmatch(name):
        return f'attachment; filename="{name}"'
    _stem, dot, extension = name.rpartition(".")
    ascii_name = f"{fallback}.{extension}" if dot and _EXTENSION.fullmatch(extension) else fallback
    if not name:
        return f'attachment; filename="{ascii_name}"'
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"
