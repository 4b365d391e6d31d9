"""会員企業検索's demo data: published member companies (local/directory_data.py), listed as the
portal's own writes list them (company_id + directory item, services/directory.listing), and the
search index built at the end of seeding, so that searches work as soon as `make dev` is up."""

from __future__ import annotations

from netclub import clock, ids
from netclub.services import directory, passwords
from netclub.store import accounts
from netclub.store.items import MemberItem

from local.directory_data import companies

DEMO_COMPANIES = 50
PASSWORD = "Company#2026pass"  # noqa: S105 (local demo logins only) the demo companies' logins: company<n>@directory.example


def seed(count: int = DEMO_COMPANIES) -> int:
    password_hash = passwords.hash_password(PASSWORD)  # one hash for all: argon2 is slow on purpose
    for n, profile in enumerate(companies(count)):
        email = f"company{n + 1}@directory.example"
        now = clock.iso()
        member: MemberItem = {
            "member_id": ids.new_id(),
            "email": email,
            "role": "member",
            "status": "active",
            "password_hash": password_hash,
            "company_name": profile["company_name"],
            "user_name": "担当者",
            "profile": {k: v for k, v in profile.items() if v is not None} | {"user": {"email": email, "name": "担当者"}},
            "staff_fields": {},
            "created_at": now,
            "updated_at": now,
        }
        company_id, operations = directory.listing(member)
        member["company_id"] = company_id
        accounts.create_member(member, operations)
    return count


def step(created: dict[str, str]) -> None:
    seed()
    directory.rebuild()  # last: every published company of the seed is in it
