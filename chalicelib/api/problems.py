"""RFC 9457 problem details: the one place where errors become HTTP responses."""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

from chalice.app import Response

from chalicelib.domain import errors
from chalicelib.logs import logger

PROBLEM_JSON = "application/problem+json"


class HttpProblem(Exception):
    """An error that only the HTTP layer knows about (size, media type, auth)."""

    def __init__(
        self, status: int, code: str, detail: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail
        self.headers = headers or {}


_STATUS: list[tuple[type[errors.DomainError], int]] = [
    (errors.ValidationFailed, 400),
    (errors.Forbidden, 403),
    (errors.NotFound, 404),
    (errors.Conflict, 409),
    (errors.Unavailable, 503),
]


def status_of(error: type[errors.DomainError]) -> int:
    """The HTTP status that answers ``error`` (and every subclass of it)."""
    return next(s for cls, s in _STATUS if issubclass(error, cls))


def problem_type(code: str) -> str:
    return f"urn:careerforge:problem:{code.lower().replace('_', '-')}"


def problem_body(status: int, code: str, detail: str, **extra: Any) -> dict[str, Any]:
    return {
        "type": problem_type(code),
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "code": code,
        **extra,
    }


def problem(
    status: int,
    code: str,
    detail: str,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> Response:
    """A problem+json response."""
    return Response(
        body=json.dumps(problem_body(status, code, detail, **extra)),
        status_code=status,
        headers={"Content-Type": PROBLEM_JSON, **(headers or {})},
    )


def from_domain_error(exc: errors.DomainError) -> Response:
    status = next(s for cls, s in _STATUS if isinstance(exc, cls))
    extra: dict[str, Any] = {}
    headers: dict[str, str] = {}
    if isinstance(exc, errors.ValidationFailed) and exc.errors:
        extra["errors"] = [
            {"field": e.field, "in": e.location, "message": e.message} for e in exc.errors
        ]
    if isinstance(exc, errors.Unavailable):
        headers["Retry-After"] = str(exc.retry_after_seconds)
    return problem(status, exc.code, exc.detail, headers, **extra)


def from_http_problem(exc: HttpProblem) -> Response:
    return problem(exc.status, exc.code, exc.detail, exc.headers)


def internal_error() -> Response:
    logger.exception("unhandled error")
    return problem(500, "INTERNAL_ERROR", "Something went wrong on our side.")


# Chalice answers some requests itself (wrong method, wrong media type) with its
# own {"Code", "Message"} JSON; these map those answers onto our problem codes.
_CHALICE_CODES = {
    405: "METHOD_NOT_ALLOWED",
    415: "UNSUPPORTED_MEDIA_TYPE",
    400: "BAD_REQUEST",
    404: "NOT_FOUND",
}


def reshape_framework_error(response: Response) -> Response:
    """Turn a framework-made error response into problem+json, leaving ours alone."""
    if response.status_code < 400:
        return response
    headers = {k.lower(): v for k, v in (response.headers or {}).items()}
    if headers.get("content-type") == PROBLEM_JSON:
        return response
    body = response.body if isinstance(response.body, dict) else {}
    code = _CHALICE_CODES.get(response.status_code, "ERROR")
    detail = str(body.get("Message") or HTTPStatus(response.status_code).phrase)
    kept = {
        k: v
        for k, v in (response.headers or {}).items()
        if k.lower() != "content-type" and isinstance(v, str)
    }
    return problem(response.status_code, code, detail, kept)
