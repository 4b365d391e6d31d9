"""netclub.store.attribute_values against boto3's TypeSerializer/TypeDeserializer (the reference):
the same AttributeValue for every value boto3 accepts, the same Python value back, and the same
kind of refusal for what it refuses. Hand-picked edges, then generated values (bounded examples)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, Inexact, Rounded
from typing import Any

import pytest
from boto3.dynamodb.types import Binary, TypeDeserializer, TypeSerializer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from netclub.store import attribute_values as av

BOTO3_SERIALIZER = TypeSerializer()
BOTO3_DESERIALIZER = TypeDeserializer()


def _same_shape(ours: Any, theirs: Any) -> Any:
    """Sets are sent as lists in any order: compare them as sorted lists."""
    if isinstance(theirs, Mapping):
        assert isinstance(ours, Mapping) and ours.keys() == theirs.keys()
        for kind in ("NS", "SS", "BS"):
            if kind in theirs:
                return sorted(map(repr, ours[kind])) == sorted(map(repr, theirs[kind]))
        return all(_same_shape(ours[k], theirs[k]) for k in theirs)
    if isinstance(theirs, list):
        return isinstance(ours, list) and len(ours) == len(theirs) and all(_same_shape(a, b) for a, b in zip(ours, theirs, strict=True))
    return type(ours) is type(theirs) and ours == theirs


def _unwrapped(value: Any) -> Any:
    """boto3's answer with its Binary wrappers as the bytes they hold (what ours answers)."""
    if isinstance(value, Binary):  # bytes as botocore answers them (a round trip here may hold a bytearray)
        return bytes(value.value)
    if isinstance(value, dict):
        return {k: _unwrapped(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_unwrapped(v) for v in value]
    if isinstance(value, set):
        return {_unwrapped(v) for v in value}
    return value


def _equal_values(ours: Any, theirs: Any) -> bool:
    if isinstance(theirs, Decimal):  # Decimal('1.0') == Decimal('1'): compare the digits too
        return isinstance(ours, Decimal) and str(ours) == str(theirs)
    if isinstance(theirs, dict):
        return isinstance(ours, dict) and ours.keys() == theirs.keys() and all(_equal_values(ours[k], theirs[k]) for k in theirs)
    if isinstance(theirs, list):
        return isinstance(ours, list) and len(ours) == len(theirs) and all(_equal_values(a, b) for a, b in zip(ours, theirs, strict=True))
    if isinstance(theirs, set):
        return isinstance(ours, set) and sorted(map(repr, ours)) == sorted(map(repr, theirs))
    return type(ours) is type(theirs) and ours == theirs


def check_round_trip(value: Any) -> None:
    theirs = BOTO3_SERIALIZER.serialize(value)
    ours = av.serialize(value)
    assert _same_shape(ours, theirs), (value, ours, theirs)
    back_theirs = _unwrapped(BOTO3_DESERIALIZER.deserialize(theirs))
    back_ours = av.deserialize(ours)
    assert _equal_values(back_ours, back_theirs), (value, back_ours, back_theirs)


EDGES: list[Any] = [
    None,
    True,
    False,
    0,
    -1,
    10**37,
    -(10**37),
    Decimal("0"),
    Decimal("-0"),
    Decimal("1.50"),
    Decimal("1E+125"),
    Decimal("1E-130"),
    Decimal("0.000000000000000000000000000000000000001"),
    "",
    "会員企業検索",
    "ﾌﾟﾚｽ \u3000 \x00",
    b"",
    b"\x00\xff",
    bytearray(b"abc"),
    set(),
    {1, 2, Decimal("3.5")},
    frozenset({"a", "b"}),
    {b"x", b"y"},
    {True, 2},  # a set of ints that holds a bool: a number set in boto3
    [],
    (),
    [1, "a", None, [True, {"k": Decimal("2")}]],
    {},
    {"profile": {"equipment": [{"name": "NC旋盤", "count": 3, "domestic": True}], "areas": {"東京都", "大阪府"}}},
]


@pytest.mark.parametrize("value", EDGES, ids=[f"edge{i}-{type(v).__name__}" for i, v in enumerate(EDGES)])
def test_the_same_as_boto3_on_the_edges(value: Any) -> None:
    check_round_trip(value)


REFUSED: list[Any] = [
    1.5,
    [1.0],
    {"a": float("nan")},
    {1.5, 2},
    Decimal("Infinity"),
    Decimal("NaN"),
    object(),
    {1, "a"},  # a set of mixed types
    {"k": object()},
]


@pytest.mark.parametrize("value", REFUSED, ids=[f"refused{i}-{type(v).__name__}" for i, v in enumerate(REFUSED)])
def test_refuses_what_boto3_refuses(value: Any) -> None:
    with pytest.raises(TypeError):
        BOTO3_SERIALIZER.serialize(value)
    with pytest.raises(TypeError):
        av.serialize(value)


@pytest.mark.parametrize("value", [10**38 + 1, Decimal("1.0000000000000000000000000000000000000001"), Decimal("1E+127"), Decimal("1E-170")])
def test_numbers_dynamodb_cannot_hold_exactly_are_refused_as_by_boto3(value: Any) -> None:
    with pytest.raises((Inexact, Rounded, ArithmeticError)) as theirs:
        BOTO3_SERIALIZER.serialize(value)
    with pytest.raises((Inexact, Rounded, ArithmeticError)) as ours:
        av.serialize(value)
    assert type(ours.value) is type(theirs.value)


@pytest.mark.parametrize("value", [Decimal("-Infinity"), Decimal("-NaN")])
def test_negative_infinity_and_nan_are_refused_here_already(value: Decimal) -> None:
    """boto3 lets these through to DynamoDB, which refuses them; here they never leave the function."""
    assert "N" in BOTO3_SERIALIZER.serialize(value)
    with pytest.raises(TypeError):
        av.serialize(value)


@pytest.mark.parametrize("raw", [{}, {"X": "1"}])
def test_unknown_attribute_values_are_refused_as_by_boto3(raw: dict[str, Any]) -> None:
    with pytest.raises(TypeError):
        BOTO3_DESERIALIZER.deserialize(raw)
    with pytest.raises(TypeError):
        av.deserialize(raw)


def test_answers_of_every_type_read_back_as_boto3_reads_them() -> None:
    raw = {
        "M": {
            "n": {"N": "-12.500"},
            "s": {"S": "株式会社"},
            "b": {"B": b"\x01"},
            "ns": {"NS": ["1", "2.5"]},
            "ss": {"SS": ["a", "b"]},
            "bs": {"BS": [b"a"]},
            "l": {"L": [{"NULL": True}, {"BOOL": False}]},
        }
    }
    assert _equal_values(av.deserialize(raw), _unwrapped(BOTO3_DESERIALIZER.deserialize(raw)))


_numbers = st.one_of(
    st.integers(min_value=-(10**38) + 1, max_value=10**38 - 1),
    st.decimals(allow_nan=False, allow_infinity=False, places=None).filter(lambda d: d.is_finite() and d.adjusted() < 120 and d.adjusted() > -120),
)
_scalars = st.one_of(st.none(), st.booleans(), _numbers, st.text(max_size=20), st.binary(max_size=8))
_sets = st.one_of(
    st.frozensets(st.text(max_size=5), min_size=1, max_size=4),
    st.frozensets(st.integers(-1000, 1000), min_size=1, max_size=4),
    st.frozensets(st.binary(min_size=1, max_size=4), min_size=1, max_size=3),
)
_values = st.recursive(
    st.one_of(_scalars, _sets),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=12,
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_values)
def test_generated_values_are_written_and_read_as_boto3_does(value: Any) -> None:
    try:
        BOTO3_SERIALIZER.serialize(value)
    except (TypeError, ArithmeticError) as exc:  # a number DynamoDB cannot hold exactly: refused the same way
        with pytest.raises(type(exc)):
            av.serialize(value)
        return
    check_round_trip(value)
