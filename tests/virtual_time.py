"""A monotonic clock that moves only when the store sleeps: retries cost no real time."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest


@dataclass
class VirtualTime:
    seconds: float = 0.0
    sleeps: list[float] = field(default_factory=list)

    def now(self) -> float:
        return self.seconds

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.seconds += seconds


def install(monkeypatch: pytest.MonkeyPatch) -> VirtualTime:
    """The request budget's clock and the store's sleep, both virtual."""
    from chalicelib import budget
    from chalicelib.store import dynamo

    clock = VirtualTime()
    monkeypatch.setattr(budget, "now", clock.now)
    monkeypatch.setattr(dynamo, "_sleep", clock.sleep)
    return clock
