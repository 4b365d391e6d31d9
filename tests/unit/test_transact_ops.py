"""store/dynamo.TransactOp: the operations the store builds have the shape their type says (one of Put, Update,
Delete, ConditionCheck, holding only the keys its TypedDict declares and all those it requires), and DynamoDB
takes them as built (names given to t_delete reach the request).

mypy checks every operation the code spells out against the type; these check the operations as built at run time.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from netclub.store import dynamo, newsletters, outbox, requests, reservations
from netclub.store.dynamo import CheckOp, DeleteOp, PutOp, TransactOp, UpdateOp
from netclub.store.items import OfferingItem, OutboxItem, ReservationItem, SlotItem

SHAPES: dict[str, type] = {"Put": PutOp, "Update": UpdateOp, "Delete": DeleteOp, "ConditionCheck": CheckOp}


def shape_errors(operation: Mapping[str, Any]) -> list[str]:
    """What in the operation its type does not allow (empty: it is a TransactOp as declared)."""
    if len(operation) != 1 or not set(operation) <= set(TransactOp.__optional_keys__):
        return [f"not one of {sorted(SHAPES)}: {sorted(operation)}"]
    ((kind, body),) = operation.items()
    shape = SHAPES[kind]
    required, optional = set(shape.__required_keys__), set(shape.__optional_keys__)  # type: ignore[attr-defined]
    errors = [f"{kind} lacks {name}" for name in sorted(required - set(body))]
    errors += [f"{kind} has undeclared {name}" for name in sorted(set(body) - required - optional)]
    if body.get("ReturnValuesOnConditionCheckFailure", "NONE") not in ("ALL_OLD", "NONE"):
        errors.append(f"{kind} ReturnValuesOnConditionCheckFailure {body['ReturnValuesOnConditionCheckFailure']}")
    return errors


def test_the_shapes_are_boto3s_transact_write_item() -> None:
    assert set(TransactOp.__optional_keys__) == set(SHAPES) and not TransactOp.__required_keys__
    assert PutOp.__required_keys__ == {"TableName", "Item"}
    assert UpdateOp.__required_keys__ == {"TableName", "Key", "UpdateExpression"}
    assert DeleteOp.__required_keys__ == {"TableName", "Key"}
    assert CheckOp.__required_keys__ == {"TableName", "Key", "ConditionExpression"}
    expressions = {"ExpressionAttributeNames", "ExpressionAttributeValues", "ReturnValuesOnConditionCheckFailure"}
    for shape in (PutOp, UpdateOp, DeleteOp):
        assert shape.__optional_keys__ == expressions | {"ConditionExpression"}
    assert CheckOp.__optional_keys__ == expressions


def test_the_builders_give_their_shape_with_every_option(aws: None) -> None:
    table = dynamo.table()
    put = dynamo.t_put({"PK": "P", "SK": "S", "n": 1}, condition="attribute_not_exists(PK) AND #a = :v", vals={":v": 1}, names={"#a": "a"})
    assert put == {
        "Put": {
            "TableName": table,
            "Item": {"PK": {"S": "P"}, "SK": {"S": "S"}, "n": {"N": "1"}},
            "ConditionExpression": "attribute_not_exists(PK) AND #a = :v",
            "ExpressionAttributeValues": {":v": {"N": "1"}},
            "ExpressionAttributeNames": {"#a": "a"},
        }
    }
    update = dynamo.t_update("P", "S", "SET #a = :v", vals={":v": "x"}, condition="attribute_exists(PK)", names={"#a": "a"}, return_old_on_failure=True)
    assert update["Update"]["ReturnValuesOnConditionCheckFailure"] == "ALL_OLD"
    delete = dynamo.t_delete("P", "S", condition="#a = :v", vals={":v": "x"}, names={"#a": "a"})
    assert delete == {
        "Delete": {
            "TableName": table,
            "Key": {"PK": {"S": "P"}, "SK": {"S": "S"}},
            "ConditionExpression": "#a = :v",
            "ExpressionAttributeValues": {":v": {"S": "x"}},
            "ExpressionAttributeNames": {"#a": "a"},
        }
    }
    check = dynamo.t_check("P", "S", "#a = :v", vals={":v": "x"}, names={"#a": "a"})
    bare = [
        dynamo.t_put({"PK": "P", "SK": "S"}),
        dynamo.t_update("P", "S", "REMOVE a"),
        dynamo.t_delete("P", "S"),
        dynamo.t_check("P", "S", "attribute_exists(PK)"),
    ]
    for operation in [put, update, delete, check, *bare]:
        assert not shape_errors(operation), operation
    assert shape_errors({"Put": {"TableName": table}}) == ["Put lacks Item"]
    assert shape_errors({"Delete": {"TableName": table, "Key": {}, "UpdateExpression": "SET a = :v"}}) == ["Delete has undeclared UpdateExpression"]
    assert shape_errors({**put, **delete}) == ["not one of ['ConditionCheck', 'Delete', 'Put', 'Update']: ['Delete', 'Put']"]


def _reservation(status: str) -> ReservationItem:
    return {
        "id": "r1",
        "member_id": "m1",
        "offering_id": "o1",
        "offering_title": "セミナー",
        "kind": "seminar",
        "status": status,
        "slot_id": "s1",
        "slot": {"id": "s1", "date": "2026-02-01", "starts_at": "2026-02-01T10:00:00+09:00"},
        "preferences": [],
        "note": "",
        "waitlist_seq": 1,
        "created_at": "t",
        "updated_at": "t",
        "apply_until": "t",
    }


def test_the_stores_operations_have_their_shape(aws: None) -> None:
    res, member, now = _reservation("waitlisted"), {"company_name": "株式会社テスト", "user_name": "試験 太郎"}, "2026-01-01T00:00:00+09:00"
    slot: SlotItem = {"id": "s1", "date": "2026-02-01", "start_time": "10:00", "end_time": "12:00", "place": "会議室", "starts_at": "t", "capacity": 2}
    offering: OfferingItem = {"id": "o1", "kind": "seminar", "title": "セミナー", "description": "", "apply_until": "t"}
    mail: OutboxItem = {"id": "x1", "to": "a@example.jp", "subject": "s", "body": "b", "created_at": "t", "attempts": 0}
    operations: list[TransactOp] = [
        *reservations.create_reservation(res, member),
        reservations.add_to_waitlist(res),
        reservations.offering_open("o1", now),
        reservations.slot_exists("o1", "s1", now),
        reservations.take_seat("o1", "s1", now),
        reservations.release_seat("o1", "s1", now),
        reservations.pass_seat("o1", "s1", now),
        reservations.join_waitlist("o1", "s1", 2, 1, now),
        *reservations.leave_waitlist("o1", "s1", 1),
        *reservations.promote_ops("o1", "s1", {"seq": 1, "reservation_id": "r1", "member_id": "m1", "created_at": "t"}, now),
        *reservations.cancel_reservation(res, now),
        reservations.keep_cancelled(res, member, now),
        *reservations.mark_attended(_reservation("confirmed"), now),
        *reservations.move_to_slot("r1", "o1", "m1", "s1", "s2", {"id": "s2"}, now, note="メモ"),
        *reservations.change_seminar_note("r1", "o1", "m1", "s1", "メモ", now),
        *reservations.change_preferences("r1", "o1", "m1", ["s1"], [{"id": "s1"}], "", now),
        *reservations.draw_result("r1", "o1", "m1", "s1", {"id": "s1"}, now),
        *reservations.erase_snapshot_ops(res, "（削除済み）", now),
        *reservations.reminder_ops({"reservation_id": "r1", "member_id": "m1", "slot_id": "s1"}, "o1", "2026-02-01", now, 1),
        reservations.edit_slot("o1", "s1", slot, 3, 2, 1, 1, now),
        reservations.delete_free_slot("o1", "s1"),
        reservations.create_offering(offering),
        reservations.update_offering("o1", "セミナー", "", "t"),
        reservations.delete_offering("o1"),
        *reservations.create_slot("o1", slot),
        reservations.lottery_drawn("o1", now),
        newsletters.delete_draft_op("n1"),
        outbox.put_op(mail),
        requests.put_op("netclub.scope#x", "v", {"id": "r1"}, 1, 2),
    ]
    for operation in operations:
        assert not shape_errors(operation), operation
    assert reservations.delete_free_slot("o1", "s1")["Delete"]["ExpressionAttributeNames"] == {"#cap": "capacity"}
    assert newsletters.delete_draft_op("n1")["Delete"]["ExpressionAttributeNames"] == {"#st": "status"}
    assert requests.put_op("netclub.scope#x", "v", {}, 1, 2)["Put"]["ReturnValuesOnConditionCheckFailure"] == "ALL_OLD"


def test_dynamodb_takes_a_delete_with_names_as_built(aws: None) -> None:
    """A slot made and deleted while none of its seats is taken: the Delete's #cap reaches DynamoDB."""
    slot: SlotItem = {"id": "s1", "date": "2026-02-01", "start_time": "10:00", "end_time": "12:00", "place": "会議室", "starts_at": "t", "capacity": 2}
    offering: OfferingItem = {"id": "o1", "kind": "seminar", "title": "セミナー", "description": "", "apply_until": "t"}
    dynamo.transact([reservations.create_offering(offering)])
    dynamo.transact(reservations.create_slot("o1", {**slot, "seats_left": 1}))
    with pytest.raises(dynamo.ConditionFailed):
        dynamo.transact([reservations.delete_free_slot("o1", "s1")])  # a seat is taken: seats_left < capacity
    dynamo.update(*reservations.slot_key("o1", "s1"), "SET seats_left = :c", vals={":c": 2})
    dynamo.transact([reservations.delete_free_slot("o1", "s1")])
    assert reservations.get_slot("o1", "s1", consistent=True) is None
