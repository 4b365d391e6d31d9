"""メールマガジン配信 (issue 12) in the browser: staff write, count, test and send a newsletter; it reaches the
members of its genre only; a member stops it from the mail's link (配信停止) in one click."""

from __future__ import annotations

import re
import time
import uuid

from playwright.sync_api import Locator, Page, expect

from tests.browser.support import STAFF, login, mail_link, member_client, new_member, shot
from tests.stackutil import LocalStack


def _row(page: Page, subject: str) -> Locator:
    return page.get_by_test_id("admin-newsletters").locator("li", has_text=subject)


def _wait_until_sent(page: Page, subject: str, timeout: float = 60.0) -> None:
    """最新の状態に更新 until the newsletter's row says 配信済み (the worker runs off the SQS queue)."""
    deadline = time.time() + timeout
    status = _row(page, subject).get_by_test_id("newsletter-status")
    while time.time() < deadline:
        if status.inner_text().strip() == "配信済み":
            return
        time.sleep(0.5)
        page.get_by_role("button", name="最新の状態に更新").click()
        page.wait_for_load_state("networkidle")
    expect(status).to_have_text("配信済み")


def test_newsletter_written_tested_sent_and_unsubscribed(local_stack: LocalStack, page: Page, member_page: Page) -> None:
    base = local_stack.url
    tag = uuid.uuid4().hex[:6]
    # set-up over the API: one member of each genre (new_member opts in to TOKYOネットクラブまがじん)
    reader = new_member(local_stack, company=f"株式会社配信テスト{tag}", name="配信花子")
    other = new_member(local_stack, company=f"株式会社別ジャンル{tag}", name="別野太郎")
    other_client = member_client(local_stack, other)
    mine = other_client.get("/api/profile").body
    changed = other_client.put("/api/profile", {**mine, "subscriptions": {**mine["subscriptions"], "mail_magazine": True, "mail_magazine_genres": ["e_argus"]}})
    assert changed.status == 200, changed.body

    login(page, base, *STAFF)
    page.get_by_role("navigation", name="公社職員メニュー").get_by_role("link", name="メールマガジン配信").click()
    expect(page.get_by_role("heading", level=1, name="メールマガジン配信")).to_be_visible()
    shot(page, "admin-newsletters")

    # the form's own checks: nothing entered → three messages in the summary, next to the fields
    page.get_by_test_id("newsletter-new").click()
    expect(page.locator("#nl-subject")).to_be_focused()
    page.get_by_test_id("newsletter-save").click()
    summary = page.get_by_test_id("error-summary")
    expect(summary).to_contain_text("件名：件名を入力してください。")
    expect(summary).to_contain_text("本文：本文を入力してください。")
    expect(summary).to_contain_text("ジャンル：ジャンルを1つ以上選択してください。")
    expect(page.locator("#nl-subject")).to_have_attribute("aria-invalid", "true")
    page.locator("#nl-subject").fill("件" * 151)
    page.get_by_test_id("newsletter-save").click()
    expect(page.locator("#nl-subject-error")).to_have_text("件名は150文字以内で入力してください。")
    expect(page.locator("#nl-subject-count")).to_contain_text("1文字超過")
    shot(page, "admin-newsletter-errors")

    subject = f"ネットクラブまがじん 12月号（{tag}）"
    body = "会員の皆さま\n\n12月のセミナーのご案内です。\n詳しくは企業Myポータルをご覧ください。"
    page.locator("#nl-subject").fill(subject)
    page.locator("#nl-body").fill(body)
    expect(page.locator("#nl-body-count")).to_contain_text(f"{len(body)} / 20000文字")
    page.get_by_role("checkbox", name="TOKYOネットクラブまがじん").check()
    page.get_by_test_id("newsletter-save").click()
    expect(page.get_by_test_id("newsletter-notice")).to_contain_text("下書きを保存しました。")
    expect(_row(page, subject).get_by_test_id("newsletter-status")).to_have_text("下書き")
    expect(page.get_by_role("heading", level=2, name="下書きを編集")).to_be_visible()

    # 配信対象 n件: the members who would get it now (the reader at least; never the e_argus-only member)
    audience_text = page.get_by_test_id("newsletter-audience")
    expect(audience_text).to_have_text(re.compile(r"^配信対象 [\d,]+件$"))
    audience = int(re.sub(r"\D", "", audience_text.inner_text()))
    assert audience >= 1
    shot(page, "admin-newsletter-draft")

    # テスト送信: to the staff member's own address, 【テスト】
    page.get_by_test_id("newsletter-test").click()
    expect(page.get_by_test_id("newsletter-notice")).to_have_text("テストメールを送信しました（職員のメールアドレス宛）")
    test_mail = local_stack.wait_for_mail(STAFF[0], f"【テスト】{subject}", timeout=20)
    assert "12月のセミナーのご案内です。" in test_mail["body"]
    assert not any(subject in m["subject"] for m in local_stack.mails(reader.email))  # a test reaches no member

    # 配信: the dialog says how many; then the row shows 配信中 / 配信済み with its results
    page.get_by_test_id("newsletter-send").click()
    dialog = page.get_by_role("dialog", name="配信の確認")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_test_id("newsletter-confirm-count")).to_have_text(f"{audience:,}件に配信します。")
    shot(page, "admin-newsletter-confirm")
    dialog.get_by_test_id("dialog-ok").click()
    expect(page.get_by_test_id("newsletter-notice")).to_contain_text("の配信を開始しました。")
    expect(page.get_by_test_id("newsletter-send-panel")).to_have_count(0)

    mail = local_stack.wait_for_mail(reader.email, subject, timeout=60)
    assert "12月のセミナーのご案内です。" in mail["body"]
    assert mail["headers"].get("List-Unsubscribe-Post") == "List-Unsubscribe=One-Click"
    _wait_until_sent(page, subject)
    row = _row(page, subject)
    expect(row.locator("[data-stat=recipients]")).to_have_text(re.compile(r"^[1-9]\d*$"))
    expect(row.locator("[data-stat=sent]")).to_have_text(re.compile(r"^[1-9]\d*$"))
    expect(row.locator("[data-stat=failed]")).to_have_text("0")
    expect(row.get_by_role("button", name=f"{subject}を編集")).to_have_count(0)  # sent: no longer editable
    expect(row).to_contain_text("対象")
    expect(row).to_contain_text("配信停止")
    shot(page, "admin-newsletters-sent")
    # the member of the other genre got nothing
    assert not any(subject in m["subject"] for m in local_stack.mails(other.email))

    # 配信停止: the mail's link; opening the page changes nothing, the click stops it at once
    link = mail_link(local_stack, reader.email, subject, "/unsubscribe")
    member_page.goto(link)
    expect(member_page.get_by_role("heading", level=1, name="メールマガジンの配信停止")).to_be_visible()
    shot(member_page, "unsubscribe")
    reader_client = member_client(local_stack, reader)
    assert reader_client.get("/api/profile").body["subscriptions"]["mail_magazine"] is True
    member_page.get_by_role("button", name="配信を停止する").click()
    expect(member_page.get_by_test_id("unsubscribe-done")).to_contain_text("配信を停止しました")
    shot(member_page, "unsubscribe-done")
    assert reader_client.get("/api/profile").body["subscriptions"]["mail_magazine"] is False

    # a link that is not one: a clear message, and no button to press again
    member_page.goto(f"{base}/unsubscribe?token=not-a-real-token")
    member_page.get_by_role("button", name="配信を停止する").click()
    expect(member_page.get_by_test_id("unsubscribe-error")).to_contain_text("配信停止のリンクが正しくありません。")
    expect(member_page.get_by_role("button", name="配信を停止する")).to_have_count(0)
    shot(member_page, "unsubscribe-invalid")


def test_recipients_left_in_the_dlq_show_as_partly_unsent_and_staff_redrive_them(local_stack: LocalStack, page: Page) -> None:
    """SES keeps refusing one member's address (POST /_dev/ses/outage): the worker's retries, then the queue's
    (maxReceiveCount 5; /_dev/queues/redeliver is the 360 s visibility timeout passing), give the message up:
    the list says 一部未送信 with the count, and 再送 sends the rest once SES takes the address again."""
    tag = uuid.uuid4().hex[:6]
    reader = new_member(local_stack, company=f"株式会社再送テスト{tag}", name="再送花子")  # TOKYOネットクラブまがじん
    staff = local_stack.client()
    assert staff.login(*STAFF).status == 200
    dev = local_stack.client()
    assert dev.post("/_dev/ses/outage", {"to": reader.email, "on": True}).status == 200
    subject = f"ネットクラブまがじん 再送テスト号（{tag}）"
    created = staff.post("/api/admin/newsletters", {"subject": subject, "body": "本文です。", "genres": ["netclub_magazine"]})
    assert created.status == 201, created.body
    newsletter_id = created.body["id"]
    try:
        assert staff.post(f"/api/admin/newsletters/{newsletter_id}/send", {}).status == 202
        deadline = time.time() + 150
        while staff.get(f"/api/admin/newsletters/{newsletter_id}").body["stats"]["stuck"] == 0:
            assert time.time() < deadline, "the message was never given up"
            time.sleep(1)
            assert dev.post("/_dev/queues/redeliver", {}).status == 200
        assert dev.post("/_dev/queues/redeliver", {}).status == 200  # its next receive moves it to the DLQ
        stuck = staff.get(f"/api/admin/newsletters/{newsletter_id}").body
        assert stuck["status"] == "sending" and stuck["stats"]["stuck"] >= 1
        assert not any(subject in m["subject"] for m in local_stack.mails(reader.email))

        login(page, local_stack.url, *STAFF)
        page.get_by_role("navigation", name="公社職員メニュー").get_by_role("link", name="メールマガジン配信").click()
        row = _row(page, subject)
        expect(row.get_by_test_id("newsletter-status")).to_have_text("一部未送信")
        expect(row.get_by_test_id("newsletter-stuck")).to_contain_text(f"一部未送信：{stuck['stats']['stuck']:,}件の宛先に、再試行しても配信できませんでした")
        shot(page, "admin-newsletter-stuck")
    finally:
        assert dev.post("/_dev/ses/outage", {"to": reader.email, "on": False}).status == 200

    notice = page.get_by_test_id("newsletter-notice")
    for _ in range(10):  # the DLQ holds it once the poller's receive has moved it there
        row.get_by_role("button", name=f"{subject}の未送信分を再送").click()
        expect(notice).to_contain_text(f"「{subject}」")
        if "再送しました" in notice.inner_text():
            break
        time.sleep(1)
    expect(notice).to_contain_text("の未送信分（")
    expect(notice).to_contain_text("送信済みの宛先には重複して送られません。")
    local_stack.wait_for_mail(reader.email, subject, timeout=60)
    _wait_until_sent(page, subject)
    expect(row.get_by_test_id("newsletter-stuck")).to_have_count(0)
    assert len([m for m in local_stack.mails(reader.email) if subject in m["subject"]]) == 1
    shot(page, "admin-newsletter-redriven")


def test_newsletter_not_draft_and_delete(local_stack: LocalStack, page: Page) -> None:
    """A draft sent elsewhere meanwhile: saving it is 409 not_draft on the form; a draft can be deleted."""
    base = local_stack.url
    tag = uuid.uuid4().hex[:6]
    staff = local_stack.client()
    assert staff.login(*STAFF).status == 200
    raced = staff.post("/api/admin/newsletters", {"subject": f"競合の確認（{tag}）", "body": "本文", "genres": ["e_argus"]})
    doomed = staff.post("/api/admin/newsletters", {"subject": f"削除の確認（{tag}）", "body": "本文", "genres": ["e_argus"]})
    assert raced.status == 201 and doomed.status == 201

    login(page, base, *STAFF)
    page.goto(f"{base}/admin/newsletters")
    page.get_by_role("button", name=f"競合の確認（{tag}）を編集").click()
    expect(page.locator("#nl-subject")).to_have_value(f"競合の確認（{tag}）")
    expect(page.get_by_role("checkbox", name="電子ARGUS")).to_be_checked()
    assert staff.post(f"/api/admin/newsletters/{raced.body['id']}/send", {}).status == 202
    page.locator("#nl-body").fill("本文を直しました。")
    page.get_by_test_id("newsletter-save").click()
    expect(page.get_by_test_id("error-summary")).to_be_visible()
    expect(page.get_by_test_id("error-summary")).not_to_contain_text("入力内容に誤りがあります。")
    expect(_row(page, f"競合の確認（{tag}）").get_by_test_id("newsletter-status")).not_to_have_text("下書き")
    shot(page, "admin-newsletter-not-draft")

    page.get_by_role("button", name=f"削除の確認（{tag}）を削除").click()
    dialog = page.get_by_role("dialog", name="削除の確認")
    expect(dialog).to_contain_text(f"下書き「削除の確認（{tag}）」を削除します。")
    dialog.get_by_test_id("dialog-ok").click()
    expect(page.get_by_test_id("newsletter-notice")).to_have_text(f"「削除の確認（{tag}）」を削除しました。")
    expect(_row(page, f"削除の確認（{tag}）")).to_have_count(0)
    assert staff.get(f"/api/admin/newsletters/{doomed.body['id']}").status == 404


def test_newsletter_screens_on_a_phone(local_stack: LocalStack, phone: Page) -> None:
    """360 px: the staff screen (table scrolls inside its frame) and 配信停止 fit, with axe."""
    base = local_stack.url
    login(phone, base, *STAFF)
    phone.goto(f"{base}/admin/newsletters")
    expect(phone.get_by_role("heading", level=1, name="メールマガジン配信")).to_be_visible()
    shot(phone, "admin-newsletters-360")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.goto(f"{base}/unsubscribe?token=abc")
    expect(phone.get_by_role("button", name="配信を停止する")).to_be_visible()
    shot(phone, "unsubscribe-360")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
