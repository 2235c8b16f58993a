"""moto's ``Table``, reading one partition per query instead of the whole table.

moto's ``Table.query`` starts from ``self.all_items()`` (every item, sorted)
and filters. :class:`IndexedTable` keeps moto's query code as it is and hands
it, for the one ``all_items()`` call a query makes, only the items that can
match: the base table's hash bucket, or the items an :class:`AttributeIndex`
lists for the GSI partition value. They come in ``all_items()``'s own order,
and moto's filters, sort, pagination and projections then run unchanged, so
results are moto's by construction (and a differential test checks it).

The index follows every path that changes ``table.items``: ``put_item`` and
``delete_item`` here, the backend's in-place ``update_item`` and transaction
rollback through :meth:`IndexedTable.reindex`, and GSI changes through
:meth:`IndexedTable.rebuild_index`.

moto's ``get_item`` also leaves an empty bucket in ``table.items`` (a
``defaultdict``) for every key it looks up and does not find; those are
dropped here, or a long run of conditional writes on new keys grows forever.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any, NamedTuple

from moto.dynamodb.comparisons import get_comparison_func
from moto.dynamodb.models.dynamo_type import DynamoType, Item
from moto.dynamodb.models.table import Table

from devstack.emulator.index import AttributeIndex, Key


def peek(table: Table, key: Key) -> Item | None:
    """The item at ``key``, without moto's side effect of creating its bucket."""
    hash_key, range_key = key
    items: Any = table.items
    try:
        bucket = items.get(hash_key)
    except TypeError:
        return None
    if bucket is None or table.range_key_attr is None:
        return bucket if isinstance(bucket, Item) else None
    if range_key is None:
        return None
    found = bucket.get(range_key)
    return found if isinstance(found, Item) else None


def place(table: Table, key: Key, item: Item | None) -> None:
    """Put ``item`` at ``key`` (None: remove what is there), as moto stores items."""
    hash_key, range_key = key
    items: Any = table.items
    if table.range_key_attr is None:
        if item is None:
            items.pop(hash_key, None)
        else:
            items[hash_key] = item
    elif item is None:
        bucket = items.get(hash_key)
        if bucket is not None:
            bucket.pop(range_key, None)
        drop_empty_bucket(table, hash_key)
    else:
        items[hash_key][range_key] = item
    if isinstance(table, IndexedTable):
        table.reindex(key)


def drop_empty_bucket(table: Table, hash_key: DynamoType) -> None:
    if table.range_key_attr is None:
        return
    items: Any = table.items
    try:
        bucket = items.get(hash_key)
    except TypeError:
        return
    if bucket is not None and not bucket:
        del items[hash_key]


def gsi_partition_attributes(table: Table) -> list[str]:
    """The HASH attributes of the table's GSIs (an LSI shares the table's own)."""
    return [
        key["AttributeName"]
        for index in table.global_indexes
        for key in index.schema
        if key["KeyType"] == "HASH"
    ]


def _plain(value: DynamoType) -> Any:
    """What moto compares when it orders two key values (``cast_value``), computed once.

    Sorting by DynamoType objects compares through ``cast_value``, a property
    that runs five type checks and builds a Decimal on every comparison: a
    query on a partition of 600 items spent 39 ms in its two sorts. Key
    attributes are strings, numbers or binaries, for which this is the same value.
    """
    if value.type == "N":
        return Decimal(value.value)
    if value.type in ("S", "B"):
        return value.value
    return value.cast_value


def _all_items_order(item: Item) -> Any:
    # moto's all_items() sort key, with plain values (see _plain).
    if item.range_key:
        return (_plain(item.hash_key), _plain(item.range_key))
    return _plain(item.hash_key)


class _Narrowing(NamedTuple):
    hash_key: DynamoType | None
    index_name: str | None
    hash_key_conditions: list[tuple[str, DynamoType]] | None
    range_comparison: str | None = None
    range_objs: list[DynamoType] | None = None


class IndexedTable(Table):
    """A moto table whose queries read only the partition they ask for."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._narrowing: _Narrowing | None = None
        self._index = AttributeIndex(())
        super().__init__(*args, **kwargs)
        self.rebuild_index()

    # -- the index --------------------------------------------------------

    def rebuild_index(self) -> None:
        self._index = AttributeIndex(gsi_partition_attributes(self))
        for item in self._every_item():
            self._index.update((item.hash_key, item.range_key), item)

    def reindex(self, key: Key) -> None:
        """The item at ``key`` may have changed (or gone): move its index entries."""
        self._index.update(key, peek(self, key))

    @property
    def indexed_items(self) -> int:
        return len(self._index)

    def _every_item(self) -> Iterable[Item]:
        for bucket in self.items.values():
            if isinstance(bucket, Item):
                yield bucket
            else:
                yield from bucket.values()

    # -- write paths ----------------------------------------------------------

    def put_item(
        self,
        item_attrs: dict[str, Any],
        expected: dict[str, Any] | None = None,
        condition_expression: str | None = None,
        expression_attribute_names: dict[str, str] | None = None,
        expression_attribute_values: dict[str, Any] | None = None,
        overwrite: bool = False,
        return_values_on_condition_check_failure: str | None = None,
    ) -> Item:
        try:
            item = super().put_item(
                item_attrs,
                expected,
                condition_expression,
                expression_attribute_names,
                expression_attribute_values,
                overwrite,
                return_values_on_condition_check_failure,
            )
        except BaseException:
            # A failure after the store (a stream consumer, say) must not
            # leave the index behind the table.
            key = self._key_of(item_attrs)
            if key is not None:
                drop_empty_bucket(self, key[0])
                self.reindex(key)
            raise
        self.reindex((item.hash_key, item.range_key))
        return item

    def delete_item(self, hash_key: DynamoType, range_key: DynamoType | None) -> Item | None:
        try:
            return super().delete_item(hash_key, range_key)
        finally:
            drop_empty_bucket(self, hash_key)
            self.reindex((hash_key, range_key))

    def get_item(
        self,
        hash_key: DynamoType,
        range_key: DynamoType | None = None,
        projection_expression: list[list[str]] | None = None,
    ) -> Item | None:
        try:
            return super().get_item(hash_key, range_key, projection_expression)
        finally:
            drop_empty_bucket(self, hash_key)

    def _key_of(self, item_attrs: dict[str, Any]) -> Key | None:
        try:
            hash_key = DynamoType(item_attrs[self.hash_key_attr])
            range_key = DynamoType(item_attrs[self.range_key_attr]) if self.range_key_attr else None
        except (KeyError, TypeError, IndexError, AttributeError):
            return None
        return hash_key, range_key

    # -- queries ----------------------------------------------------------------

    def query(
        self,
        hash_key: DynamoType | None,
        range_comparison: str | None,
        range_objs: list[DynamoType],
        limit: int,
        exclusive_start_key: dict[str, Any],
        scan_index_forward: bool,
        projection_expressions: list[list[str]] | None,
        index_name: str | None = None,
        consistent_read: bool = False,
        filter_expression: Any = None,
        hash_key_conditions: list[tuple[str, DynamoType]] | None = None,
        range_key_conditions: list[tuple[str, str, list[DynamoType]]] | None = None,
        **filter_kwargs: Any,
    ) -> tuple[list[Item], int, dict[str, Any] | None]:
        # Narrowed lazily, in all_items(): moto validates the index name and
        # the key conditions first, and must raise its own errors for them.
        self._narrowing = _Narrowing(
            hash_key, index_name, hash_key_conditions, range_comparison, range_objs
        )
        try:
            return super().query(
                hash_key,
                range_comparison,
                range_objs,
                limit,
                exclusive_start_key,
                scan_index_forward,
                projection_expressions,
                index_name,
                consistent_read,
                filter_expression,
                hash_key_conditions,
                range_key_conditions,
                **filter_kwargs,
            )
        finally:
            self._narrowing = None

    def sorted_items(
        self,
        hash_key_attrs: list[str],
        range_key_attrs: list[str | None],
        items: list[Item],
    ) -> list[Item]:
        # moto's order, by plain values instead of DynamoType objects (see _plain).
        attributes = self._generate_attr_to_sort_by(hash_key_attrs, range_key_attrs)
        items.sort(key=lambda item: tuple(_plain(item.attrs[a]) for a in attributes))
        return items

    def all_items(self) -> list[Item]:
        narrowing, self._narrowing = self._narrowing, None
        candidates = None if narrowing is None else self._candidates(narrowing)
        if candidates is None:
            return super().all_items()
        return sorted(candidates, key=_all_items_order)

    def _candidates(self, narrowing: _Narrowing) -> list[Item] | None:
        """A superset of the items the query can return; None: read everything."""
        if narrowing.index_name is None:
            if narrowing.hash_key is None:
                return None
            return self._in_range(self._bucket(narrowing.hash_key), narrowing)
        if not narrowing.hash_key_conditions:
            return None
        attribute, value = narrowing.hash_key_conditions[0]
        if attribute == self.hash_key_attr:
            return self._bucket(value)
        if self._index.attributes != tuple(dict.fromkeys(gsi_partition_attributes(self))):
            self.rebuild_index()
        keys = self._index.keys_with(attribute, value)
        if keys is None:
            return None
        found = (peek(self, key) for key in keys)
        return [item for item in found if item is not None]

    def _in_range(self, bucket: list[Item] | None, narrowing: _Narrowing) -> list[Item] | None:
        """The items of a partition whose sort key meets the key condition.

        moto's own test (``range_key.compare``), applied to the values it
        compares: a cell query for a week then handles that week's cells, not
        every cell of the person's calendar.
        """
        if not bucket or not narrowing.range_comparison or not self.range_key_attr:
            return bucket
        test = get_comparison_func(narrowing.range_comparison)
        bounds = [_plain(o) for o in narrowing.range_objs or []]
        ordered = sorted(bucket, key=_all_items_order)
        try:
            hits = [
                n
                for n, item in enumerate(ordered)
                if item.range_key is not None and test(_plain(item.range_key), *bounds)
            ]
        except TypeError:  # values moto would fail to compare: let it say so
            return bucket
        if not hits:
            return []
        # A key condition selects one run of the sorted partition. moto pages
        # it by looking one item past the Limit-th match, whether or not that
        # item matches; one neighbour on each side keeps its answers the same.
        return ordered[max(0, hits[0] - 1) : hits[-1] + 2]

    def _bucket(self, hash_key: DynamoType) -> list[Item] | None:
        items: Any = self.items
        try:
            bucket = items.get(hash_key)
        except TypeError:
            return None
        if bucket is None:
            return []
        if isinstance(bucket, Item):
            return [bucket]
        return list(bucket.values())
