"""The emulator's WSGI application: DynamoDB's API, plus a control API under ``/_emulator/``.

DynamoDB's API lives at ``POST /`` (the operation in ``X-Amz-Target``); no
DynamoDB call uses another path, so the control API cannot collide with it.
The endpoints are documented in :mod:`devstack.dynamodb`.
"""

from __future__ import annotations

import json
import os
import sys
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from werkzeug.wrappers import Response

from devstack.emulator.backend import EmulatorBackend
from devstack.emulator.engine import CONTENT_TYPE, Engine, ServerRequest

CONTROL_PREFIX = "/_emulator/"

# DynamoDB's own __type for each throttling error (botocore reads the part
# after '#' as the error code, and retries both).
THROTTLES: dict[str, tuple[str, str]] = {
    "ThrottlingException": (
        "com.amazon.coral.availability#ThrottlingException",
        "Rate of requests exceeds the allowed throughput.",
    ),
    "ProvisionedThroughputExceededException": (
        "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
        "The level of configured provisioned throughput for the table was exceeded. "
        "Consider increasing your provisioning level with the UpdateTable API.",
    ),
}

# Operations that change nothing: the snapshot need not run for them.
READ_ONLY = frozenset(
    {
        "BatchGetItem",
        "DescribeBackup",
        "DescribeContinuousBackups",
        "DescribeEndpoints",
        "DescribeLimits",
        "DescribeTable",
        "DescribeTimeToLive",
        "GetItem",
        "ListBackups",
        "ListTables",
        "ListTagsOfResource",
        "Query",
        "Scan",
        "TransactGetItems",
    }
)

StartResponse = Callable[..., Any]


@dataclass
class SnapshotStatus:
    """What the persister reports through ``/_emulator/stats``."""

    path: str | None = None
    count: int = 0
    failures: int = 0
    last_at: float | None = None  # wall clock (time.time()) of the last one written
    last_seconds: float | None = None  # how long it took
    saved_generation: int = 0  # the Counters.generation the last one holds


@dataclass
class Counters:
    requests: int = 0
    throttled: int = 0
    errors: int = 0
    # Bumped by every request that may have changed data; the persister
    # compares it with the generation its last snapshot saw.
    generation: int = 0
    by_operation: dict[str, int] = field(default_factory=dict)


def rss_bytes() -> int:
    """This process's resident set size now (not its peak)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _json(status: int, payload: Any, content_type: str = "application/json") -> Response:
    return Response(json.dumps(payload), status=status, content_type=content_type)


class EmulatorApp:
    """DynamoDB on ``engine``, one request at a time (the server calls it serially)."""

    def __init__(self, engine: Engine, clock: Callable[[], float] = time.monotonic) -> None:
        self.engine = engine
        self.counters = Counters()
        self.snapshots = SnapshotStatus()
        self.throttle: str | None = None
        self._clock = clock
        self._started = clock()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        request = ServerRequest(environ)
        if request.path.startswith(CONTROL_PREFIX):
            response = self._control(request)
        else:
            response = self._dynamodb(request)
        return response(environ, start_response)

    # -- DynamoDB -----------------------------------------------------------------

    def _dynamodb(self, request: ServerRequest) -> Response:
        counters = self.counters
        counters.requests += 1
        operation = request.headers.get("X-Amz-Target", "").rpartition(".")[2]
        if operation not in counters.by_operation and len(counters.by_operation) >= 100:
            operation = "(other)"  # the header is the client's: keep the tally bounded
        counters.by_operation[operation] = counters.by_operation.get(operation, 0) + 1
        if self.throttle is not None:
            counters.throttled += 1
            error_type, message = THROTTLES[self.throttle]
            return _json(400, {"__type": error_type, "message": message}, CONTENT_TYPE)
        if operation not in READ_ONLY:
            counters.generation += 1
        try:
            status, headers, body = self.engine.dispatch(request)
        except Exception as exc:
            counters.errors += 1
            traceback.print_exc(file=sys.stderr)
            payload = {"__type": "com.amazonaws.dynamodb#InternalServerError", "message": repr(exc)}
            return _json(500, payload, CONTENT_TYPE)
        return Response(body, status=status, headers=headers)

    # -- control ------------------------------------------------------------------

    def _control(self, request: ServerRequest) -> Response:
        name = request.path[len(CONTROL_PREFIX) :].strip("/")
        if name == "stats" and request.method == "GET":
            return _json(200, self.stats())
        if name == "faults" and request.method == "GET":
            return _json(200, self.faults())
        if name == "faults" and request.method == "POST":
            return self._set_faults(request.get_data())
        return _json(404, {"message": f"no {request.method} {request.path}; see devstack.dynamodb"})

    def _set_faults(self, raw: bytes) -> Response:
        try:
            wanted = json.loads(raw or b"{}")
        except ValueError:
            return _json(400, {"message": "the body must be JSON"})
        if not isinstance(wanted, dict) or set(wanted) - {"throttle"}:
            return _json(400, {"message": 'expected {"throttle": <error code> | null}'})
        throttle = wanted.get("throttle")
        if throttle is not None and throttle not in THROTTLES:
            choices = ", ".join(sorted(THROTTLES))
            return _json(400, {"message": f"throttle must be null or one of: {choices}"})
        self.throttle = throttle
        return _json(200, self.faults())

    def faults(self) -> dict[str, Any]:
        return {"throttle": self.throttle}

    def stats(self) -> dict[str, Any]:
        tables = []
        tokens = 0
        for account, region, backend in self.engine.backends():
            if isinstance(backend, EmulatorBackend):
                tokens += len(backend.tokens)
            for name, table in backend.tables.items():
                tables.append(
                    {"account": account, "region": region, "table": name, "items": len(table)}
                )
        snapshots = self.snapshots
        return {
            "engine": self.engine.kind,
            "uptimeSeconds": round(self._clock() - self._started, 3),
            "requests": self.counters.requests,
            "throttled": self.counters.throttled,
            "errors": self.counters.errors,
            "operations": dict(sorted(self.counters.by_operation.items())),
            "tables": tables,
            "rssBytes": rss_bytes(),
            "tokensRemembered": tokens,
            "faults": self.faults(),
            "snapshots": {
                "path": snapshots.path,
                "count": snapshots.count,
                "failures": snapshots.failures,
                "lastAt": snapshots.last_at,
                "lastSeconds": snapshots.last_seconds,
                # Every change so far is in the file (False without --data).
                "upToDate": snapshots.path is not None
                and snapshots.saved_generation == self.counters.generation,
            },
        }
