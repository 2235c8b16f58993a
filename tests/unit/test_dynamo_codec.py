"""The store's own DynamoDB codec against boto3's, which it replaced."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal, DecimalException, Inexact, Overflow, Rounded, Underflow
from types import MappingProxyType
from typing import Any

import pytest
from boto3.dynamodb.types import Binary, TypeDeserializer, TypeSerializer
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.store import codec
from chalicelib.store.dynamo import from_item, to_item

# Untyped on purpose: the stubs accept only well-formed input, and these
# tests feed boto3 malformed values too.
boto_serialize: Callable[[Any], Any] = TypeSerializer().serialize
boto_deserialize: Callable[[Any], Any] = TypeDeserializer().deserialize

FEW = settings(max_examples=150, deadline=None)

# Wide enough to cross DynamoDB's 38 digits and its exponent range both ways,
# so refusals are compared as well as successes.
numbers = st.one_of(
    st.integers(),
    st.integers(min_value=-(10**45), max_value=10**45),
    st.decimals(allow_nan=False, allow_infinity=False),
    st.decimals(allow_nan=False, allow_infinity=False, places=3),
    st.builds(
        lambda digits, exp: Decimal(digits).scaleb(exp),
        st.integers(min_value=-(10**40), max_value=10**40),
        st.integers(min_value=-170, max_value=170),
    ),
)
sets = st.one_of(
    st.frozensets(st.text(max_size=5), max_size=4),
    st.frozensets(numbers, max_size=4),
    st.frozensets(st.binary(max_size=5), max_size=4),
    st.frozensets(st.booleans()),
    st.sets(st.one_of(st.integers(), st.text(max_size=3), st.floats()), max_size=3),
)
leaves = st.one_of(
    st.none(),
    st.booleans(),
    numbers,
    st.text(max_size=10),
    st.binary(max_size=10),
    st.binary(max_size=5).map(bytearray),
    sets,
    st.floats(),
)
values = st.recursive(
    leaves,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.lists(inner, max_size=3).map(tuple),
        st.dictionaries(st.text(max_size=5), inner, max_size=4),
        st.dictionaries(st.text(max_size=5), inner, max_size=2).map(MappingProxyType),
    ),
    max_leaves=12,
)

number_strings = st.one_of(
    st.from_regex(r"-?[0-9]{1,45}(\.[0-9]{1,45})?([eE][+-]?[0-9]{1,3})?", fullmatch=True),
    st.sampled_from(["NaN", "-Infinity", "Infinity", "sNaN", "abc", ""]),
)
attribute_values = st.recursive(
    st.one_of(
        st.just({"NULL": True}),
        st.booleans().map(lambda b: {"BOOL": b}),
        number_strings.map(lambda n: {"N": n}),
        st.text(max_size=10).map(lambda s: {"S": s}),
        st.binary(max_size=10).map(lambda b: {"B": b}),
        st.lists(number_strings, max_size=3).map(lambda ns: {"NS": ns}),
        st.lists(st.text(max_size=5), max_size=3).map(lambda ss: {"SS": ss}),
        st.lists(st.binary(max_size=5), max_size=3).map(lambda bs: {"BS": bs}),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4).map(lambda items: {"L": items}),
        st.dictionaries(st.text(max_size=5), inner, max_size=4).map(lambda m: {"M": m}),
    ),
    max_leaves=12,
)


def comparable(value: Any) -> Any:
    """``value`` with boto3's ``Binary`` as bytes and Decimals by their exact text.

    Comparing Decimals by text catches ``1.0`` against ``1`` and makes NaN
    equal to itself.
    """
    if isinstance(value, Binary):
        # The stubs type Binary.__bytes__ as returning str; it returns bytes.
        return bytes(value)  # type: ignore[call-overload]
    if isinstance(value, bytearray):
        return ("bytearray", bytes(value))
    if isinstance(value, Decimal):
        return ("N", str(value))
    if isinstance(value, set | frozenset):
        return frozenset(comparable(v) for v in value)
    if isinstance(value, list):
        return [comparable(v) for v in value]
    if isinstance(value, dict):
        return {k: comparable(v) for k, v in value.items()}
    return value


def outcome(fn: Callable[[Any], Any], value: Any) -> tuple[str, Any]:
    try:
        return ("returned", comparable(fn(value)))
    except (TypeError, DecimalException) as exc:
        return ("raised", type(exc))


@FEW
@given(values)
def test_serializes_as_boto3_does(value: Any) -> None:
    assert outcome(codec.serialize, value) == outcome(boto_serialize, value)


@FEW
@given(attribute_values)
def test_deserializes_as_boto3_does(value: dict[str, Any]) -> None:
    assert outcome(codec.deserialize, value) == outcome(boto_deserialize, value)


@FEW
@given(values)
def test_round_trips_what_it_accepts(value: Any) -> None:
    try:
        typed = codec.serialize(value)
    except (TypeError, DecimalException):
        return
    assert unordered(codec.serialize(codec.deserialize(typed))) == unordered(typed)
    assert codec.deserialize(typed) == plain(value)


def unordered(typed: Any) -> Any:
    """An attribute value with its sets sorted, as a set's order is arbitrary."""
    if isinstance(typed, dict):
        return {k: sorted(v) if k in ("SS", "NS", "BS") else unordered(v) for k, v in typed.items()}
    if isinstance(typed, list):
        return [unordered(v) for v in typed]
    return typed


def plain(value: Any) -> Any:
    """What a value reads back as, compared with ``==`` (so ``Decimal(1) == 1``)."""
    if isinstance(value, tuple | list):
        return [plain(v) for v in value]
    if isinstance(value, Mapping):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, bytearray):
        return bytes(value)
    return value


@pytest.mark.parametrize(
    "value", [1.5, 0.0, float("nan"), [1, 2.0], {"a": {"b": 1e3}}, {1.5}, (1, 2.5)]
)
def test_floats_are_refused_anywhere(value: Any) -> None:
    with pytest.raises(TypeError, match=r"Float|Unsupported"):
        codec.serialize(value)


def test_store_still_turns_floats_into_decimals_first() -> None:
    assert to_item({"x": 1.5, "y": [0.1], "z": None}) == {
        "x": {"N": "1.5"},
        "y": {"L": [{"N": "0.1"}]},
    }


@pytest.mark.parametrize(
    "text",
    [
        "1E+126",
        "9.9999999999999999999999999999999999999E+126",
        "1E+127",
        "-1E+127",
        "1E-128",
        "1E-165",
        "1E-166",
        "1.5E-165",
        "12345678901234567890123456789012345678",
        "123456789012345678901234567890123456789",
        "1234567890123456789012345678901234567800",
    ],
)
def test_the_edges_of_the_number_range_are_boto3s(text: str) -> None:
    # boto3's context, not DynamoDB's documented range, is the contract kept.
    for as_value in (Decimal(text), {Decimal(text)}):
        assert outcome(codec.serialize, as_value) == outcome(boto_serialize, as_value)
    assert outcome(codec.deserialize, {"N": text}) == outcome(boto_deserialize, {"N": text})


@pytest.mark.parametrize(
    ("value", "error"),
    [
        (10**38, Rounded),
        (Decimal("1E+200"), Overflow),
        (Decimal("1E-200"), Underflow),
        (Decimal("3.14159265358979323846264338327950288419716939937510"), Inexact),
        ({Decimal("1E+200")}, Overflow),
        ([10**40], Rounded),
    ],
)
def test_numbers_dynamodb_cannot_hold_are_refused_like_boto3(
    value: Any, error: type[DecimalException]
) -> None:
    with pytest.raises(error):
        codec.serialize(value)
    with pytest.raises(error):
        boto_serialize(value)


@pytest.mark.parametrize("text", ["NaN", "-NaN", "sNaN", "Infinity", "-Infinity"])
def test_every_non_finite_number_is_refused(text: str) -> None:
    with pytest.raises(TypeError, match="Infinity and NaN"):
        codec.serialize(Decimal(text))
    with pytest.raises(TypeError, match="Infinity and NaN"):
        to_item({"x": float(text.replace("sNaN", "nan"))})


def test_edges_match_boto3() -> None:
    # An empty set is a number set; bools in a set are numbers.
    assert codec.serialize(set()) == boto_serialize(set()) == {"NS": []}
    assert codec.serialize({True}) == boto_serialize({True}) == {"NS": ["1"]}
    assert codec.serialize(Decimal("1.50")) == {"N": "1.50"}
    assert codec.deserialize({"n": "1"}) == boto_deserialize({"n": "1"}) == 1


@pytest.mark.parametrize("value", [{}, {"X": "1"}, {"B": "not bytes"}, {"BS": ["no"]}])
def test_malformed_attribute_values_are_type_errors(value: dict[str, Any]) -> None:
    with pytest.raises(TypeError):
        codec.deserialize(value)
    with pytest.raises(TypeError):
        boto_deserialize(value)


def test_binary_reads_back_as_bytes_the_store_can_sort() -> None:
    item = from_item({"blob": {"B": b"x"}, "blobs": {"BS": [b"b", b"a"]}})
    assert item == {"blob": b"x", "blobs": [b"a", b"b"]}
    assert type(item["blob"]) is bytes
