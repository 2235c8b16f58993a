"""``make run`` restarts the API for its own sources and for nothing else.

Whether a write was ignored is read from the next reload: a source change made
after the writes that must not count is the only path its "reloaded" line
names, and it is the first such line.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import requests

from devstack.stack import ROOT
from tests.e2e.test_supervisor_signals import Supervisor, supervisor


def _api_pid(run: Supervisor) -> int:
    """The pid of the child serving the API's port (the chalice launcher)."""
    port = f"--port {run.ports['PORT']}"
    pids = [
        pid
        for pid in run.children()
        if "chalice" in (args := Path("/proc", str(pid), "cmdline").read_text().replace("\0", " "))
        and port in args
    ]
    assert len(pids) == 1, pids
    return pids[0]


def _write_and_remove(path: Path, text: str) -> None:
    path.write_text(text)
    path.unlink()


def test_only_the_apis_sources_restart_it(tmp_path: Path) -> None:
    with supervisor(tmp_path) as run:
        first = _api_pid(run)
        assert first == run.api_pid

        env = {**os.environ, **{k: str(v) for k, v in run.ports.items()}}
        env.pop("STAGE", None)
        admin = subprocess.run(
            [sys.executable, "-m", "chalicelib.admin", "token", "x"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        assert admin.stdout.count(".") == 2  # a JWT
        probe = f"reload-probe-{os.getpid()}"
        _write_and_remove(ROOT / "tests" / f"{probe}.txt", "not a source")
        (ROOT / "chalicelib" / "__pycache__").mkdir(exist_ok=True)
        _write_and_remove(ROOT / "chalicelib" / "__pycache__" / f"{probe}.cpython-311.pyc", "")
        _write_and_remove(ROOT / "chalicelib" / f".{probe}.py.swp", "an editor's swap file")
        _write_and_remove(ROOT / "chalicelib" / f"{probe}.py~", "an editor's backup")
        _write_and_remove(ROOT / ".chalice" / f"{probe}.zip", "not config")
        assert requests.get(run.api + "/health", timeout=10).status_code == 200
        assert _api_pid(run) == first

        # The same bytes written back, as an editor saving an unchanged file does.
        package = ROOT / "chalicelib" / "__init__.py"
        package.write_bytes(package.read_bytes())
        reloaded = run.expect(r"^reloaded \(")
        assert reloaded.string == "reloaded (changed: chalicelib/__init__.py)\n"
        assert not [line for line in run.seen[:-1] if line.startswith("reloaded")]
        second = _api_pid(run)
        assert second != first
        assert requests.get(run.api + "/health", timeout=10).status_code == 200

        # Touched only: one more restart, naming only this file, so the save
        # above restarted the API once.
        os.utime(ROOT / "chalicelib" / "logs.py")
        reloaded = run.expect(r"^reloaded \(")
        assert reloaded.string == "reloaded (changed: chalicelib/logs.py)\n"
        assert _api_pid(run) not in (first, second)
        assert requests.get(run.api + "/health", timeout=10).status_code == 200
