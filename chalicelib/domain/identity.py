"""Who is calling, as established by a verified token."""

from __future__ import annotations

from msgspec import Struct


class Identity(Struct, frozen=True):
    """The verified caller: ``sub`` and the optional profile claims."""

    user_id: str
    name: str | None = None
    email: str | None = None
