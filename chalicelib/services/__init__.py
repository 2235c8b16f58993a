"""Use cases: load through the store, decide with the domain, write through the store."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from msgspec import Struct, field

from chalicelib.domain.clock import Clock, system_clock
from chalicelib.store import Store


def new_id() -> str:
    return uuid.uuid4().hex


class Context(Struct, frozen=True):
    """What every use case needs: the store, the clock and an id source."""

    store: Store
    clock: Clock = system_clock
    ids: Callable[[], str] = field(default=new_id)
