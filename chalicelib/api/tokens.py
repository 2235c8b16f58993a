"""Bearer-token verification.

Local tokens are HS256 with ``AUTH_JWT_SECRET`` (the ``local`` and ``test``
stages only); a real identity provider's tokens are verified with the keys
published at ``AUTH_JWKS_URL``. The algorithm is the key's, never the token's:
a JWKS key's type and curve fix it (RSA → RS256, EC P-256 → ES256, ...), and a
token whose header names another one is refused, so ``alg: none``, HS256 with
the public key as secret, and an EC algorithm on an RSA key are all refused
before any signature check runs. Any failure to verify, whatever PyJWT or
cryptography raise, is an :class:`InvalidToken`: a 401, never an authorizer
failure (a 500).

Keys from a JWKS are kept only as long as the JWKS's own ``Cache-Control:
max-age`` says (within :data:`MIN_TTL_SECONDS` .. :data:`MAX_TTL_SECONDS`), so a
key the provider removes after a compromise stops being trusted by every warm
container within that time. A token naming an unknown ``kid`` (a rotation)
refetches the JWKS, at most once per :data:`UNKNOWN_KID_REFETCH_SECONDS`.
"""

from __future__ import annotations

import json
import re
import threading
import time
import urllib.request
from collections.abc import Callable, Mapping
from email.message import Message
from typing import Any
from urllib.parse import urlsplit

import jwt
from msgspec import Struct

from chalicelib.config import Settings, require_safe_auth, shared_secret_allowed
from chalicelib.domain.identity import Identity

LEEWAY_SECONDS = 30
DEFAULT_TTL_SECONDS = 300.0
MIN_TTL_SECONDS = 30.0
MAX_TTL_SECONDS = 3600.0
UNKNOWN_KID_REFETCH_SECONDS = 30.0
# After a failed fetch, requests are refused without another try for this long,
# so an unreachable JWKS does not cost every request a fetch timeout.
FAILED_FETCH_RETRY_SECONDS = 5.0
FETCH_TIMEOUT_SECONDS = 5.0
MAX_JWKS_BYTES = 1_000_000
RSA_ALGORITHMS = frozenset({"RS256", "RS384", "RS512", "PS256", "PS384", "PS512"})
EC_ALGORITHMS = {"P-256": "ES256", "P-384": "ES384", "P-521": "ES512"}
OKP_CURVES = frozenset({"Ed25519", "Ed448"})
_SUB = re.compile(r"^[A-Za-z0-9@._:|+=-]{1,128}$")
_MAX_AGE = re.compile(r"(?:^|,)\s*max-age\s*=\s*\"?(\d+)\"?\s*(?:,|$)", re.IGNORECASE)

Clock = Callable[[], float]


class InvalidToken(Exception):
    """The token cannot be trusted; the message says why (for logs, not clients)."""


class Verified(Struct, frozen=True):
    """What a token proves: the caller, and whether the provider verified the email."""

    identity: Identity
    email_verified: bool


class _Key(Struct, frozen=True):
    key: Any
    algorithm: str


class JwksDocument(Struct, frozen=True):
    """A fetched JWKS: its body and how long it may be trusted."""

    body: bytes
    max_age: float | None


def key_algorithm(jwk: Mapping[str, Any]) -> str | None:
    """The one algorithm a JWK may verify, from its type and curve; None for no usable key.

    A JWK's own ``alg`` is honoured only when it fits the key type; symmetric
    (``oct``) keys and keys not meant for signatures are never usable.
    """
    if jwk.get("use", "sig") != "sig":
        return None
    kty, declared = jwk.get("kty"), jwk.get("alg")
    implied: str | None = None
    if kty == "RSA":
        implied = declared if declared in RSA_ALGORITHMS else "RS256"
    elif kty == "EC":
        implied = EC_ALGORITHMS.get(str(jwk.get("crv")))
    elif kty == "OKP" and jwk.get("crv") in OKP_CURVES:
        implied = "EdDSA"
    if implied is None or (declared is not None and declared != implied):
        return None
    return implied


def parse_max_age(cache_control: str | None) -> float | None:
    """``max-age`` of a ``Cache-Control`` header (``no-store``/``no-cache`` count as 0)."""
    if not cache_control:
        return None
    if re.search(r"\bno-(?:store|cache)\b", cache_control, re.IGNORECASE):
        return 0.0
    found = _MAX_AGE.search(cache_control)
    return float(found.group(1)) if found else None


def fetch_jwks(url: str) -> JwksDocument:
    """GET the JWKS (http or https only; the stage check demands https outside tests)."""
    if urlsplit(url).scheme not in ("https", "http"):
        raise InvalidToken("AUTH_JWKS_URL must be an http(s) URL")
    request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310
    with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT_SECONDS) as reply:  # noqa: S310
        headers: Message = reply.headers
        body: bytes = reply.read(MAX_JWKS_BYTES + 1)
    if len(body) > MAX_JWKS_BYTES:
        raise InvalidToken("the JWKS is too large")
    return JwksDocument(body, parse_max_age(headers.get("Cache-Control")))


class JwksCache:
    """The signing keys of one JWKS, trusted for the JWKS's own cache lifetime.

    PyJWT's ``PyJWKClient`` keeps keys for the life of the process, so a key
    removed from the JWKS would stay trusted by every warm Lambda. Here the
    keys expire with the document; the clock and the fetch are parameters so
    tests move time instead of waiting.
    """

    def __init__(
        self,
        url: str,
        *,
        clock: Clock = time.monotonic,
        fetch: Callable[[str], JwksDocument] = fetch_jwks,
        default_ttl: float = DEFAULT_TTL_SECONDS,
        max_ttl: float = MAX_TTL_SECONDS,
        min_ttl: float = MIN_TTL_SECONDS,
        refetch_interval: float = UNKNOWN_KID_REFETCH_SECONDS,
    ) -> None:
        self.url = url
        self._clock = clock
        self._fetch = fetch
        self._default_ttl = default_ttl
        self._max_ttl = max_ttl
        self._min_ttl = min_ttl
        self._refetch_interval = refetch_interval
        self._lock = threading.Lock()
        self._keys: dict[str, _Key] = {}
        self._expires_at = float("-inf")
        self._last_attempt = float("-inf")
        self._last_failed = False

    def key(self, kid: str) -> _Key:
        """The key with this ``kid``, refetching the JWKS when it expired or (rarely) to find it.

        Raises:
            InvalidToken: no such key, or the JWKS could not be fetched.
        """
        with self._lock:
            now = self._clock()
            if now >= self._expires_at:
                self._keys = {}
                if not (
                    self._last_failed and now - self._last_attempt < FAILED_FETCH_RETRY_SECONDS
                ):
                    self._refresh(now)
            found = self._keys.get(kid)
            if found is None and now - self._last_attempt >= self._refetch_interval:
                # A new kid may be a rotation; a flood of made-up kids costs one fetch per interval.
                self._refresh(now)
                found = self._keys.get(kid)
        if found is None:
            raise InvalidToken(f"no signing key {kid!r} in the JWKS")
        return found

    def _refresh(self, now: float) -> None:
        self._last_attempt = now
        self._last_failed = True
        try:
            document = self._fetch(self.url)
            keys = _parse_keys(document.body)
        except InvalidToken:
            raise
        except Exception as exc:
            # Expired keys stay dropped: a JWKS that cannot be read trusts nothing.
            raise InvalidToken(f"the JWKS could not be read: {type(exc).__name__}") from exc
        ttl = self._default_ttl if document.max_age is None else document.max_age
        self._keys = keys
        self._expires_at = now + min(max(ttl, self._min_ttl), self._max_ttl)
        self._last_failed = False


def _parse_keys(body: bytes) -> dict[str, _Key]:
    data = json.loads(body)
    entries = data.get("keys") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise InvalidToken("the JWKS has no 'keys' list")
    keys: dict[str, _Key] = {}
    for jwk in entries:
        if not isinstance(jwk, dict) or not isinstance(jwk.get("kid"), str):
            continue
        algorithm = key_algorithm(jwk)
        if algorithm is None:
            continue
        try:
            parsed = jwt.PyJWK(jwk, algorithm=algorithm)
        except Exception:  # noqa: S112 - one malformed key must not void the others
            continue
        keys[jwk["kid"]] = _Key(parsed.key, algorithm)
    return keys


_jwks_caches: dict[str, JwksCache] = {}
_jwks_lock = threading.Lock()


def jwks_cache(url: str) -> JwksCache:
    """This container's cache for ``url`` (a warm Lambda reuses it until its keys expire)."""
    with _jwks_lock:
        found = _jwks_caches.get(url)
        if found is None:
            found = _jwks_caches[url] = JwksCache(url)
        return found


def _signing_key(token: str, cfg: Settings, jwks: JwksCache | None) -> _Key:
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise InvalidToken(f"malformed token: {exc}") from exc
    alg, kid = header.get("alg"), header.get("kid")
    if alg == "HS256" and shared_secret_allowed(cfg):
        return _Key(cfg.jwt_secret, "HS256")
    if not cfg.jwks_url:
        raise InvalidToken(f"algorithm {alg!r} is not accepted here")
    if not isinstance(kid, str) or not kid:
        raise InvalidToken("the token names no key (kid)")
    key = (jwks or jwks_cache(cfg.jwks_url)).key(kid)
    if alg != key.algorithm:
        raise InvalidToken(f"algorithm {alg!r} does not fit key {kid!r} ({key.algorithm})")
    return key


def _check_binding(claims: Mapping[str, Any], cfg: Settings) -> None:
    """The token was made for this app: ``token_use`` and ``client_id`` when configured."""
    if cfg.token_use is not None and claims.get("token_use") != cfg.token_use:
        raise InvalidToken(f"token_use is not {cfg.token_use!r}")
    if cfg.client_id is not None and claims.get("client_id") != cfg.client_id:
        raise InvalidToken("client_id is not this app's")


def _decode(token: str, cfg: Settings, jwks: JwksCache | None) -> dict[str, Any]:
    key = _signing_key(token, cfg, jwks)
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            key.key,
            algorithms=[key.algorithm],
            audience=cfg.audience,
            issuer=cfg.issuer,
            leeway=LEEWAY_SECONDS,
            options={"require": ["exp", "sub"], "verify_aud": cfg.audience is not None},
        )
    except jwt.PyJWTError as exc:
        raise InvalidToken(str(exc)) from exc
    _check_binding(claims, cfg)
    return claims


def _email_verified(claims: Mapping[str, Any]) -> bool:
    # Exactly what the token says (Cognito sends a boolean, some providers the
    # string); what a stage makes of a missing claim is the views' decision.
    value = claims.get("email_verified")
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def authenticate(token: str, cfg: Settings, jwks: JwksCache | None = None) -> Verified:
    """What a token proves.

    Raises:
        InvalidToken: bad signature, expired, wrong issuer/audience/client, bad
            claims, an unusable configuration, or anything else that went wrong.
    """
    try:
        # Settings are read per call: a stage that lost its issuer or audience
        # since it started accepts nothing rather than any token.
        require_safe_auth(cfg)
        claims = _decode(token, cfg, jwks)
    except InvalidToken:
        raise
    except Exception as exc:
        raise InvalidToken(f"verification failed: {type(exc).__name__}: {exc}") from exc
    sub = claims.get("sub")
    if not isinstance(sub, str) or not _SUB.match(sub):
        raise InvalidToken("sub must be 1-128 characters of [A-Za-z0-9@._:|+=-]")
    name, email = claims.get("name"), claims.get("email")
    identity = Identity(
        user_id=sub,
        name=name[:200] if isinstance(name, str) else None,
        email=email[:254] if isinstance(email, str) else None,
    )
    return Verified(identity, _email_verified(claims))


def verify(token: str, cfg: Settings, jwks: JwksCache | None = None) -> Identity:
    """The identity a token proves (see :func:`authenticate`).

    Raises:
        InvalidToken: the token cannot be trusted.
    """
    return authenticate(token, cfg, jwks).identity
