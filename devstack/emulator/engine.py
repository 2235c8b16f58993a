"""The DynamoDB backends of one emulator, and DynamoDB's wire protocol in front of them.

An :class:`Engine` owns its backends (one per account and region, made on
first use) instead of moto's process-wide ``dynamodb_backends``, so two
engines, the fixed one and plain moto, can live side by side in one process
for a differential test. Requests reach them through moto's own
``DynamoHandler`` (its parameter parsing, validation and error bodies), bound
to this engine's backends.

:meth:`Engine.call` sends one request in-process in the wire format (JSON
body, ``X-Amz-Target`` header), without a socket: the tests use it, and so
does the snapshot restore, which is then exactly what a client replaying the
data would have done.
"""

from __future__ import annotations

import functools
import json
import time
from collections.abc import Callable
from typing import Any, Literal

from moto.core import responses as moto_responses
from moto.core.common_types import TYPE_RESPONSE
from moto.core.model_instances import model_data
from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.core.request import Request
from moto.core.responses import ActionResult
from moto.dynamodb.exceptions import DynamodbException
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.responses import DynamoHandler
from werkzeug.test import EnvironBuilder

from devstack.emulator import wire
from devstack.emulator.backend import EmulatorBackend
from devstack.emulator.tables import IndexedTable
from devstack.emulator.tokens import TOKEN_FIELD, TokenReused, request_digest

EngineKind = Literal["fixed", "plain"]
ENGINES: tuple[EngineKind, ...] = ("fixed", "plain")

# moto lists a handler class's methods with inspect.getmembers on every
# request, about a twentieth of the emulator's time under load; a class's
# methods do not change while it serves.
moto_responses.method_names_from_class = functools.cache(  # type: ignore[attr-defined]
    moto_responses.method_names_from_class  # type: ignore[attr-defined]
)
DEFAULT_REGION = "us-east-1"
TARGET_PREFIX = "DynamoDB_20120810."
CONTENT_TYPE = "application/x-amz-json-1.0"


class IdempotentParameterMismatch(DynamodbException):
    error_type = "com.amazonaws.dynamodb.v20120810#IdempotentParameterMismatchException"

    def __init__(self) -> None:
        super().__init__(
            self.error_type,
            "The request uses the same client token as a previous, but non-identical request.",
        )


class ServerRequest(Request):
    """A request as the HTTP server hands it over (moto then leaves the Date header to it)."""

    from_wsgi_server = True


class _Handler(DynamoHandler):
    """moto's DynamoDB request handler, on one engine's backends."""

    def __init__(self, engine: Engine) -> None:
        super().__init__()
        self._emulator_engine = engine

    @property
    def dynamodb_backend(self) -> DynamoDBBackend:
        return self._emulator_engine.backend(self.current_account, self.region)

    def transact_write_items(self) -> ActionResult:
        backend = self.dynamodb_backend
        token = self.body.get(TOKEN_FIELD)
        if not isinstance(backend, EmulatorBackend) or not token:
            return super().transact_write_items()
        digest = request_digest(self.body)
        try:
            done: ActionResult | None = backend.tokens.replay(token, digest)
        except TokenReused:
            raise IdempotentParameterMismatch() from None
        if done is not None:
            return done
        result = super().transact_write_items()
        # Only now: a cancelled transaction raised above and is not remembered.
        backend.tokens.remember(token, digest, result)
        return result

    def serialized(self, action_result: ActionResult) -> TYPE_RESPONSE:
        if self._emulator_engine.kind == "fixed":
            written = wire.body(self._get_action(), action_result.result)
            if written is not None:
                headers = {"Content-Type": wire.CONTENT_TYPE, **self.response_headers}
                return 200, headers, written
        return super().serialized(action_result)


Response = tuple[int, dict[str, str], bytes]


def forget_tracked_instances() -> None:
    """Empty moto's lists of every DynamoDB model instance ever made.

    moto's ``BaseModel.__new__`` appends each instance to a class-level
    ``instances_tracked`` list, for its dashboard, and nothing ever removes
    them: every item a query deep-copies for its answer, every item copied
    for a transaction, stays in memory for the life of the process. The
    emulator serves no dashboard, so after each request the lists are emptied
    (fetched anew each time: moto's reset replaces them).
    """
    classes = [*model_data.get("dynamodb", {}).values(), IndexedTable]
    for model in classes:
        tracked = getattr(model, "instances_tracked", None)
        if isinstance(tracked, list):
            tracked.clear()


class Engine:
    """The backends of one emulator: ``fixed`` (this package's) or ``plain`` (moto's)."""

    def __init__(self, kind: EngineKind = "fixed", clock: Callable[[], float] = time.monotonic):
        if kind not in ENGINES:
            raise ValueError(f"unknown engine {kind!r}; one of {', '.join(ENGINES)}")
        self.kind = kind
        self.clock = clock
        self._backends: dict[tuple[str, str], DynamoDBBackend] = {}

    def backend(
        self, account: str = DEFAULT_ACCOUNT_ID, region: str = DEFAULT_REGION
    ) -> DynamoDBBackend:
        found: DynamoDBBackend | None = self._backends.get((account, region))
        if found is None:
            if self.kind == "fixed":
                found = EmulatorBackend(region, account, clock=self.clock)
            else:
                found = DynamoDBBackend(region, account)
            self._backends[(account, region)] = found
        return found

    def backends(self) -> list[tuple[str, str, DynamoDBBackend]]:
        return [(account, region, b) for (account, region), b in self._backends.items()]

    def dispatch(self, request: Request) -> Response:
        """Answer one DynamoDB API request: status, headers, body."""
        try:
            status, headers, body = _Handler(self)._dispatch(
                request, request.raw_url, request.headers
            )
        finally:
            if self.kind == "fixed":
                forget_tracked_instances()
        out = {str(k): str(v) for k, v in headers.items() if str(k).lower() != "status"}
        return int(status), out, body.encode() if isinstance(body, str) else bytes(body)

    def call(
        self,
        operation: str,
        params: dict[str, Any],
        *,
        account: str = DEFAULT_ACCOUNT_ID,
        region: str = DEFAULT_REGION,
    ) -> tuple[int, Any]:
        """One request in the wire format, in-process: (HTTP status, parsed JSON body)."""
        status, _, body = self.dispatch(wire_request(operation, params, account, region))
        return status, json.loads(body) if body else None


def wire_request(operation: str, params: dict[str, Any], account: str, region: str) -> Request:
    """The request an SDK would send for ``operation`` (unsigned: moto checks no signature)."""
    scope = f"local/20250101/{region}/dynamodb/aws4_request"
    builder = EnvironBuilder(
        method="POST",
        path="/",
        base_url=f"http://dynamodb.{region}.amazonaws.com",
        data=json.dumps(params).encode(),
        headers=[
            ("X-Amz-Target", TARGET_PREFIX + operation),
            ("Content-Type", CONTENT_TYPE),
            (
                "Authorization",
                f"AWS4-HMAC-SHA256 Credential={scope}, SignedHeaders=host, Signature=0",
            ),
            # moto's way to name the account a request belongs to.
            ("x-moto-account-id", account),
        ],
    )
    try:
        return ServerRequest(builder.get_environ())
    finally:
        builder.close()
