"""docs/API.md and the OpenAPI document it is rendered from: in step, complete, and true."""

from __future__ import annotations

import ast
import inspect
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]  # installed without its stubs
import pytest

from app import routes
from chalicelib.api import auth, http, problems, reference
from chalicelib.api.openapi import document
from chalicelib.domain import errors

ROOT = Path(__file__).resolve().parents[2]
# Codes that exist but that no operation can answer, each for a reason the
# document's introduction gives (so they are documented there, not per route).
NOT_ANSWERED_BY_AN_OPERATION = {
    "ERROR": "the base class's code, and the framework's catch-all",
    "CHANGED_MEANWHILE": "complete retries it and answers 503 if it persists",
    "INTERNAL_ERROR": "a 500 is a bug",
    "METHOD_NOT_ALLOWED": "a method the path lacks is no operation",
    "BAD_REQUEST": "the framework's own 400; no route answers it",
}


@pytest.fixture(scope="module")
def doc() -> dict[str, Any]:
    return document(routes.specs)


def _operations(doc: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            yield method.upper(), path, op


def test_the_committed_reference_is_what_the_document_renders(doc: dict[str, Any]) -> None:
    committed = (ROOT / "docs" / "API.md").read_text(encoding="utf-8")
    assert committed == reference.render(doc), (
        "docs/API.md is stale; regenerate it with: make api-docs"
    )


def test_every_operation_has_its_heading(doc: dict[str, Any]) -> None:
    headings = set(re.findall(r"^### `(\w+ \S+)`$", reference.render(doc), flags=re.M))
    assert headings == {f"{method} {path}" for method, path, _ in _operations(doc)}


def test_the_reference_is_tidy(doc: dict[str, Any]) -> None:
    text = reference.render(doc)
    assert not [line for line in text.splitlines() if line != line.rstrip()]
    assert text.endswith("\n")
    assert not text.endswith("\n\n")
    assert reference.render(document(routes.specs)) == text  # deterministic
    anchors = set(re.findall(r"\]\(#([\w-]+)\)", text))
    headings = re.findall(r"^#+ (.+)$", text, flags=re.M)
    assert anchors <= {reference._slug(h) for h in headings}


def _defined_codes() -> set[str]:
    """Every problem code the code base defines: domain error classes and the HTTP layer's."""
    classes = [c for _, c in inspect.getmembers(errors, inspect.isclass)]
    codes = {c.code for c in classes if issubclass(c, errors.DomainError)}
    # problems.py names the framework's codes; auth and http raise their own HttpProblems.
    for module in (problems, auth, http):
        source = Path(str(module.__file__)).read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(source)):
            text = node.value if isinstance(node, ast.Constant) else None
            if isinstance(text, str) and re.fullmatch(r"[A-Z][A-Z_]+[A-Z]", text):
                codes.add(text)
    return codes


def _invalid_request_codes() -> set[str]:
    """The codes of ``InvalidRequest("CODE", ...)`` call sites."""
    found = set()
    for path in (ROOT / "chalicelib").rglob("*.py"):
        found |= set(re.findall(r'InvalidRequest\(\s*"([A-Z_]+)"', path.read_text("utf-8")))
    return found


def _documented_codes(doc: dict[str, Any]) -> set[str]:
    codes: set[str] = set()
    for _, _, op in _operations(doc):
        for status, response in op["responses"].items():
            if not status.startswith("2"):
                media = response["content"]["application/problem+json"]
                codes |= set(media["schema"]["allOf"][1]["properties"]["code"]["enum"])
    return codes


def test_every_problem_code_is_documented(doc: dict[str, Any]) -> None:
    defined = _defined_codes() | _invalid_request_codes()
    assert {"SLOT_UNAVAILABLE", "UNAUTHORIZED", "CANNOT_CONNECT_TO_SELF"} <= defined
    missing = defined - _documented_codes(doc) - set(NOT_ANSWERED_BY_AN_OPERATION)
    assert not missing, f"no route documents {sorted(missing)}"
    for code in NOT_ANSWERED_BY_AN_OPERATION:
        assert f"`{code}`" in doc["info"]["description"], code
        assert code not in _documented_codes(doc), f"{code} is answered after all"


def test_every_error_code_names_when(doc: dict[str, Any]) -> None:
    for method, path, op in _operations(doc):
        for status, response in op["responses"].items():
            if status.startswith("2"):
                continue
            media = response["content"]["application/problem+json"]
            for code in media["schema"]["allOf"][1]["properties"]["code"]["enum"]:
                assert f"- `{code}`: " in response["description"], (method, path, status, code)
                assert code in media["examples"], (method, path, status, code)


def _examples(doc: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any], Any]]:
    for method, path, op in _operations(doc):
        body = op.get("requestBody", {}).get("content", {})
        for media_type, media in body.items():
            for name, example in media.get("examples", {}).items():
                yield f"{method} {path} {media_type} {name}", media["schema"], example["value"]
        for status, response in op["responses"].items():
            for media_type, media in response.get("content", {}).items():
                for name, example in media.get("examples", {}).items():
                    label = f"{method} {path} {status} {media_type} {name}"
                    yield label, media["schema"], example["value"]


def test_examples_match_their_schemas(doc: dict[str, Any]) -> None:
    checked = 0
    for label, schema, value in _examples(doc):
        # The schema's $refs point into the document's components.
        rooted = {**schema, "components": doc["components"]}
        validator = jsonschema.Draft202012Validator(
            rooted, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
        )
        problems_found = [e.message for e in validator.iter_errors(value)]
        assert not problems_found, (label, problems_found)
        checked += 1
    assert checked > 50


def test_every_operation_with_a_body_has_examples(doc: dict[str, Any]) -> None:
    for method, path, op in _operations(doc):
        if "requestBody" in op:
            media = op["requestBody"]["content"]["application/json"]
            assert media.get("examples"), (method, path)
        success = next(r for s, r in op["responses"].items() if s.startswith("2"))
        media = success["content"].get("application/json", {})
        if "$ref" in media.get("schema", {}):
            assert media.get("examples"), (method, path)


def test_operations_are_tagged_and_described(doc: dict[str, Any]) -> None:
    tags = [t["name"] for t in doc["tags"]]
    assert tags == ["People", "Connections", "Availability", "Sessions", "Service"]
    for method, path, op in _operations(doc):
        assert op["tags"][0] in tags, (method, path)
        assert op["summary"], (method, path)
        assert "\n" not in op["summary"], (method, path)
    book = doc["paths"]["/api/v1/sessions/book"]["post"]
    assert "Idempotency-Key" in book["description"]
    description = doc["info"]["description"]
    for fact in ("Bearer", "/api/v1/dev/token", "camelCase", "nextCursor", "RFC 9457", "IANA"):
        assert fact in description, fact


def test_the_check_command_reports_drift(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    stale = tmp_path / "API.md"
    stale.write_text("# old\n", encoding="utf-8")
    monkeypatch.setattr(reference, "OUTPUT", stale)
    assert reference.main(["--check"]) == 1
    captured = capsys.readouterr()
    assert "+# CareerForge Sessions API reference" in captured.out
    assert reference.COMMAND in captured.err
    assert reference.main([]) == 0
    assert reference.main(["--check"]) == 0
