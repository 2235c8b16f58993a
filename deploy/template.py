"""The merge template that ``chalice package --merge-template`` folds into the SAM output.

It adds what Chalice does not make: the DynamoDB table (from the one
definition in ``chalicelib.store.schema``), a least-privilege policy per
function, the cursor-signing key (given to the API handler only), gateway
responses that answer 401/403/429 and authorizer failures as problem+json, and
metering: stage and per-route throttling and a WAF rate limit per client IP,
with the limits of each stage in :data:`STAGE_LIMITS`.
``python -m deploy.template STAGE > build/merge-STAGE.json``.

Chalice merges dicts deeply but replaces lists, so every ``Policies`` and
``Statement`` list here is whole.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
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


# Only the API handler pages (cursors are made and read by the list routes); the
# authorizer and the jobs never see the key.
CURSOR_SECRET_FUNCTIONS = ("APIHandler",)
WEB_ACL = "ApiWebAcl"
WEB_ACL_ASSOCIATION = "ApiWebAclAssociation"

V1 = "/api/v1"
# The routes anyone can call without a token (cheap to flood), and the one
# authenticated write that reaches another person (a connection request).
PUBLIC_READS = (
    ("GET", f"{V1}/mentors"),
    ("GET", f"{V1}/mentors/{{mentor_id}}"),
    ("GET", f"{V1}/sessions/availability/{{mentor_id}}"),
)
CONNECTION_REQUESTS = (("POST", f"{V1}/connections"),)


@dataclass(frozen=True)
class Limits:
    """How much traffic a stage admits; API Gateway answers 429 beyond it.

    Rates are steady requests per second (token bucket), bursts the bucket's
    size; both are for the whole stage, across all clients. ``per_ip_5min`` is
    the WAF's limit on one client IP over any 5 minutes (blocked with a 429).
    """

    rate: float = 100.0
    burst: int = 200
    public_read_rate: float = 20.0
    public_read_burst: int = 40
    connection_rate: float = 2.0
    connection_burst: int = 5
    per_ip_5min: int = 1000


# The one place to change a stage's limits; a stage not named here gets Limits().
STAGE_LIMITS: dict[str, Limits] = {
    "dev": Limits(
        rate=20.0,
        burst=40,
        public_read_rate=5.0,
        public_read_burst=10,
        connection_rate=1.0,
        connection_burst=2,
        per_ip_5min=500,
    ),
    "prod": Limits(),
}


def limits_of(stage: str) -> Limits:
    return STAGE_LIMITS.get(stage, Limits())


def _chalice_config() -> dict[str, Any]:
    config: dict[str, Any] = json.loads((ROOT / ".chalice" / "config.json").read_text())
    return config


def stage_environment(stage: str) -> dict[str, str]:
    env: dict[str, str] = _chalice_config()["stages"][stage].get("environment_variables", {})
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


def _gateway_response(
    kind: str, status: int, code: str, detail: str, headers: dict[str, str] | None = None
) -> dict[str, Any]:
    body = json.dumps(problem_body(status, code, detail))
    parameters = {"gatewayresponse.header.Content-Type": "'application/problem+json'"}
    for name, value in (headers or {}).items():
        parameters[f"gatewayresponse.header.{name}"] = f"'{value}'"
    return {
        "Type": "AWS::ApiGateway::GatewayResponse",
        "Properties": {
            "RestApiId": {"Ref": "RestAPI"},
            "ResponseType": kind,
            "StatusCode": str(status),
            "ResponseParameters": parameters,
            "ResponseTemplates": {"application/json": body},
        },
    }


def gateway_responses() -> dict[str, Any]:
    """The gateway's own answers, as problem+json like the API's."""
    return {
        "UnauthorizedResponse": _gateway_response(
            "UNAUTHORIZED", 401, "UNAUTHORIZED", "A valid bearer token is required."
        ),
        "MissingTokenResponse": _gateway_response(
            "MISSING_AUTHENTICATION_TOKEN", 404, "NOT_FOUND", "No such resource."
        ),
        "AccessDeniedResponse": _gateway_response(
            "ACCESS_DENIED", 403, "FORBIDDEN", "Access denied."
        ),
        # The authorizer answers every bad token with a 401 itself; these are
        # left for the authorizer Lambda failing (a timeout, its own throttling)
        # or being misconfigured, which a retry may outlast: a 503, not a bare 500.
        "AuthorizerFailureResponse": _gateway_response(
            "AUTHORIZER_FAILURE",
            503,
            "SERVICE_UNAVAILABLE",
            "Sign-in could not be checked just now; try again.",
            {"Retry-After": "1"},
        ),
        "AuthorizerConfigurationErrorResponse": _gateway_response(
            "AUTHORIZER_CONFIGURATION_ERROR",
            503,
            "SERVICE_UNAVAILABLE",
            "Sign-in could not be checked just now; try again.",
            {"Retry-After": "1"},
        ),
        "ThrottledResponse": _gateway_response(
            "THROTTLED",
            429,
            "TOO_MANY_REQUESTS",
            "Too many requests; slow down and try again.",
            {"Retry-After": "1"},
        ),
    }


def _method_path(path: str) -> str:
    """A resource path as API Gateway's MethodSettings spell it (``/`` as ``~1``)."""
    return "/" + path.replace("/", "~1")


def method_settings(limits: Limits) -> list[dict[str, Any]]:
    """Throttling for the whole stage, then tighter limits on the routes cheapest to abuse."""

    def setting(method: str, path: str, rate: float, burst: int) -> dict[str, Any]:
        return {
            "HttpMethod": method,
            "ResourcePath": path,
            "ThrottlingRateLimit": rate,
            "ThrottlingBurstLimit": burst,
        }

    settings = [setting("*", "/*", limits.rate, limits.burst)]
    for method, path in PUBLIC_READS:
        settings.append(
            setting(method, _method_path(path), limits.public_read_rate, limits.public_read_burst)
        )
    for method, path in CONNECTION_REQUESTS:
        settings.append(
            setting(method, _method_path(path), limits.connection_rate, limits.connection_burst)
        )
    return settings


def _visibility(metric: str) -> dict[str, Any]:
    return {
        "CloudWatchMetricsEnabled": True,
        "MetricName": metric,
        "SampledRequestsEnabled": True,
    }


def web_acl_resources(stage: str, limits: Limits) -> dict[str, Any]:
    """A regional WAF in front of the API stage: one client IP, at most N requests per 5 minutes."""
    metric = f"{APP}-{stage}"
    too_many = json.dumps(
        problem_body(429, "TOO_MANY_REQUESTS", "Too many requests from this address; slow down.")
    )
    acl = {
        "Type": "AWS::WAFv2::WebACL",
        "Properties": {
            "Name": f"{APP}-{stage}",
            "Scope": "REGIONAL",
            "Description": f"{APP} {stage}: rate limit per client IP",
            "DefaultAction": {"Allow": {}},
            "CustomResponseBodies": {
                "TooManyRequests": {"ContentType": "APPLICATION_JSON", "Content": too_many}
            },
            "Rules": [
                {
                    "Name": "RatePerIp",
                    "Priority": 0,
                    "Action": {
                        "Block": {
                            "CustomResponse": {
                                "ResponseCode": 429,
                                "CustomResponseBodyKey": "TooManyRequests",
                                "ResponseHeaders": [{"Name": "Retry-After", "Value": "300"}],
                            }
                        }
                    },
                    "Statement": {
                        "RateBasedStatement": {
                            "Limit": limits.per_ip_5min,
                            "EvaluationWindowSec": 300,
                            "AggregateKeyType": "IP",
                        }
                    },
                    "VisibilityConfig": _visibility(f"{metric}-rate-per-ip"),
                }
            ],
            "VisibilityConfig": _visibility(metric),
        },
    }
    # ${RestAPI.Stage} is SAM's reference to the stage it creates, so the
    # association also waits for the stage to exist.
    stage_arn = (
        "arn:${AWS::Partition}:apigateway:${AWS::Region}::/restapis/${RestAPI}/stages/"
        "${RestAPI.Stage}"
    )
    association = {
        "Type": "AWS::WAFv2::WebACLAssociation",
        "Properties": {
            "ResourceArn": {"Fn::Sub": stage_arn},
            "WebACLArn": {"Fn::GetAtt": [WEB_ACL, "Arn"]},
        },
    }
    return {WEB_ACL: acl, WEB_ACL_ASSOCIATION: association}


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
        variables: dict[str, Any] = {"TABLE_NAME": {"Ref": TABLE}}
        if function in CURSOR_SECRET_FUNCTIONS:
            variables["CURSOR_SECRET"] = cursor_secret
        resources[function] = {"Properties": {"Environment": {"Variables": variables}}}
    resources.update(gateway_responses())
    limits = limits_of(stage)
    # Chalice merges this into its AWS::Serverless::Api; MethodSettings is a
    # whole list, so it carries the stage-wide limits as well as the routes'.
    resources["RestAPI"] = {"Properties": {"MethodSettings": method_settings(limits)}}
    resources.update(web_acl_resources(stage, limits))
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
