"""The authorizer's decision, apart from the API Gateway event shape."""

from __future__ import annotations

from dataclasses import dataclass, field

from netclub import access
from netclub.services import sessions


@dataclass(frozen=True)
class Decision:
    unauthenticated: bool = False
    allowed: bool = False
    member_id: str | None = None
    context: dict[str, str] = field(default_factory=dict)


def decide(token: str | None, method: str, route: str, csrf_header: str | None) -> Decision:
    """The session (and its account as it is now: a disabled account's session is no session), CSRF on unsafe
    methods, then the role the route needs (netclub.access, the one table of routes → roles)."""
    session = sessions.resolve(token)
    if session is None:
        return Decision(unauthenticated=True)
    context = {"member_id": session.member_id, "role": session.role, "session_id": session.session_id, "csrf_token": session.csrf_token}
    if session.member:  # the handlers' use cases need no member read for these (mails, reservation holders)
        context.update({f"member_{name}": value for name, value in session.member.items()})
    if session.role in access.STAFF_ROLES:
        context["departments"] = ",".join(session.departments)
    if not sessions.csrf_ok(session, method, csrf_header):
        return Decision(allowed=False, member_id=session.member_id, context={"reason": "csrf"})
    if not access.may_call(session.role, method, route):
        return Decision(allowed=False, member_id=session.member_id, context={"reason": "role"})
    return Decision(allowed=True, member_id=session.member_id, context=context)
