"""利用履歴 (usage history, contract 2) and staff attendance marking, which feeds it.

Decision: a reservation becomes a history row when staff mark it attended (seminar or
counselling); confirmed/won reservations are not shown there (they are in 予約確認・変更).
"""

from __future__ import annotations

from netclub import clock
from netclub.cursor import decode, encode
from netclub.errors import Conflict, NotActive, NotFound
from netclub.models.reservations import Reservation, UsageHistory, UsageItem
from netclub.services import audit
from netclub.services.reservations import NOT_FOUND, view
from netclub.store import accounts, dynamo
from netclub.store import reservations as store
from netclub.store.dynamo import ConditionFailed


def history(member_id: str, cursor: str | None, limit: int = 20) -> UsageHistory:
    member = accounts.get_member(member_id)
    if not member or member.get("status") != "active":
        raise NotActive()
    found, last = store.history_page(member_id, limit, decode(cursor))
    items = [
        UsageItem(
            type=str(i.get("history_type", "")),
            title=str(i.get("history_title", "")),
            date=str(i.get("history_date", "")),
            status=str(i.get("history_status", "")),
            ref_id=str(i.get("ref_id", "")),
        )
        for i in found
    ]
    return UsageHistory(items=items, next_cursor=encode(last))


def mark_attended(staff_id: str, reservation_id: str) -> Reservation:
    res = store.get_reservation(reservation_id, consistent=True)
    if not res:
        raise NotFound(NOT_FOUND)
    if res["status"] not in ("confirmed", "won") or not res.get("slot"):
        raise Conflict("予約確定（または当選）のご予約だけを出席にできます。", code="not_attendable")
    now = clock.iso()
    try:
        dynamo.transact(
            [
                *store.mark_attended(res, now),
                audit.op(staff_id, "reservation.attended", f"reservation:{reservation_id}", {"offering_id": res["offering_id"]}),
            ]
        )
    except ConditionFailed:
        raise Conflict("ご予約の状態が変わりました。画面を更新してください。") from None
    return view({**res, "status": "attended", "updated_at": now})
