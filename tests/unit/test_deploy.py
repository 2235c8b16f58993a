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
from deploy.template import STAGE_LIMITS, TABLE_ACTIONS, Limits, limits_of, merge_template

ROOT = Path(__file__).resolve().parents[2]
PACKAGED = ROOT / "build" / "package" / "sam.json"
FUNCTIONS = ("APIHandler", "FinalizeSessions", "RecalculateMentorStats", "JwtAuth")
# What a deployed stage needs to start: an https JWKS, its issuer, and this app's client.
DEPLOYED_AUTH = {
    "AUTH_JWKS_URL": "https://idp.example/jwks.json",
    "AUTH_ISSUER": "https://idp.example",
    "AUTH_AUDIENCE": "web-client",
    "AUTH_TOKEN_USE": "id",
}
AUTH_SETTINGS = (
    "AUTH_JWT_SECRET",
    "AUTH_JWKS_URL",
    "AUTH_ISSUER",
    "AUTH_AUDIENCE",
    "AUTH_CLIENT_ID",
    "AUTH_TOKEN_USE",
    "AWS_LAMBDA_FUNCTION_NAME",
    "CORS_ALLOW_ORIGIN",
)


def _clean_env(**extra: str) -> dict[str, str]:
    """This process's environment without any auth setting, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if k not in AUTH_SETTINGS and k != "STAGE"}
    return {**env, **extra}


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
    for function in FUNCTIONS:
        env = resources[function]["Properties"]["Environment"]["Variables"]
        assert env["TABLE_NAME"] == {"Ref": "SessionsTable"}
        assert env["STAGE"] == "prod"
        assert "AUTH_JWT_SECRET" not in env
        assert env["AUTH_ISSUER"]
        assert env["AUTH_AUDIENCE"]
        assert env["AUTH_TOKEN_USE"] == "id"
    assert resources["UnauthorizedResponse"]["Properties"]["StatusCode"] == "401"


@pytest.mark.parametrize("kind", ["AUTHORIZER_FAILURE", "AUTHORIZER_CONFIGURATION_ERROR"])
def test_an_authorizer_failure_is_answered_as_problem_json(kind: str) -> None:
    responses = [
        r["Properties"]
        for r in _packaged()["Resources"].values()
        if r["Type"] == "AWS::ApiGateway::GatewayResponse"
    ]
    (found,) = [r for r in responses if r["ResponseType"] == kind]
    assert found["StatusCode"] == "503"  # not the gateway's bare 500
    params = found["ResponseParameters"]
    assert params["gatewayresponse.header.Content-Type"] == "'application/problem+json'"
    assert params["gatewayresponse.header.Retry-After"] == "'1'"
    body = json.loads(found["ResponseTemplates"]["application/json"])
    assert body["code"] == "SERVICE_UNAVAILABLE"
    assert body["status"] == 503


def test_throttled_requests_are_answered_as_problem_json() -> None:
    found = _packaged()["Resources"]["ThrottledResponse"]["Properties"]
    assert (found["ResponseType"], found["StatusCode"]) == ("THROTTLED", "429")
    assert json.loads(found["ResponseTemplates"]["application/json"])["code"] == (
        "TOO_MANY_REQUESTS"
    )


# --- metering: throttling and the WAF ------------------------------------------

METERED_ROUTES = {
    ("GET", "/api/v1/mentors"): "public",
    ("GET", "/api/v1/mentors/{mentor_id}"): "public",
    ("GET", "/api/v1/sessions/availability/{mentor_id}"): "public",
    ("POST", "/api/v1/connections"): "connection",
}


def _method_settings() -> dict[tuple[str, str], dict[str, Any]]:
    api = _packaged()["Resources"]["RestAPI"]["Properties"]
    # API Gateway spells a resource path's slashes "~1" after the leading one.
    return {
        (m["HttpMethod"], m["ResourcePath"][1:].replace("~1", "/") or "/"): m
        for m in api["MethodSettings"]
    }


def test_the_stage_is_throttled_as_a_whole() -> None:
    limits = limits_of("prod")
    stage_wide = _method_settings()[("*", "*")]
    assert stage_wide["ThrottlingRateLimit"] == limits.rate > 0
    assert stage_wide["ThrottlingBurstLimit"] == limits.burst > 0


def test_public_reads_and_connection_requests_have_tighter_limits() -> None:
    limits = limits_of("prod")
    settings_by_route = _method_settings()
    paths = _packaged()["Resources"]["RestAPI"]["Properties"]["DefinitionBody"]["paths"]
    for (method, path), kind in METERED_ROUTES.items():
        assert method.lower() in paths[path]  # a route the API really has
        found = settings_by_route[(method, path)]
        rate, burst = (
            (limits.public_read_rate, limits.public_read_burst)
            if kind == "public"
            else (limits.connection_rate, limits.connection_burst)
        )
        assert (found["ThrottlingRateLimit"], found["ThrottlingBurstLimit"]) == (rate, burst)
        assert rate < limits.rate
        assert burst < limits.burst
    assert len(settings_by_route) == len(METERED_ROUTES) + 1


def test_a_waf_limits_each_client_ip_and_guards_the_api_stage() -> None:
    resources = _packaged()["Resources"]
    acls = [r for r in resources.values() if r["Type"] == "AWS::WAFv2::WebACL"]
    assert len(acls) == 1
    acl = acls[0]["Properties"]
    assert acl["Scope"] == "REGIONAL"
    assert acl["DefaultAction"] == {"Allow": {}}
    (rule,) = acl["Rules"]
    rate = rule["Statement"]["RateBasedStatement"]
    assert rate["AggregateKeyType"] == "IP"
    assert rate["Limit"] == limits_of("prod").per_ip_5min
    assert rule["Action"]["Block"]["CustomResponse"]["ResponseCode"] == 429
    body_key = rule["Action"]["Block"]["CustomResponse"]["CustomResponseBodyKey"]
    assert json.loads(acl["CustomResponseBodies"][body_key]["Content"])["status"] == 429
    (association,) = [
        r["Properties"] for r in resources.values() if r["Type"] == "AWS::WAFv2::WebACLAssociation"
    ]
    name = next(k for k, r in resources.items() if r["Type"] == "AWS::WAFv2::WebACL")
    assert association["WebACLArn"] == {"Fn::GetAtt": [name, "Arn"]}
    arn = association["ResourceArn"]["Fn::Sub"]
    assert arn.endswith("/restapis/${RestAPI}/stages/${RestAPI.Stage}")


def test_each_stage_takes_its_limits_from_one_table() -> None:
    assert set(STAGE_LIMITS) == {"dev", "prod"}
    assert limits_of("anything-else") == Limits()
    dev, prod = merge_template("dev")["Resources"], merge_template("prod")["Resources"]
    dev_rate = dev["RestAPI"]["Properties"]["MethodSettings"][0]["ThrottlingRateLimit"]
    prod_rate = prod["RestAPI"]["Properties"]["MethodSettings"][0]["ThrottlingRateLimit"]
    assert (dev_rate, prod_rate) == (STAGE_LIMITS["dev"].rate, STAGE_LIMITS["prod"].rate)
    waf = dev["ApiWebAcl"]["Properties"]["Rules"][0]["Statement"]["RateBasedStatement"]
    assert waf["Limit"] == STAGE_LIMITS["dev"].per_ip_5min


def test_only_the_api_handler_gets_the_generated_cursor_secret() -> None:
    resources = _packaged()["Resources"]
    secret = resources["CursorSecret"]
    assert secret["Type"] == "AWS::SecretsManager::Secret"
    assert secret["Properties"]["GenerateSecretString"]["PasswordLength"] >= 32
    assert secret["DeletionPolicy"] == "Retain"  # a new key would void every cursor out there
    env = resources["APIHandler"]["Properties"]["Environment"]["Variables"]
    assert env["CURSOR_SECRET"] == {
        "Fn::Sub": "{{resolve:secretsmanager:${CursorSecret}:SecretString}}"
    }
    # The authorizer and the jobs never page: a leak of theirs must not leak the key.
    for function in ("FinalizeSessions", "RecalculateMentorStats", "JwtAuth"):
        assert "CURSOR_SECRET" not in resources[function]["Properties"]["Environment"]["Variables"]


def test_the_jobs_and_the_authorizer_never_read_the_cursor_secret() -> None:
    # What they import, from a cold interpreter: nothing that signs or reads cursors.
    script = (
        "import sys, app\n"
        "import chalicelib.jobs, chalicelib.jobs.finalize, chalicelib.jobs.mentor_stats\n"
        "import chalicelib.api.tokens, chalicelib.api.auth\n"
        "print(sorted(m for m in sys.modules if 'cursor' in m))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=_clean_env(STAGE="prod", **DEPLOYED_AUTH),
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip() == "[]"


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
        ({"STAGE": "prod", "AUTH_JWT_SECRET": "s", **DEPLOYED_AUTH}, "SECRET"),
        ({"STAGE": "dev", "AUTH_JWKS_URL": ""}, "JWKS_URL"),
        ({"STAGE": "prod", **DEPLOYED_AUTH, "AUTH_JWKS_URL": "http://idp/jwks"}, "https"),
        ({"STAGE": "prod", **DEPLOYED_AUTH, "AUTH_ISSUER": ""}, "AUTH_ISSUER"),
        # Without an audience or client id, any app client of the pool would do.
        ({"STAGE": "prod", **DEPLOYED_AUTH, "AUTH_AUDIENCE": "", "AUTH_TOKEN_USE": ""}, "AUDIENCE"),
        ({"STAGE": "prod", **DEPLOYED_AUTH, "AUTH_AUDIENCE": ""}, "AUTH_AUDIENCE"),
        ({"STAGE": "prod", **DEPLOYED_AUTH, "AUTH_CLIENT_ID": "c"}, "AUTH_TOKEN_USE=access"),
        ({"STAGE": "prod", **DEPLOYED_AUTH, "AUTH_TOKEN_USE": "access"}, "AUTH_CLIENT_ID"),
        ({"STAGE": "prod", **DEPLOYED_AUTH, "AUTH_TOKEN_USE": "refresh"}, "'id' or 'access'"),
        # HS256 only in the local and test stages, and never inside Lambda.
        ({"STAGE": "staging", "AUTH_JWT_SECRET": "s", **DEPLOYED_AUTH}, "SECRET"),
        ({"STAGE": "staging"}, "JWKS_URL"),
        ({"AWS_LAMBDA_FUNCTION_NAME": "careerforge-sessions-prod"}, "Lambda"),
        ({"STAGE": "local", "AWS_LAMBDA_FUNCTION_NAME": "f"}, "Lambda"),
        ({"STAGE": "test", "AWS_LAMBDA_FUNCTION_NAME": "f", "AUTH_JWT_SECRET": "s"}, "Lambda"),
    ],
)
def test_unsafe_auth_configurations_refuse_to_start(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], problem: str
) -> None:
    for name in (*AUTH_SETTINGS, "STAGE"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(UnsafeConfiguration, match=problem):
        require_safe_auth(settings())


@pytest.mark.parametrize(
    "env",
    [
        DEPLOYED_AUTH,
        {**DEPLOYED_AUTH, "AUTH_TOKEN_USE": ""},  # OIDC ID tokens without Cognito's token_use
        {
            **DEPLOYED_AUTH,
            "AUTH_AUDIENCE": "",
            "AUTH_CLIENT_ID": "web-client",
            "AUTH_TOKEN_USE": "access",
        },
    ],
)
def test_prod_with_a_jwks_issuer_and_client_is_fine(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str]
) -> None:
    for name in AUTH_SETTINGS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("STAGE", "prod")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    require_safe_auth(settings())


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_the_shipped_stage_configs_bind_tokens_to_the_app(
    monkeypatch: pytest.MonkeyPatch, stage: str
) -> None:
    config = json.loads((ROOT / ".chalice" / "config.json").read_text())
    for name in (*AUTH_SETTINGS, "STAGE"):
        monkeypatch.delenv(name, raising=False)
    for name, value in config["stages"][stage]["environment_variables"].items():
        monkeypatch.setenv(name, value)
    require_safe_auth(settings())


def test_the_app_refuses_to_start_in_prod_with_the_local_secret() -> None:
    env = _clean_env(STAGE="prod", AUTH_JWT_SECRET="local-dev-secret", **DEPLOYED_AUTH)
    done = subprocess.run(
        [sys.executable, "-c", "import app"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode != 0
    assert "must not have AUTH_JWT_SECRET" in done.stderr


def test_the_app_refuses_to_run_as_local_inside_lambda() -> None:
    # A function deployed without STAGE would otherwise be the local stage: the
    # public demo secret and the token route.
    env = _clean_env(AWS_LAMBDA_FUNCTION_NAME="careerforge-sessions-prod-APIHandler")
    done = subprocess.run(
        [sys.executable, "-c", "import app"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode != 0
    assert "not Lambda" in done.stderr


def test_locally_only_the_web_client_origin_may_read_answers() -> None:
    script = "import app; print(app.cors.allow_origin)"

    def origin(**env: str) -> str:
        done = subprocess.run(
            [sys.executable, "-c", script],
            cwd=ROOT,
            env=_clean_env(**env),
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout.strip()

    assert origin() == "http://127.0.0.1:5173"
    assert origin(STAGE="local", WEB_PORT="5199") == "http://127.0.0.1:5199"
    assert origin(CORS_ALLOW_ORIGIN="http://localhost:5173") == "http://localhost:5173"
    prod = {"STAGE": "prod", **DEPLOYED_AUTH, "CORS_ALLOW_ORIGIN": "https://app.example"}
    assert origin(**prod) == "https://app.example"


def test_make_run_pins_the_api_origin_to_its_web_client() -> None:
    from devstack.stack import LocalStack

    env = LocalStack(api_port=8010, db_port=8011, web_port=5180).child_env()
    assert env["CORS_ALLOW_ORIGIN"] == "http://127.0.0.1:5180"


def test_prod_cannot_mint_tokens(monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib.local_tokens import mint_token

    monkeypatch.setenv("STAGE", "prod")
    monkeypatch.setenv("AUTH_JWT_SECRET", "anything-at-all-that-is-long-enough")
    with pytest.raises(SystemExit, match="identity-provider tokens only"):
        mint_token("someone", None, None, 1)


def test_only_the_local_stage_has_a_token_route() -> None:
    script = "import app; print(sorted(app.app.routes))"
    prod = _clean_env(STAGE="prod", **DEPLOYED_AUTH)
    local = _clean_env(STAGE="local")
    routes = {
        name: subprocess.run(
            [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
        ).stdout
        for name, env in (("prod", prod), ("local", local))
    }
    assert "/api/v1/dev/token" in routes["local"]
    assert "/api/v1/dev/token" not in routes["prod"]
    assert "/api/v1/sessions/book" in routes["prod"]
