"""Python values to DynamoDB's typed attribute values and back.

A stand-in for boto3's ``TypeSerializer``/``TypeDeserializer``: importing
boto3 just for them would add s3transfer and boto3's resource layer to every
Lambda cold start (10-20 ms). The output matches boto3's, with two deliberate
differences:
binary values come back as ``bytes`` rather than boto3's ``Binary`` wrapper
(which cannot be sorted, as :func:`chalicelib.store.dynamo.from_item` sorts
sets), and every non-finite number is refused, where boto3 lets ``-Infinity``
and signalling NaNs through for DynamoDB to reject.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Set
from decimal import Clamped, Context, Decimal, Inexact, Overflow, Rounded, Underflow
from typing import Any

AttributeValue = dict[str, Any]

# boto3's model of DynamoDB's numbers (38 significant digits, magnitudes of
# roughly 1E-130 to 1E+126), kept exactly so that every number boto3 accepted
# is still accepted. Trapping each lossy signal makes a number that would be
# rounded fail here instead of being stored as something else.
DYNAMODB_CONTEXT = Context(
    Emin=-128,
    Emax=126,
    prec=38,
    traps=[Clamped, Overflow, Inexact, Rounded, Underflow],
)

_BINARY_TYPES = (bytes, bytearray)


def serialize(value: Any) -> AttributeValue:
    """``value`` as an attribute value, e.g. ``{"N": "3"}`` for ``3``.

    Raises ``TypeError`` for floats (use ``Decimal``), non-finite numbers and
    unsupported types, and a ``decimal.DecimalException`` for numbers
    DynamoDB cannot hold exactly.
    """
    if value is None:
        return {"NULL": True}
    # bool is an int, so it has to be recognised before numbers.
    if isinstance(value, bool):
        return {"BOOL": value}
    if _is_number(value):
        return {"N": _number(value)}
    if isinstance(value, str):
        return {"S": value}
    if isinstance(value, _BINARY_TYPES):
        return {"B": value}
    if isinstance(value, Set):
        return _serialize_set(value)
    if isinstance(value, Mapping):
        return {"M": {k: serialize(v) for k, v in value.items()}}
    if isinstance(value, list | tuple):
        return {"L": [serialize(v) for v in value]}
    raise TypeError(f'Unsupported type "{type(value)}" for value "{value}"')


def deserialize(value: Mapping[str, Any]) -> Any:
    """The Python value of an attribute value: numbers as ``Decimal``, sets as ``set``."""
    if not value:
        raise TypeError("Value must be a nonempty dictionary whose key is a valid dynamodb type.")
    kind = next(iter(value))
    # Lower-cased like boto3's method lookup, which accepts ``{"n": "1"}`` too.
    decode = _DECODERS.get(f"{kind}".lower())
    if decode is None:
        raise TypeError(f"Dynamodb type {kind} is not supported")
    return decode(value[kind])


def _is_number(value: Any) -> bool:
    if isinstance(value, float):
        raise TypeError("Float types are not supported. Use Decimal types instead.")
    return isinstance(value, int | Decimal)


def _number(value: int | Decimal) -> str:
    number = DYNAMODB_CONTEXT.create_decimal(value)
    if not number.is_finite():
        raise TypeError("Infinity and NaN not supported")
    return str(number)


def _serialize_set(value: Set[Any]) -> AttributeValue:
    # An empty set passes the first test, so it becomes NS, as in boto3.
    if all(_is_number(v) for v in value):
        return {"NS": [_number(v) for v in value]}
    if all(isinstance(v, str) for v in value):
        return {"SS": list(value)}
    if all(isinstance(v, _BINARY_TYPES) for v in value):
        return {"BS": list(value)}
    raise TypeError(f'Unsupported type "{type(value)}" for value "{value}"')


def _binary(value: Any) -> bytes | bytearray:
    if not isinstance(value, _BINARY_TYPES):
        raise TypeError("Value must be of the following types: bytes, bytearray")
    return value


def _number_from(value: str) -> Decimal:
    return DYNAMODB_CONTEXT.create_decimal(value)


_DECODERS: dict[str, Callable[[Any], Any]] = {
    "null": lambda _: None,
    "bool": lambda v: v,
    "n": _number_from,
    "s": lambda v: v,
    "b": _binary,
    "ns": lambda v: set(map(_number_from, v)),
    "ss": set,
    "bs": lambda v: set(map(_binary, v)),
    "l": lambda v: [deserialize(x) for x in v],
    "m": lambda v: {k: deserialize(x) for k, x in v.items()},
}
