"""The Japanese texts of every mail. Placeholders are filled with str.format."""

from __future__ import annotations

SIGNATURE = """
──────────────────────────────
公益財団法人 東京都中小企業振興公社
ネットクラブ会員サービス 企業Myポータル
※本メールは送信専用です。ご返信いただいてもお答えできません。
──────────────────────────────"""

CALENDAR_LINE = "カレンダーに追加する場合は、こちらの予約ページから「カレンダーに追加」を押してください。\n"
"""`{calendar}` of a reservation's mail while the reservation holds a date (confirmed, won): the .ics download
needs the member's session, so the mail links the reservation's page, where 「カレンダーに追加」 is."""

TEMPLATES: dict[str, tuple[str, str]] = {
    "member_invitation": (
        "【企業Myポータル】ご利用開始のご案内",
        """{company_name}
{user_name} 様

ネットクラブ会員サービスは、新しい「企業Myポータル」でご利用いただけるようになりました。
これまでの会員情報（会員番号 {member_number}）は、そのまま引き継がれています。

以下のリンクから、14日以内にパスワードを設定してください。設定後、そのまま企業Myポータルをご利用いただけます。
{link}

ログインID：{email}

リンクの有効期限が切れた場合は、ログイン画面の「パスワードが不明な方」からパスワードを設定するか、公社までお問い合わせください。
本メールにお心当たりのない場合は、破棄してください。""",
    ),
    "member_suspended": (
        "【企業Myポータル】ご利用停止のお知らせ",
        """{company_name}
{user_name} 様

企業Myポータルのご利用を、公社にて一時停止しました。
停止中はログインできず、イベント・セミナー等の新しいお申込み、お問い合わせ、商談申込はご利用いただけません。
{reason_text}
ご不明な点は、公社までお問い合わせください。""",
    ),
    "member_reinstated": (
        "【企業Myポータル】ご利用再開のお知らせ",
        """{company_name}
{user_name} 様

企業Myポータルのご利用を再開しました。本日より、これまでどおりご利用いただけます。
{login_link}""",
    ),
    "withdrawal_done": (
        "【企業Myポータル】退会手続き完了のお知らせ",
        """{company_name}
{user_name} 様

ネットクラブ会員サービスの退会手続きが完了しました。これまでのご利用、誠にありがとうございました。

・企業Myポータルへのログインはできなくなりました。
・お申込み中のイベント・セミナー等の予約は取り消しました。
・メールマガジンの配信を停止しました。

再度ご利用の際は、新規会員登録からお申込みください。
本メールにお心当たりのない場合は、公社までお問い合わせください。""",
    ),
    "staff_invitation": (
        "【企業Myポータル】職員アカウントへのご招待",
        """{staff_name} 様

企業Myポータルの管理コンソールに、職員として招待されました。
以下のリンクから、72時間以内にパスワードを設定してください。
{link}

パスワードの設定後、最初のログインで2段階認証（認証アプリによる確認コード）を設定します。
スマートフォンに Google Authenticator、Microsoft Authenticator などの認証アプリをご用意ください。

本メールにお心当たりのない場合は、破棄してください。""",
    ),
    "registration_verify": (
        "【ネットクラブ】会員登録のご案内（メールアドレスの確認）",
        """ネットクラブ会員サービスへの会員登録のお申込みありがとうございます。

以下のリンクから、60分以内に会員情報の登録へお進みください。
{link}

リンクの有効期限が切れた場合は、お手数ですが最初からお手続きください。
本メールにお心当たりのない場合は、破棄してください。""",
    ),
    "registration_exists": (
        "【ネットクラブ】会員登録のお申込みについて",
        """このメールアドレスは、すでにネットクラブ会員として登録されています。

パスワードがご不明な場合は、ログイン画面の「パスワードが不明な方」から再設定してください。
{login_link}

本メールにお心当たりのない場合は、破棄してください。""",
    ),
    "registration_received": (
        "【ネットクラブ】会員登録を受け付けました",
        """{company_name}
{user_name} 様

ネットクラブ会員サービスへの会員登録を受け付けました。
登録された会員情報を公社で確認後、通知メールをお送りします。
企業Myポータルの全ての機能は、通知メール受領後にご利用いただけます。""",
    ),
    "registration_approved": (
        "【ネットクラブ】会員登録完了のお知らせ（通知メール）",
        """{company_name}
{user_name} 様

公社による会員情報の確認が完了しました。
本日より、企業Myポータルの全ての機能をご利用いただけます。

ログインはこちら
{login_link}

会員ID：{email}""",
    ),
    "password_changed": (
        "【ネットクラブ】パスワード変更の完了メール",
        """{user_name} 様

企業Myポータルのログインパスワードを変更しました。
（変更日時：{at}）

お心当たりのない場合は、至急、公社までご連絡ください。""",
    ),
    "password_reset": (
        "【ネットクラブ】パスワード再設定のご案内",
        """企業Myポータルのパスワード再設定のお申込みを受け付けました。

以下のリンクから、60分以内に新しいパスワードを設定してください。
{link}

このリンクは一度だけ使用できます。
お心当たりのない場合は、本メールを破棄してください。パスワードは変更されません。""",
    ),
    "password_reset_done": (
        "【ネットクラブ】パスワード再設定の完了メール",
        """{user_name} 様

企業Myポータルのパスワードを再設定しました。
（再設定日時：{at}）

お心当たりのない場合は、至急、公社までご連絡ください。""",
    ),
    "reservation_applied": (
        "【ネットクラブ】セミナーのお申込みを受け付けました",
        """{company_name}
{user_name} 様

以下の内容でお申込みを受け付けました（予約確定）。

お申込み：{title}
{details}
予約番号：{number}

ご予約の確認・変更・キャンセルは、企業Myポータルの「予約確認・変更」から行えます。
{calendar}{link}""",
    ),
    "counseling_applied": (
        "【ネットクラブ】専門家カウンセリングのお申込みを受け付けました",
        """{company_name}
{user_name} 様

以下の内容でお申込みを受け付けました。

お申込み：{title}
{details}
予約番号：{number}

申込多数の場合は抽選となります。結果は申込期限の後、メールでお知らせします。
時間は決定後、ご連絡いたします。
{link}""",
    ),
    "reservation_changed": (
        "【ネットクラブ】ご予約の変更を受け付けました",
        """{company_name}
{user_name} 様

ご予約の変更を受け付けました。変更後の内容は以下のとおりです。

お申込み：{title}
{details}
予約番号：{number}

{calendar}{link}""",
    ),
    "reservation_cancelled": (
        "【ネットクラブ】ご予約のキャンセルを受け付けました",
        """{company_name}
{user_name} 様

以下のご予約のキャンセルを受け付けました。

お申込み：{title}
{details}
予約番号：{number}

またのお申込みをお待ちしております。""",
    ),
    "reservation_waitlisted": (
        "【ネットクラブ】キャンセル待ちの登録を受け付けました",
        """{company_name}
{user_name} 様

以下の日程のキャンセル待ちに登録しました（まだ予約は確定していません）。
お席が空いた場合は、お申込み順に自動で予約が確定し、メールでお知らせします。

お申込み：{title}
{details}
予約番号：{number}

キャンセル待ちの順番の確認や登録の取り消しは、企業Myポータルの「予約確認・変更」から行えます。
{link}""",
    ),
    "waitlist_promoted": (
        "【ネットクラブ】キャンセル待ちの繰り上げのお知らせ",
        """{company_name}
{user_name} 様

キャンセル待ちに登録いただいていた日程にお席が空きましたので、ご予約を確定しました。

お申込み：{title}
{details}
予約番号：{number}

ご都合が悪くなった場合は、企業Myポータルの「予約確認・変更」からキャンセルしてください。
{calendar}{link}""",
    ),
    "lottery_won": (
        "【ネットクラブ】専門家カウンセリング 抽選結果のお知らせ（当選）",
        """{company_name}
{user_name} 様

専門家カウンセリングにお申込みいただき、ありがとうございました。
抽選の結果、ご当選となりましたのでお知らせします。

お申込み：{title}
{details}
予約番号：{number}

時間は決定後、ご連絡いたします。
{calendar}{link}""",
    ),
    "lottery_lost": (
        "【ネットクラブ】専門家カウンセリング 抽選結果のお知らせ",
        """{company_name}
{user_name} 様

専門家カウンセリングにお申込みいただき、ありがとうございました。
申込多数のため抽選を行いました結果、誠に残念ながら今回はご希望に添えない結果（落選）となりました。

お申込み：{title}
予約番号：{number}

またのお申込みをお待ちしております。""",
    ),
    "reservation_reminder": (
        "【ご予約】明日のご予約のお知らせ",
        """{company_name}
{user_name} 様

明日は、以下のご予約の日です。ご来場をお待ちしております。

お申込み：{title}
日時：{date_text} {start_time}〜{end_time}
場所：{place}
予約番号：{number}

ご予約の確認・変更・キャンセルは、企業Myポータルの「予約確認・変更」から行えます。
{calendar}{link}""",
    ),
    # -- reservation mails (issue 3): insert above this line --
    "email_change_verify": (
        "【ネットクラブ】メールアドレス変更の確認",
        """{user_name} 様

企業Myポータルの会員ID（メールアドレス）を、このメールアドレスに変更するお申込みを受け付けました。
以下のリンクから、60分以内に変更を確定してください。リンクを開くまで、変更は反映されません。
{link}

本メールにお心当たりのない場合は、破棄してください。メールアドレスは変更されません。""",
    ),
    "email_changed_notice": (
        "【ネットクラブ】会員ID（メールアドレス）変更のお知らせ",
        """{user_name} 様

企業Myポータルの会員ID（メールアドレス）が {new_email} に変更されました。
今後のログインには、新しいメールアドレスをお使いください。

お心当たりのない場合は、至急、公社までご連絡ください。""",
    ),
    "inquiry_received": (
        "【ネットクラブ】お問い合わせを受け付けました",
        """{company_name}
{user_name} 様

お問い合わせを受け付けました。
お問い合わせの内容によって、回答までに時間がかかる場合があります。あらかじめご了承ください。

受付番号：{receipt_no}
受付日時：{at}
お問い合わせの種類：{kind_name}
添付ファイル：{attachments}

相談内容：
{content}

受付内容と回答は、企業Myポータルからもご確認いただけます。
{link}""",
    ),
    "inquiry_replied": (
        "【ネットクラブ】お問い合わせへの回答のお知らせ",
        """{company_name}
{user_name} 様

お問い合わせ（{kind_name}、受付番号 {receipt_no}）に、公社から回答がありました。

{body}

企業Myポータルからもご確認いただけます。
{link}""",
    ),
    # -- inquiry and profile mails (issue 4): insert above this line --
    "business_contact": (
        "【Net Club 商談申込】{subject}",
        """{recipient_company} 御中
ご担当者 様

企業Myポータルの会員企業検索から、会員企業より商談のお申込みがありました。

申込元の企業名：{sender_company}
申込元のご担当者名：{sender_user}
申込日時：{at}

件名：{subject}

内容：
{message}

このメールに返信すると、申込元のご担当者に直接届きます。
（公社はお申込みの内容を仲介するのみで、商談の内容には関与いたしません。）""",
    ),
}

RELAYED_SIGNATURE = """
──────────────────────────────
公益財団法人 東京都中小企業振興公社
ネットクラブ会員サービス 企業Myポータル
※本メールは会員企業検索の商談申込を公社がお届けしたものです。ご返信は申込元の企業に届きます。
──────────────────────────────"""
SIGNATURES = {"business_contact": RELAYED_SIGNATURE}  # mails whose Reply-To is a member: no 「送信専用」 line


def render(name: str, **context: object) -> tuple[str, str]:
    subject, body = TEMPLATES[name]
    return subject.format(**context), body.format(**context).strip() + "\n" + SIGNATURES.get(name, SIGNATURE)
