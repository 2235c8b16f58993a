"""The OpenAPI 3.1 document, generated from the registered routes and their pydantic models."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from typing import Any

from chalice.app import Response
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from chalicelib.api.http import RouteSpec

REF = "#/components/schemas/{model}"
ERRORS = {
    400: "Malformed or invalid input (the offending fields are listed)",
    401: "Missing, malformed, expired or badly signed token",
    403: "Not allowed for this caller",
    404: "Unknown, or not disclosed to this caller",
    409: "Conflicts with the current state",
    413: "Body over 64 KiB",
    415: "Body is not application/json",
    503: "The database keeps throttling; retry after Retry-After seconds",
}
PROBLEM: dict[str, Any] = {
    "type": "object",
    "description": "RFC 9457 problem details",
    "required": ["type", "title", "status", "detail", "code"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "code": {"type": "string"},
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


def document(specs: list[RouteSpec], version: str = "1.0.0") -> dict[str, Any]:
    """The whole OpenAPI document for ``specs``."""
    refs, schemas = _schemas(specs)
    paths: dict[str, dict[str, Any]] = {}
    for spec in specs:
        paths.setdefault(spec.path, {})[spec.method.lower()] = _operation(spec, refs, schemas)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "CareerForge Sessions",
            "version": version,
            "description": "Session scheduling and video calls for CareerForge mentorship.",
        },
        "paths": paths,
        "components": {
            "schemas": {**schemas, "Problem": PROBLEM},
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
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


def _operation(spec: RouteSpec, refs: dict[Any, Any], schemas: dict[str, Any]) -> dict[str, Any]:
    contract = spec.contract
    operation: dict[str, Any] = {
        "operationId": spec.name,
        "summary": (spec.resolve().__doc__ or spec.name.replace("_", " ")).strip(),
        "parameters": _parameters(spec, refs, schemas),
        "responses": _responses(spec, refs),
        "security": [] if spec.public else [{"bearerAuth": []}],
    }
    if contract.body:
        operation["requestBody"] = {
            "required": not contract.optional_body,
            "content": {"application/json": {"schema": refs[(contract.body, "validation")]}},
        }
    return operation


def _parameters(
    spec: RouteSpec, refs: dict[Any, Any], schemas: dict[str, Any]
) -> list[dict[str, Any]]:
    params = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        for name in re.findall(r"\{(\w+)\}", spec.path)
    ]
    contract = spec.contract
    if contract.query:
        name = refs[(contract.query, "validation")]["$ref"].rsplit("/", 1)[-1]
        for field, schema in schemas[name]["properties"].items():
            params.append({"name": field, "in": "query", "required": False, "schema": schema})
    for header in contract.headers:
        params.append(
            {
                "name": header,
                "in": "header",
                "required": False,
                "schema": {"type": "string", "pattern": "^[A-Za-z0-9_.:-]{1,255}$"},
            }
        )
    return params


def _responses(spec: RouteSpec, refs: dict[Any, Any]) -> dict[str, Any]:
    contract = spec.contract
    success: dict[str, Any] = {"description": "OK"}
    if contract.response:
        schema = refs[(contract.response, "serialization")]
        success["content"] = {"application/json": {"schema": schema}}
    else:
        success["content"] = {"application/json": {"schema": {"type": "object"}}}
    problem = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    responses: dict[str, Any] = {str(contract.status): success}
    for status, description in ERRORS.items():
        responses[str(status)] = {"description": description, "content": problem}
    return responses


def view_for(specs: list[RouteSpec]) -> Callable[[Any], Response]:
    """The view that serves the document (built once per process: it never changes)."""

    @functools.cache
    def text() -> str:
        return json.dumps(document(specs), separators=(",", ":"))

    def openapi_document(_: Any) -> Response:
        """The OpenAPI 3.1 document of this API."""
        return Response(body=text(), status_code=200, headers={"Content-Type": "application/json"})

    return openapi_document
