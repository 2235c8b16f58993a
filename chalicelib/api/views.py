"""The views that belong to no resource.

A resource's views live with its models in :mod:`chalicelib.api.resources`.
"""

from __future__ import annotations

from chalicelib.api import models
from chalicelib.api.context import RequestContext
from chalicelib.api.http import endpoint, parse_body


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
def local_token(rc: RequestContext) -> models.LocalTokenOut:
    """A signed token for any user id: the local sign-in page (local stage only).

    Public, and only on the local stage: no other stage has this route. The
    token is HS256, signed with `AUTH_JWT_SECRET`, valid for 12 hours, with
    `sub` = `userId` and the `name` and `email` given.
    """
    from chalicelib.local_tokens import mint_token

    body = parse_body(rc.request, models.LocalTokenIn)
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
def health(rc: RequestContext) -> models.Health:
    """Whether the API answers, and its clock.

    Public. Does not touch the database.
    """
    return models.Health(time=rc.ctx.clock())
