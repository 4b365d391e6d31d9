"""Fixtures of the e2e tests (the local stack itself is `local_stack`, in tests/conftest.py)."""

from __future__ import annotations

import urllib.parse

import pytest

from tests.conftest import STAFF
from tests.stackutil import Browserish, LocalStack


@pytest.fixture(scope="module")
def staff(local_stack: LocalStack) -> Browserish:
    """The seeded staff account, logged in over HTTP once per test module."""
    client = local_stack.client()
    assert client.login(*STAFF).status == 200
    return client


def register_member(stack: LocalStack, staff: Browserish, email: str, password: str, company: str, name: str) -> None:
    """A new active member, all over HTTP: registration → the mailed link → confirmation → staff approval."""
    visitor = stack.client()
    assert visitor.post("/api/registrations", {"email": email, "email_confirm": email}).status == 202
    link = stack.link_in(stack.wait_for_mail(email, "会員登録のご案内"))
    token = urllib.parse.parse_qs(urllib.parse.urlsplit(link).query)["token"][0]
    profile = {"corporate_type": "founder", "company_name": company, "user": {"name": name}}
    created = visitor.post("/api/registrations/confirm", {"token": token, "password": password, "password_confirm": password, "profile": profile})
    assert created.status == 201, created.body
    assert staff.post(f"/api/admin/members/{created.body['member_id']}/approve").status == 200
