"""store/items.py: the typed boundary helpers, and the items the store writes against the TypedDict of their kind.

mypy checks every item the code spells out; these check the items as the store really builds them (spread from
the services' data, or written straight into a transaction), so an attribute added to a write but not to its
type, or a type that no longer says what is stored, fails here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from netclub.store import accounts, audit, calendar, content, dynamo, imports, inquiries, items, limits, newsletters, outbox, reservations


def declared(kind: type) -> frozenset[str]:
    return frozenset(kind.__required_keys__ | kind.__optional_keys__)  # type: ignore[attr-defined]


def undeclared(item: Mapping[str, Any], kind: type) -> set[str]:
    return set(item) - declared(kind)


def put_item(operation: dynamo.TransactOp) -> dict[str, Any]:
    """The item a transaction's Put writes, as a read gives it back."""
    return dynamo.deserialize(operation["Put"]["Item"])


def test_unkeyed_leaves_the_item_alone_and_drops_only_key_attributes() -> None:
    item = {"PK": "A", "SK": "B", "GSI1PK": "C", "GSI1SK": "D", "GSI2PK": "E", "GSI2SK": "F", "id": "x", "SKU": 1}
    assert items.unkeyed(item) == {"id": "x", "SKU": 1}
    assert items.unkeyed(item, ("PK", "SK")) == {"GSI1PK": "C", "GSI1SK": "D", "GSI2PK": "E", "GSI2SK": "F", "id": "x", "SKU": 1}
    assert item["PK"] == "A"  # a copy: the item read stays as it was
    assert {"PK", "SK", "GSI1PK", "GSI1SK", "GSI2PK", "GSI2SK"} == items.KEY_NAMES


def test_with_keys_copies_and_the_boundary_keeps_what_it_is_given() -> None:
    data: items.AuditItem = {"id": "e1", "at": "2026-01-01T00:00:00+09:00"}
    stored = items.with_keys(data, {"PK": "AUDIT#2026-01", "SK": "x"})
    assert stored == {"id": "e1", "at": "2026-01-01T00:00:00+09:00", "PK": "AUDIT#2026-01", "SK": "x"}
    assert "PK" not in data
    raw = {"PK": "p", "member_id": "m"}
    assert items.one(items.MemberItem, raw) is raw
    assert items.one(items.MemberItem, None) is None
    assert items.the(items.MemberItem, raw) is raw
    assert items.every(items.MemberItem, iter([raw])) == [raw]


def test_every_item_type_is_a_typeddict_whose_attributes_are_all_optional() -> None:
    kinds = [v for v in vars(items).values() if isinstance(v, type) and issubclass(v, dict) and v.__module__ == items.__name__]
    assert len(kinds) > 30
    for kind in kinds:
        assert not kind.__required_keys__, kind  # type: ignore[attr-defined]


def test_member_session_and_token_items_are_what_their_types_say() -> None:
    member: items.MemberItem = {
        "member_id": "m1",
        "email": "a@example.jp",
        "role": "member",
        "status": "active",
        "password_hash": "h",
        "company_name": "株式会社テスト",
        "user_name": "試験 太郎",
        "profile": {},
        "staff_fields": {},
        "created_at": "2026-01-01T00:00:00+09:00",
        "updated_at": "2026-01-01T00:00:00+09:00",
    }
    assert not undeclared(accounts.member_item(member), items.MemberItem)
    assert not undeclared(accounts._token_item("d", "reset", "a@example.jp", 1, None), items.TokenItem)


def test_items_written_by_transactions_are_what_their_types_say(aws: None) -> None:
    member_put, claim = accounts.create_member_ops({"member_id": "m1", "email": "a@example.jp", "status": "active", "role": "member", "created_at": "t"})
    assert not undeclared(put_item(member_put), items.MemberItem)
    assert not undeclared(put_item(claim), items.EmailItem)
    feed, token = calendar.issue_ops("m1", "n", "d", "2026-01-01T00:00:00+09:00", None)
    assert not undeclared(put_item(feed), items.CalendarFeedItem)
    assert not undeclared(put_item(token), items.CalendarTokenItem)
    assert not undeclared(put_item(limits.device_put_op("d", "a@example.jp", "m1", 1, 2)), items.DeviceItem)
    assert not undeclared(put_item(inquiries.key_record_op("m1", "k", "i1", 1)), items.InquiryKeyItem)
    assert not undeclared(put_item(inquiries.attachment_retention_op("m1", "i1", "t")), items.AttachmentRetentionItem)
    assert not undeclared(put_item(imports.row_marker_op("imp", 3, "error", 1, message="m", column="c")), items.ImportRowItem)
    assert not undeclared(put_item(imports.member_number_op("NC-1", "m1")), items.MemberNumberItem)
    held, _ = newsletters.hold_ops("n1", ["m1"], "t", 1)
    assert not undeclared(put_item(held), items.HeldMessageItem)
    stuck, _ = newsletters.park_ops("n1", "msg", 2, "t")
    assert not undeclared(put_item(stuck), items.StuckMessageItem)
    assert not undeclared(put_item(audit.entry_op({"id": "e1", "at": "2026-01-01T00:00:00+09:00", "target": "member:m1"})), items.AuditItem)
    mail: items.OutboxItem = {"id": "o1", "to": "a@example.jp", "subject": "s", "body": "b", "created_at": "t", "attempts": 0}
    assert not undeclared(put_item(outbox.put_op(mail)), items.OutboxItem)


def test_reservation_items_are_what_their_types_say(aws: None) -> None:
    res: items.ReservationItem = {
        "id": "r1",
        "member_id": "m1",
        "offering_id": "o1",
        "offering_title": "セミナー",
        "kind": "seminar",
        "status": "waitlisted",
        "slot_id": "s1",
        "slot": {"id": "s1", "date": "2026-02-01"},
        "preferences": [],
        "note": "",
        "waitlist_seq": 1,
        "created_at": "t",
        "updated_at": "t",
        "apply_until": "t",
    }
    member = {"company_name": "株式会社テスト", "user_name": "試験 太郎"}
    reservation_put, holder_put = reservations.create_reservation(res, member)
    assert not undeclared(put_item(reservation_put), items.ReservationItem)
    assert not undeclared(put_item(holder_put), items.HolderItem)
    assert not undeclared(reservations.cancelled_item(res, member, "t"), items.HolderItem)
    assert not undeclared(put_item(reservations.add_to_waitlist(res)), items.WaitItem)
    holder = reservations.holder_item(res, member)
    assert not undeclared(put_item(reservations.reminder_ops(holder, "o1", "2026-02-01", "t", 1)[0]), items.ReminderItem)
    offering: items.OfferingItem = {"id": "o1", "kind": "seminar", "title": "セミナー", "description": "", "apply_until": "t"}
    assert not undeclared(reservations.offering_item(offering), items.OfferingItem)
    slot: items.SlotItem = {
        "id": "s1",
        "date": "2026-02-01",
        "start_time": "10:00",
        "end_time": "12:00",
        "place": "会議室",
        "starts_at": "t",
        "capacity": 1,
        "seats_left": 1,
    }
    assert not undeclared(reservations.slot_item("o1", slot), items.SlotItem)


@pytest.mark.parametrize(
    ("kind", "data", "typed"),
    [
        ("event", {"id": "e1", "title": "t", "starts_at": "2026-01-01T10:00:00+09:00", "ends_at": "2026-01-01T12:00:00+09:00"}, items.EventItem),
        ("video", {"id": "v1", "title": "t", "url": "https://example.jp", "created_at": "t"}, items.VideoItem),
        ("notice", {"id": "n1", "title": "t", "body": "b", "published_at": "t"}, items.NoticeItem),
    ],
)
def test_content_items_are_what_their_types_say(kind: content.Kind, data: Any, typed: type) -> None:
    assert not undeclared(content.item(kind, data), typed)


def test_event_month_copies_and_newsletters_are_what_their_types_say() -> None:
    event: items.EventItem = {"id": "e1", "title": "t", "starts_at": "2026-01-01T10:00:00+09:00", "ends_at": "2026-01-01T12:00:00+09:00"}
    assert not undeclared(content.event_month_item(event, "2026-01"), items.EventItem)
    newsletter: items.NewsletterItem = {"id": "n1", "subject": "s", "body": "b", "genres": ["seminar"], "status": "draft", "created_at": "t", "stats": {}}
    assert not undeclared(newsletters._newsletter_item(newsletter), items.NewsletterItem)


def test_the_slot_snapshots_a_reservation_keeps_are_what_their_type_says() -> None:
    from netclub.services import lottery
    from netclub.services import reservations as booking

    slot: items.SlotItem = {
        "PK": "OFFERING#o1",
        "SK": "SLOT#s1",
        "id": "s1",
        "offering_id": "o1",
        "date": "2026-02-01",
        "start_time": "10:00",
        "end_time": "12:00",
        "place": "会議室",
        "starts_at": "2026-02-01T10:00:00+09:00",
        "capacity": 3,
        "seats_left": 2,
        "waitlist_count": 0,
    }
    seat = ("id", "date", "start_time", "end_time", "place", "capacity", "seats_left", "starts_at")
    assert booking._snapshot(slot) == {k: slot[k] for k in seat}  # type: ignore[literal-required]
    assert booking._preference_snapshots({"s1": slot}, ["s1"]) == [{k: slot[k] for k in seat[:5]}]  # type: ignore[literal-required]
    assert lottery._snapshot({"s1": slot}, "s1") == {**{k: slot[k] for k in seat}, "seats_left": 0}  # type: ignore[literal-required]
    assert lottery._snapshot({"s1": slot}, None) is None
    for snapshot in [booking._snapshot(slot), *booking._preference_snapshots({"s1": slot}, ["s1"]), lottery._snapshot({"s1": slot}, "s1") or {}]:
        assert not undeclared(snapshot, items.SlotSnapshot)
