"""Reading the portal's cookies from a Cookie header (standard library only: the authorizer uses it)."""

from __future__ import annotations

from http.cookies import SimpleCookie

SESSION_COOKIE = "netclub_session"


def session_token_from_cookie_header(cookie_header: str | None) -> str | None:
    return cookie_from_header(cookie_header, SESSION_COOKIE)


def cookie_from_header(cookie_header: str | None, name: str) -> str | None:
    if not cookie_header:
        return None
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(cookie_header)
    except Exception:  # malformed cookie header: treat as no cookie
        return None
    morsel = jar.get(name)
    return morsel.value if morsel and morsel.value else None
