"""Demo offerings (issue 3): a seminar with nearly full slots, an open counselling offering, and the
demo member holding a seminar seat and a counselling application.

The seminar's slots start with seats already taken (as if booked by phone or by other members),
so the 空き状況 looks alive: the seed lowers seats_left directly.
"""

from __future__ import annotations

from datetime import date, timedelta

from netclub import clock
from netclub.models.reservations import OfferingIn, ReservationCreate, SlotIn
from netclub.services import offerings, reservations
from netclub.store import dynamo
from netclub.store import reservations as store

AKIHABARA = "東京都中小企業振興公社 秋葉原庁舎 3階 第1会議室"
HAMAMATSUCHO = "東京都立産業貿易センター 浜松町館 5階 第2会議室"
ONLINE = "オンライン（Zoom）"


def step(created: dict[str, str]) -> None:
    staff, member = created["staff"], created["member"]
    today = date.fromisoformat(clock.today_jst())

    def on(days: int) -> date:
        return today + timedelta(days=days)

    seminar = offerings.create(
        staff,
        OfferingIn(
            kind="seminar",
            title="DX推進セミナー「小さく始める業務のデジタル化」",
            description="クラウド会計・受発注システムの導入事例をもとに、少人数の企業でも無理なく始められる業務のデジタル化を解説します。定員制・先着順です。",
            apply_until=f"{on(20).isoformat()}T17:00",  # type: ignore[arg-type]
        ),
    )
    slots = []
    for days, place, capacity, taken in ((7, AKIHABARA, 30, 28), (14, HAMAMATSUCHO, 40, 39), (21, ONLINE, 100, 62)):
        slot = offerings.add_slot(staff, seminar.id, SlotIn(date=on(days), start_time="14:00", end_time="16:00", place=place, capacity=capacity))
        dynamo.update(*store.slot_key(seminar.id, slot.id), "SET seats_left = seats_left - :n", vals={":n": taken})
        slots.append(slot)

    counseling = offerings.create(
        staff,
        OfferingIn(
            kind="counseling",
            title="専門家カウンセリング（経営・財務・IT・知財）",
            description="中小企業診断士・税理士・ITコーディネータ・弁理士が、1社30分無料でご相談に応じます。第一希望・第二希望の日程をお選びください。申込多数の場合は抽選となります。時間は決定後、ご連絡いたします。",
            apply_until=f"{on(10).isoformat()}T17:00",  # type: ignore[arg-type]
        ),
    )
    counseling_slots = [
        offerings.add_slot(staff, counseling.id, SlotIn(date=on(days), start_time="10:00", end_time="17:00", place=AKIHABARA, capacity=6))
        for days in (14, 16, 18)
    ]

    reservations.apply(member, ReservationCreate(offering_id=seminar.id, slot_id=slots[2].id), None)
    reservations.apply(
        member,
        ReservationCreate(
            offering_id=counseling.id,
            preferences=[counseling_slots[0].id, counseling_slots[2].id],
            note="午後の時間帯を希望します。資金繰りについて相談したいです。",
        ),
        None,
    )
