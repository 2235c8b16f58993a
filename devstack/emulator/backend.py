"""moto's DynamoDB backend with flat-cost transactions and indexed tables.

moto's ``transact_write_items`` deep-copies every table a transaction names,
once per action, before it starts, and puts the copies back if it fails: a
booking of ten actions on a 50,000-item table copied half a million items.
Here a transaction copies each item it touches once, just before that item is
first read, and a rollback puts back exactly those items. Everything else is
moto's code, in moto's order: the same validation, the same error types, the
same ``CancellationReasons`` (one per action, in order, with
``ReturnValuesOnConditionCheckFailure``), the same rollback-and-raise for a
repeated item or a malformed key. It even keeps moto's one quirk of raising
``TransactWriteSingleOpException`` without a rollback, so that the two
engines differ only in cost.

Tables are :class:`~devstack.emulator.tables.IndexedTable`; ``update_item``,
which moto runs by mutating the stored item in place, tells the table to move
the item's index entries afterwards, whether it succeeded or not.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from typing import Any

from moto.dynamodb.comparisons import get_filter_expression
from moto.dynamodb.exceptions import (
    ConditionalCheckFailed,
    MockValidationException,
    MultipleTransactionsException,
    ResourceInUseException,
    TooManyTransactionsException,
    TransactionCanceledException,
    TransactWriteSingleOpException,
)
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.dynamo_type import DynamoType, Item
from moto.dynamodb.models.table import StreamShard, Table

from devstack.emulator.index import Key
from devstack.emulator.tables import IndexedTable, peek, place
from devstack.emulator.tokens import TokenLedger

# One entry of moto's cancellation reasons: (code, message, item) or all None.
_Reason = tuple[str | None, str | None, dict[str, Any] | None]
_OPERATIONS = {"ConditionCheck", "Put", "Delete", "Update"}


class _Undo:
    """The items one transaction touched, as they were before it touched them."""

    def __init__(self, backend: EmulatorBackend) -> None:
        self._backend = backend
        self._saved: dict[tuple[int, DynamoType, DynamoType | None], tuple[Table, Key, Item | None]]
        self._saved = {}
        self._streams: dict[int, tuple[StreamShard, int]] = {}

    def remember(self, table_name: str, key: dict[str, Any]) -> None:
        """Copy the item at ``key`` before anything writes it.

        Raises what ``backend.get_item(table_name, key)`` would raise, as moto
        calls that next and must fail the same way.
        """
        table = self._backend.get_table(table_name)
        hash_key, range_key = self._backend.get_keys_value(table, key)
        ident = (id(table), hash_key, range_key)
        if ident in self._saved:
            return
        before = peek(table, (hash_key, range_key))
        self._saved[ident] = (table, (hash_key, range_key), copy.deepcopy(before))
        self._backend.items_snapshotted += 1
        shard = table.stream_shard
        if shard is not None and id(table) not in self._streams:
            self._streams[id(table)] = (shard, len(shard.items))

    def restore(self) -> None:
        for table, key, item in self._saved.values():
            place(table, key, item)
        for shard, length in self._streams.values():
            del shard.items[length:]


class EmulatorBackend(DynamoDBBackend):
    """DynamoDBBackend whose transactions cost what they touch, not the table size."""

    def __init__(
        self, region_name: str, account_id: str, clock: Callable[[], float] = time.monotonic
    ) -> None:
        super().__init__(region_name, account_id)
        self.tokens: TokenLedger[Any] = TokenLedger(clock)
        # Items copied by transactions, so tests can count the cost instead of timing it.
        self.items_snapshotted = 0

    def create_table(
        self,
        name: str,
        schema: list[dict[str, str]],
        throughput: dict[str, int] | None,
        attr: list[dict[str, str]],
        global_indexes: list[dict[str, Any]] | None,
        indexes: list[dict[str, Any]] | None,
        streams: dict[str, Any] | None,
        billing_mode: str,
        sse_specification: dict[str, Any] | None,
        tags: list[dict[str, str]],
        deletion_protection_enabled: bool | None,
        warm_throughput: dict[str, Any] | None,
    ) -> Table:
        # moto's create_table, building an IndexedTable.
        if name in self.tables:
            raise ResourceInUseException(f"Table already exists: {name}")
        # As abstract as moto's Table (CloudFormationModel's hooks), made the same way.
        table = IndexedTable(  # type: ignore[abstract]
            name,
            account_id=self.account_id,
            region=self.region_name,
            schema=schema,
            throughput=throughput,
            attr=attr,
            global_indexes=global_indexes,
            indexes=indexes,
            streams=streams,
            billing_mode=billing_mode,
            sse_specification=sse_specification,
            tags=tags,
            deletion_protection_enabled=deletion_protection_enabled,
            warm_throughput=warm_throughput,
        )
        self.tables[name] = table
        return table

    def update_table_global_indexes(
        self, table: Table, global_index_updates: list[dict[str, Any]]
    ) -> None:
        try:
            super().update_table_global_indexes(table, global_index_updates)
        finally:
            if isinstance(table, IndexedTable):
                table.rebuild_index()

    def update_item(
        self,
        table_name: str,
        key: dict[str, dict[str, Any]],
        update_expression: str,
        expression_attribute_names: dict[str, Any],
        expression_attribute_values: dict[str, Any],
        attribute_updates: dict[str, Any] | None = None,
        expected: dict[str, Any] | None = None,
        condition_expression: str | None = None,
        return_values_on_condition_check_failure: str | None = None,
    ) -> Item:
        try:
            return super().update_item(
                table_name,
                key,
                update_expression,
                expression_attribute_names,
                expression_attribute_values,
                attribute_updates,
                expected,
                condition_expression,
                return_values_on_condition_check_failure,
            )
        finally:
            # moto mutates the stored item in place, even on some failures.
            self._reindex_update(table_name, key)

    def _reindex_update(self, table_name: str, key: dict[str, Any]) -> None:
        table = self.tables.get(table_name)
        if not isinstance(table, IndexedTable):
            return
        # The key as moto's update_item reads it.
        try:
            if table.hash_key_attr in key and table.range_key_attr in key:
                found: Key = (
                    DynamoType(key[table.hash_key_attr]),
                    DynamoType(key[table.range_key_attr]),
                )
            elif table.hash_key_attr in key:
                found = (DynamoType(key[table.hash_key_attr]), None)
            else:
                found = (DynamoType(key), None)
        except (KeyError, TypeError, IndexError, AttributeError):
            return
        table.reindex(found)

    def transact_write_items(self, transact_items: list[dict[str, Any]]) -> None:
        if len(transact_items) > 100:
            raise TooManyTransactionsException()
        undo = _Undo(self)
        targets: set[tuple[str, str]] = set()
        reasons: list[_Reason] = []
        for item in transact_items:
            # Outside the rollback, as in moto.
            if len(list(item.keys())) > 1:
                raise TransactWriteSingleOpException
            reasons.append(self._transact_action(item, targets, undo))
        if any(code is not None for code, _, _ in reasons):
            undo.restore()
            raise TransactionCanceledException(reasons)

    def _transact_action(
        self, action: dict[str, Any], targets: set[tuple[str, str]], undo: _Undo
    ) -> _Reason:
        """Run one action; its cancellation reason, or raise after rolling back."""
        failed_item: list[dict[str, Any] | None] = [None]
        try:
            self._run_action(action, targets, undo, failed_item)
        except (MultipleTransactionsException, MockValidationException):
            undo.restore()
            raise
        except ConditionalCheckFailed as exc:
            return ("ConditionalCheckFailed", str(exc.message), failed_item[0])
        except Exception as exc:
            # moto reports any other failure by its exception's class name.
            return (type(exc).__name__, str(exc), failed_item[0])
        return (None, None, None)

    def _run_action(
        self,
        action: dict[str, Any],
        targets: set[tuple[str, str]],
        undo: _Undo,
        failed_item: list[dict[str, Any] | None],
    ) -> None:
        op_type, op = next(iter(action.items()))
        if op_type not in _OPERATIONS:
            raise ValueError("Unsupported transaction operation")
        table_name = op["TableName"]
        if op_type == "Put":
            attrs = op["Item"]
            table = self.get_table(table_name)
            key = {table.hash_key_attr: attrs[table.hash_key_attr]}
            if table.range_key_attr is not None:
                key[table.range_key_attr] = attrs[table.range_key_attr]
        else:
            key = op["Key"]
        unique = (str(table_name), str(dict(sorted(key.items()))))
        if unique in targets:
            raise MultipleTransactionsException()
        targets.add(unique)
        undo.remember(table_name, key)
        self._check_condition(table_name, key, op, failed_item)
        self._write(op_type, table_name, key, op)

    def _check_condition(
        self,
        table_name: str,
        key: dict[str, Any],
        op: dict[str, Any],
        failed_item: list[dict[str, Any] | None],
    ) -> None:
        current = self.get_item(table_name, key)
        condition_expression = op.get("ConditionExpression")
        if condition_expression is None:
            return
        condition = get_filter_expression(
            condition_expression,
            op.get("ExpressionAttributeNames"),
            op.get("ExpressionAttributeValues"),
        )
        if not condition.expr(current):
            if op.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD" and current:
                failed_item[0] = current.to_json()["Attributes"]
            raise ConditionalCheckFailed(item=failed_item[0])

    def _write(
        self, op_type: str, table_name: str, key: dict[str, Any], op: dict[str, Any]
    ) -> None:
        condition = op.get("ConditionExpression")
        names = op.get("ExpressionAttributeNames")
        values = op.get("ExpressionAttributeValues")
        if op_type == "Put":
            self.put_item(
                table_name,
                op["Item"],
                condition_expression=condition,
                expression_attribute_names=names,
                expression_attribute_values=values,
            )
        elif op_type == "Delete":
            self.delete_item(
                table_name,
                key,
                condition_expression=condition,
                expression_attribute_names=names,
                expression_attribute_values=values,
            )
        elif op_type == "Update":
            self.update_item(
                table_name,
                key,
                update_expression=op["UpdateExpression"],
                condition_expression=condition,
                expression_attribute_names=names,  # type: ignore[arg-type]
                expression_attribute_values=values,  # type: ignore[arg-type]
            )
