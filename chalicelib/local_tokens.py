"""Bearer tokens this service signs itself, for the stages that accept a shared secret.

The operator CLI (``python -m chalicelib.admin token``) and the local stage's
sign-in route both mint here, so the API never imports the CLI.
"""

from __future__ import annotations

from datetime import timedelta

import jwt

from chalicelib.config import DEPLOYED_STAGES, settings
from chalicelib.domain.clock import system_clock


def mint_token(user_id: str, name: str | None, email: str | None, hours: float) -> str:
    """A bearer token for the local stage, signed with ``AUTH_JWT_SECRET``."""
    cfg = settings()
    if cfg.stage in DEPLOYED_STAGES:
        raise SystemExit(f"stage {cfg.stage!r} verifies identity-provider tokens only.")
    if not cfg.jwt_secret:
        raise SystemExit("AUTH_JWT_SECRET is not set: this stage does not mint tokens.")
    now = system_clock()
    claims: dict[str, object] = {
        "sub": user_id,
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(hours=hours)).timestamp()),
    }
    if name:
        claims["name"] = name
    if email:
        claims["email"] = email
    if cfg.issuer:
        claims["iss"] = cfg.issuer
    if cfg.audience:
        claims["aud"] = cfg.audience
    return jwt.encode(claims, cfg.jwt_secret, algorithm="HS256")
