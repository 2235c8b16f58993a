"""What every view gets (:class:`Views`), and the views that belong to no resource.

A resource's views live with its models in :mod:`chalicelib.api.resources`.
"""

from __future__ import annotations

from chalice.app import Request

from chalicelib.api import models
from chalicelib.api.http import endpoint, parse_body
from chalicelib.config import settings
from chalicelib.domain.clock import Clock, shifted, system_clock
from chalicelib.services import Context
from chalicelib.store import Store


class Views:
    """What every view gets: the request and the use-case context."""

    # The one clock of the running app; tests replace it to control time.
    clock: Clock = staticmethod(system_clock)

    def __init__(self, request: Request, ctx: Context) -> None:
        self.request = request
        self.ctx = ctx

    @classmethod
    def live(cls, request: Request) -> Views:
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


@endpoint(
    body=models.LocalTokenIn,
    response=models.LocalTokenOut,
    store=False,
    request_example={"userId": "demo-student", "name": "Sam Student"},
    response_example={
        "token": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.e30.c2lnbmF0dXJl",
        "userId": "demo-student",
    },
)
def local_token(v: Views) -> models.LocalTokenOut:
    """A signed token for any user id: the local sign-in page (local stage only).

    Public, and only on the local stage: no other stage has this route. The
    token is HS256, signed with `AUTH_JWT_SECRET`, valid for 12 hours, with
    `sub` = `userId` and the `name` and `email` given.
    """
    from chalicelib.local_tokens import mint_token

    body = parse_body(v.request, models.LocalTokenIn)
    token = mint_token(body.user_id, body.name, body.email, hours=12)
    return models.LocalTokenOut(token=token, user_id=body.user_id)


@endpoint(
    response=models.Health,
    store=False,
    response_example={
        "status": "ok",
        "service": "careerforge-sessions",
        "time": "2026-12-02T09:00:00Z",
    },
)
def health(v: Views) -> models.Health:
    """Whether the API answers, and its clock.

    Public. Does not touch the database.
    """
    return models.Health(time=v.ctx.clock())
