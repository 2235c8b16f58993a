"""One module per resource: its request and response models and its views.

A module loads with its first request (:mod:`chalicelib.api.lazy`), so a
cold Lambda builds none of the other resources' models. Only
:func:`caller` lives here: the caller's identity as every resource reads it.
"""

from __future__ import annotations

from chalice.app import Request
from msgspec.structs import replace

from chalicelib.api import auth
from chalicelib.config import settings
from chalicelib.domain.identity import Identity


def _local_stage() -> bool:
    return settings().stage == "local"


def _claimed(value: object) -> bool:
    # API Gateway hands an authorizer's context values over as strings.
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def caller(request: Request) -> Identity:
    """The caller as :func:`chalicelib.api.auth.caller` has it, with ``email_verified`` decided.

    The email counts as verified when the token's ``email_verified`` claim,
    which the authorizer passes on in its context, says so (``true`` or
    ``"true"``), or on the local stage, whose tokens this service mints itself.
    """
    identity = auth.caller(request)
    context = (request.context or {}).get("authorizer") or {}
    verified = identity.email is not None and (
        identity.email_verified or _claimed(context.get("email_verified")) or _local_stage()
    )
    return replace(identity, email_verified=verified)
