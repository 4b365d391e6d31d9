"""会員企業検索 in Chromium (docs/product.md "会員企業検索"): search (keyword, JSIC at any level), the results and
「自社」, 企業詳細 with its 設備 table, 戻る to the same results, 商談申込 → 確認 → 送信完了 with the mail
in the local mailbox, My情報 「公開される情報」, a keyboard-only search and a 360 px phone.

The local stack seeds 50 published companies (company1…50@directory.example) and indexes them; the
demo member (株式会社中小ニット) is published too. What a search should find is asked of the API
(the same search over HTTP), so the page is checked against the server, not against numbers written here.
"""

from __future__ import annotations

import re
import urllib.parse
import uuid
from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.support import DEMO, login, member_client, new_member, shot
from tests.browser.test_keyboard import tab_to
from tests.stackutil import Browserish, LocalStack

COMPANY_PASSWORD = "Company#2026pass"  # the local stack's demo companies


def _api_search(client: Browserish, **params: str) -> dict[str, Any]:
    answer = client.get("/api/directory?" + urllib.parse.urlencode(params))
    assert answer.status == 200, answer.body
    return answer.body


def _company(stack: LocalStack, n: int) -> tuple[Browserish, dict[str, Any]]:
    """A seeded company's own session and its public page (its company_id from its own My情報)."""
    client = stack.client()
    assert client.login(f"company{n}@directory.example", COMPANY_PASSWORD).status == 200
    company_id = client.get("/api/profile").body["company_id"]
    assert company_id
    page = client.get(f"/api/directory/{company_id}")
    assert page.status == 200, page.body
    return client, page.body


def _no_sideways_scroll(page: Page, where: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{where} scrolls sideways at 360px ({width}px)"


def _total(page: Page) -> int:
    text = page.get_by_test_id("directory-total").inner_text()
    found = re.search(r"([\d,]+)件の企業が見つかりました", text)
    assert found, text
    return int(found.group(1).replace(",", ""))


def test_search_company_page_and_back_to_the_same_results(local_stack: LocalStack, page: Page) -> None:
    base = local_stack.url
    api = local_stack.client()
    assert api.login(*DEMO).status == 200
    login(page, base, *DEMO)

    # portal menu ⑫ → 会員企業検索: every published company, paged
    page.get_by_test_id("menu-directory").get_by_role("link", name="会員企業検索").click()
    expect(page.get_by_role("heading", level=1, name="会員企業検索")).to_be_visible()
    expect(page).to_have_title(re.compile(r"^会員企業検索｜"))
    everyone = _api_search(api)
    expect(page.get_by_test_id("directory-total")).to_contain_text(f"{everyone['total']:,}件")
    expect(page.get_by_test_id("company-card")).to_have_count(20)
    shot(page, "directory-all")
    page.get_by_test_id("directory-more").click()
    expect(page.get_by_test_id("company-card")).to_have_count(min(40, everyone["total"]))
    expect(page).to_have_url(re.compile(r"pages=2"))

    # a keyword in hiragana finds katakana: ぷれす = プレス
    presses = _api_search(api, q="プレス")
    assert presses["total"] > 0
    page.get_by_label("キーワード").fill("ぷれす")
    page.get_by_test_id("directory-search").click()
    expect(page).to_have_url(re.compile(r"q=%E3%81%B7%E3%82%8C%E3%81%99"))
    expect(page.get_by_test_id("directory-total")).to_contain_text("キーワード「ぷれす」")
    assert _total(page) == presses["total"] == _api_search(api, q="ぷれす")["total"]
    cards = page.get_by_test_id("company-card")
    expect(cards).to_have_count(min(20, presses["total"]))
    expect(cards.first.get_by_role("link")).to_have_text(presses["items"][0]["company_name"])
    assert any("プレス" in t for t in cards.all_inner_texts())
    expect(page.get_by_test_id("own-badge")).to_have_count(0)  # the demo company is not among them
    shot(page, "directory-search-press")

    # JSIC at the middle level (E → 24): everything under it
    page.get_by_label("キーワード").fill("")
    page.get_by_label("業種(大)").select_option("E")
    middle = page.get_by_label("業種(中)")
    expect(middle).to_be_enabled()
    middle.select_option("24")
    expect(page.get_by_label("業種(小)")).to_be_enabled()
    page.get_by_test_id("directory-search").click()
    expect(page).to_have_url(re.compile(r"industry=24"))
    metal = _api_search(api, industry="24")
    expect(page.get_by_test_id("directory-total")).to_contain_text(f"業種「金属製品製造業」で{metal['total']:,}件")
    assert 0 < metal["total"] < everyone["total"]
    # and at the top level (E): more companies, the smaller selects cleared
    page.get_by_label("業種(大)").select_option("")
    page.get_by_label("業種(大)").select_option("E")
    expect(page.get_by_label("業種(中)")).to_have_value("")
    page.get_by_test_id("directory-search").click()
    expect(page).to_have_url(re.compile(r"industry=E(&|$)"))
    manufacturing = _api_search(api, industry="E")["total"]
    assert manufacturing >= metal["total"]
    expect(page.get_by_test_id("directory-total")).to_contain_text(f"業種「製造業」で{manufacturing:,}件")

    # nothing found: a helpful message
    page.get_by_label("キーワード").fill("該当なしのはずの語" + uuid.uuid4().hex[:6])
    page.get_by_test_id("directory-search").click()
    expect(page.get_by_test_id("directory-empty")).to_contain_text("条件に合う企業は見つかりませんでした。")
    shot(page, "directory-empty")

    # 条件をクリア: the form, and the results and 「検索条件：…」 with it (the screen as it opens)
    page.get_by_test_id("directory-clear").click()
    expect(page.get_by_test_id("directory-empty")).to_have_count(0)
    expect(page).not_to_have_url(re.compile(r"[?&]q="))
    expect(page.get_by_test_id("directory-total")).not_to_contain_text("該当なしのはずの語")

    # a company with equipment: its page, the 設備 table, then 戻る to the same results
    page.get_by_label("キーワード").fill("マシニングセンタ")
    page.get_by_test_id("directory-search").click()
    expect(page.get_by_test_id("directory-total")).to_contain_text("キーワード「マシニングセンタ」")
    results_url = page.url
    first = page.get_by_test_id("company-card").first
    name = first.get_by_test_id("company-link").inner_text()
    company_id = first.get_attribute("data-company-id")
    expected = api.get(f"/api/directory/{company_id}").body
    first.get_by_test_id("company-link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(name)
    expect(page).to_have_title(re.compile(rf"^{re.escape(name)}｜企業詳細｜"))
    table = page.get_by_test_id("equipment-table")
    expect(table.locator("thead th")).to_have_text(["能力区分", "名称", "国産/輸入", "メーカー", "台数"])
    expect(table.locator("tbody tr")).to_have_count(len(expected["equipment"]))
    expect(table.locator("tbody tr", has_text="マシニングセンタ")).to_have_count(1)
    machine = next(e for e in expected["equipment"] if e["name"] == "マシニングセンタ")
    row = table.locator("tbody tr", has_text="マシニングセンタ").locator("td")
    expect(row).to_have_text(
        [machine["capability_class"] or "", "マシニングセンタ", "国産" if machine["domestic"] else "輸入", machine["maker"] or "", f"{machine['count']}台"]
    )
    expect(page.locator("[data-field=address]")).to_have_text(expected["address"])
    if expected["homepage_url"]:
        link = page.get_by_test_id("company-homepage")
        expect(link).to_have_attribute("target", "_blank")
        expect(link).to_have_attribute("rel", "noopener noreferrer")
        expect(link).to_contain_text("（新しいタブで開きます）")
    expect(page.get_by_test_id("contact-start")).to_be_visible()
    page_text = page.get_by_test_id("company-page").inner_text()
    for private in ("担当者", "@directory.example", "電話"):
        assert private not in page_text
    shot(page, "directory-company")
    page.get_by_test_id("company-back").click()
    expect(page).to_have_url(results_url)
    expect(page.get_by_test_id("company-card").first.get_by_test_id("company-link")).to_have_text(name)

    # an unpublished (or unknown) company: a clear message and a way back
    page.goto(f"{base}/directory/no-such-company")
    expect(page.get_by_test_id("company-not-published")).to_contain_text("この企業の情報は公開されていません。")
    shot(page, "directory-company-404")
    page.get_by_test_id("back-to-directory").click()
    expect(page.get_by_role("heading", level=1, name="会員企業検索")).to_be_visible()


def test_own_company_shows_jisha_and_no_contact_button(local_stack: LocalStack, page: Page) -> None:
    base = local_stack.url
    login(page, base, *DEMO)
    page.goto(f"{base}/directory?q=" + urllib.parse.quote("中小ニット"))
    own = page.get_by_test_id("company-card").filter(has_text="株式会社中小ニット")
    expect(own.get_by_test_id("own-badge")).to_have_text("自社")
    expect(page.get_by_test_id("own-badge")).to_have_count(1)
    shot(page, "directory-own-card")
    own.get_by_test_id("company-link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("株式会社中小ニット")
    expect(page.get_by_role("heading", level=1).get_by_test_id("own-badge")).to_have_text("自社")
    expect(page.get_by_test_id("own-note")).to_be_visible()
    expect(page.get_by_role("link", name="商談を申し込む")).to_have_count(0)


def test_contact_draft_survives_going_back_and_the_api_message_is_shown(local_stack: LocalStack, page: Page) -> None:
    """商談申込 → 確認 → 戻る keeps what was typed; キャンセル forgets it; over 2000 characters is refused here."""
    base = local_stack.url
    _, target = _company(local_stack, 3)
    acct = new_member(local_stack, company="株式会社商談下書き", name="下書き一郎")
    login(page, base, acct.email, acct.password)
    page.goto(f"{base}/directory/{target['company_id']}")
    page.get_by_test_id("contact-start").click()
    expect(page.get_by_role("heading", level=1, name="商談申込")).to_be_visible()
    expect(page.get_by_test_id("contact-company")).to_have_text(target["company_name"])
    page.get_by_test_id("contact-confirm").click()
    expect(page.get_by_test_id("error-summary")).to_contain_text("件名を入力してください。")
    expect(page.locator("#f-message")).to_have_attribute("aria-invalid", "true")
    page.get_by_label("件名").fill("部品加工のご相談")
    page.get_by_label("内容").fill("あ" * 2001)
    expect(page.get_by_test_id("char-counter")).to_contain_text("1文字超過")
    page.get_by_test_id("contact-confirm").click()
    expect(page.locator("#f-message-error")).to_contain_text("2000文字以内")
    page.get_by_label("内容").fill("試作品の切削加工をお願いできますか。\n数量は10個、納期は来月末を希望します。")
    page.get_by_test_id("contact-confirm").click()
    expect(page.get_by_role("heading", level=1, name="商談申込確認")).to_be_focused()
    expect(page.get_by_test_id("confirm-subject")).to_have_text("部品加工のご相談")
    page.get_by_test_id("contact-back").click()
    expect(page.get_by_label("件名")).to_have_value("部品加工のご相談")
    page.reload()  # the draft outlives a reload too
    expect(page.get_by_label("件名")).to_have_value("部品加工のご相談")
    expect(page.get_by_label("内容")).to_have_value(re.compile("^試作品の切削加工"))
    shot(page, "directory-contact-input")
    page.get_by_test_id("contact-cancel").click()
    expect(page).to_have_url(re.compile(rf"/directory/{re.escape(target['company_id'])}$"))
    page.get_by_test_id("contact-start").click()
    expect(page.get_by_label("件名")).to_have_value("")


def test_my_profile_shows_exactly_what_others_see(local_stack: LocalStack, page: Page) -> None:
    base = local_stack.url
    client, public = _company(local_stack, 7)
    email = "company7@directory.example"
    login(page, base, email, COMPANY_PASSWORD)
    page.get_by_test_id("menu-profile").get_by_role("link").click()
    section = page.get_by_test_id("public-view")
    expect(section.get_by_role("heading", level=2, name="公開される情報")).to_be_visible()
    expect(page.get_by_test_id("publish-state-value")).to_have_text("発信する")
    preview = page.get_by_test_id("public-preview").get_by_test_id("company-page")
    expect(preview.locator("[data-field=company_name]")).to_have_text(public["company_name"])
    preview_text = preview.inner_text()
    assert email not in preview_text and "担当者" not in preview_text  # the contact person is never published
    page.get_by_test_id("public-preview").scroll_into_view_if_needed()
    shot(page, "profile-public-view")
    # the page other members get shows the same
    page.get_by_test_id("public-page-link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(public["company_name"])
    assert page.get_by_test_id("company-page").inner_text() == preview_text
    # one tap on My情報管理 switches it (no edit form, no confirmation page), and back
    page.go_back()
    page.get_by_test_id("publish-switch").click()
    expect(page.get_by_test_id("publish-switch-done")).to_have_text("企業情報を発信しないように変更しました。")
    expect(page.get_by_test_id("publish-state-value")).to_have_text("発信しない")
    assert client.get("/api/profile/public-view").body["published"] is False
    page.get_by_test_id("publish-switch").click()
    expect(page.get_by_test_id("publish-state-value")).to_have_text("発信する")
    assert client.get("/api/profile/public-view").body["published"] is True


def test_a_member_not_published_sees_the_preview_of_what_would_be_shown(local_stack: LocalStack, page: Page) -> None:
    base = local_stack.url
    acct = new_member(local_stack, company="株式会社未発信テスト", name="未発信花子")
    assert member_client(local_stack, acct).get("/api/profile/public-view").body["published"] is False
    login(page, base, acct.email, acct.password)
    page.goto(f"{base}/profile")
    expect(page.get_by_test_id("publish-state-value")).to_have_text("発信しない")
    expect(page.get_by_test_id("publish-state")).to_contain_text("現在、他の会員には表示されていません。")
    expect(page.get_by_test_id("public-preview").locator("[data-field=company_name]")).to_have_text("株式会社未発信テスト")
    expect(page.get_by_test_id("public-preview")).not_to_contain_text("試験花子")
    shot(page, "profile-public-view-unpublished")


def test_keyboard_only_search(local_stack: LocalStack, page: Page) -> None:
    """Tab, typing, arrow keys and Enter only: keyword + 業種 → results → a company's page."""
    base = local_stack.url
    login(page, base, *DEMO)
    page.goto(f"{base}/directory")
    expect(page.get_by_test_id("company-card").first).to_be_visible()
    tab_to(page, "^f-q$")
    page.keyboard.type("ぷれす")
    tab_to(page, "^f-industry-major$", limit=3)
    # the industries arrive alongside the results, not before them: a person sees the options before choosing one
    expect(page.locator("#f-industry-major option[value=E]")).to_be_attached()
    page.keyboard.press("E")  # type-ahead in the closed select: 「E 製造業」
    expect(page.locator("#f-industry-major")).to_have_value("E")
    tab_to(page, "^f-industry-middle$", limit=3)  # enabled once 業種(大) is chosen
    page.keyboard.press("2")
    page.keyboard.press("4")  # 「24 金属製品製造業」
    expect(page.locator("#f-industry-middle")).to_have_value("24")
    tab_to(page, "^f-industry-minor$", limit=3)
    tab_to(page, "^f-area$", limit=3)
    tab_to(page, "directory-search", limit=4)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"industry=24"))
    expect(page.locator("#results-title")).to_be_focused()  # the results take the focus after a search
    api = local_stack.client()
    assert api.login(*DEMO).status == 200
    found = _api_search(api, q="ぷれす", industry="24")
    assert found["total"] > 0
    expect(page.get_by_test_id("directory-total")).to_contain_text(f"{found['total']:,}件")
    link = tab_to(page, "company-link", limit=5)
    assert link["text"] == found["items"][0]["company_name"]
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text(str(link["text"]))
    # 戻る with the keyboard: back to the same results, the focus on the company's card
    tab_to(page, "company-back", limit=60)
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("company-card").first.get_by_test_id("company-link")).to_be_focused()
    shot(page, "kb-directory")


def test_phone_360_directory_screens(local_stack: LocalStack, phone: Page) -> None:
    base = local_stack.url
    _, target = _company(local_stack, 5)
    login(phone, base, *DEMO)
    phone.goto(f"{base}/directory?q=" + urllib.parse.quote("マシニングセンタ"))
    expect(phone.get_by_test_id("company-card").first).to_be_visible()
    _no_sideways_scroll(phone, "会員企業検索")
    shot(phone, "phone-directory")
    phone.goto(f"{base}/directory/{target['company_id']}")
    expect(phone.get_by_role("heading", level=1)).to_contain_text(target["company_name"])
    _no_sideways_scroll(phone, "企業詳細")
    shot(phone, "phone-directory-company")
    phone.get_by_test_id("contact-start").click()
    phone.get_by_label("件名").fill("スマートフォンからの商談申込")
    phone.get_by_label("内容").fill("360px の画面で入力しています。")
    _no_sideways_scroll(phone, "商談申込")
    shot(phone, "phone-directory-contact")
    phone.get_by_test_id("contact-confirm").click()
    expect(phone.get_by_role("heading", level=1, name="商談申込確認")).to_be_visible()
    _no_sideways_scroll(phone, "商談申込確認")
    shot(phone, "phone-directory-contact-confirm")
    phone.get_by_test_id("contact-send").click()
    expect(phone.get_by_role("heading", level=1, name="送信完了")).to_be_visible()
    _no_sideways_scroll(phone, "送信完了")
    shot(phone, "phone-directory-contact-done")
    phone.goto(f"{base}/profile")
    expect(phone.get_by_test_id("public-preview")).to_be_visible()
    _no_sideways_scroll(phone, "My情報管理")
    shot(phone, "phone-profile-public-view")


def test_pending_member_cannot_search_and_bad_input_is_explained(local_stack: LocalStack, page: Page) -> None:
    """Menu ⑫ is locked until staff approval (the API answers 403); an odd 業種 in the URL is the API's 400, shown in the error summary."""
    base = local_stack.url
    acct = new_member(local_stack, approve=False, company="株式会社承認待ち検索", name="待機二郎")
    login(page, base, acct.email, acct.password)
    expect(page.get_by_test_id("menu-directory-reason")).to_be_visible()
    expect(page.get_by_test_id("menu-directory").get_by_role("link")).to_have_count(0)
    page.goto(f"{base}/directory")
    expect(page.get_by_role("alert")).to_contain_text(re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]"))
    expect(page.get_by_test_id("company-card")).to_have_count(0)

    page.context.clear_cookies()
    login(page, base, *DEMO)
    page.goto(f"{base}/directory?industry=ZZ")
    summary = page.get_by_test_id("error-summary")
    expect(summary).to_contain_text("業種：")
    expect(summary).to_be_focused()
    summary.get_by_role("link").first.click()
    expect(page.locator("#f-industry-major")).to_be_focused()


def test_contact_from_search_to_sent_and_the_mail_in_the_mailbox(local_stack: LocalStack, page: Page) -> None:
    """商談申込 → 商談申込確認 → 送信完了: the company gets the mail (Reply-To the sender), the sender never sees its address."""
    base = local_stack.url
    recipient = "company9@directory.example"
    _, target = _company(local_stack, 9)
    acct = new_member(local_stack, company="株式会社商談テスト", name="商談太郎")
    login(page, base, acct.email, acct.password)
    page.get_by_test_id("menu-directory").get_by_role("link").click()
    page.get_by_label("キーワード").fill(target["company_name"])
    page.get_by_test_id("directory-search").click()
    page.locator(f"[data-company-id='{target['company_id']}']").get_by_test_id("company-link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(target["company_name"])
    page.get_by_test_id("contact-start").click()
    subject = f"試作品の切削加工のご相談 {uuid.uuid4().hex[:6]}"
    message = "アルミ部品の試作を10個お願いできますか。\n納期は来月末を希望します。"
    page.get_by_label("件名").fill(subject)
    page.get_by_label("内容").fill(message)
    page.get_by_test_id("contact-confirm").click()
    expect(page.get_by_role("heading", level=1, name="商談申込確認")).to_be_visible()
    expect(page.get_by_test_id("confirm-subject")).to_have_text(subject)
    expect(page.get_by_test_id("confirm-message")).to_have_text(message)
    shot(page, "directory-contact-confirm")
    page.get_by_test_id("contact-send").click()
    expect(page.get_by_role("heading", level=1, name="送信完了")).to_be_focused()
    expect(page.get_by_test_id("contact-done")).to_contain_text("直接メールで届きます")
    shot(page, "directory-contact-done")
    assert recipient not in page.content()

    mail = local_stack.wait_for_mail(recipient, subject)
    assert mail["subject"] == f"【Net Club 商談申込】{subject}"
    assert mail["headers"]["Reply-To"] == acct.email
    assert "株式会社商談テスト" in mail["body"] and "商談太郎" in mail["body"]
    assert message in mail["body"].replace("\r\n", "\n")

    # 「会員企業検索へ」 goes back to the search; 利用履歴 shows it (種別 商談申込)
    page.get_by_test_id("to-directory").click()
    expect(page.get_by_role("heading", level=1, name="会員企業検索")).to_be_visible()
    page.goto(f"{base}/history")
    row = page.get_by_test_id("usage-history").locator("tbody tr").first
    expect(row).to_contain_text("商談申込")
    expect(row).to_contain_text(target["company_name"])


def test_words_typed_while_the_industries_load_are_kept(local_stack: LocalStack, page: Page) -> None:
    """The industry list is held back while the member types; when it arrives, the typed words stay and
    the URL's industry fills the selects."""
    base = local_stack.url
    login(page, base, *DEMO)
    held: list[Any] = []
    page.route("**/api/industries", lambda route: held.append(route))  # noqa: PLW0108 (Playwright passes the arguments a handler names)
    page.goto(f"{base}/directory?industry=E")
    for _ in range(50):  # the request is made when the screen mounts
        if held:
            break
        page.wait_for_timeout(100)
    assert held, "the industries request was not made"
    page.get_by_test_id("directory-q").fill("金型")
    held[0].continue_()
    expect(page.locator("#f-industry-major")).to_have_value("E")
    expect(page.get_by_test_id("directory-q")).to_have_value("金型")
