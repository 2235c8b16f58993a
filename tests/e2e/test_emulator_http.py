"""The emulator as ``make run`` starts it: a process on a port, botocore over HTTP.

Data written before a SIGTERM (or a SIGKILL after the background snapshot)
is there after a restart; concurrent transactions on one item still commit
exactly once; throttling and the idempotency token reach botocore as
DynamoDB's own answers would.
"""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import botocore.session
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from chalicelib.store.schema import TTL_ATTRIBUTE, table_definition
from devstack.stack import ROOT, free_port

TABLE = "emulator-http"
HOST = "127.0.0.1"


class Emulator:
    """``python -m devstack.dynamodb`` on a port of its own, restartable."""

    def __init__(self, data: Path) -> None:
        self.port = free_port()
        self.data = data
        self.log = data.with_name("emulator.log")
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        args = [sys.executable, "-m", "devstack.dynamodb", "--port", str(self.port),
                "--data", str(self.data)]  # fmt: skip
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(args, cwd=ROOT, stdout=log, stderr=log)
        deadline = time.monotonic() + 30
        while not self._accepts():
            assert self.process.poll() is None, self.log.read_text()
            assert time.monotonic() < deadline, "the emulator did not start"
            time.sleep(0.05)

    def _accepts(self) -> bool:
        try:
            with socket.create_connection((HOST, self.port), timeout=0.5):
                return True
        except OSError:
            return False

    def stop(self, sig: int = signal.SIGTERM) -> int:
        assert self.process is not None
        self.process.send_signal(sig)
        code = self.process.wait(timeout=15)
        self.process = None
        return code

    def client(self, **config: Any) -> Any:
        return botocore.session.get_session().create_client(
            "dynamodb",
            endpoint_url=f"http://{HOST}:{self.port}",
            region_name="us-east-1",
            aws_access_key_id="local",
            aws_secret_access_key="local",
            config=Config(**{"retries": {"total_max_attempts": 1}, **config}),
        )

    def control(self, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(f"http://{HOST}:{self.port}/_emulator/{path}", data=data)
        with urllib.request.urlopen(request, timeout=10) as reply:
            return json.loads(reply.read())


@pytest.fixture
def emulator(tmp_path: Path) -> Iterator[Emulator]:
    running = Emulator(tmp_path / "dynamodb.json")
    running.start()
    yield running
    if running.process is not None:
        running.stop(signal.SIGKILL)


def s(value: str) -> dict[str, str]:
    return {"S": value}


def wait_for(condition: Callable[[], bool], what: str, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.05)


SESSION = {"PK": s("SESSION#1"), "SK": s("SESSION"), "GSI3PK": s("DUE"),
           "GSI3SK": s("2025-01-06T09:00#1"), "price": {"N": "12.50"},
           "blob": {"B": b"\x00\xff"}, "tags": {"SS": ["a", "b"]}}  # fmt: skip


def due(client: Any) -> list[str]:
    answer = client.query(
        TableName=TABLE, IndexName="GSI3", KeyConditionExpression="GSI3PK = :d",
        ExpressionAttributeValues={":d": s("DUE")},
    )  # fmt: skip
    return [item["PK"]["S"] for item in answer["Items"]]


def test_data_survives_sigterm_and_a_crash_after_a_snapshot(emulator: Emulator) -> None:
    client = emulator.client()
    client.create_table(**table_definition(TABLE))
    client.update_time_to_live(
        TableName=TABLE,
        TimeToLiveSpecification={"Enabled": True, "AttributeName": TTL_ATTRIBUTE},
    )
    client.transact_write_items(TransactItems=[{"Put": {"TableName": TABLE, "Item": SESSION}}])
    assert emulator.stop() == 0  # SIGTERM: a final snapshot, then exit 0

    emulator.start()
    client = emulator.client()
    assert (
        client.get_item(TableName=TABLE, Key={"PK": SESSION["PK"], "SK": SESSION["SK"]})["Item"]
        == SESSION
    )
    assert due(client) == ["SESSION#1"]
    ttl = client.describe_time_to_live(TableName=TABLE)["TimeToLiveDescription"]
    assert ttl == {"TimeToLiveStatus": "ENABLED", "AttributeName": TTL_ATTRIBUTE}

    # A write, then the background snapshot that includes it, then a crash.
    second = {**SESSION, "PK": s("SESSION#2"), "GSI3SK": s("2025-01-07T09:00#2")}
    client.put_item(TableName=TABLE, Item=second)
    wait_for(
        lambda: emulator.control("stats")["snapshots"]["upToDate"],
        "no snapshot within 10 s of a write",
    )
    assert emulator.stop(signal.SIGKILL) == -signal.SIGKILL

    emulator.start()
    assert sorted(due(emulator.client())) == ["SESSION#1", "SESSION#2"]


def test_one_item_booked_by_32_threads_at_once_is_booked_once(emulator: Emulator) -> None:
    client = emulator.client(max_pool_connections=32)
    client.create_table(**table_definition(TABLE))

    def book(n: int) -> str:
        item = {"PK": s("CELL#mentor"), "SK": s("2025-01-06T09:00"), "by": s(str(n))}
        try:
            client.transact_write_items(
                TransactItems=[{"Put": {"TableName": TABLE, "Item": item,
                                        "ConditionExpression": "attribute_not_exists(PK)"}}]
            )  # fmt: skip
        except ClientError as exc:
            return str(exc.response["Error"]["Code"])
        return "booked"

    with ThreadPoolExecutor(32) as pool:
        outcomes = list(pool.map(book, range(32)))
    assert outcomes.count("booked") == 1
    assert outcomes.count("TransactionCanceledException") == 31


def test_a_retried_transaction_with_its_token_succeeds_without_writing_again(
    emulator: Emulator,
) -> None:
    client = emulator.client()
    client.create_table(**table_definition(TABLE))
    token = uuid.uuid4().hex
    put = {"Put": {"TableName": TABLE, "Item": SESSION,
                   "ConditionExpression": "attribute_not_exists(PK)"}}  # fmt: skip
    client.transact_write_items(TransactItems=[put], ClientRequestToken=token)
    client.transact_write_items(TransactItems=[put], ClientRequestToken=token)
    with pytest.raises(ClientError) as raised:
        client.transact_write_items(TransactItems=[put, put], ClientRequestToken=token)
    assert raised.value.response["Error"]["Code"] == "IdempotentParameterMismatchException"


def test_a_throttled_emulator_answers_botocore_as_dynamodb_would(emulator: Emulator) -> None:
    client = emulator.client()
    client.create_table(**table_definition(TABLE))
    emulator.control("faults", {"throttle": "ProvisionedThroughputExceededException"})
    with pytest.raises(ClientError) as raised:
        client.put_item(TableName=TABLE, Item=SESSION)
    assert raised.value.response["Error"]["Code"] == "ProvisionedThroughputExceededException"
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    emulator.control("faults", {"throttle": None})
    assert "Item" not in client.get_item(
        TableName=TABLE, Key={"PK": SESSION["PK"], "SK": SESSION["SK"]}
    )
    stats = emulator.control("stats")
    assert stats["throttled"] == 1
    assert stats["tables"][0]["items"] == 0


def _raw(sock: socket.socket, request: bytes) -> bytes:
    """Send ``request`` and read one answer whose body has a Content-Length."""
    sock.sendall(request)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, f"connection closed after {data!r}"
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(
        int(line.split(b":", 1)[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length:")
    )
    while len(body) < length:
        body += sock.recv(65536)
    return head + b"\r\n\r\n" + body


def _list_tables(host: bytes) -> bytes:
    body = b"{}"
    return (
        b"POST / HTTP/1.1\r\nHost: " + host + b"\r\n"
        b"X-Amz-Target: DynamoDB_20120810.ListTables\r\n"
        b"Content-Type: application/x-amz-json-1.0\r\n"
        b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
    )


def test_connections_are_kept_alive_and_an_idle_one_blocks_nobody(emulator: Emulator) -> None:
    host = f"{HOST}:{emulator.port}".encode()
    with socket.create_connection((HOST, emulator.port), timeout=5) as kept:
        first = _raw(kept, _list_tables(host))
        # A second client is served while the first keeps its connection open and idle.
        emulator.client().create_table(**table_definition(TABLE))
        second = _raw(kept, _list_tables(host))
    assert first.startswith(b"HTTP/1.1 200")
    assert b'"TableNames": []' in first
    assert second.startswith(b"HTTP/1.1 200")
    assert TABLE.encode() in second
    assert b"connection: close" not in second.lower()


def test_a_body_without_a_length_is_refused_and_changes_nothing(emulator: Emulator) -> None:
    with socket.create_connection((HOST, emulator.port), timeout=5) as sock:
        sock.sendall(
            b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
            b"X-Amz-Target: DynamoDB_20120810.CreateTable\r\n\r\n2\r\n{}\r\n0\r\n\r\n"
        )
        answer = sock.recv(65536)
    assert answer.startswith(b"HTTP/1.1 411")
    assert emulator.control("stats")["requests"] == 0
