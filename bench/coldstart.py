"""Cold start and the Lambda package.

A cold API Lambda imports the handler module and serves its first event. Here
a fresh interpreter imports ``app`` and hands it an API Gateway proxy event
(as the gateway does once the authorizer has allowed the caller), answered by
DynamoDB on the local emulator. The baseline is a fresh interpreter that only
imports boto3 and makes a DynamoDB client. Both are timed inside the process
from its first statement, so the interpreter's own start-up (the same for
both) is left out.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.harness import median_us, ratio

ROOT = Path(__file__).resolve().parent.parent
ZIP = ROOT / "build" / "package" / "deployment.zip"
ZIP_LIMIT = 10 * 1000 * 1000
MARK = "BENCH-COLD"

_APP = f"""
import time
began = time.perf_counter_ns()
import app
imported = time.perf_counter_ns()
import json, sys
from types import SimpleNamespace
from chalicelib.store.dynamo import client
client()
connected = time.perf_counter_ns()
event = json.loads(sys.argv[1])
context = SimpleNamespace(
    aws_request_id="cold-start", function_name="careerforge-sessions-prod",
    memory_limit_in_mb=512, get_remaining_time_in_millis=lambda: 30000,
)
answer = app.app(event, context)
served = time.perf_counter_ns()
assert answer["statusCode"] == 200, answer
print("{MARK}", imported - began, connected - imported, served - connected, flush=True)
"""

_BASELINE = f"""
import time
began = time.perf_counter_ns()
import boto3
import sys
session = boto3.session.Session()
client = session.client("dynamodb", endpoint_url=sys.argv[1], region_name="us-east-1")
made = time.perf_counter_ns()
print("{MARK}", made - began, 0, 0, flush=True)
"""


def first_event(path: str, user: str) -> dict[str, Any]:
    """The API Gateway proxy event for ``GET path`` from ``user``, as the gateway sends it."""
    from chalice.config import Config
    from chalice.local import LocalGateway

    import app as service

    gateway = LocalGateway(service.app, Config.create())
    event: dict[str, Any] = gateway.event_converter.create_lambda_event(
        method="GET", path=path, headers={"Host": "api.example.com"}, body=None
    )
    event["requestContext"]["authorizer"] = {"principalId": user, "name": "", "email": ""}
    return event


def _env(db_url: str, table: str, pycache: Path | None) -> dict[str, str]:
    """A deployed stage's environment; bytecode cached under ``pycache``, or never written."""
    drop = ("AUTH_", "STAGE", "PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX", "PYTHONPATH")
    env = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    env.update(
        {
            "STAGE": "prod",
            "AUTH_JWKS_URL": "https://idp.example.com/.well-known/jwks.json",
            "AUTH_ISSUER": "https://idp.example.com",
            "AUTH_AUDIENCE": "bench-client",
            "TABLE_NAME": table,
            "DYNAMODB_ENDPOINT_URL": db_url,
            "CURSOR_SECRET": "bench-cursor-secret",
            "AWS_DEFAULT_REGION": "us-east-1",
        }
    )
    if pycache is None:
        env["PYTHONDONTWRITEBYTECODE"] = "1"  # Lambda's /var/task is read-only
    else:
        env["PYTHONPYCACHEPREFIX"] = str(pycache)
    return env


def _run(script: str, arg: str, env: dict[str, str], cwd: Path = ROOT) -> list[int]:
    done = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", script, arg],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    for line in done.stdout.splitlines():
        if line.startswith(MARK):
            return [int(part) for part in line.split()[1:]]
    raise RuntimeError(f"cold-start process failed ({done.returncode}):\n{done.stderr[-2000:]}")


def lambda_tree(work: Path) -> Path:
    """The Lambda package's third-party code with this tree's ``app.py`` and ``chalicelib``.

    The zip may predate the working tree's code, so the service's own files
    are taken from the tree and compiled as ``make package`` compiles them;
    everything else is exactly what the zip holds.
    """
    from deploy.bytecode import pyc_name, unchecked_pyc

    tree = work / "package"
    shutil.rmtree(tree, ignore_errors=True)
    with zipfile.ZipFile(ZIP) as z:
        z.extractall(tree)
    shutil.rmtree(tree / "chalicelib")
    shutil.copytree(
        ROOT / "chalicelib", tree / "chalicelib", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copy2(ROOT / "app.py", tree / "app.py")
    for source in [tree / "app.py", *(tree / "chalicelib").rglob("*.py")]:
        name = source.relative_to(tree).as_posix()
        target = tree / pyc_name(name, sys.implementation.cache_tag)
        target.parent.mkdir(exist_ok=True)
        target.write_bytes(unchecked_pyc(source.read_bytes(), name))
    return tree


@dataclass
class _Series:
    imports: list[int] = field(default_factory=list)
    clients: list[int] = field(default_factory=list)
    requests: list[int] = field(default_factory=list)

    def add(self, parts: list[int]) -> None:
        self.imports.append(parts[0])
        self.clients.append(parts[1])
        self.requests.append(parts[2])

    def totals(self) -> list[int]:
        return [sum(t) for t in zip(self.imports, self.clients, self.requests, strict=True)]

    def summary(self, baseline_us: float) -> dict[str, Any]:
        total = median_us(self.totals())
        return {
            "ratio": ratio(total, baseline_us),
            "appMillis": round(total / 1000, 1),
            "importMillis": round(median_us(self.imports) / 1000, 1),
            "dynamoClientMillis": round(median_us(self.clients) / 1000, 1),
            "firstRequestMillis": round(median_us(self.requests) / 1000, 1),
        }


def measure(db_url: str, table: str, user: str, trials: int, work: Path) -> dict[str, Any]:
    """Fresh processes, alternating; medians of ``trials`` each, after one warm-up round.

    Headline: every module's bytecode cached (the warm-up writes it under
    ``work``), the same for the app and for boto3. ``lambdaPackage``: the
    zip's code run as Lambda runs it, from the bytecode ``make package`` puts
    in the zip and with nothing written (/var/task is read-only), with
    boto3's bytecode cached as the runtime ships it.
    """
    event = json.dumps(first_event("/api/v1/sessions/my-sessions?tab=upcoming", user))
    cached = _env(db_url, table, work / "pycache")
    as_lambda = _env(db_url, table, None)
    tree = lambda_tree(work) if ZIP.exists() else None
    app, packaged, baseline = _Series(), _Series(), _Series()
    for n in range(trials + 1):
        runs = [(app, _APP, event, cached, ROOT), (baseline, _BASELINE, db_url, cached, ROOT)]
        if tree is not None:
            runs.append((packaged, _APP, event, as_lambda, tree))
        for series, script, arg, env, cwd in runs if n % 2 else reversed(runs):
            parts = _run(script, arg, env, cwd)
            if n:
                series.add(parts)
    base = median_us(baseline.totals())
    out = {**app.summary(base), "boto3ClientMillis": round(base / 1000, 1), "trials": trials}
    if tree is not None:
        out["lambdaPackage"] = packaged.summary(base)
    return out


def import_profile(db_url: str, table: str, work: Path, top: int = 10) -> dict[str, Any]:
    """``python -X importtime -c 'import app'`` (bytecode cached): where the import time goes.

    ``byPackage``: self time summed per top-level package (whoever imports a
    shared module first pays for it). ``underApp``: cumulative time of each
    module ``app`` and ``chalicelib`` import directly.
    """
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import app"],
        cwd=ROOT,
        env=_env(db_url, table, work / "pycache"),
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    by_package: dict[str, int] = {}
    under_app: list[tuple[str, int]] = []
    for line in done.stderr.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
        if not match:
            continue
        own, cumulative, depth, name = int(match[1]), int(match[2]), len(match[3]), match[4]
        root = name.split(".")[0]
        by_package[root] = by_package.get(root, 0) + own
        if depth == 3 or (depth == 5 and root == "chalicelib"):
            under_app.append((name, cumulative))
    ranked = sorted(by_package.items(), key=lambda kv: -kv[1])[:top]
    under_app.sort(key=lambda kv: -kv[1])
    return {
        "byPackage": [{"package": k, "selfMillis": round(v / 1000, 1)} for k, v in ranked],
        "underApp": [
            {"module": k, "cumulativeMillis": round(v / 1000, 1)} for k, v in under_app[:top]
        ],
    }


def package_size() -> dict[str, Any]:
    """The Lambda zip from ``make package`` (built with ``STAGE=prod`` when missing)."""
    if not ZIP.exists():
        # The benchmark's own test-stage settings would make prod refuse to import.
        clean = {k: v for k, v in os.environ.items() if k not in ("STAGE", "AUTH_JWT_SECRET")}
        subprocess.run(["make", "package", "STAGE=prod"], cwd=ROOT, env=clean, check=True)  # noqa: S607
    with zipfile.ZipFile(ZIP) as z:
        names = z.namelist()
    tops: dict[str, int] = {}
    with zipfile.ZipFile(ZIP) as z:
        for info in z.infolist():
            top = info.filename.split("/", 1)[0]
            tops[top] = tops.get(top, 0) + info.compress_size
    largest = sorted(tops.items(), key=lambda kv: -kv[1])[:6]
    return {
        "zipBytes": ZIP.stat().st_size,
        "boto3Packaged": any(n.startswith(("boto3/", "botocore/")) for n in names),
        "largestInZip": [{"name": k, "compressedBytes": v} for k, v in largest],
    }
