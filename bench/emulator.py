"""The local emulator's own cost: does a booking transaction get slower as the table grows?

The transaction is the real one: the 90-minute booking the in-process run
recorded (session, mentor and student cells, the connection check, the
mentor's counters, the idempotency record), replayed over HTTP against
``python -m devstack.dynamodb``. One emulator holds two tables with the same
world: one otherwise empty, one with tens of thousands of seeded sessions.
Rounds alternate between them, each with a fresh ``ClientRequestToken``, and
every item the transaction put is deleted again (untimed) before the next.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from devstack.stack import ROOT, _accepts, _wait, free_port

EMPTY, FULL = "emulator-empty", "emulator-full"


@contextmanager
def emulator(engine: str | None = None) -> Iterator[Any]:
    """An emulator process on a free port and a botocore client for it."""
    import botocore.session
    from botocore.config import Config

    port = free_port()
    args = [sys.executable, "-m", "devstack.dynamodb", "--port", str(port)]
    if engine:
        args += ["--engine", engine]
    quiet = subprocess.DEVNULL
    proc = subprocess.Popen(args, cwd=ROOT, stdout=quiet, stderr=quiet)  # noqa: S603 - our own module
    try:
        _wait("the emulator", lambda: _accepts(port), proc, 30)
        client = botocore.session.get_session().create_client(
            "dynamodb",
            endpoint_url=f"http://127.0.0.1:{port}",
            region_name="us-east-1",
            aws_access_key_id="local",
            aws_secret_access_key="local",
            config=Config(retries={"total_max_attempts": 1}, read_timeout=600),
        )
        yield client, proc.pid
    finally:
        stop(proc)


def stop(proc: subprocess.Popen[Any]) -> None:
    """SIGTERM, and SIGKILL if it is still there after 30 s."""
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _filler(count: int) -> Iterator[dict[str, Any]]:
    """``count`` past sessions of other people, as booking stores them (every index key set)."""
    from chalicelib.domain.sessions import SessionStatus
    from chalicelib.store.dynamo import to_item
    from chalicelib.store.session_items import session_to_item
    from devstack.history import seeded_session, stand_in_mentor

    start = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)
    for n in range(count):
        mentor = stand_in_mentor(f"fill-mentor-{n % 500}", f"fill-mentor-user-{n % 500}")
        at = start + timedelta(minutes=30 * n)
        session = seeded_session(f"fill{n:08d}", mentor, f"fill-student-{n % 2000}", at,
                                 SessionStatus.COMPLETED)  # fmt: skip
        yield to_item(session_to_item(session))


def _write(client: Any, table: str, items: Iterator[dict[str, Any]] | list[dict[str, Any]]) -> int:
    batch: list[dict[str, Any]] = []
    written = 0
    for item in items:
        batch.append({"PutRequest": {"Item": item}})
        if len(batch) == 25:
            written += _flush(client, table, batch)
    return written + _flush(client, table, batch)


def _flush(client: Any, table: str, batch: list[dict[str, Any]]) -> int:
    if not batch:
        return 0
    request = {table: list(batch)}
    count = len(batch)
    batch.clear()
    while request:
        out = client.batch_write_item(RequestItems=request)
        request = out.get("UnprocessedItems") or {}
    return count


def _retabled(actions: list[dict[str, Any]], table: str) -> list[dict[str, Any]]:
    return [{kind: {**body, "TableName": table}} for a in actions for kind, body in a.items()]


def _undo(client: Any, actions: list[dict[str, Any]], table: str) -> None:
    """Delete what the transaction put, so the next round books into the same state."""
    from chalicelib.store.schema import table_definition

    keys = [k["AttributeName"] for k in table_definition(table)["KeySchema"]]
    deletes = [
        {"Delete": {"TableName": table, "Key": {k: a["Put"]["Item"][k] for k in keys}}}
        for a in actions
        if "Put" in a
    ]
    client.transact_write_items(TransactItems=deletes)


def measure(
    transaction: list[dict[str, Any]],
    world: list[dict[str, Any]],
    filler: int,
    rounds: int,
    engine: str | None = None,
) -> dict[str, Any]:
    """Median time of the booking transaction on a table of ``filler`` sessions ÷ empty."""
    from chalicelib.store.schema import table_definition

    with emulator(engine) as (client, _):
        for table in (EMPTY, FULL):
            client.create_table(**table_definition(table))
            _write(client, table, world)
        seeded = _write(client, FULL, _filler(filler))
        samples: dict[str, list[int]] = {EMPTY: [], FULL: []}
        for n in range(rounds + 1):
            order = (EMPTY, FULL) if n % 2 else (FULL, EMPTY)
            for table in order:
                actions = _retabled(transaction, table)
                began = time.perf_counter_ns()
                client.transact_write_items(
                    TransactItems=actions, ClientRequestToken=uuid.uuid4().hex
                )
                took = time.perf_counter_ns() - began
                if n:  # the first round warms both tables up
                    samples[table].append(took)
                _undo(client, actions, table)
    empty = statistics.median(samples[EMPTY])
    full = statistics.median(samples[FULL])
    return {
        "engine": engine or "devstack",
        "actions": len(transaction),
        "itemsInFullTable": seeded + len(world),
        "rounds": rounds,
        "emptyMedianMicros": round(empty / 1000),
        "fullMedianMicros": round(full / 1000),
        "ratio": round(full / empty, 3),
    }
