"""The authorizer's decision, apart from the API Gateway event shape."""

from __future__ import annotations

from dataclasses import dataclass, field

from netclub.services import sessions

STAFF_PREFIX = "/api/admin"


@dataclass(frozen=True)
class Decision:
    unauthenticated: bool = False
    allowed: bool = False
    member_id: str | None = None
    context: dict[str, str] = field(default_factory=dict)


def staff_only(route: str) -> bool:
    """A route of the staff console, by the route API Gateway matched (the template's path, e.g.
    `/api/admin/members/{member_id}`), not the path the client sent. No route: treated as staff-only."""
    return not route or route == STAFF_PREFIX or route.startswith(STAFF_PREFIX + "/")


def decide(token: str | None, method: str, route: str, csrf_header: str | None) -> Decision:
    session = sessions.resolve(token)
    if session is None:
        return Decision(unauthenticated=True)
    context = {"member_id": session.member_id, "role": session.role, "session_id": session.session_id, "csrf_token": session.csrf_token}
    if session.member:  # the handlers' use cases need no member read for these (mails, reservation holders)
        context.update({f"member_{name}": value for name, value in session.member.items()})
    if not sessions.csrf_ok(session, method, csrf_header):
        return Decision(allowed=False, member_id=session.member_id, context={"reason": "csrf"})
    if staff_only(route) and session.role != "staff":
        return Decision(allowed=False, member_id=session.member_id, context={"reason": "role"})
    return Decision(allowed=True, member_id=session.member_id, context=context)
