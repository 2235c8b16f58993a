"""Bearer-token verification.

Local tokens are HS256 with ``AUTH_JWT_SECRET``; a real identity provider's
tokens are RS256/ES256, verified with the keys published at ``AUTH_JWKS_URL``.
The algorithm list is chosen by which key is configured, never by the token,
so ``alg: none`` and key-confusion tricks are refused.
"""

from __future__ import annotations

import re
import threading
from typing import Any

import jwt
from msgspec import Struct

from chalicelib.config import Settings
from chalicelib.domain.identity import Identity

ASYMMETRIC = ("RS256", "ES256")
LEEWAY_SECONDS = 30
_SUB = re.compile(r"^[A-Za-z0-9@._:|+=-]{1,128}$")
_jwks_clients: dict[str, jwt.PyJWKClient] = {}
_jwks_lock = threading.Lock()


class InvalidToken(Exception):
    """The token cannot be trusted; the message says why (for logs, not clients)."""


class _Key(Struct, frozen=True):
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
