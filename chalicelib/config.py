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
LOCAL_JWT_SECRET = "local-dev-secret"


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
    """Refuse to start a deployed stage that could accept locally minted tokens.

    Only the ``local`` stage (and the test suite's own stage) may verify HS256
    tokens with a shared secret; ``dev`` and ``prod`` verify a real identity
    provider's keys from ``AUTH_JWKS_URL``.

    Raises:
        UnsafeConfiguration: a deployed stage with a shared secret or without a JWKS.
    """
    if cfg.stage not in DEPLOYED_STAGES:
        return
    if cfg.jwt_secret:
        raise UnsafeConfiguration(
            f"stage {cfg.stage!r} must not have AUTH_JWT_SECRET: it verifies only "
            "identity-provider tokens (AUTH_JWKS_URL)"
        )
    if not cfg.jwks_url:
        raise UnsafeConfiguration(f"stage {cfg.stage!r} needs AUTH_JWKS_URL")


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
        jitsi_base_url=jitsi_base,
        jitsi=_jitsi(jitsi_base),
        # Cursors are signed so a tampered one is refused; the key must be the
        # same on every Lambda instance, hence configuration, not randomness.
        # A deployed stage has no fallback (see cursor_secret()).
        cursor_secret=_opt("CURSOR_SECRET") or jwt_secret or "",
        cors_origin=_opt("CORS_ALLOW_ORIGIN") or "*",
        stage=stage,
        # A developer's time machine: only the local stage ever reads it.
        local_clock_file=_opt("LOCAL_CLOCK_FILE") if local else None,
        request_budget_seconds=_budget(_opt("REQUEST_BUDGET_SECONDS")),
    )


def _budget(value: str | None) -> float:
    """A positive number of seconds under API Gateway's 29; the default when unset or not that."""
    try:
        seconds = float(value) if value else 8.0
    except ValueError:
        return 8.0
    return seconds if 0 < seconds < 29 else 8.0
