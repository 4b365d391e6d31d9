"""Mails sent through the local SES (moto), newest first: /_dev/mail and /_dev/mail.html."""

from __future__ import annotations

import html
import re
from typing import Any

from moto.backends import get_backend

from local.resources import ACCOUNT


def messages(region: str, to: str | None = None) -> list[dict[str, Any]]:
    backend = get_backend("ses")[ACCOUNT][region]
    found = []
    for index, message in enumerate(list(backend.sent_messages)):
        destinations = getattr(message, "destinations", {}) or {}
        recipients = destinations.get("ToAddresses", []) if isinstance(destinations, dict) else list(destinations)
        for recipient in recipients:
            if to is None or recipient.lower() == to.strip().lower():
                found.append(
                    {
                        "to": recipient,
                        "subject": message.subject,
                        "body": message.body,
                        "sent_at": getattr(message, "sent_at", None),
                        "headers": dict(getattr(message, "headers", None) or {}),  # local/moto_patches.py keeps them
                        "seq": index,
                    }
                )
    found.sort(key=lambda m: m["seq"], reverse=True)
    for item in found:
        item.pop("seq")
    return found


_LINK = re.compile(r"(https?://[^\s<>\"']+)")


def page(items: list[dict[str, Any]], to: str | None) -> str:
    rows = []
    for m in items:
        headers = "".join(f"<br>{html.escape(k)}: {html.escape(v)}" for k, v in (m.get("headers") or {}).items())
        body = _LINK.sub(lambda x: f'<a href="{x.group(1)}">{x.group(1)}</a>', html.escape(m["body"]))
        rows.append(
            f'<article class="mail"><h2>{html.escape(m["subject"])}</h2><p class="meta">宛先: {html.escape(m["to"])}{headers}</p><pre>{body}</pre></article>'
        )
    query = html.escape(to or "")
    return f"""<!doctype html><html lang="ja"><head><meta charset="utf-8"><title>開発用メールボックス</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{{font-family:sans-serif;max-width:60rem;margin:1rem auto;padding:0 1rem;color:#1a1a1a}}
.mail{{border:1px solid #ccc;border-radius:6px;padding:.5rem 1rem;margin:1rem 0}}.meta{{color:#555}}
pre{{white-space:pre-wrap;font-family:inherit}}a{{color:#0017c1}}</style></head><body>
<h1>開発用メールボックス（ローカル環境のSES）</h1>
<form method="get"><label for="to">宛先で絞り込み</label> <input id="to" name="to" value="{query}" type="email">
<button type="submit">表示</button></form>
<p>{len(items)} 件</p>{"".join(rows) or "<p>メールはまだありません。</p>"}</body></html>"""
