"""The staff console (docs/product.md "Staff console"): the inquiry desk, staff-only profile fields, and every /admin screen with axe."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser.support import STAFF, login, member_client, new_member, shot, upload_attachment
from tests.stackutil import LocalStack

# a small binary file: PNG signature, then every byte value (NUL, 0xff, CR/LF…), so a download that re-encodes shows
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 64


def test_inquiry_desk_read_download_reply_close(local_stack: LocalStack, page: Page, member_page: Page) -> None:
    """A member's inquiry with a file → staff desk: read, download the same bytes, reply (mail + portal), close."""
    base = local_stack.url
    acct = new_member(local_stack, company="株式会社窓口テスト", name="窓口花子")
    member = member_client(local_stack, acct)
    kind = next(k for k in member.get("/api/inquiry-kinds").body["items"] if k["name"] == "経営相談")
    attachment = upload_attachment(member, "工場レイアウト.png", PNG, "image/png")
    content = f"工場のレイアウト変更について相談したい。（{uuid.uuid4().hex[:6]}）"
    sent = member.post(
        "/api/inquiries", {"kind_id": kind["id"], "content": content, "attachment_ids": [attachment]}, headers={"Idempotency-Key": uuid.uuid4().hex}
    )
    assert sent.status == 201, sent.body
    inquiry_id, receipt_no = sent.body["id"], sent.body["receipt_no"]

    # the desk: 未回答 list → 開く
    login(page, base, *STAFF)
    page.get_by_role("navigation", name="公社職員メニュー").get_by_role("link", name="お問い合わせ対応").click()
    expect(page.get_by_role("heading", level=1, name="お問い合わせ対応")).to_be_visible()
    expect(page.get_by_role("button", name="受付済み（未回答）")).to_have_attribute("aria-pressed", "true")
    row = page.get_by_test_id("admin-inquiries").locator("tr", has_text=receipt_no)
    expect(row).to_contain_text("株式会社窓口テスト 窓口花子")
    expect(row).to_contain_text("経営相談")
    expect(row.locator("td").nth(4)).to_have_text("1")  # one attachment
    shot(page, "admin-inquiries")
    row.get_by_role("link", name="開く").click()

    expect(page.get_by_role("heading", level=1, name="お問い合わせ詳細")).to_be_visible()
    expect(page.get_by_text(content)).to_be_visible()
    expect(page.get_by_text(acct.email)).to_be_visible()
    expect(page.get_by_test_id("inquiry-status")).to_have_text("受付済み（未回答）")
    shot(page, "admin-inquiry-detail")

    # the attachment downloads through its short-lived link: the very bytes the member uploaded
    link = page.get_by_test_id("admin-attachments").get_by_role("link", name=re.compile("工場レイアウト.png"))
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.failure() is None
    assert download.suggested_filename == "工場レイアウト.png"
    assert Path(download.path()).read_bytes() == PNG

    # an empty reply is refused next to the field
    page.get_by_role("button", name="回答を送信").click()
    expect(page.locator("#reply")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#reply-error")).to_have_text("回答を入力してください。")

    answer = "ご相談ありがとうございます。\n来週、担当の専門家からお電話いたします。"
    page.locator("#reply").fill(answer)
    page.get_by_role("button", name="回答を送信").click()
    expect(page.get_by_role("status")).to_have_text("回答を送信しました。")
    expect(page.get_by_test_id("inquiry-status")).to_have_text("回答済み")
    expect(page.get_by_role("region", name="回答履歴")).to_contain_text("来週、担当の専門家からお電話いたします。")
    shot(page, "admin-inquiry-replied")

    # the member gets the reply by mail, and its link shows the inquiry with the reply in the portal
    mail = local_stack.wait_for_mail(acct.email, "お問い合わせへの回答")
    assert receipt_no in mail["body"] and "来週、担当の専門家からお電話いたします。" in mail["body"]
    portal_link = re.search(re.escape(base) + r"/inquiries/\S+", mail["body"])
    assert portal_link and portal_link.group(0) == f"{base}/inquiries/{inquiry_id}", mail["body"]
    login(member_page, base, acct.email, acct.password)
    member_page.goto(portal_link.group(0))
    expect(member_page.get_by_role("heading", level=1, name="お問い合わせ内容確認")).to_be_visible()
    expect(member_page.get_by_test_id("inquiry-detail")).to_contain_text(receipt_no)
    expect(member_page.get_by_test_id("inquiry-detail")).to_contain_text("工場レイアウト.png")
    expect(member_page.get_by_test_id("inquiry-status")).to_have_text("回答済み")
    expect(member_page.get_by_test_id("inquiry-replies")).to_contain_text("来週、担当の専門家からお電話いたします。")
    shot(member_page, "inquiry-member-reply")

    # 完了にする asks first; then the reply form is gone and the inquiry is under 完了
    page.get_by_role("button", name="完了にする").click()
    dialog = page.get_by_role("dialog", name="お問い合わせを完了にする")
    expect(dialog).to_be_visible()
    shot(page, "admin-inquiry-close-confirm")
    page.get_by_test_id("dialog-ok").click()
    expect(page.get_by_role("status")).to_have_text("お問い合わせを完了にしました。")
    expect(page.get_by_test_id("inquiry-status")).to_have_text("完了")
    expect(page.locator("#reply")).to_have_count(0)
    shot(page, "admin-inquiry-closed")
    page.get_by_role("link", name="戻る").click()
    expect(page.get_by_test_id("admin-inquiries").locator("tr", has_text=receipt_no)).to_have_count(0)
    page.get_by_role("button", name="完了", exact=True).click()
    expect(page.get_by_test_id("admin-inquiries").locator("tr", has_text=receipt_no)).to_be_visible()

    # the member's お問い合わせ screen lists it as 完了, and its receipt number opens it
    member_page.goto(f"{base}/inquiry")
    expect(member_page.get_by_test_id(f"my-inquiry-status-{inquiry_id}")).to_have_text("完了")
    member_page.get_by_role("link", name=f"受付番号{receipt_no}の内容と回答を確認").click()
    expect(member_page.get_by_test_id("inquiry-status")).to_have_text("完了")

    # 利用履歴 lists the inquiry and opens the same screen
    member_page.goto(f"{base}/history")
    expect(member_page.get_by_test_id("usage-history").locator("tr", has_text="お問い合わせ（経営相談）")).to_contain_text("完了")
    member_page.get_by_test_id("usage-history").get_by_role("link", name="お問い合わせ（経営相談）").click()
    expect(member_page.get_by_role("heading", level=1, name="お問い合わせ内容確認")).to_be_visible()
    expect(member_page.get_by_test_id("inquiry-detail")).to_contain_text(receipt_no)

    # the desk's actions are audit-logged; a closed inquiry takes no more replies
    staff = local_stack.client()
    assert staff.login(*STAFF).status == 200
    actions = {(e["action"], e["target"]) for e in staff.get("/api/admin/audit-log").body["items"]}
    assert {("inquiry.reply", f"inquiry:{inquiry_id}"), ("inquiry.close", f"inquiry:{inquiry_id}")} <= actions
    assert staff.post(f"/api/admin/inquiries/{inquiry_id}/reply", {"body": "追記"}).status == 409


def test_staff_only_profile_fields(local_stack: LocalStack, page: Page, member_page: Page) -> None:
    """Staff register 会員番号/入会日/会員区分/公社メモ; the member sees them read-only in My情報管理 and cannot change them."""
    base = local_stack.url
    acct = new_member(local_stack, company="株式会社会員番号", name="番号太郎")
    login(page, base, *STAFF)
    page.get_by_role("navigation", name="公社職員メニュー").get_by_role("link", name="会員・登録確認").click()
    page.get_by_role("button", name="利用中").click()  # newest first
    page.locator(f"tr[data-email='{acct.email}']").get_by_role("link", name="詳細").click()
    expect(page.get_by_role("heading", level=1, name="会員情報（公社職員編集）")).to_be_visible()
    expect(page.get_by_text(f"株式会社会員番号 番号太郎 様（{acct.email}）")).to_be_visible()
    form = page.get_by_test_id("staff-fields-form")
    expect(form.get_by_role("textbox", name="会員番号")).to_have_value("")

    # a 退会日 before the 入会日 is refused next to the field, before anything is sent
    page.get_by_label("会員番号").fill("NC-2026-0042")
    page.get_by_label("入会日").fill("2026-04-01")
    page.get_by_label("退会日").fill("2026-03-31")
    page.get_by_label("会員区分").fill("一般会員")
    page.get_by_label("公社メモ").fill("展示会出展に関心あり。\n次回フォロー：6月")
    page.get_by_test_id("member-save").click()
    expect(page.get_by_test_id("error-summary")).to_be_visible()
    expect(page.locator("#f-staff_fields-withdrawn_on")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#f-staff_fields-withdrawn_on-error")).to_have_text("退会日は入会日以降の日付を入力してください。")
    shot(page, "admin-member-staff-fields-error")

    page.get_by_label("退会日").fill("")
    page.get_by_test_id("member-save").click()
    expect(page.get_by_role("status")).to_have_text("会員情報を更新しました。")
    expect(page.locator("#f-company_name")).to_have_value("株式会社会員番号")  # the saved answer fills the form again, not an empty one
    expect(page.locator("#f-staff_fields-withdrawn_on")).not_to_have_attribute("aria-invalid", "true")

    page.reload()
    expect(page.get_by_label("会員番号")).to_have_value("NC-2026-0042")
    expect(page.get_by_label("入会日")).to_have_value("2026-04-01")
    expect(page.get_by_label("退会日")).to_have_value("")
    expect(page.get_by_label("会員区分")).to_have_value("一般会員")
    expect(page.get_by_label("公社メモ")).to_have_value("展示会出展に関心あり。\n次回フォロー：6月")
    shot(page, "admin-member-detail")

    # the member: My情報管理 shows them under 公社登録情報, read-only (staff_fields: the member cannot change them, and sees them read-only)
    login(member_page, base, acct.email, acct.password)
    member_page.goto(f"{base}/profile")
    staff_view = member_page.get_by_test_id("staff-fields")
    expect(staff_view.locator("[data-field='staff_fields.member_number']")).to_have_text("NC-2026-0042")
    expect(staff_view.locator("[data-field='staff_fields.joined_on']")).to_have_text("2026-04-01")
    expect(staff_view.locator("[data-field='staff_fields.member_rank']")).to_have_text("一般会員")
    expect(staff_view.locator("[data-field='staff_fields.withdrawn_on']")).to_have_count(0)
    expect(staff_view.locator("input, textarea, select")).to_have_count(0)
    shot(member_page, "p17-profile-staff-fields")
    member_page.get_by_test_id("profile-edit").click()
    expect(member_page.get_by_role("heading", level=1, name="My情報更新")).to_be_visible()
    expect(member_page.locator("[id^='f-staff_fields']")).to_have_count(0)
    expect(member_page.get_by_label("会員番号")).to_have_count(0)

    # a member's PUT that tries to change them is not applied
    member = member_client(local_stack, acct)
    mine = member.get("/api/profile").body
    tried = member.put("/api/profile", {**mine, "staff_fields": {"member_number": "SELF-1", "member_rank": "特別会員"}})
    assert tried.status in (200, 400, 403), tried.body
    after = member.get("/api/profile").body["staff_fields"]
    assert after["member_number"] == "NC-2026-0042" and after["member_rank"] == "一般会員", after


def test_every_staff_screen(local_stack: LocalStack, page: Page) -> None:
    """催し・日程 (+ 予約者・出席), イベント, お知らせ, 動画, お問い合わせ種類, 監査ログ: heading, screenshot and axe on each."""
    base = local_stack.url
    staff = local_stack.client()
    assert staff.login(*STAFF).status == 200
    title = f"販路開拓セミナー（画面確認{uuid.uuid4().hex[:4]}）"
    offering = staff.post(
        "/api/admin/offerings", {"kind": "seminar", "title": title, "description": "展示会の活用法", "apply_until": "2030-09-01T17:00:00+09:00"}
    )
    assert offering.status == 201, offering.body
    oid = offering.body["id"]
    slot = staff.post(
        f"/api/admin/offerings/{oid}/slots", {"date": "2030-09-10", "start_time": "14:00", "end_time": "16:00", "place": "秋葉原ビル5F", "capacity": 10}
    )
    assert slot.status == 201, slot.body
    acct = new_member(local_stack, company="株式会社出席確認", name="出席一郎")
    member = member_client(local_stack, acct)
    booked = member.post("/api/reservations", {"offering_id": oid, "slot_id": slot.body["id"]}, headers={"Idempotency-Key": uuid.uuid4().hex})
    assert booked.status == 201, booked.body

    login(page, base, *STAFF)
    nav = page.get_by_role("navigation", name="公社職員メニュー")
    nav.get_by_role("link", name="催し・日程・抽選").click()
    expect(page.get_by_role("heading", level=1, name="催し・日程・抽選")).to_be_visible()
    expect(page.get_by_role("heading", name="催しを登録")).to_be_visible()
    shot(page, "admin-offerings")

    page.get_by_role("link", name=f"{title}を管理").click()
    expect(page.get_by_role("heading", level=1, name="催しの詳細")).to_be_visible()
    slots = page.get_by_test_id("admin-slots")
    expect(slots).to_contain_text("秋葉原ビル5F")
    expect(slots).to_contain_text("14:00")
    shot(page, "admin-offering-slots")

    # 予約者・出席: record attendance → 参加済み, which feeds the member's 利用履歴
    row = page.get_by_test_id("admin-reservations").locator("tr", has_text="出席一郎")
    expect(row).to_contain_text("予約済み")
    row.get_by_role("button", name="出席を記録").click()
    expect(page.get_by_role("status")).to_contain_text("出席を記録しました。")
    expect(row).to_contain_text("参加済み")
    expect(row.get_by_role("button", name="出席を記録")).to_have_count(0)
    shot(page, "admin-attendance")
    # 参加者名簿: built in the background, then the CSV as the browser downloads it through the 5-minute link
    # (Excel-ready: the BOM, the Japanese header; saved under its Japanese name)
    with page.expect_download(timeout=30_000) as download:
        page.get_by_test_id("attendees-csv").click()
        expect(page.get_by_test_id("attendees-progress")).to_contain_text("参加者名簿")
    assert download.value.suggested_filename.startswith("参加者名簿-"), download.value.suggested_filename
    attendees = Path(download.value.path()).read_bytes()
    assert attendees.startswith("\ufeff会員番号,企業名".encode())
    assert "株式会社出席確認" in attendees.decode("utf-8") and "参加済み" in attendees.decode("utf-8")
    history = member.get("/api/usage-history").body["items"]
    assert any(h["title"] == title and h["status"] == "attended" for h in history), history

    event_title = f"ものづくり展示会（管理画面{uuid.uuid4().hex[:4]}）"
    event = staff.post(
        "/api/admin/events",
        {"title": event_title, "starts_at": "2031-05-10T10:00:00+09:00", "ends_at": "2031-05-10T17:00:00+09:00", "place": "東京ビッグサイト"},
    )
    assert event.status == 201, event.body
    for link, heading, name in [
        ("イベント", "イベントの管理", "admin-events"),
        ("お知らせ", "お知らせの管理", "admin-notices"),
        ("動画", "動画の管理", "admin-videos"),
        ("お問い合わせ種類", "お問い合わせ種類の管理", "admin-inquiry-kinds"),
    ]:
        nav.get_by_role("link", name=link, exact=True).click()
        expect(page.get_by_role("heading", level=1, name=heading)).to_be_visible()
        expect(page.get_by_role("heading", level=2, name=f"{link}を登録")).to_be_visible()
        if name == "admin-events":  # the staff list (GET /api/admin/events, newest first)
            expect(page.get_by_test_id("admin-events")).to_contain_text(event_title)
        shot(page, name)

    # 名簿出力: each service's list (here: every active member, which includes the one above)
    nav.get_by_role("link", name="名簿出力").click()
    expect(page.get_by_role("heading", level=1, name="名簿出力")).to_be_visible()
    shot(page, "admin-exports")
    with page.expect_download(timeout=30_000) as download:
        page.get_by_test_id("export-all").click()
        expect(page.get_by_test_id("export-progress")).to_contain_text("利用中の全会員")  # 作成しています… while the worker builds it
    assert download.value.suggested_filename.startswith("名簿-利用中の全会員-"), download.value.suggested_filename
    expect(page.get_by_test_id("export-ready")).to_contain_text("名簿ができました")
    listed = Path(download.value.path()).read_bytes().decode("utf-8")
    assert listed.startswith("\ufeff会員番号,企業名,事業所名,郵便番号,住所,担当者名,部署,電話番号,メールアドレス\r\n")
    assert "株式会社出席確認" in listed

    nav.get_by_role("link", name="監査ログ").click()
    expect(page.get_by_role("heading", level=1, name="監査ログ")).to_be_visible()
    attended = page.get_by_test_id("audit-log").locator("tr", has_text=f"reservation:{booked.body['id']}")
    expect(attended).to_have_count(1)
    expect(attended).to_contain_text("予約の出席記録")  # the action in Japanese, its code beneath
    expect(attended).to_contain_text("reservation.attended")
    expect(page.get_by_test_id("audit-log").locator("tr", has_text="members:active").first).to_contain_text("会員名簿の出力")
    shot(page, "admin-audit-log")


def _keep_failed_mail(stack: LocalStack, to: str, subject: str) -> None:
    """A mail as the sender keeps it when SES refuses it (the local SES never fails on its own)."""
    import boto3
    from netclub.store import keys

    endpoint = next(line.split(":", 1)[1].strip() for line in stack.output if line.strip().startswith("AWS (moto):"))
    dynamodb = boto3.client("dynamodb", endpoint_url=endpoint, region_name="ap-northeast-1", aws_access_key_id="test", aws_secret_access_key="test")
    table = next(name for name in dynamodb.list_tables()["TableNames"] if "dempotency" not in name)
    mail_id = uuid.uuid4().hex
    dynamodb.put_item(
        TableName=table,
        Item={
            "PK": {"S": keys.OUTBOX_PK},
            "SK": {"S": f"2026-11-24T10:00:00+09:00#{mail_id}"},
            "id": {"S": mail_id},
            "to": {"S": to},
            "subject": {"S": subject},
            "body": {"S": "https://example.invalid/password-reset/confirm?token=SECRET-TOKEN"},
            "template": {"S": "password_reset"},
            "attempts": {"N": "3"},
            "last_error": {"S": "MessageRejected"},
            "created_at": {"S": "2026-11-24T10:00:00+09:00"},
            "last_attempt_at": {"S": "2026-11-24T10:10:00+09:00"},
        },
    )


def test_staff_see_mails_waiting_for_retry(local_stack: LocalStack, page: Page) -> None:
    """A failed send never loses the action; it is retried and visible to staff (再送待ちメール)."""
    to = f"outbox-{uuid.uuid4().hex[:6]}@example.jp"
    _keep_failed_mail(local_stack, to, "【ネットクラブ】パスワード再設定のご案内")
    login(page, local_stack.url, *STAFF)
    page.get_by_role("navigation", name="公社職員メニュー").get_by_role("link", name="再送待ちメール").click()
    expect(page.get_by_role("heading", level=1, name="再送待ちメール")).to_be_visible()
    row = page.get_by_test_id("mail-outbox").locator("tr", has_text=to)
    expect(row).to_contain_text("パスワード再設定のご案内")
    expect(row).to_contain_text("3回")
    expect(row).to_contain_text("MessageRejected")
    expect(page.get_by_text("SECRET-TOKEN")).to_have_count(0)  # bodies (with their links) stay out of the staff view
    shot(page, "admin-mail-outbox")
