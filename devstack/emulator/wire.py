"""DynamoDB's answers written straight as JSON, for the item operations.

moto writes every answer through a serializer driven by botocore's service
model: it walks each attribute value of each item through its shape, looking
up the possible keys of every member. Measured under the benchmark's HTTP
load, that walk was three quarters of the emulator's CPU time. For the item
operations the result moto builds is already the wire shape (items as
DynamoDB JSON, counts as numbers, keys as DynamoDB JSON), so it is written
with ``json.dumps`` instead; bytes become base64 as the serializer would
make them. Errors, and every other operation, still go through moto's
serializer. ``tests/unit/test_emulator_wire.py`` checks that both give
botocore the same answers.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from functools import cache
from typing import Any

from botocore.model import ListShape, MapShape, Shape, StructureShape

CONTENT_TYPE = "application/x-amz-json-1.0"
ITEM_OPERATIONS = frozenset(
    {
        "GetItem",
        "PutItem",
        "UpdateItem",
        "DeleteItem",
        "Query",
        "Scan",
        "BatchGetItem",
        "BatchWriteItem",
        "TransactGetItems",
        "TransactWriteItems",
    }
)


def _plain(value: Any) -> Any:
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(value).decode("ascii")
    raise TypeError(f"no JSON form for {type(value).__name__}")


def _fit(value: Any, shape: Shape) -> Any:
    """``value`` with only the members ``shape`` has, as the serializer keeps them.

    Attribute values (and maps of them: items, keys) are already in their wire
    form and are taken whole: walking them is the cost this module avoids.
    """
    if shape.name == "AttributeValue":
        return value
    if isinstance(shape, StructureShape) and isinstance(value, Mapping):
        # In the shape's order, as the serializer writes them.
        return {
            name: _fit(value[name], member)
            for name, member in shape.members.items()
            if value.get(name) is not None
        }
    if isinstance(shape, MapShape) and isinstance(value, Mapping):
        if shape.value.name == "AttributeValue":
            return value
        return {k: _fit(v, shape.value) for k, v in value.items()}
    if isinstance(shape, ListShape) and isinstance(value, list):
        return [_fit(v, shape.member) for v in value]
    if shape.type_name in ("double", "float") and isinstance(value, int):
        return float(value)  # capacity units: 2.0, not 2
    return value


@cache
def _output_shape(operation: str) -> StructureShape | None:
    from moto.core.utils import get_service_model

    shape = get_service_model("dynamodb").operation_model(operation).output_shape
    return shape if isinstance(shape, StructureShape) else None


def body(operation: str, result: object) -> str | None:
    """The JSON answer to an item operation, or None for moto's serializer to write."""
    if operation not in ITEM_OPERATIONS or not isinstance(result, Mapping):
        return None
    shape = _output_shape(operation)
    if shape is None:
        return None
    try:
        return json.dumps(_fit(result, shape), default=_plain)
    except (TypeError, ValueError):
        return None
