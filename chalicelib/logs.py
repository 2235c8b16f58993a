"""Structured JSON logs: one logger, request and caller on every line.

Plain stdlib ``logging`` with the line shape Powertools Logger had: importing
Powertools cost ~6 ms of every cold start and ~1 MB of the zip. What is logged
is chosen here, never whole requests: no header (tokens live there), no body
(session notes and agendas live there).
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

SERVICE = "careerforge-sessions"
_HANDLER_NAME = f"{SERVICE}-json"
# Whatever else a record carries came from ``extra=``.
_RECORD_FIELDS = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime"}
# Per context, not per logger: `chalice local` and the tests serve requests in threads.
_scope: ContextVar[dict[str, str | None]] = ContextVar("log_scope")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        created = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
        line: dict[str, Any] = {
            "level": record.levelname,
            "location": f"{record.funcName}:{record.lineno}",
            "message": record.getMessage(),
            "timestamp": f"{created}.{int(record.msecs):03d}Z",
            "service": SERVICE,
            **_scope.get({}),
            **{k: v for k, v in vars(record).items() if k not in _RECORD_FIELDS},
        }
        if record.exc_info and record.exc_info[0]:
            line["exception"] = self.formatException(record.exc_info)
            line["exception_name"] = record.exc_info[0].__name__
        # Lambda sets it per invocation; Powertools put it on every line, so queries may use it.
        if trace := os.environ.get("_X_AMZN_TRACE_ID"):
            line["xray_trace_id"] = trace.split(";")[0].removeprefix("Root=")
        # As Powertools did: a caller without an id leaves the key out rather than null.
        line = {k: v for k, v in line.items() if v is not None}
        try:
            return json.dumps(line, separators=(",", ":"), default=str)
        except (TypeError, ValueError):  # non-str dict keys, cycles: keep the line, lose detail
            plain = {k: v if isinstance(v, str | int | float) else str(v) for k, v in line.items()}
            return json.dumps(plain, separators=(",", ":"))


# Lambda ships stdout to CloudWatch. Bound at import, as Powertools was, so a test's capsys
# sees what a command prints and not the log lines.
handler = logging.StreamHandler(sys.stdout)
handler.set_name(_HANDLER_NAME)
handler.setFormatter(JsonFormatter())

logger = logging.getLogger(SERVICE)
for _old in [h for h in logger.handlers if h.get_name() == _HANDLER_NAME]:
    logger.removeHandler(_old)  # a reloaded module must not print every line twice
logger.addHandler(handler)
logger.propagate = False  # the root logger (Lambda's own handler) would repeat each line
logger.setLevel(os.environ.get("LOG_LEVEL", "INFO").upper())


@contextmanager
def request_scope(request_id: str | None, user_id: str | None) -> Iterator[None]:
    """Every line logged inside carries the request id and the caller's user id."""
    token = _scope.set({**_scope.get({}), "request_id": request_id, "user_id": user_id})
    try:
        yield
    finally:
        _scope.reset(token)


def access[R](method: str, path: str, handle: Callable[[], R]) -> R:
    """Run ``handle`` and log one line for the request: route, status, time."""
    started = time.perf_counter()
    response = handle()
    logger.info(
        "request",
        extra={
            "method": method,
            "path": path,
            "status": getattr(response, "status_code", None),
            "millis": round((time.perf_counter() - started) * 1000, 1),
        },
    )
    return response
