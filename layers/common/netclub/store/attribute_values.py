"""Python values to DynamoDB AttributeValues and back, as the low-level client sends and answers them.

The same mapping as boto3's `boto3.dynamodb.types` TypeSerializer/TypeDeserializer: numbers as
Decimal in DynamoDB's own decimal context (38 digits, exponents -128..126, anything inexact refused),
floats, NaN and infinities refused (boto3 refuses only the positive ones), sets typed by their
members. Written here so that a function loads botocore only: importing any part of the `boto3`
package runs its `__init__`, which loads boto3's session, resources and s3transfer (with
multiprocessing and concurrent.futures), about 30 ms of every cold start for two small classes.
tests/functional/test_attribute_values.py checks every answer against boto3's on hand-picked and
generated values. One difference on purpose: a binary value comes back as `bytes` (boto3 wraps it
in its `Binary`); the portal stores none.
"""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from decimal import Clamped, Context, Decimal, Inexact, Overflow, Rounded, Underflow
from typing import Any

# DynamoDB's numbers: up to 38 significant digits, magnitude 1E-130 .. 9.99...E+125 (its documentation).
DYNAMODB_CONTEXT = Context(Emin=-128, Emax=126, prec=38, traps=[Clamped, Overflow, Inexact, Rounded, Underflow])

_BINARY = (bytes, bytearray)


def _is_number(value: Any) -> bool:
    """int or Decimal (bool too: a set of bools is a number set, as in boto3); a float is refused."""
    if isinstance(value, float):
        raise TypeError("Float types are not supported. Use Decimal types instead.")
    return isinstance(value, int | Decimal)


def _number(value: int | Decimal) -> str:
    number = DYNAMODB_CONTEXT.create_decimal(value)
    if not number.is_finite():  # boto3 lets -Infinity and -NaN through to DynamoDB, which refuses them
        raise TypeError("Infinity and NaN not supported")
    return str(number)


def _set_of(value: AbstractSet[Any]) -> str | None:
    """The set type of a set (NS, SS or BS; an empty set counts as NS, as in boto3), or None."""
    if all(_is_number(v) for v in value):
        return "NS"
    if all(isinstance(v, str) for v in value):
        return "SS"
    if all(isinstance(v, _BINARY) for v in value):
        return "BS"
    return None


def serialize(value: Any) -> dict[str, Any]:
    """One Python value as an AttributeValue: None, bool, int/Decimal, str, bytes, sets of numbers,
    strings or bytes, mappings (str keys) and lists/tuples of these. Anything else: TypeError."""
    if value is None:
        return {"NULL": True}
    if isinstance(value, bool):
        return {"BOOL": value}
    if _is_number(value):
        return {"N": _number(value)}
    if isinstance(value, str):
        return {"S": value}
    if isinstance(value, _BINARY):
        return {"B": value}
    if isinstance(value, AbstractSet):
        kind = _set_of(value)
        if kind == "NS":
            return {"NS": [_number(v) for v in value]}
        if kind is not None:
            return {kind: list(value)}
    elif isinstance(value, Mapping):
        return {"M": {k: serialize(v) for k, v in value.items()}}
    elif isinstance(value, list | tuple):
        return {"L": [serialize(v) for v in value]}
    raise TypeError(f'Unsupported type "{type(value)}" for value "{value}"')


def deserialize(value: Mapping[str, Any]) -> Any:
    """One AttributeValue as a Python value: numbers as Decimal, sets as set, binary as bytes."""
    if not value:
        raise TypeError("Value must be a nonempty dictionary whose key is a valid dynamodb type.")
    kind = next(iter(value))
    raw = value[kind]
    if kind in ("S", "BOOL"):
        return raw
    if kind == "N":
        return DYNAMODB_CONTEXT.create_decimal(raw)
    if kind == "M":
        return {k: deserialize(v) for k, v in raw.items()}
    if kind == "L":
        return [deserialize(v) for v in raw]
    if kind == "NULL":
        return None
    if kind == "B":
        return bytes(raw)
    if kind == "SS":
        return set(raw)
    if kind == "NS":
        return {DYNAMODB_CONTEXT.create_decimal(v) for v in raw}
    if kind == "BS":
        return {bytes(v) for v in raw}
    raise TypeError(f"Dynamodb type {kind} is not supported")
