"""The built-in authorizer: HS256 locally, RS256/ES256 through a JWKS, and every refusal a 401."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

from tests.integration.conftest import TEST_SECRET, Api

ME = "/api/v1/me"
ISSUER = "https://issuer.test/pool"
AUDIENCE = "careerforge-web"


def hs(claims: dict[str, Any], secret: str = TEST_SECRET) -> str:
    return jwt.encode(claims, secret, algorithm="HS256")


def fresh(**extra: Any) -> dict[str, Any]:
    now = int(time.time())
    return {"sub": "u-1", "iat": now, "exp": now + 600, **extra}


def assert_401(reply: Any) -> None:
    assert reply.status == 401, reply.body
    assert reply.body["code"] == "UNAUTHORIZED"
    assert reply.headers["Content-Type"] == "application/problem+json"


def test_valid_hs256_token_is_accepted(api: Api) -> None:
    assert api.get(ME, token=hs(fresh())).status == 200


def test_missing_header_is_401(api: Api) -> None:
    assert api.get(ME).status == 401


@pytest.mark.parametrize(
    "header",
    [
        "Bearer",
        "Bearer ",
        "Basic dXNlcjpwYXNz",
        "Bearer not-a-jwt",
        "Bearer a.b.c",
        "Bearer " + "A" * 5000,
        "Bearer \x00\x01",
        "Token abc",
    ],
)
def test_garbage_authorization_is_401(api: Api, header: str) -> None:
    assert_401(api.get(ME, headers={"Authorization": header}))


def test_expired_token_is_401(api: Api) -> None:
    now = int(time.time())
    assert_401(api.get(ME, token=hs({"sub": "u-1", "iat": now - 7200, "exp": now - 3600})))


def test_token_without_exp_or_sub_is_401(api: Api) -> None:
    assert_401(api.get(ME, token=hs({"sub": "u-1"})))
    assert_401(api.get(ME, token=hs({"exp": int(time.time()) + 600})))


def test_sub_with_odd_characters_is_401(api: Api) -> None:
    assert_401(api.get(ME, token=hs(fresh(sub="a#b"))))
    assert_401(api.get(ME, token=hs(fresh(sub="x" * 200))))
    assert_401(api.get(ME, token=hs(fresh(sub=42))))


def test_wrong_secret_is_401(api: Api) -> None:
    assert_401(api.get(ME, token=hs(fresh(), secret="another-secret-that-is-long-enough!!")))


def test_alg_none_is_401(api: Api) -> None:
    unsigned = jwt.encode(fresh(), key=None, algorithm="none")  # type: ignore[arg-type]
    assert_401(api.get(ME, token=unsigned))
    assert_401(api.get(ME, token=unsigned + "c2ln"))


def test_issuer_and_audience_are_checked_when_configured(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AUTH_ISSUER", ISSUER)
    monkeypatch.setenv("AUTH_AUDIENCE", AUDIENCE)
    assert api.get(ME, token=hs(fresh(iss=ISSUER, aud=AUDIENCE))).status == 200
    assert_401(api.get(ME, token=hs(fresh(iss="https://evil.test", aud=AUDIENCE))))
    assert_401(api.get(ME, token=hs(fresh(iss=ISSUER, aud="someone-else"))))
    assert_401(api.get(ME, token=hs(fresh())))


# --- RS256 / ES256 through a JWKS this test serves itself on loopback -------


class _Keys:
    def __init__(self) -> None:
        self.rsa = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.ec = ec.generate_private_key(ec.SECP256R1())
        self.stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    def jwks(self) -> dict[str, Any]:
        rsa_jwk = json.loads(RSAAlgorithm.to_jwk(self.rsa.public_key()))
        ec_jwk = json.loads(ECAlgorithm.to_jwk(self.ec.public_key()))
        return {
            "keys": [
                {**rsa_jwk, "kid": "rsa-1", "alg": "RS256", "use": "sig"},
                {**ec_jwk, "kid": "ec-1", "alg": "ES256", "use": "sig"},
            ]
        }


@pytest.fixture(scope="module")
def keys() -> _Keys:
    return _Keys()


@pytest.fixture
def jwks_url(keys: _Keys) -> Iterator[str]:
    body = json.dumps(keys.jwks()).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            return None

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/.well-known/jwks.json"
    server.shutdown()
    server.server_close()


@pytest.fixture
def idp(api: Api, jwks_url: str, monkeypatch: pytest.MonkeyPatch) -> Api:
    monkeypatch.setenv("AUTH_JWKS_URL", jwks_url)
    monkeypatch.setenv("AUTH_ISSUER", ISSUER)
    monkeypatch.setenv("AUTH_AUDIENCE", AUDIENCE)
    monkeypatch.delenv("AUTH_JWT_SECRET")
    return api


def signed(key: Any, alg: str, kid: str, **extra: Any) -> str:
    claims = fresh(**{"iss": ISSUER, "aud": AUDIENCE, "name": "Idp User", **extra})
    return jwt.encode(claims, key, algorithm=alg, headers={"kid": kid})


def test_rs256_and_es256_from_the_jwks_are_accepted(idp: Api, keys: _Keys) -> None:
    rs = idp.get(ME, token=signed(keys.rsa, "RS256", "rsa-1"))
    assert rs.status == 200
    assert rs.body["name"] == "Idp User"
    assert idp.get(ME, token=signed(keys.ec, "ES256", "ec-1")).status == 200


def test_key_not_in_the_jwks_is_401(idp: Api, keys: _Keys) -> None:
    assert_401(idp.get(ME, token=signed(keys.stranger, "RS256", "rsa-1")))
    assert_401(idp.get(ME, token=signed(keys.stranger, "RS256", "unknown-kid")))


def test_hs256_is_refused_when_only_a_jwks_is_configured(idp: Api, keys: _Keys) -> None:
    # The classic key-confusion attack: sign HS256 with the public key as the secret.
    from cryptography.hazmat.primitives import serialization

    public_pem = keys.rsa.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    forged = jwt.encode(fresh(iss=ISSUER, aud=AUDIENCE), TEST_SECRET, algorithm="HS256")
    assert_401(idp.get(ME, token=forged))
    header = {"alg": "HS256", "kid": "rsa-1"}
    confused = jwt.api_jws.PyJWS().encode(
        json.dumps(fresh(iss=ISSUER, aud=AUDIENCE)).encode(),
        public_pem.decode()[:40],
        algorithm="HS256",
        headers=header,
    )
    assert_401(idp.get(ME, token=confused))


def test_idp_token_with_wrong_audience_or_expired_is_401(idp: Api, keys: _Keys) -> None:
    assert_401(idp.get(ME, token=signed(keys.rsa, "RS256", "rsa-1", aud="other")))
    now = int(time.time())
    assert_401(idp.get(ME, token=signed(keys.ec, "ES256", "ec-1", exp=now - 3600)))


def test_unreachable_jwks_is_401_not_500(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.e2e.ports import unused_port

    monkeypatch.setenv("AUTH_JWKS_URL", f"http://127.0.0.1:{unused_port()}/jwks.json")
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    token = jwt.encode(fresh(), key, algorithm="RS256", headers={"kid": "k"})
    assert_401(api.get(ME, token=token))


@pytest.mark.parametrize(
    ("alg", "kid", "signer"),
    [("ES256", "rsa-1", "ec"), ("RS256", "ec-1", "rsa")],
)
def test_a_header_alg_that_does_not_fit_the_key_is_401_not_500(
    idp: Api, keys: _Keys, alg: str, kid: str, signer: str
) -> None:
    # The key's type decides the algorithm: naming another one in the header is a
    # forged token, not a reason for the authorizer to fail (a 500 at will).
    key = keys.ec if signer == "ec" else keys.rsa
    assert_401(idp.get(ME, token=signed(key, alg, kid)))


def test_access_tokens_need_this_apps_client_id_and_token_use(
    idp: Api, keys: _Keys, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Cognito access tokens carry no aud: client_id names the app client they were issued to.
    monkeypatch.delenv("AUTH_AUDIENCE")
    monkeypatch.setenv("AUTH_CLIENT_ID", AUDIENCE)
    monkeypatch.setenv("AUTH_TOKEN_USE", "access")

    def access(**claims: Any) -> str:
        base = {"iss": ISSUER, "token_use": "access", "client_id": AUDIENCE, **claims}
        body = fresh(**{k: v for k, v in base.items() if v is not None})
        return jwt.encode(body, keys.rsa, algorithm="RS256", headers={"kid": "rsa-1"})

    assert idp.get(ME, token=access()).status == 200
    assert_401(idp.get(ME, token=access(client_id="another-app-client")))
    assert_401(idp.get(ME, token=access(client_id=None)))
    assert_401(idp.get(ME, token=access(token_use="id")))
    assert_401(idp.get(ME, token=signed(keys.rsa, "RS256", "rsa-1")))  # an ID token
