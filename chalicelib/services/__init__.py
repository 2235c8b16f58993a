"""Use cases: load through the store, decide with the domain, write through the store."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from chalicelib.domain.clock import Clock, system_clock
from chalicelib.store import Store


def new_id() -> str:
    return uuid.uuid4().hex


@dataclass(frozen=True)
class Context:
    """What every use case needs: the store, the clock and an id source."""

    store: Store
    clock: Clock = system_clock
    ids: Callable[[], str] = field(default=new_id)
