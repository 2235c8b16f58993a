"""Settings, read from the environment at call time (never at import).

Chalice's test client and ``chalice local`` set a stage's environment variables
only while a request runs, so nothing here is cached at module level.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit

from msgspec import Struct

DEFAULT_TABLE = "careerforge-local"
DEFAULT_JITSI = "https://meet.jit.si"
DEFAULT_DYNAMODB_PORT = "8001"
DEPLOYED_STAGES = frozenset({"dev", "prod"})
# The only stages that may verify HS256 tokens with a shared secret: a
# developer's machine and the test suite. Every other stage, named or not, is
# treated as deployed.
SHARED_SECRET_STAGES = frozenset({"local", "test"})
LOCAL_JWT_SECRET = "local-dev-secret"
DEFAULT_WEB_PORT = "5173"
# Cognito's token_use claim: ID tokens carry `aud`, access tokens `client_id`.
TOKEN_USES = frozenset({"id", "access"})


class Settings(Struct, frozen=True):
    """One snapshot of the configuration."""

    table_name: str
    dynamodb_endpoint_url: str | None
    region: str
    jwt_secret: str | None
    jwks_url: str | None
    issuer: str | None
    audience: str | None
    jitsi_base_url: str
    cursor_secret: str
    cors_origin: str
    stage: str
    jitsi: JitsiSigning | None = None
    # Cognito access tokens have no `aud`: the app client is their `client_id`.
    client_id: str | None = None
    token_use: str | None = None
    # Set by the Lambda runtime: the process is in AWS, whatever STAGE says.
    in_lambda: bool = False
    local_clock_file: str | None = None
    # What one request may spend on DynamoDB, retries included (API Gateway stops at 29 s).
    request_budget_seconds: float = 8.0


class JitsiSigning(Struct, frozen=True):
    """How to sign Jitsi room tokens (self-hosted Jitsi with JWT auth, or JaaS)."""

    app_id: str
    algorithm: str
    key: str
    kid: str | None
    issuer: str
    audience: str
    subject: str


def _jitsi(base_url: str) -> JitsiSigning | None:
    app_id = _opt("JITSI_APP_ID")
    secret = _opt("JITSI_APP_SECRET")
    private_key = _opt("JITSI_PRIVATE_KEY")
    kid = _opt("JITSI_KID")
    if not app_id or not (secret or (private_key and kid)):
        return None
    return JitsiSigning(
        app_id=app_id,
        algorithm="RS256" if private_key and kid else "HS256",
        # Environment variables cannot hold newlines everywhere: accept "\n" escapes.
        key=private_key.replace("\\n", "\n") if private_key and kid else str(secret),
        kid=kid if private_key else None,
        issuer=_opt("JITSI_ISSUER") or app_id,
        audience=_opt("JITSI_AUDIENCE") or "jitsi",
        subject=_opt("JITSI_SUBJECT") or urlsplit(base_url).hostname or "*",
    )


class UnsafeConfiguration(RuntimeError):
    """A deployed stage is configured in a way that must not serve traffic."""


def require_safe_auth(cfg: Settings) -> None:
    """Refuse to start a stage that could accept tokens it should not.

    Only the ``local`` stage and the test suite's ``test`` stage may verify
    HS256 tokens with a shared secret, and never inside Lambda (a missing
    ``STAGE`` means ``local``, which must not happen there). Every other stage
    verifies a real identity provider's keys from an ``https`` ``AUTH_JWKS_URL``
    and accepts only tokens of that issuer made for this app: ``AUTH_ISSUER``,
    and ``AUTH_AUDIENCE`` (ID tokens) or ``AUTH_CLIENT_ID`` with
    ``AUTH_TOKEN_USE=access`` (Cognito access tokens, which have no ``aud``).

    Raises:
        UnsafeConfiguration: the first thing that makes the configuration unsafe.
    """
    if cfg.stage in SHARED_SECRET_STAGES:
        if cfg.in_lambda:
            raise UnsafeConfiguration(
                f"stage {cfg.stage!r} is for a developer's machine only, not Lambda "
                "(AWS_LAMBDA_FUNCTION_NAME is set): set STAGE to the deployed stage"
            )
        return
    if cfg.jwt_secret:
        raise UnsafeConfiguration(
            f"stage {cfg.stage!r} must not have AUTH_JWT_SECRET: it verifies only "
            "identity-provider tokens (AUTH_JWKS_URL)"
        )
    if not cfg.jwks_url:
        raise UnsafeConfiguration(f"stage {cfg.stage!r} needs AUTH_JWKS_URL")
    if urlsplit(cfg.jwks_url).scheme != "https":
        raise UnsafeConfiguration(f"stage {cfg.stage!r} needs an https AUTH_JWKS_URL")
    if not cfg.issuer:
        raise UnsafeConfiguration(f"stage {cfg.stage!r} needs AUTH_ISSUER")
    _require_token_binding(cfg)


def _require_token_binding(cfg: Settings) -> None:
    """Tokens must be bound to this app: any other app client of the pool is refused."""
    if cfg.token_use is not None and cfg.token_use not in TOKEN_USES:
        raise UnsafeConfiguration("AUTH_TOKEN_USE must be 'id' or 'access'")
    if cfg.client_id and cfg.token_use != "access":
        raise UnsafeConfiguration(
            "AUTH_CLIENT_ID checks access tokens: it needs AUTH_TOKEN_USE=access"
        )
    if cfg.token_use == "access" and not cfg.client_id:
        raise UnsafeConfiguration("AUTH_TOKEN_USE=access needs AUTH_CLIENT_ID")
    if cfg.token_use == "id" and not cfg.audience:
        raise UnsafeConfiguration("AUTH_TOKEN_USE=id needs AUTH_AUDIENCE")
    if not (cfg.audience or cfg.client_id):
        raise UnsafeConfiguration(
            f"stage {cfg.stage!r} needs AUTH_AUDIENCE (ID tokens) or AUTH_CLIENT_ID with "
            "AUTH_TOKEN_USE=access (access tokens): without one, a token issued to any "
            "app client of the identity provider would be accepted"
        )


def shared_secret_allowed(cfg: Settings) -> bool:
    """Whether HS256 tokens signed with ``AUTH_JWT_SECRET`` may be verified at all."""
    return cfg.stage in SHARED_SECRET_STAGES and not cfg.in_lambda and bool(cfg.jwt_secret)


def cursor_secret() -> str:
    """The key that signs pagination cursors.

    Checked when a cursor is made or read rather than at import, because
    ``chalice package`` imports the app with the stage's configuration, and the
    deployed key only exists once CloudFormation has generated it.

    Raises:
        UnsafeConfiguration: no ``CURSOR_SECRET`` in a stage without a shared
            token secret to fall back on (the deployment template sets one).
    """
    cfg = settings()
    if not cfg.cursor_secret:
        raise UnsafeConfiguration(f"stage {cfg.stage!r} needs CURSOR_SECRET")
    return cfg.cursor_secret


def _opt(name: str) -> str | None:
    value = os.environ.get(name, "").strip()
    return value or None


def settings() -> Settings:
    """Read the current settings from the environment.

    The ``local`` stage fills in what a developer's machine needs (the emulator
    on loopback, the demo signing secret); every other stage gets exactly what
    its environment says, so a missing setting fails closed.
    """
    stage = _opt("STAGE") or "local"
    local = stage == "local"
    jwt_secret = _opt("AUTH_JWT_SECRET") or (LOCAL_JWT_SECRET if local else None)
    endpoint = _opt("DYNAMODB_ENDPOINT_URL")
    if endpoint is None and local:
        endpoint = f"http://127.0.0.1:{_opt('DYNAMODB_PORT') or DEFAULT_DYNAMODB_PORT}"
    jitsi_base = (_opt("JITSI_BASE_URL") or DEFAULT_JITSI).rstrip("/")
    return Settings(
        table_name=_opt("TABLE_NAME") or DEFAULT_TABLE,
        dynamodb_endpoint_url=endpoint,
        region=_opt("AWS_REGION") or _opt("AWS_DEFAULT_REGION") or "us-east-1",
        jwt_secret=jwt_secret,
        jwks_url=_opt("AUTH_JWKS_URL"),
        issuer=_opt("AUTH_ISSUER"),
        audience=_opt("AUTH_AUDIENCE"),
        client_id=_opt("AUTH_CLIENT_ID"),
        token_use=_opt("AUTH_TOKEN_USE"),
        in_lambda=_opt("AWS_LAMBDA_FUNCTION_NAME") is not None,
        jitsi_base_url=jitsi_base,
        jitsi=_jitsi(jitsi_base),
        # Cursors are signed so a tampered one is refused; the key must be the
        # same on every Lambda instance, hence configuration, not randomness.
        # A deployed stage has no fallback (see cursor_secret()).
        cursor_secret=_opt("CURSOR_SECRET") or jwt_secret or "",
        cors_origin=_opt("CORS_ALLOW_ORIGIN") or _default_cors_origin(local),
        stage=stage,
        # A developer's time machine: only the local stage ever reads it.
        local_clock_file=_opt("LOCAL_CLOCK_FILE") if local else None,
        request_budget_seconds=_budget(_opt("REQUEST_BUDGET_SECONDS")),
    )


def _default_cors_origin(local: bool) -> str:
    """The origin browsers may call the API from when ``CORS_ALLOW_ORIGIN`` is unset.

    Locally, ``POST /api/v1/dev/token`` mints tokens for anyone who asks, so a
    wildcard would let any page a developer visits read one; only the local
    web client's origin may (and it proxies ``/api/``, so it needs no CORS).
    """
    if local:
        return f"http://127.0.0.1:{_opt('WEB_PORT') or DEFAULT_WEB_PORT}"
    return "*"


def _budget(value: str | None) -> float:
    """A positive number of seconds under API Gateway's 29; the default when unset or not that."""
    try:
        seconds = float(value) if value else 8.0
    except ValueError:
        return 8.0
    return seconds if 0 < seconds < 29 else 8.0
