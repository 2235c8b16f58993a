"""Chalice's built-in authorizer, and the caller's identity as the views see it.

The verification itself lives in :mod:`chalicelib.api.tokens`.
"""

from __future__ import annotations

import json
import sys

from chalice.app import AuthRequest, AuthResponse, Request

from chalicelib.api.problems import PROBLEM_JSON, HttpProblem, problem_body
from chalicelib.config import settings
from chalicelib.domain.identity import Identity
from chalicelib.logs import logger

# The authorizer context key carrying the token's email_verified claim as
# "true" or "false" (chalicelib.api.resources.caller decides what it means).
EMAIL_VERIFIED = "email_verified"


def bearer_token(header: str | None) -> str:
    from chalicelib.api.tokens import InvalidToken

    if not header:
        raise InvalidToken("no Authorization header")
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise InvalidToken("the Authorization header is not 'Bearer <token>'")
    return token.strip()


def authorize(auth_request: AuthRequest) -> AuthResponse:
    """The built-in authorizer: allow a verified caller, refuse everyone else with 401."""
    # Token verification (PyJWT, cryptography) is imported only by the
    # authorizer, so the API's own Lambda never pays for it at cold start.
    from chalicelib.api.tokens import InvalidToken, authenticate

    try:
        verified = authenticate(bearer_token(auth_request.token), settings())
    except InvalidToken as exc:
        logger.info("token refused", extra={"reason": str(exc)})
        raise _unauthorized() from exc
    identity = verified.identity
    context = {
        "name": identity.name or "",
        "email": identity.email or "",
        # API Gateway passes context values to the handler as strings.
        EMAIL_VERIFIED: "true" if verified.email_verified else "false",
    }
    return AuthResponse(routes=["*"], principal_id=identity.user_id, context=context)


def _unauthorized() -> Exception:
    """The exception that makes the gateway answer 401.

    In AWS, API Gateway turns an authorizer's ``Exception("Unauthorized")``
    into a 401. Chalice's local gateway (``chalice local`` and the test client)
    would turn it into a dropped connection, but it answers its own
    ``NotAuthorizedError`` with a 401; that class exists only where the local
    gateway is loaded, never in the Lambda package.
    """
    local = sys.modules.get("chalice.local")
    if local is None:
        return Exception("Unauthorized")
    body = problem_body(401, "UNAUTHORIZED", "A valid bearer token is required.")
    headers = {"Content-Type": PROBLEM_JSON, "WWW-Authenticate": 'Bearer error="invalid_token"'}
    error: Exception = local.NotAuthorizedError(headers, json.dumps(body).encode())
    return error


def caller(request: Request) -> Identity:
    """The identity the authorizer established for this request."""
    context = (request.context or {}).get("authorizer") or {}
    user_id = context.get("principalId")
    if not user_id:
        # Only reachable if a private route were registered without the authorizer.
        raise HttpProblem(401, "UNAUTHORIZED", "A valid bearer token is required.")
    return Identity(
        user_id=user_id, name=context.get("name") or None, email=context.get("email") or None
    )
