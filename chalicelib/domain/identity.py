"""Who is calling, as established by a verified token."""

from __future__ import annotations

from msgspec import Struct


class Identity(Struct, frozen=True):
    """The verified caller: ``sub`` and the optional profile claims.

    ``email_verified``: the identity provider vouches for ``email`` (its
    ``email_verified`` claim), or the stage trusts its own tokens (local).
    """

    user_id: str
    name: str | None = None
    email: str | None = None
    email_verified: bool = False
