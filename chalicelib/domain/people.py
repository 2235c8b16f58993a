"""Users and mentor profiles."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from msgspec import Struct, field
from msgspec.structs import replace

from chalicelib.domain.text import clean_name, unsafe_in_name

if TYPE_CHECKING:
    from chalicelib.domain.availability import Availability

DEFAULT_TIMEZONE = "UTC"


class User(Struct, frozen=True):
    """A person known to the service, created the first time a token names them."""

    id: str
    name: str
    email: str | None
    timezone: str
    mentor_id: str | None
    created_at: datetime
    updated_at: datetime
    email_verified: bool = False

    @property
    def shared_email(self) -> str | None:
        """The email others may see: only a verified one, so nobody can pose as an address."""
        return self.email if self.email_verified else None


class MentorStats(Struct, frozen=True):
    """Session statistics of a mentor (recomputed by the scheduled jobs)."""

    total_sessions: int = 0
    completed_sessions: int = 0
    cancelled_sessions: int = 0
    no_show_sessions: int = 0
    mentor_no_shows: int = 0
    upcoming_sessions: int = 0
    last_session_at: datetime | None = None

    @property
    def completion_rate(self) -> float | None:
        """Completed over (completed + no-show); None before either happened."""
        finished = self.completed_sessions + self.no_show_sessions
        if finished == 0:
            return None
        return round(self.completed_sessions / finished, 4)


class Mentor(Struct, frozen=True):
    """A mentor's public profile."""

    id: str
    user_id: str
    name: str
    company: str
    job_title: str
    bio: str
    expertise: tuple[str, ...]
    timezone: str
    created_at: datetime
    updated_at: datetime
    stats: MentorStats = field(default_factory=MentorStats)
    email: str | None = None
    availability: Availability | None = None

    @property
    def total_sessions(self) -> int:
        """Booked and not cancelled: the profile's headline count."""
        return self.stats.total_sessions


class ProfileChange(Struct, frozen=True):
    """What ``PUT /mentors/me`` may set."""

    company: str
    job_title: str
    timezone: str
    bio: str | None = None
    expertise: tuple[str, ...] | None = None


class UserChange(Struct, frozen=True):
    """What ``PUT /me`` may set; None leaves a field as it is."""

    name: str | None = None
    email: str | None = None
    timezone: str | None = None


def new_user(
    user_id: str,
    name: str | None,
    email: str | None,
    now: datetime,
    *,
    email_verified: bool = False,
) -> User:
    """The record of a user seen for the first time, filled from token claims.

    A token cannot be refused for its claims, so characters a name may not
    hold are dropped from the name claim, and an email claim holding any is
    not taken at all.
    """
    if email is not None and unsafe_in_name(email) is not None:
        email = None
    display = clean_name(name or "").strip() or (email.split("@")[0] if email else "") or user_id
    return User(
        id=user_id,
        name=display[:200],
        email=email,
        timezone=DEFAULT_TIMEZONE,
        mentor_id=None,
        created_at=now,
        updated_at=now,
        email_verified=email is not None and email_verified,
    )


def apply_user_change(user: User, change: UserChange, now: datetime) -> User:
    """The user after ``change``; an email other than the stored one is unverified."""
    email_changed = change.email is not None and change.email != user.email
    return replace(
        user,
        name=change.name if change.name is not None else user.name,
        email=change.email if change.email is not None else user.email,
        email_verified=user.email_verified and not email_changed,
        timezone=change.timezone if change.timezone is not None else user.timezone,
        updated_at=now,
    )


def with_claims(user: User, email: str | None, email_verified: bool, now: datetime) -> User | None:
    """The user once the token's word on their stored email is taken; None if nothing changes.

    A token vouches (or stops vouching) for the email it names only, never for
    one set with ``PUT /me``.
    """
    if email is None or email != user.email or email_verified == user.email_verified:
        return None
    return replace(user, email_verified=email_verified, updated_at=now)


def new_mentor(mentor_id: str, user: User, change: ProfileChange, now: datetime) -> Mentor:
    """A fresh mentor profile for ``user``."""
    return Mentor(
        id=mentor_id,
        user_id=user.id,
        name=user.name,
        email=user.shared_email,
        company=change.company,
        job_title=change.job_title,
        bio=change.bio or "",
        expertise=change.expertise or (),
        timezone=change.timezone,
        created_at=now,
        updated_at=now,
    )


def apply_profile_change(mentor: Mentor, change: ProfileChange, now: datetime) -> Mentor:
    """The profile after ``change``; omitted optional fields keep their value."""
    return replace(
        mentor,
        company=change.company,
        job_title=change.job_title,
        timezone=change.timezone,
        bio=change.bio if change.bio is not None else mentor.bio,
        expertise=change.expertise if change.expertise is not None else mentor.expertise,
        updated_at=now,
    )
