"""Which items carry which value of an attribute: the partitions of the GSIs.

moto finds a GSI partition by reading every item of the table. This index
answers "which items have ``GSI1PK = x``" from a dict instead. It holds item
keys, not items: the table stays the one place items live, so an entry can
never be a stale copy, only a key whose item a query then reads.

Values are kept as copies taken when the item was indexed, because moto's
update executor mutates items in place: the index must know the value an item
*had* to find the entry to move.
"""

from __future__ import annotations

from collections.abc import Iterable

from moto.dynamodb.models.dynamo_type import DynamoType, Item

Key = tuple[DynamoType, DynamoType | None]


class _Unhashable:
    """The slot of values a dict cannot hold (a map or a set): always candidates."""


UNHASHABLE = _Unhashable()
Slot = DynamoType | _Unhashable


def _slot(value: DynamoType) -> Slot:
    copied = DynamoType(value)
    try:
        hash(copied)
    except TypeError:
        return UNHASHABLE
    return copied


class AttributeIndex:
    """For each of ``attributes``: value -> keys of the items that carry it."""

    def __init__(self, attributes: Iterable[str]) -> None:
        self.attributes: tuple[str, ...] = tuple(dict.fromkeys(attributes))
        self._by_value: dict[str, dict[DynamoType, set[Key]]] = {a: {} for a in self.attributes}
        self._unhashable: dict[str, set[Key]] = {a: set() for a in self.attributes}
        self._slots_of: dict[Key, dict[str, Slot]] = {}

    def __len__(self) -> int:
        """How many items carry at least one indexed attribute."""
        return len(self._slots_of)

    def update(self, key: Key, item: Item | None) -> None:
        """Record that the item at ``key`` is now ``item`` (None: gone)."""
        for attribute, slot in self._slots_of.pop(key, {}).items():
            self._discard(attribute, slot, key)
        if item is None:
            return
        slots = {a: _slot(item.attrs[a]) for a in self.attributes if a in item.attrs}
        for attribute, slot in slots.items():
            self._add(attribute, slot, key)
        if slots:
            self._slots_of[key] = slots

    def keys_with(self, attribute: str, value: DynamoType) -> set[Key] | None:
        """Keys of the items whose ``attribute`` may equal ``value``; None if not indexed.

        A superset: items holding an unhashable value are always included
        (the caller's own comparison rejects them).
        """
        if attribute not in self._by_value:
            return None
        try:
            found = self._by_value[attribute].get(value, set())
        except TypeError:
            return None
        return found | self._unhashable[attribute]

    def _add(self, attribute: str, slot: Slot, key: Key) -> None:
        if isinstance(slot, _Unhashable):
            self._unhashable[attribute].add(key)
        else:
            self._by_value[attribute].setdefault(slot, set()).add(key)

    def _discard(self, attribute: str, slot: Slot, key: Key) -> None:
        if isinstance(slot, _Unhashable):
            self._unhashable[attribute].discard(key)
            return
        keys = self._by_value[attribute].get(slot)
        if keys is None:
            return
        keys.discard(key)
        if not keys:
            del self._by_value[attribute][slot]
