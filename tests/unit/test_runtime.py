"""One Python everywhere: the interpreter that builds and tests is the Lambda runtime."""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGED = ROOT / "build" / "package" / "sam.json"


def test_the_tests_run_on_the_lambda_runtime() -> None:
    assert sys.version_info[:2] == (3, 13)


def test_every_packaged_function_runs_python_3_13() -> None:
    # make test builds the package (lint-template) before pytest runs.
    resources = json.loads(PACKAGED.read_text())["Resources"]
    runtimes = {
        name: resource["Properties"]["Runtime"]
        for name, resource in resources.items()
        if resource["Type"] == "AWS::Serverless::Function"
    }
    assert len(runtimes) >= 3  # the API, the authorizer and the scheduled jobs
    assert set(runtimes.values()) == {"python3.13"}
