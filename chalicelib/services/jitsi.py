"""Signed Jitsi room links: a short-lived token bound to one room and one person.

Without signing settings (meet.jit.si) a link is the plain room URL, which
only participants ever see; with them (self-hosted Jitsi with JWT auth, or
JaaS) ``start`` hands each participant their own ``?jwt=`` link.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from chalicelib.config import JitsiSigning
from chalicelib.domain.sessions import Role, Session

# The token must outlive the call's last minute a little, not much longer.
TOKEN_SLACK = timedelta(minutes=15)


def room_claims(
    session: Session, role: Role, signing: JitsiSigning, now: datetime
) -> dict[str, Any]:
    """The JWT claims for ``role``'s seat in ``session``'s room."""
    person = session.mentor if role is Role.MENTOR else session.student
    moderator = role is Role.MENTOR
    return {
        "iss": signing.issuer,
        "aud": signing.audience,
        "sub": signing.subject,
        "room": session.meeting_room,
        "iat": int(now.timestamp()),
        "nbf": int((now - timedelta(seconds=30)).timestamp()),
        "exp": int((session.ends_at + TOKEN_SLACK).timestamp()),
        "moderator": moderator,
        "context": {
            "user": {
                "id": session.mentor.user_id if role is Role.MENTOR else session.student.id,
                "name": person.name,
                "email": person.email or "",
                "moderator": moderator,
            },
            "features": {"recording": False, "livestreaming": False},
        },
    }


def signed_link(
    session: Session, role: Role, signing: JitsiSigning | None, now: datetime
) -> str | None:
    """The participant's link: with ``?jwt=`` when signing is configured."""
    if session.meeting_link is None or signing is None:
        return session.meeting_link
    import jwt  # only deployments that sign rooms pay for importing it

    headers = {"kid": signing.kid} if signing.kid else None
    token = jwt.encode(
        room_claims(session, role, signing, now),
        signing.key,
        algorithm=signing.algorithm,
        headers=headers,
    )
    return f"{session.meeting_link}?jwt={token}"
