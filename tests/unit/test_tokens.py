"""Token verification: the key decides the algorithm, keys expire with their JWKS, tokens are bound.

A JWKS is served on loopback by the test itself, with the ``Cache-Control`` it
chooses and keys it can remove; the cache's clock is a parameter, so time moves
without sleeping.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from jwt.algorithms import ECAlgorithm, OKPAlgorithm, RSAAlgorithm

from chalicelib.api.tokens import (
    InvalidToken,
    JwksCache,
    authenticate,
    key_algorithm,
    parse_max_age,
    verify,
)
from chalicelib.config import Settings

ISSUER = "https://cognito-idp.us-east-1.amazonaws.com/pool"
AUDIENCE = "web-client-id"
SECRET = "unit-test-secret-of-at-least-32-bytes!"


def config(**changes: Any) -> Settings:
    base: dict[str, Any] = {
        "table_name": "t",
        "dynamodb_endpoint_url": None,
        "region": "us-east-1",
        "jwt_secret": None,
        "jwks_url": None,
        "issuer": ISSUER,
        "audience": AUDIENCE,
        "jitsi_base_url": "https://meet.jit.si",
        "cursor_secret": "c",
        "cors_origin": "https://app.example",
        "stage": "test",
        "token_use": "id",
    }
    return Settings(**{**base, **changes})


def fresh(**extra: Any) -> dict[str, Any]:
    """Valid ID-token claims; a claim given as None is left out."""
    now = int(time.time())
    claims = {"sub": "u-1", "iat": now, "exp": now + 600, "iss": ISSUER, "aud": AUDIENCE}
    merged = {**claims, "token_use": "id", **extra}
    return {k: v for k, v in merged.items() if v is not None}


def jwk_of(key: Any, kid: str, alg: str | None) -> dict[str, Any]:
    public = key.public_key()
    if isinstance(public, rsa.RSAPublicKey):
        data = json.loads(RSAAlgorithm.to_jwk(public))
    elif isinstance(public, ec.EllipticCurvePublicKey):
        data = json.loads(ECAlgorithm.to_jwk(public))
    else:
        data = json.loads(OKPAlgorithm.to_jwk(public))
    data.update({"kid": kid, "use": "sig"})
    if alg:
        data["alg"] = alg
    return dict(data)


@dataclass
class Idp:
    """An identity provider's JWKS endpoint that the test can change while it runs."""

    url: str = ""
    keys: dict[str, dict[str, Any]] = field(default_factory=dict)
    cache_control: str | None = "max-age=600"
    body: bytes | None = None
    fetches: int = 0


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def ec_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


@pytest.fixture
def idp(rsa_key: rsa.RSAPrivateKey, ec_key: ec.EllipticCurvePrivateKey) -> Iterator[Idp]:
    state = Idp()
    # Neither key says its alg: the type and curve must be enough.
    state.keys["rsa-1"] = jwk_of(rsa_key, "rsa-1", None)
    state.keys["ec-1"] = jwk_of(ec_key, "ec-1", None)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.fetches += 1
            body = state.body or json.dumps({"keys": list(state.keys.values())}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            if state.cache_control:
                self.send_header("Cache-Control", state.cache_control)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/.well-known/jwks.json"
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def cache(idp: Idp, clock: FakeClock) -> JwksCache:
    return JwksCache(idp.url, clock=clock)


def raw(header: dict[str, Any], claims: dict[str, Any] | None = None) -> str:
    """A token with this header and claims (default ``{}``), and a junk signature."""

    def part(data: object) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    return f"{part(header)}.{part(claims or {})}.AAAA"


def sign(key: Any, alg: str, kid: str, **extra: Any) -> str:
    return jwt.encode(fresh(**extra), key, algorithm=alg, headers={"kid": kid})


def refused(token: str, cfg: Settings, cache: JwksCache | None = None) -> str:
    with pytest.raises(InvalidToken) as caught:
        verify(token, cfg, cache)
    return str(caught.value)


# --- the key decides the algorithm (finding 1) -------------------------------


def test_tokens_signed_as_their_keys_say_are_accepted(
    idp: Idp, cache: JwksCache, rsa_key: Any, ec_key: Any
) -> None:
    cfg = config(jwks_url=idp.url)
    assert verify(sign(rsa_key, "RS256", "rsa-1"), cfg, cache).user_id == "u-1"
    assert verify(sign(ec_key, "ES256", "ec-1"), cfg, cache).user_id == "u-1"


@pytest.mark.parametrize(
    ("alg", "kid", "signer"),
    [("ES256", "rsa-1", "ec"), ("RS256", "ec-1", "rsa"), ("PS256", "rsa-1", "rsa")],
)
def test_a_header_alg_that_does_not_fit_the_key_is_refused_not_an_error(
    idp: Idp, cache: JwksCache, rsa_key: Any, ec_key: Any, alg: str, kid: str, signer: str
) -> None:
    # PyJWT raised TypeError (not a PyJWTError) for the first two: the authorizer failed, a 500.
    key = ec_key if signer == "ec" else rsa_key
    reason = refused(sign(key, alg, kid), config(jwks_url=idp.url), cache)
    assert "does not fit" in reason


def test_alg_none_is_refused(idp: Idp, cache: JwksCache) -> None:
    unsigned = jwt.encode(fresh(), key=None, algorithm="none", headers={"kid": "rsa-1"})  # type: ignore[arg-type]
    refused(unsigned, config(jwks_url=idp.url), cache)
    refused(unsigned + "c2ln", config(jwks_url=idp.url), cache)


def test_hs256_with_the_public_key_as_secret_is_refused(
    idp: Idp, cache: JwksCache, rsa_key: Any
) -> None:
    pem = rsa_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    # PyJWT will not sign HS256 with a PEM, so forge it by hand as an attacker would.
    signing_input = raw({"alg": "HS256", "kid": "rsa-1", "typ": "JWT"}, fresh()).rsplit(".", 1)[0]
    mac = hmac.new(pem, signing_input.encode(), hashlib.sha256).digest()
    forged = f"{signing_input}.{base64.urlsafe_b64encode(mac).rstrip(b'=').decode()}"
    refused(forged, config(jwks_url=idp.url), cache)
    # Even where a shared secret is allowed, the public key is not it.
    refused(forged, config(jwks_url=idp.url, jwt_secret=SECRET), cache)


@pytest.mark.parametrize(
    "token",
    [
        "",
        "garbage",
        "a.b.c",
        raw({"alg": "ES256", "kid": "rsa-1"}),
        raw({"alg": "RS256", "kid": "rsa-1"}),
        raw({"alg": "RS256", "kid": [1]}),
        raw({"alg": ["RS256"], "kid": "rsa-1"}),
        raw({"alg": "RS256", "kid": "rsa-1", "crit": ["b64"]}),
        "\x00\x01.\x02.\x03",
    ],
)
def test_garbage_is_refused(idp: Idp, cache: JwksCache, token: str) -> None:
    refused(token, config(jwks_url=idp.url), cache)


def test_only_keys_fit_for_signing_are_used() -> None:
    ec384 = jwk_of(ec.generate_private_key(ec.SECP384R1()), "p384", None)
    okp = jwk_of(ed25519.Ed25519PrivateKey.generate(), "ed", None)
    rsa_jwk = {"kty": "RSA", "n": "x", "e": "AQAB"}
    assert key_algorithm(rsa_jwk) == "RS256"
    assert key_algorithm({**rsa_jwk, "alg": "PS384"}) == "PS384"
    assert key_algorithm({**rsa_jwk, "alg": "ES256"}) is None  # contradicts its type
    assert key_algorithm({**rsa_jwk, "alg": "HS256"}) is None
    assert key_algorithm({**rsa_jwk, "use": "enc"}) is None
    assert key_algorithm(ec384) == "ES384"
    assert key_algorithm({**ec384, "alg": "ES256"}) is None
    assert key_algorithm(okp) == "EdDSA"
    assert key_algorithm({"kty": "oct", "k": "c2VjcmV0"}) is None


def test_an_unreadable_jwks_refuses_instead_of_failing(idp: Idp, rsa_key: Any) -> None:
    idp.body = b"<html>not json</html>"
    cache = JwksCache(idp.url, clock=FakeClock())
    assert "JWKS" in refused(sign(rsa_key, "RS256", "rsa-1"), config(jwks_url=idp.url), cache)


# --- keys expire with the JWKS (finding 4) -----------------------------------


def test_a_removed_key_is_refused_once_the_jwks_lifetime_is_over(
    idp: Idp, clock: FakeClock, cache: JwksCache, rsa_key: Any
) -> None:
    cfg = config(jwks_url=idp.url)
    idp.cache_control = "public, max-age=120"
    token = sign(rsa_key, "RS256", "rsa-1")
    assert verify(token, cfg, cache).user_id == "u-1"
    del idp.keys["rsa-1"]  # the provider drops a compromised key
    clock.now += 119
    assert verify(token, cfg, cache).user_id == "u-1"  # still within max-age
    clock.now += 2
    refused(token, cfg, cache)
    assert idp.fetches == 2


@pytest.mark.parametrize(
    ("cache_control", "lifetime"),
    [(None, 300), ("max-age=86400", 3600), ("no-store", 30), ("max-age=0", 30)],
)
def test_the_lifetime_has_a_default_a_cap_and_a_floor(
    idp: Idp,
    clock: FakeClock,
    cache: JwksCache,
    rsa_key: Any,
    cache_control: str | None,
    lifetime: float,
) -> None:
    idp.cache_control = cache_control
    cfg = config(jwks_url=idp.url)
    token = sign(rsa_key, "RS256", "rsa-1")
    verify(token, cfg, cache)
    del idp.keys["rsa-1"]
    clock.now += lifetime - 1
    verify(token, cfg, cache)
    clock.now += 1
    refused(token, cfg, cache)


def test_an_unknown_kid_refetches_at_most_once_per_interval(
    idp: Idp, clock: FakeClock, cache: JwksCache, rsa_key: Any
) -> None:
    cfg = config(jwks_url=idp.url)
    verify(sign(rsa_key, "RS256", "rsa-1"), cfg, cache)
    assert idp.fetches == 1
    rotated = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    idp.keys["rsa-2"] = jwk_of(rotated, "rsa-2", "RS256")
    # Just fetched: a new kid waits for the interval rather than hammering the provider.
    refused(sign(rotated, "RS256", "rsa-2"), cfg, cache)
    assert idp.fetches == 1
    clock.now += 30
    assert verify(sign(rotated, "RS256", "rsa-2"), cfg, cache).user_id == "u-1"
    assert idp.fetches == 2
    for n in range(20):
        refused(sign(rotated, "RS256", f"made-up-{n}"), cfg, cache)
    assert idp.fetches == 2
    clock.now += 30
    refused(sign(rotated, "RS256", "made-up-again"), cfg, cache)
    assert idp.fetches == 3


def test_max_age_is_read_from_cache_control() -> None:
    assert parse_max_age("public, max-age=3600, must-revalidate") == 3600
    assert parse_max_age('max-age="60"') == 60
    assert parse_max_age("s-maxage=10") is None
    assert parse_max_age("no-cache") == 0
    assert parse_max_age(None) is None


# --- tokens bound to this app (finding 3) ------------------------------------


def test_an_id_token_for_another_app_client_is_refused(
    idp: Idp, cache: JwksCache, rsa_key: Any
) -> None:
    cfg = config(jwks_url=idp.url)
    refused(sign(rsa_key, "RS256", "rsa-1", aud="another-client"), cfg, cache)
    refused(sign(rsa_key, "RS256", "rsa-1", iss="https://elsewhere"), cfg, cache)
    refused(sign(rsa_key, "RS256", "rsa-1", token_use="access"), cfg, cache)


def test_access_tokens_are_bound_by_client_id_and_token_use(
    idp: Idp, cache: JwksCache, rsa_key: Any
) -> None:
    cfg = config(jwks_url=idp.url, audience=None, client_id=AUDIENCE, token_use="access")
    access = {"aud": None, "token_use": "access", "client_id": AUDIENCE}

    def token(**extra: Any) -> str:
        claims = fresh(**{**access, **extra})
        return jwt.encode(claims, rsa_key, algorithm="RS256", headers={"kid": "rsa-1"})

    assert verify(token(), cfg, cache).user_id == "u-1"
    refused(token(client_id="another-client"), cfg, cache)
    refused(token(client_id=None), cfg, cache)
    refused(token(token_use="id"), cfg, cache)


def test_a_deployed_stage_without_an_audience_accepts_nothing(
    idp: Idp, cache: JwksCache, rsa_key: Any
) -> None:
    # Settings are read per request: losing the audience must not open the door.
    cfg = config(jwks_url="https://idp.example/jwks.json", stage="prod", audience=None)
    assert "AUTH_AUDIENCE" in refused(sign(rsa_key, "RS256", "rsa-1"), cfg, cache)


def test_email_verified_is_exactly_the_providers_claim(
    idp: Idp, cache: JwksCache, rsa_key: Any
) -> None:
    cfg = config(jwks_url=idp.url)

    def verified(**claims: Any) -> bool:
        token = sign(rsa_key, "RS256", "rsa-1", email="a@example.com", **claims)
        return authenticate(token, cfg, cache).email_verified

    assert verified(email_verified=True)
    assert verified(email_verified="true")
    assert not verified(email_verified=False)
    assert not verified(email_verified="false")
    assert not verified()
    assert not verified(email_verified="yes")


# --- shared secrets only in the local and test stages (finding 7) ----------


def test_hs256_is_accepted_only_locally_and_never_in_lambda() -> None:
    local = config(jwt_secret=SECRET, stage="local", issuer=None, audience=None, token_use=None)
    token = jwt.encode(fresh(aud=None), SECRET, algorithm="HS256")
    assert verify(token, local).user_id == "u-1"
    refused(token, config(jwt_secret=SECRET, stage="local", in_lambda=True, audience=None))
    refused(token, config(jwt_secret=SECRET, stage="staging", jwks_url="https://idp/jwks"))
