"""The merge template that ``chalice package --merge-template`` folds into the SAM output.

It adds what Chalice does not make: the DynamoDB table (from the one
definition in ``chalicelib.store.schema``), a least-privilege policy per
function, and gateway responses that answer 401/403 as problem+json.
``python -m deploy.template STAGE > build/merge-STAGE.json``.

Chalice merges dicts deeply but replaces lists, so every ``Policies`` and
``Statement`` list here is whole.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from chalicelib.api.problems import problem_body
from chalicelib.store.schema import TTL_ATTRIBUTE, table_definition

ROOT = Path(__file__).resolve().parent.parent
APP = "careerforge-sessions"
TABLE = "SessionsTable"
CURSOR_SECRET = "CursorSecret"

# What each function does to the table: the API's request paths, the jobs'
# reads and settling writes, and nothing at all for the authorizer.
TABLE_ACTIONS: dict[str, list[str]] = {
    "ApiHandlerRole": [
        "dynamodb:GetItem",
        "dynamodb:BatchGetItem",
        "dynamodb:Query",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:DeleteItem",
        "dynamodb:ConditionCheckItem",
    ],
    "FinalizeSessionsRole": [
        "dynamodb:GetItem",
        "dynamodb:BatchGetItem",
        "dynamodb:Query",
        "dynamodb:UpdateItem",
    ],
    "RecalculateMentorStatsRole": ["dynamodb:Query", "dynamodb:UpdateItem"],
    "JwtAuthRole": [],
}
FUNCTIONS = {
    "ApiHandlerRole": "APIHandler",
    "FinalizeSessionsRole": "FinalizeSessions",
    "RecalculateMentorStatsRole": "RecalculateMentorStats",
    "JwtAuthRole": "JwtAuth",
}


def stage_environment(stage: str) -> dict[str, str]:
    config = json.loads((ROOT / ".chalice" / "config.json").read_text())
    env: dict[str, str] = config["stages"][stage].get("environment_variables", {})
    return env


def table_resource(table_name: str) -> dict[str, Any]:
    definition = table_definition(table_name)
    return {
        "Type": "AWS::DynamoDB::Table",
        "DeletionPolicy": "Retain",
        "UpdateReplacePolicy": "Retain",
        "Properties": {
            **definition,
            "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
            "DeletionProtectionEnabled": True,
            "SSESpecification": {"SSEEnabled": True},
            "TimeToLiveSpecification": {"AttributeName": TTL_ATTRIBUTE, "Enabled": True},
        },
    }


def _policy(role: str, stage: str) -> dict[str, Any]:
    logs = {
        "Effect": "Allow",
        "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
        "Resource": {
            "Fn::Sub": (
                "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:"
                f"log-group:/aws/lambda/{APP}-{stage}-*"
            )
        },
    }
    statements: list[dict[str, Any]] = [logs]
    if TABLE_ACTIONS[role]:
        statements.append(
            {
                "Effect": "Allow",
                "Action": TABLE_ACTIONS[role],
                "Resource": [
                    {"Fn::GetAtt": [TABLE, "Arn"]},
                    {"Fn::Sub": "${" + TABLE + ".Arn}/index/*"},
                ],
            }
        )
    return {
        "Properties": {
            "Policies": [
                {
                    "PolicyName": f"{role}Policy",
                    "PolicyDocument": {"Version": "2012-10-17", "Statement": statements},
                }
            ]
        }
    }


def cursor_secret_resource(stage: str) -> dict[str, Any]:
    """The key that signs pagination cursors: random, made once by CloudFormation, kept."""
    return {
        "Type": "AWS::SecretsManager::Secret",
        "DeletionPolicy": "Retain",
        "UpdateReplacePolicy": "Retain",
        "Properties": {
            "Description": f"{APP} {stage}: HMAC key of pagination cursors (CURSOR_SECRET)",
            "GenerateSecretString": {"PasswordLength": 64, "ExcludePunctuation": True},
        },
    }


def _gateway_response(kind: str, status: int, code: str, detail: str) -> dict[str, Any]:
    body = json.dumps(problem_body(status, code, detail))
    return {
        "Type": "AWS::ApiGateway::GatewayResponse",
        "Properties": {
            "RestApiId": {"Ref": "RestAPI"},
            "ResponseType": kind,
            "StatusCode": str(status),
            "ResponseParameters": {
                "gatewayresponse.header.Content-Type": "'application/problem+json'"
            },
            "ResponseTemplates": {"application/json": body},
        },
    }


def merge_template(stage: str) -> dict[str, Any]:
    env = stage_environment(stage)
    table_name = env["TABLE_NAME"]
    resources: dict[str, Any] = {
        TABLE: table_resource(table_name),
        CURSOR_SECRET: cursor_secret_resource(stage),
    }
    # Resolved by CloudFormation when it deploys, so the functions need no
    # Secrets Manager permission and no call to it at cold start.
    cursor_secret = {"Fn::Sub": "{{resolve:secretsmanager:${" + CURSOR_SECRET + "}:SecretString}}"}
    for role, function in FUNCTIONS.items():
        resources[role] = _policy(role, stage)
        variables = {"TABLE_NAME": {"Ref": TABLE}, "CURSOR_SECRET": cursor_secret}
        resources[function] = {"Properties": {"Environment": {"Variables": variables}}}
    resources["UnauthorizedResponse"] = _gateway_response(
        "UNAUTHORIZED", 401, "UNAUTHORIZED", "A valid bearer token is required."
    )
    resources["MissingTokenResponse"] = _gateway_response(
        "MISSING_AUTHENTICATION_TOKEN", 404, "NOT_FOUND", "No such resource."
    )
    resources["AccessDeniedResponse"] = _gateway_response(
        "ACCESS_DENIED", 403, "FORBIDDEN", "Access denied."
    )
    return {
        "Resources": resources,
        "Outputs": {"TableName": {"Value": {"Ref": TABLE}}},
    }


def main(argv: list[str]) -> int:
    stage = argv[0] if argv else "prod"
    json.dump(merge_template(stage), sys.stdout, indent=2, sort_keys=True)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
