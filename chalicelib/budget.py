"""The time budget of one request: a deadline every DynamoDB call inside it respects.

API Gateway gives up on a request after 29 s with a bare 504. A user should
instead hear "retry" (503 with Retry-After) well before that, so the API edge
opens a budget per request and the store refuses to start an attempt that
could outlive it. Kept apart from the store so the edge can set it without
importing botocore on the cold path.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_deadline: ContextVar[float | None] = ContextVar("deadline", default=None)


def now() -> float:
    """The monotonic clock deadlines are measured on (tests replace it)."""
    return time.monotonic()


def deadline() -> float | None:
    """When the current request's budget runs out, if one was opened."""
    return _deadline.get()


@contextmanager
def time_budget(seconds: float) -> Iterator[None]:
    """Let every DynamoDB call inside the block finish within ``seconds`` from now, or fail."""
    token = _deadline.set(now() + seconds)
    try:
        yield
    finally:
        _deadline.reset(token)
