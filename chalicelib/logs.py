"""Structured JSON logs (Powertools Logger): one logger, request and caller on every line.

What is logged is chosen here, never whole requests: no header (tokens live
there), no body (session notes and agendas live there).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from aws_lambda_powertools import Logger

logger = Logger(service="careerforge-sessions")


@contextmanager
def request_scope(request_id: str | None, user_id: str | None) -> Iterator[None]:
    """Every line logged inside carries the request id and the caller's user id."""
    logger.append_keys(request_id=request_id, user_id=user_id)
    try:
        yield
    finally:
        logger.remove_keys(["request_id", "user_id"])


R = TypeVar("R")


def access(method: str, path: str, handle: Callable[[], R]) -> R:
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
