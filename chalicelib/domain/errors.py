"""Domain errors and what they say. The API layer maps each class to one problem response.

A class's ``message`` is what it says when the raiser has nothing more
specific; named messages sit on the class they belong to, so a refusal reads
the same whichever layer detects it (a rule, or a write's failed condition).
"""

from __future__ import annotations

from msgspec import Struct


class FieldError(Struct, frozen=True):
    """One offending input field: where it was and what is wrong with it."""

    field: str
    message: str
    location: str = "body"


class DomainError(Exception):
    """Base of every error the service raises on purpose."""

    code = "ERROR"
    message = "The request could not be completed."

    def __init__(self, detail: str | None = None) -> None:
        detail = self.message if detail is None else detail
        super().__init__(detail)
        self.detail = detail


class ValidationFailed(DomainError):
    """The input is malformed or breaks a rule about its own content."""

    code = "VALIDATION_ERROR"

    def __init__(self, detail: str, errors: list[FieldError] | None = None) -> None:
        super().__init__(detail)
        self.errors = errors or []


class InvalidRequest(ValidationFailed):
    """A 400 with its own machine-readable code (e.g. connecting to oneself)."""

    def __init__(self, code: str, detail: str, errors: list[FieldError] | None = None) -> None:
        super().__init__(detail, errors)
        self.code = code


class NotFound(DomainError):
    """Unknown, or not disclosed to this caller."""

    code = "NOT_FOUND"
    NO_MENTOR = "No such mentor."


class Forbidden(DomainError):
    """Known and disclosed, but the caller lacks the right."""

    code = "FORBIDDEN"


class NotConnected(Forbidden):
    """Booking needs an ACCEPTED connection with the mentor."""

    code = "NOT_CONNECTED"
    message = "You need an accepted connection with this mentor to book a session."
    NO_LONGER = "Your connection with this mentor is no longer accepted."


class ConnectionBlocked(Forbidden):
    """The mentor blocked this student's requests."""

    code = "CONNECTION_BLOCKED"
    # Says no more than that this mentor takes no request from this student.
    message = "This mentor is not accepting connection requests from you."


class Conflict(DomainError):
    """The request conflicts with the current state."""

    code = "CONFLICT"
    BOOKING_NOT_SAVED = "The booking could not be saved; please try again."
    NOT_SAVED = "The change could not be saved; please try again."
    PROFILE_CHANGED = "Your profile changed while it was being saved."


class InvalidState(Conflict):
    """The action is not allowed in the current state, or the state changed meanwhile."""

    code = "INVALID_STATE"
    SESSION_CHANGED = "The session changed at the same time; reload it and try again."
    CONNECTION_CHANGED = "The connection changed at the same time; reload it and try again."
    CONNECTION_SUPERSEDED = "The connection is no longer the live one for this pair."


class ConnectionExists(Conflict):
    """The pair already has a live (PENDING or ACCEPTED) connection."""

    code = "CONNECTION_EXISTS"
    message = "You already have a pending or accepted connection with this mentor."


class Unavailable(DomainError):
    """The store keeps refusing (throttling, contention): try again later."""

    code = "SERVICE_UNAVAILABLE"

    def __init__(self, detail: str, retry_after_seconds: int = 1) -> None:
        super().__init__(detail)
        self.retry_after_seconds = retry_after_seconds


class OutsideAvailability(ValidationFailed):
    """The requested time is not inside the mentor's availability."""

    code = "OUTSIDE_AVAILABILITY"


class SlotUnavailable(Conflict):
    """Someone (the mentor, or the caller) is already busy at that time."""

    code = "SLOT_UNAVAILABLE"
    MENTOR_BUSY = "The mentor is not available at that time any more."
    STUDENT_BUSY = "You already have a session at that time."


class IdempotencyKeyReused(Conflict):
    """The Idempotency-Key was used before with a different request body."""

    code = "IDEMPOTENCY_KEY_REUSED"


class DuplicateRequest(Conflict):
    """A concurrent request with the same Idempotency-Key committed first."""

    code = "DUPLICATE_REQUEST"
    message = "A request with this Idempotency-Key was just processed."


class JoinWindowClosed(Conflict):
    code = "JOIN_WINDOW_CLOSED"


class CancellationWindowClosed(Conflict):
    code = "CANCELLATION_WINDOW_CLOSED"


class ChangedMeanwhile(Conflict):
    """Something read for a decision changed before the write; read again and retry."""

    code = "CHANGED_MEANWHILE"
    message = "The mentor's statistics moved; re-read."
