"""``docs/API.md``: the API reference in Markdown, rendered from the OpenAPI document.

    python -m chalicelib.api.reference           write docs/API.md
    python -m chalicelib.api.reference --check   exit 1, with a diff, if docs/API.md differs

The document is the single source (each view's contract and docstring); this
module only lays it out, so the page cannot say anything the API does not.
Output is deterministic: operations keep the route table's order within their
tag, and tags keep the document's order.
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
import textwrap
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
OUTPUT = ROOT / "docs" / "API.md"
COMMAND = "python -m chalicelib.api.reference"
CONSTRAINTS = (
    ("minLength", "min length {}"),
    ("maxLength", "max length {}"),
    ("minimum", "≥ {}"),
    ("maximum", "≤ {}"),
    ("exclusiveMinimum", "> {}"),
    ("exclusiveMaximum", "< {}"),
    ("multipleOf", "multiple of {}"),
    ("minItems", "at least {} items"),
    ("maxItems", "at most {} items"),
)


def render(doc: dict[str, Any]) -> str:
    """The Markdown reference for the OpenAPI document ``doc``."""
    operations = list(_operations(doc))
    tags = [t["name"] for t in doc.get("tags", [])]
    tags += sorted({op["tags"][0] for _, _, op in operations} - set(tags))
    info = doc["info"]
    out = [
        f"# {info['title']} API reference",
        "",
        f"<!-- Generated from the OpenAPI document by `{COMMAND}`; do not edit. -->",
        "",
        f"Version {info['version']}, OpenAPI {doc['openapi']}. The running API serves the",
        "document at `GET /api/v1/openapi.json`.",
        "",
        _demote(info.get("description", "")),
        "",
        "## Contents",
        "",
    ]
    by_tag = {tag: [o for o in operations if o[2]["tags"][0] == tag] for tag in tags}
    for tag in tags:
        if not by_tag[tag]:
            continue
        out.append(f"- [{tag}](#{_slug(tag)})")
        for method, path, op in by_tag[tag]:
            heading = _heading(method, path)
            out.append(f"  - [{heading}](#{_slug(heading)}): {op['summary']}")
    descriptions = {t["name"]: t.get("description", "") for t in doc.get("tags", [])}
    for tag in tags:
        if not by_tag[tag]:
            continue
        out += ["", f"## {tag}", ""]
        if descriptions.get(tag):
            out += [descriptions[tag], ""]
        for method, path, op in by_tag[tag]:
            out += _operation(doc, method, path, op)
    text = "\n".join(out)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return "\n".join(line.rstrip() for line in text.splitlines()).strip() + "\n"


def _operations(doc: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            yield method.upper(), path, op


def _heading(method: str, path: str) -> str:
    return f"`{method} {path}`"


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens."""
    text = re.sub(r"[^\w\- ]", "", heading.lower())
    return text.replace(" ", "-")


def _demote(markdown: str) -> str:
    """Headings of an embedded description, one level below the page's sections."""
    return re.sub(r"^(#+) ", lambda m: "#" * (len(m[1]) + 1) + " ", markdown, flags=re.M)


def _operation(doc: dict[str, Any], method: str, path: str, op: dict[str, Any]) -> list[str]:
    out = [f"### {_heading(method, path)}", "", f"**{op['summary']}**", ""]
    if op.get("description"):
        out += [op["description"], ""]
    auth = (
        "public (no token)"
        if op.get("security") == []
        else "bearer token (`Authorization: Bearer <JWT>`)"
    )
    out += [f"Auth: {auth}.", ""]
    out += _parameters(op.get("parameters", []))
    body = op.get("requestBody")
    if body:
        out += _request_body(doc, body)
    out += _success(op["responses"])
    out += _errors(op["responses"])
    return out


def _parameters(params: Sequence[dict[str, Any]]) -> list[str]:
    if not params:
        return []
    out = [
        "Parameters:",
        "",
        "| name | in | type | required | constraints and meaning |",
        "| --- | --- | --- | --- | --- |",
    ]
    for p in params:
        schema = p.get("schema", {})
        notes = _join(_constraints(schema), p.get("description") or schema.get("description"))
        out.append(
            _row(
                f"`{p['name']}`",
                p["in"],
                _type(schema),
                "yes" if p.get("required") else "no",
                notes,
            )
        )
    return [*out, ""]


def _request_body(doc: dict[str, Any], body: dict[str, Any]) -> list[str]:
    media_type, media = next(iter(body["content"].items()))
    schema = media.get("schema", {})
    name = _ref_name(schema)
    required = "required" if body.get("required") else "optional: no body is an empty object"
    out = [f"Request body (`{media_type}`, {required}){f': `{name}`' if name else ''}:", ""]
    rows = list(_fields(doc, schema, "", set()))
    if rows:
        out += [
            "| field | type | required | constraints and meaning |",
            "| --- | --- | --- | --- |",
            *rows,
            "",
        ]
    for example in media.get("examples", {}).values():
        out += ["Example request:", "", *_json_block(example["value"]), ""]
        break
    return out


def _fields(
    doc: dict[str, Any], schema: dict[str, Any], prefix: str, seen: set[str]
) -> Iterator[str]:
    """A row per member, nested objects' members as ``outer.inner``, arrays' as ``list[].inner``."""
    resolved = _resolve(doc, schema)
    name = _ref_name(schema)
    if name in seen:
        return
    inner = seen | ({name} if name else set())
    required = set(resolved.get("required", []))
    extra = resolved.get("additionalProperties")
    for member, sub in resolved.get("properties", {}).items():
        target = _resolve(doc, _non_null(sub))
        notes = _join(
            _constraints(target),
            _default(sub),
            sub.get("description") or target.get("description"),
        )
        yield _row(f"`{prefix}{member}`", _type(sub), "yes" if member in required else "no", notes)
        nested = _non_null(sub)
        if _resolve(doc, nested).get("type") == "array":
            nested = _resolve(doc, nested).get("items", {})
            suffix = "[]."
        else:
            suffix = "."
        if _resolve(doc, nested).get("properties"):
            yield from _fields(doc, nested, f"{prefix}{member}{suffix}", inner)
    if extra is False and not prefix:
        yield _row("(any other member)", "", "", "refused: unknown members are a 400")


def _success(responses: dict[str, Any]) -> list[str]:
    status = next(s for s in responses if s.startswith("2"))
    response = responses[status]
    out = [f"Success: **{status} {response['description']}**"]
    content: dict[str, Any] = response.get("content", {})
    empty: dict[str, Any] = {}
    media_type, media = next(iter(content.items()), ("", empty))
    name = _ref_name(media.get("schema", {}))
    if media_type:
        out[0] += f", `{media_type}`" + (f": `{name}`" if name else "") + "."
    for header, spec in response.get("headers", {}).items():
        out += ["", *textwrap.wrap(f"Header `{header}`: {spec.get('description', '')}", 80)]
    out.append("")
    for example in media.get("examples", {}).values():
        out += ["Example response:", "", *_json_block(example["value"]), ""]
        break
    return out


def _errors(responses: dict[str, Any]) -> list[str]:
    rows = []
    for status, response in responses.items():
        if status.startswith("2"):
            continue
        phrase = response["description"].split(".", 1)[0]
        for line in response["description"].splitlines():
            match = re.fullmatch(r"- `(\w+)`: (.*)", line)
            if match:
                rows.append(_row(f"{status} {phrase}", f"`{match[1]}`", match[2]))
    if not rows:
        return []
    return [
        "Errors (`application/problem+json`):",
        "",
        "| status | code | when |",
        "| --- | --- | --- |",
        *rows,
        "",
    ]


def _resolve(doc: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = doc["components"]["schemas"][name]
    return schema


def _ref_name(schema: dict[str, Any]) -> str | None:
    ref = _non_null(schema).get("$ref")
    return ref.rsplit("/", 1)[-1] if isinstance(ref, str) else None


def _non_null(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema without its ``null`` alternative (an optional member's value)."""
    options = [s for s in schema.get("anyOf", []) if s.get("type") != "null"]
    return options[0] if len(options) == 1 else schema


def _type(schema: dict[str, Any]) -> str:
    if "anyOf" in schema:
        return " or ".join(dict.fromkeys(_type(s) for s in schema["anyOf"]))
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    if "const" in schema:
        return json.dumps(schema["const"])
    if "enum" in schema:
        return " or ".join(json.dumps(v) for v in schema["enum"])
    kind = schema.get("type", "any")
    if kind == "array":
        return f"array of {_type(schema.get('items', {}))}"
    if isinstance(kind, list):
        return " or ".join(kind)
    fmt = schema.get("format")
    return f"{kind} ({fmt})" if fmt else str(kind)


def _constraints(schema: dict[str, Any]) -> str:
    found = [text.format(schema[key]) for key, text in CONSTRAINTS if key in schema]
    if "pattern" in schema:
        found.append(f"pattern `{schema['pattern']}`")
    return ", ".join(found)


def _default(schema: dict[str, Any]) -> str:
    return f"default `{json.dumps(schema['default'])}`" if "default" in schema else ""


def _join(*parts: str | None) -> str:
    return "; ".join(p for p in parts if p)


def _row(*cells: str) -> str:
    return "| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in cells) + " |"


def _json_block(value: Any) -> list[str]:
    return ["```json", *json.dumps(value, indent=2, ensure_ascii=False).splitlines(), "```"]


def current() -> str:
    """The reference for the app's own routes, as ``docs/API.md`` should read."""
    from app import routes
    from chalicelib.api.openapi import document

    return render(document(routes.specs))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=COMMAND, description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="exit 1 with a diff if docs/API.md is stale"
    )
    args = parser.parse_args(argv)
    text = current()
    if not args.check:
        OUTPUT.write_text(text, encoding="utf-8")
        return 0
    committed = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
    if committed == text:
        return 0
    diff = difflib.unified_diff(
        committed.splitlines(keepends=True),
        text.splitlines(keepends=True),
        "docs/API.md (committed)",
        "docs/API.md (generated)",
    )
    sys.stdout.writelines(diff)
    print(f"docs/API.md is stale; regenerate it with: {COMMAND}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
