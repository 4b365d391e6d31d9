"""Demo data of the local stack: the staff account, the demo member, and each domain's content.

Accounts come from netclub.config.local_accounts (overridable by environment) and are created
only here, never by the deployed functions.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from netclub import clock, ids
from netclub.config import local_accounts, local_staff_totp_secret
from netclub.services import passwords
from netclub.store import accounts
from netclub.store import staff as staff_store
from netclub.store.dynamo import TransactOp
from netclub.store.items import MemberItem

DEMO_PROFILE = {
    "corporate_type": "corporation",
    "company_name": "株式会社中小ニット",
    "company_name_kana": "カブシキガイシャチュウショウニット",
    "common_name": "中小ニット",
    "office_name": "大森事業所",
    "postal_code": "143-0016",
    "address": "東京都大田区大森北1-2-3",
    "phone": "03-1234-5678",
    "representative": {"name": "中企一郎", "name_kana": "チュウキイチロウ", "gender": "male", "title": "代表取締役"},
    "industry": {"major": "E", "middle": "11", "minor": "1151"},
    "capital_thousand_yen": 10000,
    "large_company_investment_thousand_yen": 0,
    "founded_on": "1985-04-01",
    "established_year_month": "1987-06",
    "officers_count": 3,
    "employees": {"total": 25, "full_time": 18, "part_time": 5, "other": 2},
    "homepage_url": "https://www.example.com/",
    "publish_company_info": True,
    "public_info": "ニット製品の企画・製造・販売",
    "business_summary": "小ロット・短納期のニット製品づくりを強みとしています。",
    "trade_areas": ["東京都内", "関東"],
    "shipping_sales": "百貨店、専門店向け",
    "processing_categories": ["編立", "縫製"],
    "equipment": [{"capability_class": "編機", "name": "コンピュータ横編機", "domestic": True, "maker": "島精機製作所", "count": 4, "note": ""}],
    "affiliated_companies": "",
    "main_customers": "株式会社サンプル百貨店",
    "main_subcontractors": "有限会社サンプル縫製",
    "user": {
        "email": "",
        "name": "中企小太郎",
        "name_kana": "チュウキコタロウ",
        "gender": "male",
        "department": "営業部",
        "phone": "03-1234-5678",
        "extension": "101",
        "fax": "03-1234-5679",
    },
    "subscriptions": {
        "argus": False,
        "business_support_tokyo": False,
        "direct_mail": True,
        "mail_magazine": True,
        "mail_magazine_genres": ["netclub_magazine", "e_argus"],
    },
}


def _member(email: str, password: str, role: str, company: str, user: str, profile: dict[str, Any]) -> MemberItem:
    now = clock.iso()
    return {
        "member_id": ids.new_id(),
        "email": email.lower(),
        "role": role,
        "status": "active",
        "password_hash": passwords.hash_password(password),
        "company_name": company,
        "user_name": user,
        "profile": profile,
        "staff_fields": {},
        "created_at": now,
        "updated_at": now,
    }


def _listing(member: MemberItem) -> list[TransactOp]:
    """A published member's company_id and directory item, as the portal's own writes make them."""
    from netclub.services import directory

    company_id, operations = directory.listing(member)
    if company_id:
        member["company_id"] = company_id
    from netclub.services import newsletters  # the mail magazine's recipients, as the profile write keeps them

    return operations + newsletters.subscription_ops(None, member, "seed", str(member["created_at"]))


def seed_accounts() -> dict[str, str]:
    logins = local_accounts()
    staff_email, staff_password = logins["staff"]
    demo_email, demo_password = logins["member"]
    staff = _member(staff_email, staff_password, "admin", "公益財団法人東京都中小企業振興公社", "公社 管理者", {})
    # the demo admin, already enrolled in 2段階認証 with the secret `make dev` prints (GET /_dev/logins)
    staff.update({"departments": [], "mfa_enrolled": True, "mfa_secret": local_staff_totp_secret(), "last_login_at": None})
    del staff["profile"], staff["staff_fields"]
    profile = {**DEMO_PROFILE, "user": {**DEMO_PROFILE["user"], "email": demo_email.lower()}}  # type: ignore[dict-item]
    demo = _member(demo_email, demo_password, "member", "株式会社中小ニット", "中企小太郎", profile)
    demo["staff_fields"] = {"member_number": "NC-000123", "joined_on": "2019-04-01", "note": "デモ会員"}
    staff_store.transact([*staff_store.create_ops(staff), staff_store.admins_changed_op(1)])
    accounts.create_member(demo, _listing(demo))
    return {"staff": str(staff["member_id"]), "member": str(demo["member_id"])}


# Each domain adds its demo content here (events, offerings, notices, inquiry kinds, ...).
STEPS: list[Callable[[dict[str, str]], None]] = []


def run() -> dict[str, str]:
    created = seed_accounts()
    for step in STEPS:
        step(created)
    return created


from local import seed_content  # noqa: E402

STEPS.append(seed_content.step)

from local import seed_inquiries  # noqa: E402

STEPS.append(seed_inquiries.step)

from local import seed_reservations  # noqa: E402

STEPS.append(seed_reservations.step)

from local import seed_directory  # noqa: E402

STEPS.append(seed_directory.step)  # last: its index rebuild sees every published company
