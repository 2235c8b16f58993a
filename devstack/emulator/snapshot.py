"""Persistence: the emulator's tables in one JSON file, written atomically.

The format (``version`` 1) is DynamoDB's own public vocabulary, so it does
not depend on moto's internals and a newer moto (or another emulator) can
read it::

    {
      "format": "devstack-dynamodb-snapshot",
      "version": 1,
      "savedAt": "2025-01-06T09:00:00.123456+00:00",
      "backends": [
        {
          "account": "123456789012",
          "region": "us-east-1",
          "tables": [
            {
              "definition": { ...CreateTable request: TableName, KeySchema,
                              AttributeDefinitions, BillingMode,
                              [ProvisionedThroughput], [GlobalSecondaryIndexes],
                              [LocalSecondaryIndexes], [StreamSpecification],
                              [Tags], [DeletionProtectionEnabled] },
              "timeToLive": {"Enabled": true, "AttributeName": "expiresAt"} | null,
              "items": [ {"PK": {"S": "..."}, "n": {"N": "1.50"}, ...}, ... ]
            }
          ]
        }
      ]
    }

Items are DynamoDB JSON as GetItem returns them (binary as base64, numbers as
their exact strings). Restoring sends each table's CreateTable and
UpdateTimeToLive through the emulator's own wire protocol, in-process, then
puts the items in as moto's request parser would have handed them over (a
test checks they equal the items clients wrote).

While serving, :class:`Persister` writes a snapshot at most every
``interval`` seconds when something changed, from a forked child: the server
is single-threaded and forks between requests, so the child sees one
consistent state (copy-on-write) and serializes it while the parent goes on
serving. Each write goes to a temporary file in the same directory, is
fsynced, and replaces the old one with ``os.replace``: a reader (or a crash)
sees the old snapshot or the new one, never half of one.
"""

from __future__ import annotations

import base64
import contextlib
import ctypes
import gc
import json
import os
import signal
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from moto.dynamodb.models.dynamo_type import DynamoType, Item
from moto.dynamodb.models.table import Table

from devstack.emulator.app import Counters, SnapshotStatus
from devstack.emulator.engine import Engine, forget_tracked_instances
from devstack.emulator.tables import place

FORMAT = "devstack-dynamodb-snapshot"
VERSION = 1
_PR_SET_PDEATHSIG = 1


class SnapshotError(Exception):
    """The snapshot file cannot be read or restored."""


# -- items -----------------------------------------------------------------------


def _b64(value: Any) -> str:
    # moto holds top-level binaries as bytes and nested ones as the base64 text it was sent.
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(value).decode("ascii")
    return str(value)


def wire_value(value: Any) -> dict[str, Any]:
    """One attribute value as DynamoDB JSON."""
    typed = value if isinstance(value, DynamoType) else DynamoType(value)
    kind = typed.type
    if kind == "M":
        return {"M": {k: wire_value(v) for k, v in typed.value.items()}}
    if kind == "L":
        return {"L": [wire_value(v) for v in typed.value]}
    if kind == "B":
        return {"B": _b64(typed.value)}
    if kind == "BS":
        return {"BS": [_b64(v) for v in typed.value]}
    if kind == "N":
        return {"N": str(typed.value)}
    if kind == "NS":
        return {"NS": [str(v) for v in typed.value]}
    return {kind: typed.value}


def wire_item(item: Item) -> dict[str, Any]:
    return {name: wire_value(value) for name, value in item.attrs.items()}


def _items(table: Table) -> Iterator[Item]:
    for bucket in table.items.values():
        if isinstance(bucket, Item):
            yield bucket
        else:
            yield from bucket.values()


# -- tables ----------------------------------------------------------------------


def _throughput(source: dict[str, Any] | None) -> dict[str, int]:
    source = source or {}
    return {
        "ReadCapacityUnits": int(source.get("ReadCapacityUnits") or 1),
        "WriteCapacityUnits": int(source.get("WriteCapacityUnits") or 1),
    }


def table_definition(table: Table) -> dict[str, Any]:
    """The CreateTable request that makes ``table`` again (without its items)."""
    billing = table.billing_mode or "PROVISIONED"
    provisioned = billing == "PROVISIONED"
    definition: dict[str, Any] = {
        "TableName": table.name,
        "KeySchema": table.schema,
        "AttributeDefinitions": table.attr,
        "BillingMode": billing,
    }
    if provisioned:
        definition["ProvisionedThroughput"] = _throughput(table.throughput)
    gsis = []
    for gsi in table.global_indexes:
        described: dict[str, Any] = {
            "IndexName": gsi.name,
            "KeySchema": gsi.schema,
            "Projection": gsi.projection,
        }
        if provisioned:
            described["ProvisionedThroughput"] = _throughput(gsi.throughput)
        gsis.append(described)
    if gsis:
        definition["GlobalSecondaryIndexes"] = gsis
    lsis = [
        {"IndexName": lsi.name, "KeySchema": lsi.schema, "Projection": lsi.projection}
        for lsi in table.indexes
    ]
    if lsis:
        definition["LocalSecondaryIndexes"] = lsis
    stream = table.stream_specification or {}
    if stream.get("StreamEnabled"):
        definition["StreamSpecification"] = {
            "StreamEnabled": True,
            "StreamViewType": stream.get("StreamViewType", "NEW_AND_OLD_IMAGES"),
        }
    if table.tags:
        definition["Tags"] = table.tags
    if table.deletion_protection_enabled:
        definition["DeletionProtectionEnabled"] = True
    return definition


def time_to_live(table: Table) -> dict[str, Any] | None:
    ttl = table.ttl
    if "AttributeName" not in ttl:
        return None
    return {
        "Enabled": ttl.get("TimeToLiveStatus") in ("ENABLED", "ENABLING"),
        "AttributeName": ttl["AttributeName"],
    }


# -- writing ---------------------------------------------------------------------


def dump(engine: Engine, out: IO[str]) -> int:
    """Write every table of ``engine`` to ``out``; the number of items written.

    Streamed piece by piece, each through the C encoder (``json.dumps``):
    ``json.dump`` of the whole document takes the pure-Python path.
    """
    count = 0
    saved_at = datetime.now(UTC).isoformat()
    out.write(f'{{"format":"{FORMAT}","version":{VERSION},"savedAt":"{saved_at}","backends":[')
    for b, (account, region, backend) in enumerate(engine.backends()):
        out.write("," if b else "")
        out.write(f'{{"account":{json.dumps(account)},"region":{json.dumps(region)},"tables":[')
        for t, table in enumerate(backend.tables.values()):
            out.write("," if t else "")
            out.write(f'{{"definition":{json.dumps(table_definition(table))},')
            out.write(f'"timeToLive":{json.dumps(time_to_live(table))},"items":[\n')
            for i, item in enumerate(_items(table)):
                out.write(",\n" if i else "")
                out.write(json.dumps(wire_item(item), separators=(",", ":")))
                count += 1
            out.write("\n]}")
        out.write("]}")
    out.write("]}\n")
    return count


def _fsync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def temporary_path(path: Path, pid: int) -> Path:
    return path.with_name(f".{path.name}.{pid}.tmp")


def write(engine: Engine, path: Path) -> int:
    """Replace ``path`` with a snapshot of ``engine``, atomically; the item count."""
    temporary = temporary_path(path, os.getpid())
    try:
        with open(temporary, "w", encoding="utf-8") as out:
            count = dump(engine, out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise
    _fsync_directory(path.parent)
    return count


def remove_stale_temporaries(path: Path) -> None:
    """Temporary files of writers that were killed (a SIGKILLed emulator's child)."""
    for stale in path.parent.glob(f".{path.name}.*.tmp"):
        with contextlib.suppress(OSError):
            stale.unlink()


# -- restoring -------------------------------------------------------------------


def _expect(ok: bool, what: str) -> None:
    if not ok:
        raise SnapshotError(what)


def _call(engine: Engine, account: str, region: str, operation: str, params: Any) -> Any:
    try:
        status, body = engine.call(operation, params, account=account, region=region)
    except Exception as exc:  # moto itself failed on what the file holds
        raise SnapshotError(f"{operation} failed: {exc!r}") from exc
    if status != 200:
        message = (body or {}).get("message") or (body or {}).get("Message") or body
        raise SnapshotError(f"{operation} was refused: {message}")
    return body


def decoded(value: Any) -> Any:
    """A DynamoDB JSON value as moto's request parser hands it on: binaries decoded."""
    if not isinstance(value, dict) or len(value) != 1:
        raise SnapshotError(f"not an attribute value: {value!r}")
    kind, inner = next(iter(value.items()))
    if kind == "B":
        return {"B": base64.b64decode(inner, validate=True)}
    if kind == "BS":
        return {"BS": [base64.b64decode(v, validate=True) for v in inner]}
    if kind == "M":
        return {"M": {k: decoded(v) for k, v in inner.items()}}
    if kind == "L":
        return {"L": [decoded(v) for v in inner]}
    return value


def _key_value(item: dict[str, Any], attribute: str | None, kind: str | None) -> Any:
    if attribute is None:
        return None
    value = item.get(attribute)
    if not isinstance(value, dict) or kind not in value:
        raise SnapshotError(f"an item's key {attribute} is not of type {kind}")
    return DynamoType(decoded(value))


def load_items(table: Table, items: list[Any]) -> None:
    """Put snapshot items straight into ``table``.

    Each was validated by moto when a client wrote it, so they skip PutItem's
    checks, as moto's own ``Item.__deepcopy__`` does: its per-attribute size
    check alone made a 50,000-item restore take 15 s.
    """
    for raw in items:
        if not isinstance(raw, dict):
            raise SnapshotError("an item is not an object")
        hash_key = _key_value(raw, table.hash_key_attr, table.hash_key_type)
        range_key = _key_value(raw, table.range_key_attr, table.range_key_type)
        item = Item(hash_key, range_key, {})
        for name, value in raw.items():
            dict.__setitem__(item.attrs, name, DynamoType(decoded(value)))
        place(table, (hash_key, range_key), item)


def _restore_table(engine: Engine, account: str, region: str, saved: Any) -> int:
    _expect(isinstance(saved, dict), "a table entry is not an object")
    definition, items = saved.get("definition"), saved.get("items")
    _expect(isinstance(definition, dict) and "TableName" in definition, "a table has no definition")
    _expect(isinstance(items, list), f"table {definition['TableName']} has no item list")
    name = definition["TableName"]
    _call(engine, account, region, "CreateTable", definition)
    ttl = saved.get("timeToLive")
    if ttl:
        spec = {"TableName": name, "TimeToLiveSpecification": ttl}
        _call(engine, account, region, "UpdateTimeToLive", spec)
    try:
        load_items(engine.backend(account, region).get_table(name), items)
    except (ValueError, TypeError, AttributeError) as exc:  # binascii.Error is a ValueError
        raise SnapshotError(f"table {name}: an item is malformed ({exc})") from exc
    finally:
        forget_tracked_instances()
    return len(items)


def restore(engine: Engine, path: Path) -> int:
    """Load the snapshot at ``path`` into an empty ``engine``; the number of items.

    Raises SnapshotError, saying why, if the file cannot be read or replayed.
    """
    try:
        document = json.loads(path.read_bytes())
    except (OSError, ValueError) as exc:
        raise SnapshotError(str(exc) or type(exc).__name__) from exc
    _expect(isinstance(document, dict) and document.get("format") == FORMAT, "not a snapshot")
    _expect(document.get("version") == VERSION, f"version {document.get('version')!r} unknown")
    backends = document.get("backends")
    _expect(isinstance(backends, list), "no backends list")
    count = 0
    for saved in backends:
        _expect(isinstance(saved, dict), "a backend entry is not an object")
        account, region, tables = saved.get("account"), saved.get("region"), saved.get("tables")
        _expect(isinstance(account, str) and isinstance(region, str), "a backend has no name")
        _expect(isinstance(tables, list), f"backend {account}/{region} has no table list")
        for table in tables:
            count += _restore_table(engine, account, region, table)
    return count


# -- while serving -----------------------------------------------------------------


def _die_with_parent() -> None:
    """A snapshot child must not outlive the emulator (and overwrite a newer snapshot)."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)


# A snapshot of a day of use takes well under a second; a child past this is stuck.
CHILD_SECONDS = 120


class Persister:
    """Snapshots of ``engine`` in ``path``: forked while serving, synchronous at the end."""

    def __init__(
        self,
        engine: Engine,
        path: Path,
        counters: Counters,
        status: SnapshotStatus,
        *,
        interval: float = 2.0,
        clock: Callable[[], float] = time.monotonic,
        after_fork: Callable[[], None] = lambda: None,
    ) -> None:
        self.engine = engine
        self.path = path
        self.counters = counters
        self.status = status
        self.interval = interval
        self.clock = clock
        self.after_fork = after_fork
        status.path = str(path)
        status.saved_generation = counters.generation
        self._last_start = -float("inf")
        # The running child: (pid, generation it saw, clock and wall time it started).
        self._child: tuple[int, int, float, float] | None = None

    @property
    def busy(self) -> bool:
        return self._child is not None

    def tick(self) -> None:
        """Between requests: collect a finished child; start one if it is time."""
        self._reap(block=False)
        if self._child is not None or self.counters.generation == self.status.saved_generation:
            return
        if self.clock() - self._last_start < self.interval:
            return
        self._fork()

    def wait(self) -> None:
        """Wait for the running child, if any, and record how it ended."""
        self._reap(block=True)

    def final(self) -> None:
        """At shutdown: stop any child, then write the last state synchronously."""
        if self._child is not None:
            pid = self._child[0]
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            self._reap(block=True)
            with contextlib.suppress(OSError):
                temporary_path(self.path, pid).unlink()
        if self.counters.generation == self.status.saved_generation and self.path.exists():
            return
        began, wall = self.clock(), time.time()
        write(self.engine, self.path)
        self._succeeded(self.counters.generation, began, wall)

    def _fork(self) -> None:
        generation = self.counters.generation
        began, wall = self.clock(), time.time()
        self._last_start = began
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child's coverage is not collected
            self._child_main()
        self._child = (pid, generation, began, wall)

    def _child_main(self) -> None:
        code = 1
        try:
            # Collecting would touch every object and copy the whole heap.
            gc.disable()
            for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGALRM):
                signal.signal(sig, signal.SIG_DFL)
            _die_with_parent()
            # The server forks while its connection threads wait on the engine's
            # lock; should the child still hang on a lock one of them held, the
            # alarm ends it, the parent records a failed snapshot and forks again.
            signal.alarm(CHILD_SECONDS)
            self.after_fork()
            write(self.engine, self.path)
            code = 0
        except BaseException:
            traceback.print_exc()
        finally:
            os._exit(code)

    def _reap(self, *, block: bool) -> None:
        if self._child is None:
            return
        pid, generation, began, wall = self._child
        try:
            done, wait_status = os.waitpid(pid, 0 if block else os.WNOHANG)
        except ChildProcessError:  # reaped by someone else: its outcome is unknown
            done, wait_status = pid, -1
        if done == 0:
            return
        self._child = None
        if wait_status != -1 and os.waitstatus_to_exitcode(wait_status) == 0:
            self._succeeded(generation, began, wall)
        else:
            self.status.failures += 1

    def _succeeded(self, generation: int, began: float, wall: float) -> None:
        self.status.saved_generation = generation
        self.status.count += 1
        self.status.last_at = wall
        self.status.last_seconds = round(self.clock() - began, 3)
