"""Use cases for users and mentor profiles."""

from __future__ import annotations

from chalicelib.domain import people
from chalicelib.domain.errors import Conflict, NotFound
from chalicelib.domain.identity import Identity
from chalicelib.domain.people import Mentor, ProfileChange, User, UserChange
from chalicelib.services import Context

_ATTEMPTS = 3


def ensure_user(ctx: Context, caller: Identity) -> User:
    """The caller's record, created from the token's claims the first time."""
    found = ctx.store.people.get_user(caller.user_id)
    if found:
        return refresh_claims(ctx, caller, found)
    return register(ctx, caller)


def register(ctx: Context, caller: Identity) -> User:
    """Create the caller's record (or return the one a concurrent request made)."""
    user = people.new_user(
        caller.user_id,
        caller.name,
        caller.email,
        ctx.clock(),
        email_verified=caller.email_verified,
    )
    if ctx.store.people.add_user(user):
        return user
    existing = ctx.store.people.get_user(caller.user_id)
    assert existing is not None  # the conditional put just saw it
    return existing


def refresh_claims(ctx: Context, caller: Identity, user: User) -> User:
    """``user`` with the token's word on their email taken (written only when it changes).

    A lost race leaves the record as the other request wrote it; the next
    call takes the claim again.
    """
    changed = people.with_claims(user, caller.email, caller.email_verified, ctx.clock())
    if changed is None:
        return user
    try:
        ctx.store.people.save_user(changed, user.mentor_id)
    except Conflict:
        return user
    return changed


def update_me(ctx: Context, caller: Identity, change: UserChange) -> User:
    """Apply ``change`` to the caller's record (and the mentor profile's copy of the name)."""
    for _ in range(_ATTEMPTS):
        user = ensure_user(ctx, caller)
        updated = people.apply_user_change(user, change, ctx.clock())
        try:
            ctx.store.people.save_user(updated, user.mentor_id)
        except Conflict:
            continue
        return updated
    raise Conflict("Your profile keeps changing; please try again.")


def upsert_my_mentor_profile(ctx: Context, caller: Identity, change: ProfileChange) -> Mentor:
    """Create the caller's mentor profile, or update it if it exists."""
    for _ in range(_ATTEMPTS):
        user = ensure_user(ctx, caller)
        now = ctx.clock()
        if user.mentor_id:
            current = ctx.store.people.get_mentor(user.mentor_id)
            if current is None:
                raise NotFound("Your mentor profile is missing.")
            updated = people.apply_profile_change(current, change, now)
            ctx.store.people.save_mentor_profile(updated)
            return updated
        created = people.new_mentor(ctx.ids(), user, change, now)
        if ctx.store.people.add_mentor(created):
            return created
    raise Conflict("Your mentor profile keeps changing; please try again.")


def my_mentor_profile(ctx: Context, caller: Identity) -> Mentor:
    """The caller's own mentor profile (NotFound if they are not a mentor)."""
    user = ctx.store.people.get_user(caller.user_id)
    if user is None or user.mentor_id is None:
        raise NotFound("You have no mentor profile yet.")
    return get_mentor(ctx, user.mentor_id)


def get_mentor(ctx: Context, mentor_id: str) -> Mentor:
    mentor = ctx.store.people.get_mentor(mentor_id)
    if mentor is None:
        raise NotFound("No such mentor.")
    return mentor


def list_mentors(ctx: Context, limit: int, cursor: str | None) -> tuple[list[Mentor], str | None]:
    return ctx.store.people.list_mentors(limit, cursor)
