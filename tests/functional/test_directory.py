"""会員企業検索 (GET /api/directory, GET /api/directory/{company_id}) and the index rebuild.

The directory item follows every write that can change publication, in the same transaction;
pages are built from the member item (unpublishing: 404 at once); search answers from the index
the scheduled rebuild writes to S3 (gone after the next rebuild).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from tests.conftest import DEMO, SCHEDULED_EVENT, Env, Portal
from tests.functional.dynamodb_calls import Calls, dynamodb_calls
from tests.functional.reservation_helpers import PASSWORD, new_member


@pytest.fixture(autouse=True)
def fresh_index(monkeypatch: pytest.MonkeyPatch) -> None:
    """Containers stay warm across tests: let every search look at S3 (the 15 s rule has its own test)."""
    from netclub.services import directory

    monkeypatch.setattr(directory, "REFRESH_SECONDS", 0.0)


@pytest.fixture
def other(env: Env, staff: Portal) -> Portal:
    """An active member who is not the demo company (not published)."""
    return new_member(env, staff, "searcher@example.jp")


def rebuild(env: Env) -> dict[str, int]:
    result = env.invoke("DirectoryIndexFunction", SCHEDULED_EVENT)
    assert isinstance(result, dict)
    return result


def search(client: Portal, **params: str) -> dict[str, Any]:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    answer = client.get(f"/api/directory?{query}" if query else "/api/directory")
    assert answer.status == 200, answer.body
    return answer.body


def names(body: dict[str, Any]) -> list[str]:
    return [c["company_name"] for c in body["items"]]


def _editable(client: Portal) -> dict[str, Any]:
    view = client.get("/api/profile")
    assert view.status == 200, view.body
    body = copy.deepcopy(view.body)
    body.pop("pending_email", None)
    return body


def _set_published(client: Portal, published: bool) -> None:
    body = _editable(client)
    body["publish_company_info"] = published
    assert client.put("/api/profile", body).status == 200


@contextmanager
def aws_calls() -> Iterator[tuple[Calls, Calls]]:
    """DynamoDB and S3 requests made while the block runs."""
    from netclub.aws import client

    s3 = Calls()
    events = client("s3").meta.events
    events.register("before-call.s3", s3)
    try:
        with dynamodb_calls() as dynamodb:
            yield dynamodb, s3
    finally:
        events.unregister("before-call.s3", s3)


def demo_card(client: Portal) -> dict[str, Any]:
    found = [c for c in search(client, q="中小ニット")["items"] if c["company_name"] == "株式会社中小ニット"]
    assert len(found) == 1
    return found[0]


# --- search and page ---------------------------------------------------------------------------


def test_search_answers_empty_until_the_first_rebuild(other: Portal) -> None:
    assert search(other) == {"items": [], "total": 0, "next_cursor": None}


def test_a_published_company_is_found_by_words_and_filters(env: Env, other: Portal) -> None:
    assert rebuild(env)["companies"] == 1  # the demo company is published (seed)
    for query in ({"q": "にっと"}, {"q": "ﾆｯﾄ"}, {"q": "ニット　短納期"}, {"q": "島精機"}, {"industry": "E"}, {"industry": "11"}, {"industry": "115"}):
        assert names(search(other, **query)) == ["株式会社中小ニット"], query
    assert names(search(other, area="関東")) == ["株式会社中小ニット"]
    assert names(search(other, processing="縫製", area="東京都", industry="e")) == ["株式会社中小ニット"]
    for query in ({"q": "金型"}, {"q": "ニット 金型"}, {"industry": "24"}, {"area": "九州"}, {"processing": "プレス"}):
        assert search(other, **query)["total"] == 0, query
    card = demo_card(other)
    assert set(card) == {
        "company_id", "company_name", "company_name_kana", "common_name", "industry", "prefecture", "summary", "processing_categories", "trade_areas", "homepage_url",
    }  # fmt: skip
    assert card["industry"]["name"] and card["prefecture"] == "東京都"
    page = other.get(f"/api/directory/{card['company_id']}")
    assert page.status == 200, page.body
    assert page.body["address"] == "東京都大田区大森北1-2-3"
    assert page.body["representative"] == {"name": "中企一郎", "title": "代表取締役"}
    assert page.body["equipment"][0]["name"] == "コンピュータ横編機"


def test_unpublishing_is_404_at_once_and_gone_from_search_after_a_rebuild(env: Env, member: Portal, other: Portal) -> None:
    rebuild(env)
    company_id = demo_card(other)["company_id"]
    _set_published(member, False)
    page = other.get(f"/api/directory/{company_id}")
    assert page.status == 404
    assert page.error["message"].startswith("企業が見つかりません")
    assert rebuild(env)["companies"] == 0
    assert search(other, q="中小ニット")["total"] == 0
    _set_published(member, True)  # published again: the same company_id
    rebuild(env)
    assert demo_card(other)["company_id"] == company_id
    assert other.get(f"/api/directory/{company_id}").status == 200


def test_a_member_leaving_active_is_404_at_once(env: Env, other: Portal) -> None:
    from netclub import clock
    from netclub.store import accounts

    rebuild(env)
    company_id = demo_card(other)["company_id"]
    accounts.set_status(env.accounts["member"], "active", "suspended", clock.iso())
    assert other.get(f"/api/directory/{company_id}").status == 404
    assert rebuild(env)["companies"] == 0


def test_staff_edit_of_publication_moves_the_directory_item(env: Env, staff: Portal, other: Portal) -> None:
    rebuild(env)
    company_id = demo_card(other)["company_id"]
    detail = staff.get(f"/api/admin/members/{env.accounts['member']}")
    assert detail.status == 200, detail.body
    body = {**detail.body["profile"], "publish_company_info": False}
    assert staff.put(f"/api/admin/members/{env.accounts['member']}/profile", body).status == 200
    assert other.get(f"/api/directory/{company_id}").status == 404
    assert staff.put(f"/api/admin/members/{env.accounts['member']}/profile", {**body, "publish_company_info": True}).status == 200
    assert other.get(f"/api/directory/{company_id}").status == 200


def test_approval_lists_a_published_registration(env: Env, staff: Portal, other: Portal) -> None:
    email = "sosetsu@example.jp"
    visitor = env.new_client()
    assert visitor.post("/api/registrations", {"email": email, "email_confirm": email}).status == 202
    profile = {
        "corporate_type": "sole_proprietor",
        "company_name": "金型工房いろは",
        "company_name_kana": "カナガタコウボウイロハ",
        "address": "神奈川県横浜市港北区新横浜1-1-1",
        "representative": {"name": "伊呂波花子", "title": "代表"},
        "user": {"name": "伊呂波花子"},
        "publish_company_info": True,
        "business_summary": "精密プレス金型の設計・製作",
        "processing_categories": ["金型"],
    }
    token = env.link_token(email, "/register/confirm")
    confirmed = visitor.post("/api/registrations/confirm", {"token": token, "password": PASSWORD, "password_confirm": PASSWORD, "profile": profile})
    assert confirmed.status == 201, confirmed.body
    assert rebuild(env)["companies"] == 1  # pending: not listed
    assert staff.post(f"/api/admin/members/{confirmed.body['member_id']}/approve").status == 200
    assert rebuild(env)["companies"] == 2
    (card,) = search(other, q="かながた")["items"]
    assert card["company_name"] == "金型工房いろは"
    page = other.get(f"/api/directory/{card['company_id']}").body
    assert page["address"] == "神奈川県横浜市港北区"  # 個人事業者: prefecture and city (a 政令市's ward) only
    assert page.get("representative") is None


def test_paging_with_cursor_and_total(env: Env, other: Portal, member: Portal) -> None:
    from local import seed_directory

    seed_directory.seed(12)
    rebuild(env)
    first = search(other, limit="5")
    assert first["total"] == 13 and len(first["items"]) == 5 and first["next_cursor"]
    seen = [c["company_id"] for c in first["items"]]
    cursor = first["next_cursor"]
    while cursor:
        page = search(other, limit="5", cursor=cursor)
        seen += [c["company_id"] for c in page["items"]]
        cursor = page["next_cursor"]
    assert len(seen) == len(set(seen)) == 13


# --- who may look ---------------------------------------------------------------------------


def test_both_routes_are_403_until_active(env: Env, member: Portal) -> None:
    from netclub import clock
    from netclub.store import accounts

    rebuild(env)
    accounts.set_status(env.accounts["member"], "active", "pending_review", clock.iso())
    assert member.get("/api/directory").status == 403
    assert member.get("/api/directory/anything").status == 403


def test_without_the_authorizers_status_the_member_is_read(env: Env) -> None:
    """A session cookie of the older form (no member id in it): the authorizer passes no member fields,
    so the routes read the member themselves; the rule is the same."""
    from netclub import clock
    from netclub.errors import DomainError
    from netclub.services import directory
    from netclub.store import accounts

    rebuild(env)
    member_id = env.accounts["member"]
    with dynamodb_calls() as calls:
        assert directory.search(member_id, directory.IndexCache(), requester_status=None).total >= 1
    assert dict(calls) == {"GetItem": 1}
    accounts.set_status(member_id, "active", "pending_review", clock.iso())
    for status in (None, "pending_review"):
        with pytest.raises(DomainError) as refused:
            directory.search(member_id, directory.IndexCache(), requester_status=status)
        assert refused.value.status == 403
        with pytest.raises(DomainError) as refused:
            directory.get_page(member_id, "anything", requester_status=status)
        assert refused.value.status == 403


def test_unknown_company_is_404_in_japanese(other: Portal) -> None:
    answer = other.get("/api/directory/no-such-company")
    assert answer.status == 404
    assert answer.error["message"].startswith("企業が見つかりません")


def test_routes_need_a_session(portal: Portal) -> None:
    assert portal.get("/api/directory").status == 401
    assert portal.get("/api/directory/x").status == 401


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("limit=51", "limit"),
        ("limit=0", "limit"),
        ("q=" + "あ" * 101, "q"),
        ("industry=ZZ", "industry"),
        ("industry=000", "industry"),
        ("cursor=%21%21", "cursor"),
        ("cursor=eyJvZmZzZXQiOi0xfQ", "cursor"),  # {"offset":-1}
    ],
)
def test_bad_inputs_are_400_in_japanese_with_fields(other: Portal, query: str, field: str) -> None:
    answer = other.get(f"/api/directory?{query}")
    assert answer.status == 400, answer.body
    assert answer.error["code"] == "validation_error"
    messages = answer.field_messages()
    assert field in messages, messages
    assert any("\u3040" <= ch <= "\u9fff" for ch in messages[field]), messages


# --- privacy -------------------------------------------------------------------------------------

PRIVATE = {
    "user": {
        "name": "秘密担当者",
        "name_kana": "ヒミツタントウシャ",
        "gender": "female",
        "department": "秘密部署",
        "phone": "090-1111-2222",
        "extension": "9876",
        "fax": "03-3333-4444",
    },
    "phone": "03-5555-6666",
    "postal_code": "143-0016",
    "representative": {"name": "中企一郎", "name_kana": "ヒミツダイヒョウ", "gender": "male", "title": "代表取締役"},
    "officers_count": 97531,
    "large_company_investment_thousand_yen": 8642,
    "founded_on": "1985-04-01",
    "main_customers": "秘密の主要取引先",
    "main_subcontractors": "秘密の外注先",
    "affiliated_companies": "秘密の関連会社",
    "subscriptions": {"argus": True, "business_support_tokyo": True, "direct_mail": True, "mail_magazine": True, "mail_magazine_genres": ["e_argus"]},
}
PRIVATE_TEXT = [
    "秘密担当者", "ヒミツタントウシャ", "female", "秘密部署", "090-1111-2222", "9876", "03-3333-4444", "03-5555-6666", "143-0016",
    "ヒミツダイヒョウ", "male", "97531", "8642", "1985-04-01", "秘密の主要取引先", "秘密の外注先", "秘密の関連会社",
    "argus", "business_support_tokyo", "direct_mail", "mail_magazine", "NC-SECRET-1", "秘密のメモ", "2001-02-03",
    "officers_count", "large_company_investment", "main_customers", "main_subcontractors", "affiliated", "subscriptions",
    "staff_fields", "gender", "phone", "fax", "email", "member_id", "@",
]  # fmt: skip


def test_no_directory_answer_carries_a_private_field(env: Env, staff: Portal, other: Portal) -> None:
    detail = staff.get(f"/api/admin/members/{env.accounts['member']}").body
    body = {**detail["profile"], **copy.deepcopy(PRIVATE), "staff_fields": {"member_number": "NC-SECRET-1", "note": "秘密のメモ", "joined_on": "2001-02-03"}}
    body["user"]["email"] = DEMO[0]
    answer = staff.put(f"/api/admin/members/{env.accounts['member']}/profile", body)
    assert answer.status == 200, answer.body
    rebuild(env)
    card = demo_card(other)
    answers = [
        other.get("/api/directory"),
        other.get("/api/directory?q=中小ニット"),
        other.get("/api/directory?industry=E&area=関東&processing=編立"),
        other.get(f"/api/directory/{card['company_id']}"),
    ]
    for found in answers:
        assert found.status == 200
        text = json.dumps(found.body, ensure_ascii=False)
        assert "株式会社中小ニット" in text
        leaked = [marker for marker in PRIVATE_TEXT if marker in text]
        assert not leaked, (leaked, text)
        assert env.accounts["member"] not in text
    for word in ("秘密", "090-1111-2222", "ヒミツ"):  # nor can a search match what is not published
        assert search(other, q=word)["total"] == 0, word


def test_company_id_is_not_the_member_id(env: Env, other: Portal) -> None:
    from netclub.store import accounts

    rebuild(env)
    company_id = demo_card(other)["company_id"]
    member_id = env.accounts["member"]
    assert company_id != member_id and member_id not in company_id
    assert accounts.get_member(member_id)["company_id"] == company_id  # type: ignore[index]
    assert other.get(f"/api/directory/{member_id}").status == 404


# --- what a request costs ------------------------------------------------------------------------


def test_aws_calls_per_search_and_page(env: Env, other: Portal, monkeypatch: pytest.MonkeyPatch) -> None:
    from netclub.services import directory

    rebuild(env)
    company_id = demo_card(other)["company_id"]  # the container has the index now
    # the authorizer's read (session and member, one BatchGetItem) is counted too (as in the other suites)
    with aws_calls() as (dynamodb, s3):
        search(other, q="ニット")
    # the requester's status travels in the authorizer's context: the search itself reads no member
    assert dict(dynamodb) == {"BatchGetItem": 1} and dict(s3) == {"GetObject": 1}  # authorizer; the conditional GetObject (304)
    monkeypatch.setattr(directory, "REFRESH_SECONDS", 15.0)
    with aws_calls() as (dynamodb, s3):
        search(other, q="ニット")
    assert dict(dynamodb) == {"BatchGetItem": 1} and dict(s3) == {}  # within 15 s: no S3 call
    with aws_calls() as (dynamodb, s3):
        assert other.get(f"/api/directory/{company_id}").status == 200
    assert dict(dynamodb) == {"BatchGetItem": 1, "GetItem": 2} and dict(s3) == {}  # authorizer, directory item, company


def test_an_unreadable_index_keeps_the_one_the_container_has(env: Env, other: Portal) -> None:
    from netclub.aws import client
    from netclub.config import get_settings
    from netclub.store import directory as directory_store

    rebuild(env)
    assert search(other, q="ニット")["total"] == 1  # loaded
    client("s3").put_object(Bucket=get_settings().need("directory_bucket"), Key=directory_store.INDEX_KEY, Body=b"not gzip")
    assert search(other, q="ニット")["total"] == 1  # logged, and the previous index answers
    rebuild(env)
    assert search(other, q="ニット")["total"] == 1


def test_staff_edit_with_a_new_email_moves_the_directory_item_too(env: Env, staff: Portal, other: Portal) -> None:
    from netclub.store import accounts

    rebuild(env)
    company_id = demo_card(other)["company_id"]
    path = f"/api/admin/members/{env.accounts['member']}"
    body = staff.get(path).body["profile"]
    body = {**body, "publish_company_info": False, "user": {**body["user"], "email": "new.address@example.jp"}}
    assert staff.put(f"{path}/profile", body).status == 200
    assert other.get(f"/api/directory/{company_id}").status == 404
    body = {**body, "publish_company_info": True, "user": {**body["user"], "email": "newer.address@example.jp"}}
    assert staff.put(f"{path}/profile", body).status == 200
    assert other.get(f"/api/directory/{company_id}").status == 200
    assert accounts.get_member(env.accounts["member"])["company_id"] == company_id  # type: ignore[index]


def test_an_email_change_never_replaces_the_company_id(env: Env) -> None:
    """A staff e-mail change carrying a company_id computed before another write set a different one is refused:
    the id is set once, whichever path sets it."""
    from netclub.store import accounts
    from netclub.store import profiles as profile_store

    member_id = env.accounts["member"]
    member = accounts.get_member(member_id, consistent=True)
    assert member is not None
    first = member.get("company_id") or "first-id"
    profile_store.save(
        member_id, member["email"], member["profile"], member["company_name"], member["user_name"], "2026-12-01T00:00:00+09:00", company_id=first
    )

    def change(to: str, company_id: str) -> None:
        now = accounts.get_member(member_id, consistent=True)
        assert now is not None
        operations = profile_store.change_email_ops(now, now["email"], to, now["profile"], "2026-12-01T00:00:00+09:00", {"company_id": company_id})
        profile_store.transact_email_change(operations)

    with pytest.raises(profile_store.ConditionFailed):
        change("raced@example.jp", "second-id")
    change("kept@example.jp", first)
    after = accounts.get_member(member_id, consistent=True)
    assert after is not None and after["company_id"] == first and after["email"] == "kept@example.jp"


# --- My情報 「公開される情報」: GET /api/profile/public-view ------------------------------------------


def test_public_view_is_the_page_others_get_and_follows_the_switch(env: Env, member: Portal, other: Portal) -> None:
    rebuild(env)
    card = demo_card(other)
    own = member.get("/api/profile").body
    assert own["company_id"] == card["company_id"]  # the member's own company (the 「自社」 badge)
    view = member.get("/api/profile/public-view")
    assert view.status == 200, view.body
    assert view.body["published"] is True
    assert view.body["page"] == other.get(f"/api/directory/{card['company_id']}").body  # exactly what others see
    _set_published(member, False)  # an unpublish takes effect at once: others get 404, the preview says so
    after = member.get("/api/profile/public-view").body
    assert after["published"] is False
    assert after["page"] == view.body["page"]  # what would be shown again once published
    assert other.get(f"/api/directory/{card['company_id']}").status == 404
    assert member.get("/api/profile").body["company_id"] == card["company_id"]  # kept for a later publication


def test_public_view_carries_no_private_field(env: Env, staff: Portal, member: Portal) -> None:
    detail = staff.get(f"/api/admin/members/{env.accounts['member']}").body
    body = {**detail["profile"], **copy.deepcopy(PRIVATE), "staff_fields": {"member_number": "NC-SECRET-1", "note": "秘密のメモ", "joined_on": "2001-02-03"}}
    body["user"]["email"] = DEMO[0]
    assert staff.put(f"/api/admin/members/{env.accounts['member']}/profile", body).status == 200
    view = member.get("/api/profile/public-view")
    assert view.status == 200
    text = json.dumps(view.body, ensure_ascii=False)
    assert "株式会社中小ニット" in text
    leaked = [marker for marker in PRIVATE_TEXT if marker in text]
    assert not leaked, (leaked, text)
    assert env.accounts["member"] not in text


def test_public_view_of_a_company_never_published(env: Env, staff: Portal) -> None:
    """A member who never published has no company_id yet: the preview still shows the page's fields."""
    founder = new_member(env, staff, "preview@example.jp")
    assert founder.get("/api/profile").body["company_id"] is None
    view = founder.get("/api/profile/public-view").body
    assert view["published"] is False
    assert view["page"]["company_name"] == "創業太郎" and view["page"]["representative"] is None


def test_public_view_needs_an_active_session(env: Env, member: Portal, portal: Portal) -> None:
    from netclub import clock
    from netclub.store import accounts

    assert portal.get("/api/profile/public-view").status == 401
    accounts.set_status(env.accounts["member"], "active", "pending_review", clock.iso())
    assert member.get("/api/profile/public-view").status == 403


def test_a_company_stored_with_free_text_areas_is_found_by_the_list_value(env: Env, other: Portal) -> None:
    """お取引エリア・加工分類 written before the lists (「東京都」, 「プレス加工」): its page, card and the index show
    the list value they mean, so the list's search finds it; a search with the old text asks for the same."""
    from netclub.store import dynamo, keys

    stored = dynamo.get(*keys.member(env.accounts["member"]))
    assert stored and stored["profile"]["publish_company_info"]
    old = {"trade_areas": ["東京都", "多摩地区"], "processing_categories": ["プレス加工", "ﾒｯｷ"]}
    dynamo.put({**stored, "profile": {**stored["profile"], **old}})
    rebuild(env)
    for area, processing in (("東京都内", "プレス"), ("東京都", "プレス加工"), ("多摩地区", "メッキ")):
        (card,) = search(other, area=area, processing=processing)["items"]
        assert card["trade_areas"] == ["東京都内", "多摩地区"] and card["processing_categories"] == ["プレス", "メッキ"]
    assert search(other, area="関東")["items"] == []
