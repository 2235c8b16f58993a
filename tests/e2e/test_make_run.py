"""``make run``'s process (``python -m devstack``): starts, refuses a second copy, stops clean."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests

from devstack.stack import ROOT, free_port, port_is_free
from tests.e2e.test_supervisor_signals import children_of


def _read_until(proc: subprocess.Popen[str], marker: str, timeout: float) -> str:
    seen = []
    deadline = time.monotonic() + timeout
    assert proc.stdout is not None
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        seen.append(line)
        if marker in line:
            return "".join(seen)
    raise AssertionError("never printed " + repr(marker) + ":\n" + "".join(seen))


def _processes_mentioning(port: int) -> list[str]:
    out = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True, check=True)
    return [line for line in out.stdout.splitlines() if f"--port {port}" in line]


def test_run_prints_tokens_serves_refuses_a_twin_and_stops_everything() -> None:
    api_port, db_port = free_port(), free_port()
    env = {**os.environ, "PORT": str(api_port), "DYNAMODB_PORT": str(db_port)}
    env.pop("STAGE", None)
    env["DEVSTACK_DATA"] = ""  # never the developer's own data
    run = [sys.executable, "-m", "devstack"]
    first = subprocess.Popen(
        run, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        banner = _read_until(first, "Ctrl-C stops everything", 90)
        token = next(
            line.split("=", 1)[1].strip()
            for line in banner.splitlines()
            if "export STUDENT_TOKEN=" in line
        )
        base = f"http://127.0.0.1:{api_port}/api/v1"
        assert requests.get(base + "/health", timeout=10).status_code == 200
        me = requests.get(base + "/me", headers={"Authorization": f"Bearer {token}"}, timeout=10)
        assert me.json()["id"] == "demo-student"

        twin = subprocess.run(run, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
        assert twin.returncode == 2
        assert f"port {api_port}" in twin.stderr
        assert "already in use" in twin.stderr
        assert requests.get(base + "/health", timeout=10).status_code == 200
    finally:
        first.send_signal(signal.SIGTERM)
        first.wait(timeout=30)
    assert first.returncode == 0
    assert children_of(first.pid) == []
    assert _processes_mentioning(api_port) == []
    assert _processes_mentioning(db_port) == []
    assert port_is_free(api_port)
    assert port_is_free(db_port)
    assert Path(ROOT, "app.py").exists()
