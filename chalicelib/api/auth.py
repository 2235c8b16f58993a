"""Bearer-token verification for Chalice's built-in authorizer, and the caller's identity.

Local tokens are HS256 with ``AUTH_JWT_SECRET``; a real identity provider's
tokens are RS256/ES256, verified with the keys published at ``AUTH_JWKS_URL``.
The algorithm list is chosen by which key is configured, never by the token,
so ``alg: none`` and key-confusion tricks are refused.
"""

from __future__ import annotations

import json
import re
import sys
import threading
from dataclasses import dataclass
from typing import Any

import jwt
from chalice.app import AuthRequest, AuthResponse, Request

from chalicelib.api.problems import PROBLEM_JSON, HttpProblem, problem_body
from chalicelib.config import Settings, settings
from chalicelib.domain.identity import Identity
from chalicelib.logs import logger

ASYMMETRIC = ("RS256", "ES256")
LEEWAY_SECONDS = 30
_SUB = re.compile(r"^[A-Za-z0-9@._:|+=-]{1,128}$")
_jwks_clients: dict[str, jwt.PyJWKClient] = {}
_jwks_lock = threading.Lock()


class InvalidToken(Exception):
    """The token cannot be trusted; the message says why (for logs, not clients)."""


@dataclass(frozen=True)
class _Key:
    key: Any
    algorithms: list[str]


def _jwks_client(url: str) -> jwt.PyJWKClient:
    # Keys are cached per container so a warm Lambda does not refetch them.
    with _jwks_lock:
        found = _jwks_clients.get(url)
        if found is None:
            found = jwt.PyJWKClient(url, cache_keys=True, lifespan=300, timeout=5)
            _jwks_clients[url] = found
        return found


def _signing_key(token: str, cfg: Settings) -> _Key:
    try:
        alg = jwt.get_unverified_header(token).get("alg")
    except jwt.PyJWTError as exc:
        raise InvalidToken(f"malformed token: {exc}") from exc
    if alg == "HS256" and cfg.jwt_secret:
        return _Key(cfg.jwt_secret, ["HS256"])
    if alg in ASYMMETRIC and cfg.jwks_url:
        try:
            return _Key(_jwks_client(cfg.jwks_url).get_signing_key_from_jwt(token).key, [alg])
        except jwt.PyJWTError as exc:
            raise InvalidToken(f"no usable signing key: {exc}") from exc
    raise InvalidToken(f"algorithm {alg!r} is not accepted here")


def verify(token: str, cfg: Settings) -> Identity:
    """The identity a token proves.

    Raises:
        InvalidToken: bad signature, expired, wrong issuer/audience, bad claims.
    """
    key = _signing_key(token, cfg)
    try:
        claims = jwt.decode(
            token,
            key.key,
            algorithms=key.algorithms,
            audience=cfg.audience,
            issuer=cfg.issuer,
            leeway=LEEWAY_SECONDS,
            options={"require": ["exp", "sub"], "verify_aud": cfg.audience is not None},
        )
    except jwt.PyJWTError as exc:
        raise InvalidToken(str(exc)) from exc
    sub = claims.get("sub")
    if not isinstance(sub, str) or not _SUB.match(sub):
        raise InvalidToken("sub must be 1-128 characters of [A-Za-z0-9@._:|+=-]")
    name, email = claims.get("name"), claims.get("email")
    return Identity(
        user_id=sub,
        name=name[:200] if isinstance(name, str) else None,
        email=email[:254] if isinstance(email, str) else None,
    )


def bearer_token(header: str | None) -> str:
    if not header:
        raise InvalidToken("no Authorization header")
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise InvalidToken("the Authorization header is not 'Bearer <token>'")
    return token.strip()


def authorize(auth_request: AuthRequest) -> AuthResponse:
    """The built-in authorizer: allow a verified caller, refuse everyone else with 401."""
    try:
        identity = verify(bearer_token(auth_request.token), settings())
    except InvalidToken as exc:
        logger.info("token refused", extra={"reason": str(exc)})
        raise _unauthorized() from exc
    context = {"name": identity.name or "", "email": identity.email or ""}
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
