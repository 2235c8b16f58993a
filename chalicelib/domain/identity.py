"""Who is calling, as established by a verified token."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Identity:
    """The verified caller: ``sub`` and the optional profile claims."""

    user_id: str
    name: str | None = None
    email: str | None = None
