"""The deployment template agrees with the code, and deployed stages refuse unsafe auth."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from chalicelib.config import UnsafeConfiguration, cursor_secret, require_safe_auth, settings
from chalicelib.store.schema import table_definition
from deploy.bytecode import NEVER_IMPORTED, add_bytecode, pyc_name, unchecked_pyc
from deploy.template import TABLE_ACTIONS, merge_template

ROOT = Path(__file__).resolve().parents[2]
PACKAGED = ROOT / "build" / "package" / "sam.json"

# DynamoDB client operations, and the kinds of transaction actions, to the IAM actions they need.
CALLS = {
    "get_item": "dynamodb:GetItem",
    "batch_get_item": "dynamodb:BatchGetItem",
    "query": "dynamodb:Query",
    "put_item": "dynamodb:PutItem",
    "update_item": "dynamodb:UpdateItem",
}
TRANSACTION_ACTIONS = {
    "Put": "dynamodb:PutItem",
    "Update": "dynamodb:UpdateItem",
    "Delete": "dynamodb:DeleteItem",
    "ConditionCheck": "dynamodb:ConditionCheckItem",
}


def _actions_used_by_the_store() -> set[str]:
    used: set[str] = set()
    for path in (ROOT / "chalicelib" / "store").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Attribute) and node.attr in CALLS:
                used.add(CALLS[node.attr])
            if isinstance(node, ast.Constant) and node.value in TRANSACTION_ACTIONS:
                used.add(TRANSACTION_ACTIONS[node.value])
            # Operations named to Db.call, which runs each within the time budget.
            if isinstance(node, ast.Constant) and node.value in CALLS:
                used.add(CALLS[node.value])
    return used


def test_the_template_table_is_the_code_table() -> None:
    table = merge_template("prod")["Resources"]["SessionsTable"]
    props = table["Properties"]
    expected = table_definition("careerforge-prod")
    for key in ("KeySchema", "AttributeDefinitions", "GlobalSecondaryIndexes", "BillingMode"):
        assert props[key] == expected[key]
    assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert props["DeletionProtectionEnabled"] is True
    assert props["SSESpecification"] == {"SSEEnabled": True}
    assert props["TimeToLiveSpecification"]["Enabled"] is True
    assert table["DeletionPolicy"] == "Retain"


def test_the_api_role_allows_exactly_what_the_store_does() -> None:
    used = _actions_used_by_the_store()
    assert used == set(TABLE_ACTIONS["ApiHandlerRole"])
    assert "dynamodb:Scan" not in used
    assert TABLE_ACTIONS["JwtAuthRole"] == []


def test_every_policy_is_scoped_to_the_table_and_its_indexes() -> None:
    resources = merge_template("prod")["Resources"]
    for role in TABLE_ACTIONS:
        statements = resources[role]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
        for statement in statements:
            assert statement["Resource"] != "*"
            assert "*" not in statement["Action"]
        if TABLE_ACTIONS[role]:
            assert statements[1]["Resource"] == [
                {"Fn::GetAtt": ["SessionsTable", "Arn"]},
                {"Fn::Sub": "${SessionsTable.Arn}/index/*"},
            ]


def _packaged() -> dict[str, Any]:
    assert PACKAGED.exists(), "run `make package` (make test does) to build the SAM template"
    data: dict[str, Any] = json.loads(PACKAGED.read_text())
    return data


def test_the_packaged_template_has_the_lambdas_schedules_and_table() -> None:
    resources = _packaged()["Resources"]
    assert (
        resources["SessionsTable"]["Properties"]["GlobalSecondaryIndexes"]
        == (table_definition("careerforge-prod")["GlobalSecondaryIndexes"])
    )
    schedules = {
        name: resources[name]["Properties"]["Events"][f"{name}Event"]["Properties"]["Schedule"]
        for name in ("FinalizeSessions", "RecalculateMentorStats")
    }
    assert schedules == {
        "FinalizeSessions": "rate(15 minutes)",
        "RecalculateMentorStats": "cron(30 3 * * ? *)",
    }
    for function in ("APIHandler", "FinalizeSessions", "RecalculateMentorStats", "JwtAuth"):
        env = resources[function]["Properties"]["Environment"]["Variables"]
        assert env["TABLE_NAME"] == {"Ref": "SessionsTable"}
        assert env["STAGE"] == "prod"
        assert "AUTH_JWT_SECRET" not in env
    assert resources["UnauthorizedResponse"]["Properties"]["StatusCode"] == "401"


def test_every_function_gets_the_generated_cursor_secret() -> None:
    resources = _packaged()["Resources"]
    secret = resources["CursorSecret"]
    assert secret["Type"] == "AWS::SecretsManager::Secret"
    assert secret["Properties"]["GenerateSecretString"]["PasswordLength"] >= 32
    assert secret["DeletionPolicy"] == "Retain"  # a new key would void every cursor out there
    for function in ("APIHandler", "FinalizeSessions", "RecalculateMentorStats", "JwtAuth"):
        env = resources[function]["Properties"]["Environment"]["Variables"]
        assert env["CURSOR_SECRET"] == {
            "Fn::Sub": "{{resolve:secretsmanager:${CursorSecret}:SecretString}}"
        }


def test_a_deployed_stage_signs_cursors_with_its_own_key_or_not_at_all(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("AUTH_JWT_SECRET", raising=False)
    monkeypatch.delenv("CURSOR_SECRET", raising=False)
    monkeypatch.setenv("STAGE", "prod")
    with pytest.raises(UnsafeConfiguration, match="CURSOR_SECRET"):
        cursor_secret()
    monkeypatch.setenv("CURSOR_SECRET", "generated-by-cloudformation")
    assert cursor_secret() == "generated-by-cloudformation"
    monkeypatch.delenv("CURSOR_SECRET")
    monkeypatch.setenv("STAGE", "local")
    assert cursor_secret()  # the local stage signs with its demo secret


def test_the_lambda_zip_leaves_boto3_to_the_runtime_and_carries_its_bytecode() -> None:
    import zipfile

    with zipfile.ZipFile(PACKAGED.parent / "deployment.zip") as z:
        names = set(z.namelist())
        app_pyc = z.read(pyc_name("app.py", sys.implementation.cache_tag))
    assert not any(n.startswith(("boto3/", "botocore/", "aws_lambda_powertools/")) for n in names)
    assert "app.py" in names
    assert (PACKAGED.parent / "deployment.zip").stat().st_size <= 10_000_000
    sources = {n for n in names if n.endswith(".py") and not n.startswith(NEVER_IMPORTED)}
    tag = sys.implementation.cache_tag
    assert not {n for n in sources if pyc_name(n, tag) not in names}
    assert int.from_bytes(app_pyc[4:8], "little") == 0b01  # hash-based, not checked


def test_the_zip_runs_from_its_own_files_with_stripped_extensions(tmp_path: Path) -> None:
    # What Lambda does: import the app and verify tokens from the unpacked zip,
    # with its shared objects stripped and the never-imported packages gone.
    import zipfile

    with zipfile.ZipFile(PACKAGED.parent / "deployment.zip") as z:
        z.extractall(tmp_path)
        rust = z.getinfo("cryptography/hazmat/bindings/_rust.abi3.so")
    assert not any((tmp_path / prefix).exists() for prefix in NEVER_IMPORTED)
    script = (
        "import sys, jwt\n"
        "from cryptography.hazmat.primitives.asymmetric import ec, rsa\n"
        "for key, alg in ((ec.generate_private_key(ec.SECP256R1()), 'ES256'),\n"
        "                 (rsa.generate_private_key(65537, 2048), 'RS256')):\n"
        "    token = jwt.encode({'sub': 'x'}, key, algorithm=alg)\n"
        "    assert jwt.decode(token, key.public_key(), algorithms=[alg])['sub'] == 'x'\n"
        "import app, pydantic_core, msgspec\n"
        "print(sys.modules['cryptography'].__file__)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(tmp_path), "PYTHONDONTWRITEBYTECODE": "1"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(str(tmp_path))  # the zip's cryptography, not the venv's
    assert rust.file_size < 12_000_000  # stripped: 14.3 MB as the wheel ships it


def test_unchecked_bytecode_is_used_as_is(tmp_path: Path) -> None:
    # Compiled from one source, shipped next to another: Python must not look at the source.
    (tmp_path / "shipped.py").write_text("WHERE = 'source'\n")
    pyc = tmp_path / pyc_name("shipped.py", sys.implementation.cache_tag)
    pyc.parent.mkdir()
    pyc.write_bytes(unchecked_pyc(b"WHERE = 'bytecode'\n", "shipped.py"))
    done = subprocess.run(
        [sys.executable, "-c", "import shipped; print(shipped.WHERE, shipped.__cached__)"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.startswith("bytecode ")


def test_bytecode_replaces_stray_caches_and_matches_the_runtime(tmp_path: Path) -> None:
    import zipfile

    package = tmp_path / "deployment.zip"
    with zipfile.ZipFile(package, "w") as z:
        z.writestr("app.py", "X = 1\n")
        z.writestr("__pycache__/app.cpython-311.pyc", b"stale")
        z.writestr("cffi/api.py", "Y = 2\n")
    other = "python3.9" if sys.version_info[:2] != (3, 9) else "python3.10"
    with pytest.raises(SystemExit, match="ignored"):
        add_bytecode(package, other)
    runtime = f"python{sys.version_info.major}.{sys.version_info.minor}"
    assert add_bytecode(package, runtime)[0] == 1
    names = set(zipfile.ZipFile(package).namelist())
    tag = sys.implementation.cache_tag
    assert names == {"app.py", pyc_name("app.py", tag)}  # cffi's Python is left out


def test_what_gets_no_bytecode_is_never_imported() -> None:
    never = [prefix.rstrip("/").replace("/", ".") for prefix in NEVER_IMPORTED]
    script = (
        "import sys, jwt\n"
        "from cryptography.hazmat.primitives.asymmetric import ec\n"
        "key = ec.generate_private_key(ec.SECP256R1())\n"
        "token = jwt.encode({'sub': 'x'}, key, algorithm='ES256')\n"
        "jwt.decode(token, key.public_key(), algorithms=['ES256'])\n"
        "import app, chalicelib.api.tokens, chalicelib.jobs, chalicelib.jobs.finalize\n"
        "import chalicelib.jobs.mentor_stats, chalicelib.api.openapi\n"
        "for name in ('people', 'connections', 'availability', 'sessions'):\n"
        "    __import__('chalicelib.api.resources.' + name)\n"
        "app.routes.specs[-1].resolve()\n"
        "from chalicelib.api.openapi import document\n"
        "document(app.routes.specs)\n"
        f"never = {never!r}\n"
        "hit = [m for m in sys.modules for n in never if m == n or m.startswith(n + '.')]\n"
        "print(sorted(hit))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("env", "problem"),
    [
        ({"STAGE": "prod", "AUTH_JWT_SECRET": "s", "AUTH_JWKS_URL": "https://idp/jwks"}, "SECRET"),
        ({"STAGE": "dev", "AUTH_JWKS_URL": ""}, "JWKS_URL"),
    ],
)
def test_deployed_stages_refuse_shared_secrets_and_need_a_jwks(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], problem: str
) -> None:
    monkeypatch.delenv("AUTH_JWT_SECRET", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(UnsafeConfiguration, match=problem):
        require_safe_auth(settings())


def test_prod_with_a_jwks_is_fine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AUTH_JWT_SECRET", raising=False)
    monkeypatch.setenv("STAGE", "prod")
    monkeypatch.setenv("AUTH_JWKS_URL", "https://idp.example/jwks.json")
    require_safe_auth(settings())


def test_the_app_refuses_to_start_in_prod_with_the_local_secret() -> None:
    env = {**os.environ, "STAGE": "prod", "AUTH_JWT_SECRET": "local-dev-secret"}
    env["AUTH_JWKS_URL"] = "https://idp.example/jwks.json"
    done = subprocess.run(
        [sys.executable, "-c", "import app"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode != 0
    assert "must not have AUTH_JWT_SECRET" in done.stderr


def test_prod_cannot_mint_tokens(monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib.admin import mint_token

    monkeypatch.setenv("STAGE", "prod")
    monkeypatch.setenv("AUTH_JWT_SECRET", "anything-at-all-that-is-long-enough")
    with pytest.raises(SystemExit, match="identity-provider tokens only"):
        mint_token("someone", None, None, 1)


def test_only_the_local_stage_has_a_token_route() -> None:
    script = "import app; print(sorted(app.app.routes))"
    prod = {**os.environ, "STAGE": "prod", "AUTH_JWKS_URL": "https://idp.example/jwks.json"}
    prod.pop("AUTH_JWT_SECRET", None)
    local = {**os.environ, "STAGE": "local"}
    routes = {
        name: subprocess.run(
            [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
        ).stdout
        for name, env in (("prod", prod), ("local", local))
    }
    assert "/api/v1/dev/token" in routes["local"]
    assert "/api/v1/dev/token" not in routes["prod"]
    assert "/api/v1/sessions/book" in routes["prod"]
