"""The JSON log lines: their shape, the request scope, and what must never break logging."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from chalicelib.logs import access, handler, logger, request_scope

Lines = Callable[[], list[dict[str, Any]]]
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def lines() -> Iterator[Lines]:
    """The handler writes to the stdout of import time, which capsys does not see."""
    out = io.StringIO()
    previous = handler.stream
    handler.setStream(out)
    yield lambda: [json.loads(line) for line in out.getvalue().splitlines()]
    handler.setStream(previous)


def test_a_line_is_one_json_object_with_the_powertools_fields(lines: Lines) -> None:
    logger.info("hello %s", "world", extra={"jobs": 2})
    [line] = lines()
    assert list(line)[:5] == ["level", "location", "message", "timestamp", "service"]
    assert line["level"] == "INFO"
    assert line["message"] == "hello world"
    assert line["service"] == "careerforge-sessions"
    assert line["location"].startswith("test_a_line_is_one_json_object_with_the_powertools_fields:")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", line["timestamp"])
    assert line["jobs"] == 2
    assert "request_id" not in line


def test_request_scope_keys_are_on_every_line_inside_and_gone_after(lines: Lines) -> None:
    with request_scope("req-1", "u-1"):
        logger.info("inside", extra={"k": "v"})
        with request_scope("req-2", None):
            logger.info("nested")
        logger.info("back")
    logger.info("after")
    inside, nested, back, after = lines()
    assert list(inside)[5:] == ["request_id", "user_id", "k"]
    assert (inside["request_id"], inside["user_id"]) == ("req-1", "u-1")
    assert nested["request_id"] == "req-2"
    assert "user_id" not in nested  # an anonymous caller: left out, as Powertools did
    assert (back["request_id"], back["user_id"]) == ("req-1", "u-1")
    assert "request_id" not in after
    assert "user_id" not in after


def test_request_scope_is_left_even_when_the_request_raises(lines: Lines) -> None:
    with pytest.raises(RuntimeError), request_scope("req-1", "u-1"):
        raise RuntimeError("boom")
    logger.info("after")
    [after] = lines()
    assert "request_id" not in after
    assert "user_id" not in after


@dataclass
class Response:
    status_code: int


def test_access_logs_one_request_line_and_returns_what_handle_returned(lines: Lines) -> None:
    response = Response(201)
    assert access("POST", "/sessions", lambda: response) is response
    [line] = lines()
    assert line["message"] == "request"
    assert (line["method"], line["path"], line["status"]) == ("POST", "/sessions", 201)
    assert isinstance(line["millis"], float)
    assert line["millis"] >= 0


def test_exception_carries_the_name_and_the_traceback(lines: Lines) -> None:
    try:
        raise KeyError("missing")
    except KeyError:
        logger.exception("unhandled error")
    [line] = lines()
    assert line["level"] == "ERROR"
    assert line["exception_name"] == "KeyError"
    assert line["exception"].startswith("Traceback (most recent call last):")
    assert "KeyError: 'missing'" in line["exception"]


def test_one_threads_scope_does_not_leak_into_another_threads_lines(lines: Lines) -> None:
    both_inside = threading.Barrier(2)
    b_logged = threading.Event()

    def a() -> None:
        with request_scope("req-a", "u-a"):
            both_inside.wait()
            b_logged.wait()
            logger.info("from a")

    def b() -> None:
        both_inside.wait()
        logger.info("from b, unscoped")
        with request_scope("req-b", None):
            logger.info("from b")
        b_logged.set()

    threads = [threading.Thread(target=a), threading.Thread(target=b)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    by_message = {line["message"]: line for line in lines()}
    assert "request_id" not in by_message["from b, unscoped"]
    assert "user_id" not in by_message["from b, unscoped"]
    assert by_message["from b"]["request_id"] == "req-b"
    assert "user_id" not in by_message["from b"]
    assert (by_message["from a"]["request_id"], by_message["from a"]["user_id"]) == ("req-a", "u-a")


def test_values_json_cannot_hold_are_written_as_text_instead_of_raising(lines: Lines) -> None:
    logger.info("odd", extra={"thing": object(), "tags": {"x"}})
    logger.info("odder", extra={"by_pair": {("a", 1): 2}, "count": 3})
    odd, odder = lines()
    assert odd["thing"].startswith("<object object")
    assert odd["tags"] == "{'x'}"
    assert odder["by_pair"] == "{('a', 1): 2}"
    assert odder["count"] == 3  # the rest of the line keeps its types


def test_fresh_import_is_light_reload_safe_and_reads_log_level() -> None:
    # A fresh interpreter: reloading here would swap the module under the other tests.
    probe = (
        "import importlib, logging, sys\n"
        "import chalicelib.logs as logs\n"
        "heavy = {'boto3', 'botocore', 'pydantic', 'aws_lambda_powertools'} & set(sys.modules)\n"
        "importlib.reload(logs)\n"
        "print(sorted(heavy), len(logs.logger.handlers), logs.logger.propagate,"
        " logging.getLevelName(logs.logger.level))\n"
    )
    env = {"LOG_LEVEL": "debug", "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, cwd=ROOT, check=True
    )
    assert result.stdout.split() == ["[]", "1", "False", "DEBUG"]
