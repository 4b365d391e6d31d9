"""A thin typed layer over the DynamoDB client: serialisation, one table, conditional writes.

Every request-path read here is GetItem or Query; there is deliberately no scan helper.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal, TypedDict

from botocore.exceptions import ClientError

from netclub import retry
from netclub.aws import client
from netclub.config import get_settings
from netclub.errors import Busy, Unavailable
from netclub.store import attribute_values

Item = dict[str, Any]
AttributeValue = dict[str, Any]  # one value on the wire: {"S": "…"}, {"N": "1"}, {"M": {…}}, … (attribute_values)


# --- a TransactWriteItems item: the four shapes of boto3's TransactWriteItem (what t_put, t_update, t_delete and
# t_check give, what every *_op / *_ops of the store returns and what transact takes). Required keys are those of a
# total TypedDict (not Required[...], which Python 3.11 does not see at run time under postponed annotations).


class _Expressions(TypedDict, total=False):
    ExpressionAttributeNames: dict[str, str]
    ExpressionAttributeValues: dict[str, AttributeValue]
    ReturnValuesOnConditionCheckFailure: Literal["ALL_OLD", "NONE"]


class _Conditional(_Expressions, total=False):
    ConditionExpression: str


class PutOp(_Conditional):
    TableName: str
    Item: dict[str, AttributeValue]


class UpdateOp(_Conditional):
    TableName: str
    Key: dict[str, AttributeValue]
    UpdateExpression: str


class DeleteOp(_Conditional):
    TableName: str
    Key: dict[str, AttributeValue]


class CheckOp(_Expressions):
    TableName: str
    Key: dict[str, AttributeValue]
    ConditionExpression: str


class TransactOp(TypedDict, total=False):
    """One operation of a transaction (TransactWriteItems' TransactItems): exactly one of its keys."""

    Put: PutOp
    Update: UpdateOp
    Delete: DeleteOp
    ConditionCheck: CheckOp


class ConditionFailed(Exception):
    """A conditional write (or one of a transaction's conditions) did not hold."""

    def __init__(self, reasons: Sequence[str] = (), items: Sequence[Item | None] = ()) -> None:
        super().__init__("condition failed")
        self.reasons = list(reasons)  # per transaction item: "None", "ConditionalCheckFailed", ...
        # per transaction item: the item as it was, where the operation asked for it (return_old_on_failure)
        self.items = list(items)


def _clean(value: Any) -> Any:
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, Mapping):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, set):
        return sorted(_plain(v) for v in value)
    return value


def serialize(item: Mapping[str, Any]) -> dict[str, AttributeValue]:
    return {k: attribute_values.serialize(_clean(v)) for k, v in item.items() if v is not None}


def deserialize(raw: Mapping[str, Any]) -> Item:
    return {k: _plain(attribute_values.deserialize(v)) for k, v in raw.items()}


def values(mapping: Mapping[str, Any]) -> dict[str, AttributeValue]:
    return {k: attribute_values.serialize(_clean(v)) for k, v in mapping.items()}


def table() -> str:
    return get_settings().need("table_name")


def key(pk: str, sk: str) -> dict[str, AttributeValue]:
    return {"PK": {"S": pk}, "SK": {"S": sk}}


def get(pk: str, sk: str, consistent: bool = False) -> Item | None:
    answer = client("dynamodb").get_item(TableName=table(), Key=key(pk, sk), ConsistentRead=consistent)
    raw = answer.get("Item")
    return deserialize(raw) if raw else None


def put(item: Mapping[str, Any], condition: str | None = None, names: Mapping[str, str] | None = None, vals: Mapping[str, Any] | None = None) -> None:
    kwargs: dict[str, Any] = {"TableName": table(), "Item": serialize(item)}
    if condition:
        kwargs["ConditionExpression"] = condition
    if names:
        kwargs["ExpressionAttributeNames"] = dict(names)
    if vals:
        kwargs["ExpressionAttributeValues"] = values(vals)
    try:
        client("dynamodb").put_item(**kwargs)
    except ClientError as exc:
        if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
            raise ConditionFailed() from exc
        raise


def update(
    pk: str,
    sk: str,
    expression: str,
    vals: Mapping[str, Any] | None = None,
    names: Mapping[str, str] | None = None,
    condition: str | None = None,
    return_new: bool = False,
) -> Item | None:
    kwargs: dict[str, Any] = {"TableName": table(), "Key": key(pk, sk), "UpdateExpression": expression}
    if vals:
        kwargs["ExpressionAttributeValues"] = values(vals)
    if names:
        kwargs["ExpressionAttributeNames"] = dict(names)
    if condition:
        kwargs["ConditionExpression"] = condition
    if return_new:
        kwargs["ReturnValues"] = "ALL_NEW"
    try:
        answer = client("dynamodb").update_item(**kwargs)
    except ClientError as exc:
        if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
            raise ConditionFailed() from exc
        raise
    attributes = answer.get("Attributes")
    return deserialize(attributes) if attributes else None


def delete(pk: str, sk: str, condition: str | None = None, vals: Mapping[str, Any] | None = None) -> None:
    kwargs: dict[str, Any] = {"TableName": table(), "Key": key(pk, sk)}
    if condition:
        kwargs["ConditionExpression"] = condition
    if vals:
        kwargs["ExpressionAttributeValues"] = values(vals)
    try:
        client("dynamodb").delete_item(**kwargs)
    except ClientError as exc:
        if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
            raise ConditionFailed() from exc
        raise


def _key_query(pk_value: str, index: str | None, sk_prefix: str | None, sk_between: tuple[str, str] | None, consistent: bool) -> dict[str, Any]:
    """A Query's table, index and key condition: the partition, and a prefix or a range of the sort key."""
    pk_name, sk_name = ("PK", "SK") if index is None else (f"{index}PK", f"{index}SK")
    condition = "#pk = :pk"
    names = {"#pk": pk_name}
    vals: dict[str, Any] = {":pk": pk_value}
    if sk_prefix is not None:
        condition += " AND begins_with(#sk, :sk)"
        names["#sk"] = sk_name
        vals[":sk"] = sk_prefix
    elif sk_between is not None:
        condition += " AND #sk BETWEEN :lo AND :hi"
        names["#sk"] = sk_name
        vals[":lo"], vals[":hi"] = sk_between
    kwargs: dict[str, Any] = {
        "TableName": table(),
        "KeyConditionExpression": condition,
        "ExpressionAttributeNames": names,
        "ExpressionAttributeValues": values(vals),
    }
    if index:
        kwargs["IndexName"] = index
    elif consistent:
        kwargs["ConsistentRead"] = True
    return kwargs


@dataclass(frozen=True)
class Filter:
    """A Query's FilterExpression (applied after the key condition: a page may hold fewer items than its Limit)."""

    expression: str
    names: Mapping[str, str]
    vals: Mapping[str, Any]


def _filtered(kwargs: dict[str, Any], where: Filter | None) -> dict[str, Any]:
    if where is not None:
        kwargs["FilterExpression"] = where.expression
        kwargs["ExpressionAttributeNames"] = {**kwargs["ExpressionAttributeNames"], **where.names}
        kwargs["ExpressionAttributeValues"] = {**kwargs["ExpressionAttributeValues"], **values(where.vals)}
    return kwargs


def query(
    pk_value: str,
    *,
    index: str | None = None,
    sk_prefix: str | None = None,
    sk_between: tuple[str, str] | None = None,
    forward: bool = True,
    limit: int | None = None,
    start_key: Mapping[str, Any] | None = None,
    consistent: bool = False,
    where: Filter | None = None,
) -> tuple[list[Item], dict[str, Any] | None]:
    """One page of a Query on the table (PK/SK) or a GSI (GSI1PK/GSI1SK, GSI2PK/GSI2SK)."""
    kwargs = _filtered(_key_query(pk_value, index, sk_prefix, sk_between, consistent), where)
    kwargs["ScanIndexForward"] = forward
    if limit:
        kwargs["Limit"] = limit
    if start_key:
        kwargs["ExclusiveStartKey"] = _checked_start_key(start_key)
    try:
        answer = client("dynamodb").query(**kwargs)
    except ClientError as exc:
        if start_key and exc.response["Error"]["Code"] == "ValidationException":
            raise _bad_cursor() from None  # a start key that does not fit this query
        raise
    return [deserialize(i) for i in answer.get("Items", [])], answer.get("LastEvaluatedKey")


def count(pk_value: str, *, index: str | None = None, sk_between: tuple[str, str] | None = None, consistent: bool = False, where: Filter | None = None) -> int:
    """How many items of a partition (of the table or a GSI) have a sort key in the range, or at all, and pass
    the filter (Select COUNT, every page: exact, and no items on the wire)."""
    kwargs = {**_filtered(_key_query(pk_value, index, None, sk_between, consistent), where), "Select": "COUNT"}
    total = 0
    while True:
        answer = client("dynamodb").query(**kwargs)
        total += int(answer.get("Count", 0))
        if not answer.get("LastEvaluatedKey"):
            return total
        kwargs["ExclusiveStartKey"] = answer["LastEvaluatedKey"]


def _bad_cursor() -> Exception:
    from netclub.errors import invalid

    return invalid("cursor", "ページ指定（cursor）が正しくありません。")


def _checked_start_key(start_key: Mapping[str, Any]) -> dict[str, Any]:
    """A start key from a client's cursor: only string/number key attributes, or a 400."""
    if not isinstance(start_key, Mapping) or not start_key or len(start_key) > 4:
        raise _bad_cursor()
    for name, value in start_key.items():
        if not isinstance(name, str) or not isinstance(value, Mapping) or len(value) != 1:
            raise _bad_cursor()
        ((kind, raw),) = value.items()
        if kind not in ("S", "N") or not isinstance(raw, str) or len(raw) > 2048:
            raise _bad_cursor()
    return dict(start_key)


def query_all(pk_value: str, **kwargs: Any) -> list[Item]:
    items: list[Item] = []
    start: dict[str, Any] | None = None
    while True:
        page, start = query(pk_value, start_key=start, **kwargs)
        items.extend(page)
        if not start:
            return items


BATCH_GET_SIZE = 100  # BatchGetItem's limit per request


def batch_get(pairs: Sequence[tuple[str, str]], projection: Sequence[str] | None = None, consistent: bool = False) -> list[Item]:
    """The items of these keys that exist (any order), 100 a request, unprocessed keys asked again."""
    found: list[Item] = []
    for start in range(0, len(pairs), BATCH_GET_SIZE):
        request: dict[str, Any] = {"Keys": [key(pk, sk) for pk, sk in dict.fromkeys(pairs[start : start + BATCH_GET_SIZE])]}
        if consistent:
            request["ConsistentRead"] = True
        if projection:
            request["ProjectionExpression"] = ", ".join(f"#p{i}" for i in range(len(projection)))
            request["ExpressionAttributeNames"] = {f"#p{i}": name for i, name in enumerate(projection)}
        pending: dict[str, Any] = {table(): request}
        for _attempt in retry.policy("dynamo.batch_get").attempts():
            answer = client("dynamodb").batch_get_item(RequestItems=pending)
            found.extend(deserialize(i) for i in answer.get("Responses", {}).get(table(), []))
            pending = answer.get("UnprocessedKeys") or {}
            if not pending:
                break
        else:
            raise Unavailable()
    return found


# --- transactions -----------------------------------------------------------------------


def t_put(item: Mapping[str, Any], condition: str | None = None, vals: Mapping[str, Any] | None = None, names: Mapping[str, str] | None = None) -> TransactOp:
    op: PutOp = {"TableName": table(), "Item": serialize(item)}
    if condition:
        op["ConditionExpression"] = condition
    if vals:
        op["ExpressionAttributeValues"] = values(vals)
    if names:
        op["ExpressionAttributeNames"] = dict(names)
    return {"Put": op}


def t_update(
    pk: str,
    sk: str,
    expression: str,
    vals: Mapping[str, Any] | None = None,
    condition: str | None = None,
    names: Mapping[str, str] | None = None,
    return_old_on_failure: bool = False,
) -> TransactOp:
    """An Update of a transaction; with return_old_on_failure, a failed condition reports the item as it was."""
    op: UpdateOp = {"TableName": table(), "Key": key(pk, sk), "UpdateExpression": expression}
    if vals:
        op["ExpressionAttributeValues"] = values(vals)
    if condition:
        op["ConditionExpression"] = condition
    if names:
        op["ExpressionAttributeNames"] = dict(names)
    if return_old_on_failure:
        op["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
    return {"Update": op}


def t_delete(pk: str, sk: str, condition: str | None = None, vals: Mapping[str, Any] | None = None, names: Mapping[str, str] | None = None) -> TransactOp:
    op: DeleteOp = {"TableName": table(), "Key": key(pk, sk)}
    if condition:
        op["ConditionExpression"] = condition
    if vals:
        op["ExpressionAttributeValues"] = values(vals)
    if names:
        op["ExpressionAttributeNames"] = dict(names)
    return {"Delete": op}


def t_check(pk: str, sk: str, condition: str, vals: Mapping[str, Any] | None = None, names: Mapping[str, str] | None = None) -> TransactOp:
    op: CheckOp = {"TableName": table(), "Key": key(pk, sk), "ConditionExpression": condition}
    if vals:
        op["ExpressionAttributeValues"] = values(vals)
    if names:
        op["ExpressionAttributeNames"] = dict(names)
    return {"ConditionCheck": op}


THROTTLED_REASONS = frozenset({"ThrottlingError", "ProvisionedThroughputExceeded"})  # cancellation reasons: too many requests


def transact(operations: Sequence[TransactOp], token: str | None = None) -> None:
    """All or nothing. A failed condition raises ConditionFailed with the per-item reasons.

    DynamoDB cancels a transaction that meets another one on the same item (TransactionConflict:
    many members taking seats of one slot at once) or when an item's partition is throttled
    (ThrottlingError, ProvisionedThroughputExceeded). The SDK does not retry a cancellation. Its
    conditions are checked again on every attempt, so running it again is safe (retry policy
    "dynamo.transaction"); once its tries are spent the member is asked to retry: 409 busy for
    contention, 503 unavailable (with Retry-After) for throttling; never a 500, and nothing of it
    is written.
    """
    kwargs: dict[str, Any] = {"TransactItems": list(operations)}
    if token:
        kwargs["ClientRequestToken"] = token
    throttled = False
    for _attempt in retry.policy("dynamo.transaction").attempts():
        try:
            client("dynamodb").transact_write_items(**kwargs)
            return
        except ClientError as exc:
            if exc.response["Error"]["Code"] != "TransactionCanceledException":
                raise
            cancellations = exc.response.get("CancellationReasons", [])
            reasons = [r.get("Code", "None") for r in cancellations]
            if any(r == "ConditionalCheckFailed" for r in reasons) or not reasons:
                raise ConditionFailed(reasons, [deserialize(r["Item"]) if r.get("Item") else None for r in cancellations]) from exc
            throttled = any(r in THROTTLED_REASONS for r in reasons)
            if not throttled and "TransactionConflict" not in reasons:
                raise
    raise Unavailable() if throttled else Busy()
