"""netclub.access: the one table of routes → roles, checked against template.yaml's routes."""

from __future__ import annotations

from typing import Any

from netclub import access


def test_every_admin_only_entry_is_a_staff_route_of_the_template(discovered: tuple[Any, Any, Any]) -> None:
    _, routes, _ = discovered
    every = {(r.method, r.path) for r in routes}
    assert every >= access.ADMIN_ONLY, sorted(access.ADMIN_ONLY - every)
    assert all(access.staff_route(path) for _, path in access.ADMIN_ONLY)


def test_roles() -> None:
    assert access.may_call("member", "GET", "/api/me")
    assert not access.may_call("member", "GET", "/api/admin/members")
    assert access.may_call("staff", "GET", "/api/admin/members") and access.may_call("admin", "GET", "/api/admin/members")
    assert not access.may_call("staff", "POST", "/api/admin/staff") and access.may_call("admin", "POST", "/api/admin/staff")
    assert access.may_call("staff", "GET", "/api/admin/departments") and not access.may_call("staff", "POST", "/api/admin/departments")
    assert not access.may_call("member", "GET", "") and access.required_role("GET", "") == "staff"  # no route: staff only, as before
    assert not access.may_call("nobody", "GET", "/api/me")
