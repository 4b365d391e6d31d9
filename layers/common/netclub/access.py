"""Who may call which route: the one table the REQUEST authorizer decides by.

Roles: `member` (a member company), `staff` (desk work: members, content, offerings, the inquiries of
their departments, newsletters, exports) and `admin` (everything staff do, and staff management).
A route of the staff console (`/api/admin/...`) is for staff and admins; the routes below are for
admins only. The route is the one API Gateway matched (the template's path), never the client's.
`tests/unit/test_access.py` checks that every entry is a route of template.yaml.
Imported by the authorizer: no pydantic, no Powertools.
"""

from __future__ import annotations

ROLES = ("member", "staff", "admin")
STAFF_ROLES = frozenset({"staff", "admin"})
STAFF_PREFIX = "/api/admin"

ADMIN_ONLY: frozenset[tuple[str, str]] = frozenset(
    {
        ("GET", "/api/admin/staff"),
        ("POST", "/api/admin/staff"),
        ("PUT", "/api/admin/staff/{staff_id}"),
        ("POST", "/api/admin/staff/{staff_id}/disable"),
        ("POST", "/api/admin/staff/{staff_id}/enable"),
        ("POST", "/api/admin/staff/{staff_id}/mfa-reset"),
        ("POST", "/api/admin/departments"),
        ("PUT", "/api/admin/departments/{department_id}"),
        ("DELETE", "/api/admin/departments/{department_id}"),
        ("GET", "/api/admin/member-imports"),
        ("POST", "/api/admin/member-imports"),
        ("GET", "/api/admin/member-imports/{import_id}"),
        ("POST", "/api/admin/member-imports/{import_id}/validate"),
        ("POST", "/api/admin/member-imports/{import_id}/run"),
        ("POST", "/api/admin/members/{member_id}/erase"),
    }
)


def staff_route(route: str) -> bool:
    """A route of the staff console. No route at all is treated as one (the strictest)."""
    return not route or route == STAFF_PREFIX or route.startswith(STAFF_PREFIX + "/")


def required_role(method: str, route: str) -> str:
    """The least role that may call the route: member, staff or admin."""
    if (method.upper(), route) in ADMIN_ONLY:
        return "admin"
    return "staff" if staff_route(route) else "member"


def may_call(role: str, method: str, route: str) -> bool:
    needed = required_role(method, route)
    if needed == "member":
        return role in ROLES
    if needed == "staff":
        return role in STAFF_ROLES
    return role == "admin"
