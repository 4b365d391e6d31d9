"""Demo content: a month of events around today, three videos and notices (issue 3)."""

from __future__ import annotations

from datetime import date, timedelta

from netclub import clock
from netclub.models.content import EventIn, NoticeIn, VideoIn
from netclub.services import content

AKIHABARA = "東京都中小企業振興公社 秋葉原庁舎（千代田区神田佐久間町1-9）"
HAMAMATSUCHO = "東京都立産業貿易センター 浜松町館（港区海岸1-7-1）"
TAMA = "公社 多摩支社（昭島市東町3-6-1）"
JOTO = "公社 城東支社（葛飾区青戸7-2-5）"
JONAN = "公社 城南支社（大田区南蒲田1-20-20）"
BIGSIGHT = "東京ビッグサイト 東展示棟（江東区有明3-11-1）"
ONLINE = "オンライン（Zoom ウェビナー）"

# (days from today, start, end, title, place, description)
EVENTS = [
    (
        -9,
        "14:00",
        "16:30",
        "事業承継セミナー「親族内承継と従業員承継の進め方」",
        AKIHABARA,
        "税理士を講師に、承継計画の立て方と株式・資産の移し方を事例で解説します。",
    ),
    (-6, "10:00", "12:00", "はじめての補助金申請講座", ONLINE, "公社の助成金制度の概要と、申請書作成のポイントを紹介します。"),
    (-3, "13:30", "17:00", "ものづくり企業 技術交流会（城南地区）", JONAN, "城南地区の製造業による技術発表と名刺交換会。"),
    (-1, "15:00", "17:00", "インボイス制度 実務対応セミナー", JOTO, "請求書の記載事項と経理処理の実務を確認します。"),
    (1, "10:00", "11:30", "専門家による経営相談会（無料・予約制）", AKIHABARA, "中小企業診断士が経営課題のご相談に応じます。"),
    (3, "14:00", "16:00", "DX推進セミナー「小さく始める業務のデジタル化」", HAMAMATSUCHO, "クラウド会計・受発注システムの導入事例を紹介します。"),
    (6, "13:00", "16:30", "多摩地域 販路開拓商談会", TAMA, "多摩地域のバイヤーとの個別商談会（事前申込制）。"),
    (8, "18:30", "20:00", "創業予定者向け「創業計画書の書き方」夜間講座", ONLINE, "創業融資に必要な計画書の書き方を、記入例とともに解説します。"),
    (10, "10:00", "17:00", "産業交流展2026 出展者説明会", BIGSIGHT, "出展ブースの装飾・搬入出のルールを説明します。"),
    (13, "14:00", "16:00", "知的財産セミナー「自社ブランドを守る商標登録」", AKIHABARA, "弁理士が商標出願の流れと費用を解説します。"),
    (15, "13:30", "15:30", "海外展開セミナー「ASEAN市場への第一歩」", HAMAMATSUCHO, "現地の商習慣と、越境ECを活用した輸出の始め方。"),
    (17, "10:00", "12:00", "BCP（事業継続計画）策定ワークショップ", JOTO, "首都直下地震を想定し、自社のBCPを作成します。"),
    (20, "14:00", "16:30", "人材確保セミナー「若手人材の採用と定着」", TAMA, "採用広報と職場定着の取組事例を紹介します。"),
    (22, "15:00", "17:00", "年末年始の資金繰り相談会", AKIHABARA, "金融機関出身の専門家が資金繰りのご相談に応じます。"),
    (27, "13:00", "17:00", "ネットクラブ会員交流会", HAMAMATSUCHO, "会員企業同士の情報交換と、公社事業の紹介。"),
]

VIDEOS = [
    (
        "ネットクラブ会員サービスのご紹介",
        "企業Myポータルでできること（お問い合わせ、セミナー予約、My情報管理）を5分でご紹介します。",
        "https://media.netclub.example/videos/netclub-intro.mp4",
        "https://media.netclub.example/videos/netclub-intro.jpg",
        312,
    ),
    (
        "3分でわかる 公社の助成金制度",
        "主な助成金の対象・助成率・申請時期を短くまとめました。",
        "https://media.netclub.example/videos/josei-3min.mp4",
        "https://media.netclub.example/videos/josei-3min.jpg",
        185,
    ),
    (
        "事業承継セミナー ダイジェスト",
        "2026年秋に開催した事業承継セミナーの講演ダイジェストです。",
        "https://media.netclub.example/videos/shokei-digest.mp4",
        "https://media.netclub.example/videos/shokei-digest.jpg",
        1260,
    ),
]

NOTICES = [
    (
        -20,
        "年末年始の休業のお知らせ",
        "12月29日（火）から1月3日（日）まで、公社の窓口・お問い合わせ対応を休業いたします。期間中のお問い合わせは1月4日以降に順次回答いたします。",
    ),
    (
        -12,
        "専門家カウンセリングの申込受付を開始しました",
        "経営・財務・IT・知財の専門家による無料カウンセリング（30分）の申込を受け付けています。「予約確認・変更」からお申し込みください。",
    ),
    (-4, "システムメンテナンスのお知らせ", "12月6日（日）2:00〜6:00、企業Myポータルのメンテナンスのため、全ての機能がご利用いただけません。"),
    (-1, "DX推進セミナーの追加開催が決定しました", "ご好評につき、DX推進セミナーの追加開催が決定しました。イベントカレンダーから詳細をご確認ください。"),
]


def step(created: dict[str, str]) -> None:
    staff = created["staff"]
    today = date.fromisoformat(clock.today_jst())
    for offset, start, end, title, place, description in EVENTS:
        day = (today + timedelta(days=offset)).isoformat()
        content.create_event(
            staff,
            EventIn(title=title, starts_at=f"{day}T{start}", ends_at=f"{day}T{end}", place=place, url="", description=description),  # type: ignore[arg-type]
        )
    for title, description, url, thumbnail, duration in VIDEOS:
        content.create_video(staff, VideoIn(title=title, description=description, url=url, thumbnail_url=thumbnail, duration_s=duration))
    for offset, title, body in NOTICES:
        published = f"{(today + timedelta(days=offset)).isoformat()}T09:00"
        content.create_notice(staff, NoticeIn(title=title, body=body, published_at=published))  # type: ignore[arg-type]
