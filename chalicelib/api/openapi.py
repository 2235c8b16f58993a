"""The OpenAPI 3.1 document, generated from the registered routes and their contracts.

Each view's :func:`~chalicelib.api.http.endpoint` contract says what it reads,
answers and how it fails; this module adds what follows from the contract
itself (a body can be malformed, a path id unknown, a token bad, the store
unavailable), so every operation lists exactly the statuses and problem codes
it can answer. ``docs/API.md`` is rendered from this document
(:mod:`chalicelib.api.reference`).
"""

from __future__ import annotations

import functools
import inspect
import json
import re
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any

from chalice.app import Response
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from chalicelib.api.http import MAX_BODY_BYTES, Contract, Fails, RouteSpec, endpoint
from chalicelib.api.problems import problem_body
from chalicelib.domain.sessions import IDEMPOTENCY_TTL

REF = "#/components/schemas/{model}"
PROBLEM_REF = "#/components/schemas/Problem"
PROBLEM_JSON = "application/problem+json"
IDEMPOTENCY_HOURS = int(IDEMPOTENCY_TTL.total_seconds() // 3600)

PROBLEM: dict[str, Any] = {
    "type": "object",
    "description": (
        "RFC 9457 problem details. `code` is the machine-readable reason; "
        "`errors` lists the offending input fields of a 400."
    ),
    "required": ["type", "title", "status", "detail", "code"],
    "properties": {
        "type": {"type": "string", "description": "`urn:careerforge:problem:` and the code"},
        "title": {"type": "string", "description": "The status's reason phrase"},
        "status": {"type": "integer"},
        "detail": {"type": "string", "description": "What went wrong, for people"},
        "code": {"type": "string", "description": "What went wrong, for programs"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["field", "in", "message"],
                "properties": {
                    "field": {"type": "string"},
                    "in": {"type": "string", "enum": ["body", "query", "path", "header"]},
                    "message": {"type": "string"},
                },
            },
        },
    },
}

# Tags in the order a reader meets them; a view's tag follows from its module.
TAGS = [
    ("People", "Your user record, mentor profiles and the public mentor directory."),
    ("Connections", "A student asks a mentor for a connection; the mentor accepts or declines."),
    ("Availability", "A mentor's weekly hours and date overrides, and the free slots they yield."),
    (
        "Sessions",
        "Booking, My Sessions and a session's life: join, cancel, reschedule, complete.",
    ),
    ("Service", "Health, this document, the API reference page and the local sign-in."),
]
MODULE_TAGS = {
    "chalicelib.api.resources.people": "People",
    "chalicelib.api.resources.connections": "Connections",
    "chalicelib.api.resources.availability": "Availability",
    "chalicelib.api.resources.sessions": "Sessions",
}
PATH_PARAMETERS = {
    "mentor_id": "A mentor profile's `id` (not its user's id).",
    "connection_id": "A connection's `id`.",
    "session_id": "A session's `id`.",
}
PATH_ID_RULE = "Ids are 1-64 characters of `A-Z a-z 0-9 _ -`; any other value is a 404."

DESCRIPTION = f"""\
Session scheduling and video calls for CareerForge mentorship: mentors publish
weekly availability, students with an accepted connection book 30, 60 or
90-minute sessions that can never be double-booked, and both join a Jitsi Meet
call.

## Authentication

Every operation that is not marked public needs `Authorization: Bearer <JWT>`.
The token's signature and `exp` are checked, and on deployed stages its issuer
and audience, which those stages must configure; its claims are `sub`
(required: the user id), `name`, `email` and `email_verified` (others see an
email only when this claim vouched for it, or on the local stage). The first
authenticated call creates the caller's user record from these claims.

- **Local stage:** HS256 tokens signed with `AUTH_JWT_SECRET`. `POST
  /api/v1/dev/token` (a route only the local stage has) returns one for any
  user id, and so does `python -m chalicelib.admin token USER_ID`.
- **dev and prod:** tokens of an identity provider (for example a Cognito user
  pool), verified with the keys at `AUTH_JWKS_URL`, in the algorithm each key's
  type fixes (RSA: RS256, EC P-256: ES256); they must come from the stage's
  issuer and be made for this app (`aud`, or Cognito's `client_id` and
  `token_use`).

An expired, badly signed or otherwise invalid token is a 401 problem
(`UNAUTHORIZED`, with `WWW-Authenticate`), and so is one whose header names an
algorithm other than its key's, one for another app client, or one signed
with a key the provider has since removed from its JWKS. Deployed stages
throttle requests (the public reads and connection requests more tightly) and
answer 429 `TOO_MANY_REQUESTS` beyond their limits. A request with no `Authorization`
header at all is refused by the gateway itself, before this API runs.

## Conventions

- JSON members are camelCase. Request bodies are strict: an unknown member,
  or a value of the wrong JSON type (a number sent as a string), is a 400.
- Times in answers are ISO 8601 in UTC with `Z` (`2026-12-02T09:00:00Z`).
  Times in requests need an explicit offset (any offset; a time without one is
  a 400); dates are `YYYY-MM-DD`.
- Lists take `?limit=` (1-100, default 20) and an opaque, signed `?cursor=`
  (a tampered one is a 400) and answer `{{"items": [...], "nextCursor": null}}`;
  pass `nextCursor` back as `cursor` for the next page, until it is `null`.
- Bodies are `application/json` and at most {MAX_BODY_BYTES // 1024} KiB (413); a request that
  sends another `Content-Type` is a 415.
- `POST /api/v1/sessions/book` takes an `Idempotency-Key` header (1-255
  characters of `A-Z a-z 0-9 _ . : -`). Repeating the request with the same
  key and body within {IDEMPOTENCY_HOURS} hours returns the first answer again, with
  `Idempotent-Replayed: true`, and books nothing; the same key with another
  body is a 409 `IDEMPOTENCY_KEY_REUSED`.

## Time zones

Time zones are IANA names (`Europe/Berlin`, `America/New_York`); anything else
is a 400. A new user's zone is `UTC` until they set theirs with `PUT
/api/v1/me`. A mentor's availability is wall-clock `HH:MM` windows in the
mentor's zone and keeps that meaning when clocks change: a local time that
does not exist (a DST gap) yields no slot, one that happens twice (a DST fold)
yields a slot at both instants. Slots are 30 minutes on the half-hour grid of
the mentor's local time. `GET /api/v1/sessions/availability/{{mentor_id}}` reads
its `from` and `to` dates in `?timezone=` (default: the mentor's zone) and
answers in UTC. A session's `timezone` is the zone its booker sees it in.

## Errors

Every error is an RFC 9457 problem (`application/problem+json`) with `type`,
`title`, `status`, `detail`, a machine-readable `code` and, for a 400, the
offending fields in `errors[]` (`field`, `in`: body, query, path or header,
`message`). Each operation below lists the statuses and codes it can answer.
Every route can answer 415 `UNSUPPORTED_MEDIA_TYPE`; every route that reads or
writes data can answer 503 `SERVICE_UNAVAILABLE` with `Retry-After` (seconds)
when the database keeps refusing: retry after that long.

Codes no operation answers by design: `METHOD_NOT_ALLOWED` (405, a method the
path does not have; `Allow` lists those it has), `CHANGED_MEANWHILE` (a race
the service retries itself, answering 503 `SERVICE_UNAVAILABLE` if it
persists), `INTERNAL_ERROR` (500, a bug: no request should ever yield one),
and `BAD_REQUEST` and `ERROR` (any other error the framework answers itself,
reshaped into a problem).
"""

# The failures every operation of a kind shares, declared once.
UNAUTHORIZED = Fails(401, "UNAUTHORIZED", "the bearer token is malformed, expired or badly signed")
TOO_LARGE = Fails(413, "PAYLOAD_TOO_LARGE", f"the body is over {MAX_BODY_BYTES // 1024} KiB")
MEDIA_TYPE = Fails(
    415, "UNSUPPORTED_MEDIA_TYPE", "the request's `Content-Type` is not `application/json`"
)
UNAVAILABLE = Fails(
    503,
    "SERVICE_UNAVAILABLE",
    "the database keeps throttling or does not answer within the request's time budget; "
    "retry after `Retry-After` seconds",
)
BAD_BODY = Fails(
    400,
    "VALIDATION_ERROR",
    "the body is missing, not JSON, has an unknown member, or a member breaks its schema",
)
BAD_OPTIONAL_BODY = Fails(
    400, "VALIDATION_ERROR", "the body is not JSON, has an unknown member, or breaks its schema"
)
BAD_QUERY = Fails(
    400,
    "VALIDATION_ERROR",
    "a query parameter is unknown, repeated or breaks its schema, or the cursor is not one "
    "this listing issued",
)
BAD_HEADER = Fails(400, "VALIDATION_ERROR", "a header breaks its pattern")
UNKNOWN_ID = Fails(404, "NOT_FOUND", "no such resource (an unknown or malformed id)")
RESPONSE_HEADERS = {
    401: {
        "WWW-Authenticate": {
            "description": 'Always `Bearer error="invalid_token"`.',
            "schema": {"type": "string"},
        }
    },
    503: {
        "Retry-After": {
            "description": "Seconds to wait before retrying (sent with `SERVICE_UNAVAILABLE`).",
            "schema": {"type": "integer", "minimum": 0},
        }
    },
}
REPLAYED_HEADER = {
    "Idempotent-Replayed": {
        "description": "`true` when this is the stored answer to an earlier request with "
        "the same `Idempotency-Key`; absent otherwise.",
        "schema": {"type": "string", "const": "true"},
    }
}


def document(specs: list[RouteSpec], version: str = "1.0.0") -> dict[str, Any]:
    """The whole OpenAPI document for ``specs``."""
    refs, schemas = _schemas(specs)
    paths: dict[str, dict[str, Any]] = {}
    for spec in specs:
        paths.setdefault(spec.path, {})[spec.method.lower()] = _operation(spec, refs, schemas)
    return {
        "openapi": "3.1.0",
        "info": {"title": "CareerForge Sessions", "version": version, "description": DESCRIPTION},
        "tags": [{"name": name, "description": text} for name, text in TAGS],
        "paths": paths,
        "components": {
            "schemas": {**schemas, "Problem": PROBLEM},
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "bearerFormat": "JWT",
                    "description": "A JWT with `sub`, and optionally `name` and `email`.",
                }
            },
        },
    }


def _schemas(specs: list[RouteSpec]) -> tuple[dict[Any, Any], dict[str, Any]]:
    wanted: list[tuple[type[BaseModel], Any]] = []
    for spec in specs:
        contract = spec.contract
        wanted += [(m, "validation") for m in (contract.body, contract.query) if m]
        if contract.response:
            wanted.append((contract.response, "serialization"))
    refs, top = models_json_schema(list(dict.fromkeys(wanted)), ref_template=REF)
    return refs, top.get("$defs", {})


def tag_of(spec: RouteSpec) -> str:
    """The view's declared tag, else the one of the module that defines it."""
    declared = spec.contract.tag
    if declared:
        return declared
    module = getattr(spec.view, "module", None) or getattr(spec.resolve(), "__module__", "")
    return MODULE_TAGS.get(str(module), "Service")


def _operation(spec: RouteSpec, refs: dict[Any, Any], schemas: dict[str, Any]) -> dict[str, Any]:
    contract = spec.contract
    summary, description = _docstring(spec)
    operation: dict[str, Any] = {
        "tags": [tag_of(spec)],
        "operationId": spec.name,
        "summary": summary,
    }
    if description:
        operation["description"] = description
    operation["parameters"] = _parameters(spec, refs, schemas)
    if contract.body:
        media: dict[str, Any] = {"schema": refs[(contract.body, "validation")]}
        if contract.request_example is not None:
            media["examples"] = {"request": {"value": dict(contract.request_example)}}
        operation["requestBody"] = {
            "required": not contract.optional_body,
            "content": {"application/json": media},
        }
    operation["responses"] = _responses(spec, refs, schemas)
    operation["security"] = [] if spec.public else [{"bearerAuth": []}]
    return operation


def _docstring(spec: RouteSpec) -> tuple[str, str]:
    """The first line of the view's docstring as the summary, the rest as the description."""
    text = inspect.cleandoc(spec.resolve().__doc__ or "") or spec.name.replace("_", " ")
    summary, _, rest = text.partition("\n")
    return summary.strip(), rest.strip()


def _parameters(
    spec: RouteSpec, refs: dict[Any, Any], schemas: dict[str, Any]
) -> list[dict[str, Any]]:
    params: list[dict[str, Any]] = []
    for name in re.findall(r"\{(\w+)\}", spec.path):
        param: dict[str, Any] = {"name": name, "in": "path", "required": True}
        if name in PATH_PARAMETERS:
            param["description"] = f"{PATH_PARAMETERS[name]} {PATH_ID_RULE}"
        params.append({**param, "schema": {"type": "string"}})
    contract = spec.contract
    if contract.query:
        model = _schema_of(contract.query, "validation", refs, schemas)
        required = set(model.get("required", []))
        for field, schema in model["properties"].items():
            param = {"name": field, "in": "query", "required": field in required}
            if "description" in schema:
                param["description"] = schema["description"]
            params.append({**param, "schema": schema})
    for header in contract.headers:
        params.append(
            {
                "name": header,
                "in": "header",
                "required": False,
                "description": (
                    f"Makes the request safe to retry: the same key and body within "
                    f"{IDEMPOTENCY_HOURS} hours return the first answer and change nothing."
                ),
                "schema": {"type": "string", "pattern": "^[A-Za-z0-9_.:-]{1,255}$"},
            }
        )
    return params


def _schema_of(
    model: type[BaseModel], mode: str, refs: dict[Any, Any], schemas: dict[str, Any]
) -> dict[str, Any]:
    schema: dict[str, Any] = schemas[refs[(model, mode)]["$ref"].rsplit("/", 1)[-1]]
    return schema


def failures(spec: RouteSpec) -> list[Fails]:
    """Every way ``spec`` can fail: its own, and those that follow from its contract."""
    contract = spec.contract
    derived: list[Fails] = []
    if contract.body:
        derived.append(BAD_OPTIONAL_BODY if contract.optional_body else BAD_BODY)
    if contract.query:
        derived.append(BAD_QUERY)
    if contract.headers:
        derived.append(BAD_HEADER)
    has_ids = "{" in spec.path
    declared_404 = any(f.code == UNKNOWN_ID.code for f in contract.errors)
    if has_ids and not declared_404:
        derived.append(UNKNOWN_ID)
    if not spec.public:
        derived.append(UNAUTHORIZED)
    if contract.body:
        derived.append(TOO_LARGE)
    derived.append(MEDIA_TYPE)
    if contract.store:
        derived.append(UNAVAILABLE)
    seen: set[tuple[int, str, str]] = set()
    found: list[Fails] = []
    for fail in [*derived, *contract.errors]:
        if (fail.status, fail.code, fail.when) not in seen:
            seen.add((fail.status, fail.code, fail.when))
            found.append(fail)
    return sorted(found, key=lambda f: f.status)  # stable: derived first within a status


def _responses(spec: RouteSpec, refs: dict[Any, Any], schemas: dict[str, Any]) -> dict[str, Any]:
    contract = spec.contract
    responses: dict[str, Any] = {str(contract.status): _success(spec, contract, refs)}
    by_status: dict[int, list[Fails]] = {}
    for fail in failures(spec):
        by_status.setdefault(fail.status, []).append(fail)
    for status, fails in by_status.items():
        responses[str(status)] = _error_response(status, fails, _first_field(spec, refs, schemas))
    return responses


def _success(spec: RouteSpec, contract: Contract, refs: dict[Any, Any]) -> dict[str, Any]:
    success: dict[str, Any] = {"description": HTTPStatus(contract.status).phrase}
    media: dict[str, Any]
    if contract.response:
        media = {"schema": refs[(contract.response, "serialization")]}
    elif contract.media_type == "application/json":
        media = {"schema": {"type": "object"}}
    else:
        media = {"schema": {"type": "string"}}
    if contract.response_example is not None:
        media["examples"] = {"success": {"value": dict(contract.response_example)}}
    success["content"] = {contract.media_type: media}
    if contract.headers:
        success["headers"] = REPLAYED_HEADER
    return success


def _error_response(status: int, fails: list[Fails], field: tuple[str, str]) -> dict[str, Any]:
    codes = list(dict.fromkeys(f.code for f in fails))
    lines = [f"- `{f.code}`: {f.when}" for f in fails]
    examples: dict[str, Any] = {}
    for code in codes:
        first = next(f for f in fails if f.code == code)
        examples[code] = {"summary": first.when, "value": _problem_example(status, first, field)}
    response: dict[str, Any] = {
        "description": HTTPStatus(status).phrase + ". Codes:\n\n" + "\n".join(lines),
        "content": {
            PROBLEM_JSON: {
                "schema": {
                    "allOf": [{"$ref": PROBLEM_REF}, {"properties": {"code": {"enum": codes}}}]
                },
                "examples": examples,
            }
        },
    }
    if status in RESPONSE_HEADERS:
        response["headers"] = RESPONSE_HEADERS[status]
    return response


def _problem_example(status: int, fail: Fails, field: tuple[str, str]) -> dict[str, Any]:
    detail = fail.when[:1].upper() + fail.when[1:] + "."
    extra: dict[str, Any] = {}
    if fail.code == BAD_BODY.code:
        name, where = field
        extra["errors"] = [{"field": name, "in": where, "message": "Field required"}]
    return problem_body(status, fail.code, detail, **extra)


def _first_field(spec: RouteSpec, refs: dict[Any, Any], schemas: dict[str, Any]) -> tuple[str, str]:
    """A field an example 400 can name: the body's first member, else the first query or header."""
    contract = spec.contract
    for model, where in ((contract.body, "body"), (contract.query, "query")):
        if model:
            names: Iterable[str] = _schema_of(model, "validation", refs, schemas)["properties"]
            return next(iter(names), where), where
    if contract.headers:
        return contract.headers[0], "header"
    return "body", "body"


def view_for(specs: list[RouteSpec]) -> Callable[[Any], Response]:
    """The view that serves the document (built once per process: it never changes)."""

    @functools.cache
    def text() -> str:
        return json.dumps(document(specs), separators=(",", ":"))

    @endpoint(store=False)
    def openapi_document(_: Any) -> Response:
        """This API's OpenAPI 3.1 document.

        Public. The document `docs/API.md` and the web client's types are generated from.
        """
        return Response(body=text(), status_code=200, headers={"Content-Type": "application/json"})

    return openapi_document
