"""What of moto's internals the engine relies on, so that a moto upgrade fails loudly.

The engine subclasses moto's backend, ``Table`` and request handler, copies
two of their methods (``create_table``, ``transact_write_items``) and relies
on how others behave (``query`` calls ``all_items()`` once to find its
candidates; ``update_item`` mutates the stored item in place; items live in
``table.items[hash][range]``; every model instance is appended to its class's
``instances_tracked``). Those assumptions hold for the source recorded
here. :func:`problems` compares it with the installed moto; a unit test
asserts there are none, and the emulator prints them at start. After an
upgrade, reread each listed function against the engine, adjust the engine,
then record the new fingerprints (``python -m devstack.emulator.compat``).
"""

from __future__ import annotations

import hashlib
import importlib
import inspect
from importlib.metadata import version

MOTO_VERSION = "5.2.5"

# "module:qualified.name" -> the first 16 hex digits of sha256(source).
FINGERPRINTS: dict[str, str] = {
    "moto.dynamodb.models:DynamoDBBackend.create_table": "2bb8105ad9fa618b",
    "moto.dynamodb.models:DynamoDBBackend.transact_write_items": "81db2cb7d94e39c9",
    "moto.dynamodb.models:DynamoDBBackend.update_item": "218984588dd689a5",
    "moto.dynamodb.models:DynamoDBBackend.update_table_global_indexes": "e93880c7dfef2ec5",
    "moto.dynamodb.models:DynamoDBBackend.get_keys_value": "1f948797496ddc2c",
    "moto.dynamodb.models:DynamoDBBackend.get_item": "290b95c46b38bc5a",
    "moto.dynamodb.models:DynamoDBBackend.put_item": "f5d9a5042c77b89e",
    "moto.dynamodb.models:DynamoDBBackend.delete_item": "083a4bb1af18f6fd",
    "moto.dynamodb.models.table:Table.__init__": "a56181a75aa27005",
    "moto.dynamodb.models.table:Table.put_item": "de23933013ef8426",
    "moto.dynamodb.models.table:Table.get_item": "b08e98fe37b7e583",
    "moto.dynamodb.models.table:Table.delete_item": "1594f7b07616c8cb",
    "moto.dynamodb.models.table:Table.query": "002b4d00be6df07c",
    "moto.dynamodb.models.table:Table.all_items": "c80d2ee3c896acd0",
    "moto.dynamodb.models.table:Table.sorted_items": "216dac1cd6b659d2",
    "moto.dynamodb.models.dynamo_type:DynamoType.__init__": "7c6cde92e1149bfe",
    "moto.dynamodb.models.dynamo_type:DynamoType.__hash__": "4d37bb816dede322",
    "moto.dynamodb.models.dynamo_type:DynamoType.__eq__": "48f12362c49f00c1",
    "moto.dynamodb.models.dynamo_type:Item.__init__": "d9c12b62cb921831",
    "moto.dynamodb.responses:DynamoHandler.transact_write_items": "61c163fff213f33a",
    "moto.dynamodb.responses:DynamoHandler.dynamodb_backend": "49c0711cc1fdff50",
    "moto.core.responses:BaseResponse.get_current_account": "73816bc147411960",
    "moto.core.common_models:BaseModel.__new__": "08cf0ef20e88029a",
    "moto.core.base_backend:InstanceTrackerMeta.__new__": "bee162e12b56986c",
}


def fingerprint(name: str) -> str:
    """The fingerprint of the installed source of ``name`` ("module:qualified.name")."""
    module, qualified = name.split(":")
    found: object = importlib.import_module(module)
    for part in qualified.split("."):
        found = getattr(found, part)
    if isinstance(found, property) and found.fget is not None:
        found = found.fget
    source = inspect.getsource(found)  # type: ignore[arg-type]
    return hashlib.sha256(source.encode()).hexdigest()[:16]


def problems() -> list[str]:
    """How the installed moto differs from the one the engine was written against."""
    found: list[str] = []
    installed = version("moto")
    if installed != MOTO_VERSION:
        found.append(f"moto is {installed}, the engine was written against {MOTO_VERSION}")
    for name, expected in FINGERPRINTS.items():
        try:
            actual = fingerprint(name)
        except (ImportError, AttributeError, OSError, TypeError) as exc:
            found.append(f"{name} is gone ({exc})")
            continue
        if actual != expected:
            found.append(f"{name} changed ({expected} -> {actual})")
    return found


if __name__ == "__main__":
    for name in FINGERPRINTS:
        print(f'    "{name}": "{fingerprint(name)}",')
