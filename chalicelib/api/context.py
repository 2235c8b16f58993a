"""What every view is called with: the request and the use-case context."""

from __future__ import annotations

from chalice.app import Request

from chalicelib.config import settings
from chalicelib.domain.clock import Clock, shifted, system_clock
from chalicelib.services import Context
from chalicelib.store import Store


class RequestContext:
    """What every view gets: the request and the use-case context."""

    # The one clock of the running app; tests replace it to control time.
    clock: Clock = staticmethod(system_clock)

    def __init__(self, request: Request, ctx: Context) -> None:
        self.request = request
        self.ctx = ctx

    @classmethod
    def live(cls, request: Request) -> RequestContext:
        cfg = settings()
        clock = cls.clock
        if cfg.local_clock_file:
            clock = shifted(clock, _travelled(cfg.local_clock_file))
        return cls(request, Context(Store.from_settings(), clock=clock))


def _travelled(path: str) -> float:
    """Seconds the local stage's clock is moved (a file written by devstack; 0 without one).

    Lets a developer, and the end-to-end tests, see a join window open without
    waiting for it. ``settings()`` offers the file on the local stage only.
    """
    try:
        with open(path) as f:
            return float(f.read().strip() or 0)
    except (OSError, ValueError):
        return 0.0
