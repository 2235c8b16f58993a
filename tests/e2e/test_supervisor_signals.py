"""``make run``'s supervisor leaves nothing behind, however it is stopped.

Each test runs ``python -m devstack`` on ports of its own and checks, after
the stop, that no process of that stack is left (found by the supervisor's pid
in their environment, which devstack.lifeline reads) and that its ports are free.
"""

from __future__ import annotations

import os
import queue
import re
import select
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import requests

from devstack.lifeline import PARENT_ENV
from devstack.stack import ROOT, free_port, port_is_free

STARTED = re.compile(r"^supervisor (\d+): emulator (\d+), api (\d+)")


@dataclass
class Supervisor:
    """A running ``python -m devstack`` and the lines it printed (read by a thread)."""

    proc: subprocess.Popen[str]
    ports: dict[str, int]
    lines: queue.SimpleQueue[str] = field(default_factory=queue.SimpleQueue)
    seen: list[str] = field(default_factory=list)
    emulator_pid: int = 0
    api_pid: int = 0

    @property
    def api(self) -> str:
        return f"http://127.0.0.1:{self.ports['PORT']}/api/v1"

    def expect(self, pattern: str, timeout: float = 90) -> re.Match[str]:
        """The first line from now on matching ``pattern``."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self.lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"never printed {pattern!r}:\n" + "".join(self.seen)) from None
            self.seen.append(line)
            found = re.search(pattern, line)
            if found:
                return found

    def children(self) -> list[int]:
        return children_of(self.proc.pid)


def children_of(supervisor: int) -> list[int]:
    """Every live process started by ``supervisor`` (it put its pid in their environment)."""
    marker = f"{PARENT_ENV}={supervisor}\0".encode()
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            environ = Path("/proc", entry, "environ").read_bytes()
            state = Path("/proc", entry, "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if marker in environ and state != "Z":
            found.append(int(entry))
    return found


def wait_gone(pids: list[int], timeout: float) -> list[int]:
    """Wait (on pidfds, no polling) until every pid has exited; return those still running."""
    fds = {}
    for pid in pids:
        with suppress(ProcessLookupError):
            fds[os.pidfd_open(pid)] = pid
    deadline = time.monotonic() + timeout
    try:
        while fds:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            ready, _, _ = select.select(list(fds), [], [], remaining)
            for fd in ready:
                os.close(fd)
                del fds[fd]
        return sorted(fds.values())
    finally:
        for fd in fds:
            os.close(fd)


@contextmanager
def supervisor(tmp_path: Path, *, data: bool = False, ready: bool = True) -> Iterator[Supervisor]:
    """``python -m devstack`` started (and ``ready``); killed with all it started on the way out."""
    ports = {"PORT": free_port(), "DYNAMODB_PORT": free_port(), "WEB_PORT": free_port()}
    env = {**os.environ, **{k: str(v) for k, v in ports.items()}}
    env["DEVSTACK_DATA"] = str(tmp_path / "dynamodb.json") if data else ""
    env.pop("STAGE", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "devstack"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    running = Supervisor(proc, ports)

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            running.lines.put(line)

    threading.Thread(target=read, daemon=True).start()
    try:
        if ready:
            started = running.expect(STARTED.pattern)
            assert int(started[1]) == proc.pid
            running.emulator_pid, running.api_pid = int(started[2]), int(started[3])
        yield running
    finally:
        left = children_of(proc.pid)
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
        for pid in left:
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def assert_nothing_left(run: Supervisor, children: list[int], at_least: int = 2) -> None:
    """Within 10 s of the stop, every child has exited and every port is free."""
    assert len(children) >= at_least, children  # the emulator, then the API
    assert wait_gone(children, 10) == []
    assert children_of(run.proc.pid) == []
    for name, port in run.ports.items():
        assert port_is_free(port), name


def test_killing_the_supervisor_takes_every_child_with_it(tmp_path: Path) -> None:
    with supervisor(tmp_path) as run:
        children = run.children()
        run.proc.kill()
        run.proc.wait(timeout=10)
        assert_nothing_left(run, children)


def test_a_second_sigterm_kills_a_slow_emulator_at_once(tmp_path: Path) -> None:
    with supervisor(tmp_path) as run:
        children = run.children()
        # A stopped emulator answers SIGTERM only when continued: the first stop would wait.
        os.kill(run.emulator_pid, signal.SIGSTOP)
        run.proc.send_signal(signal.SIGTERM)
        run.expect("stopping")
        run.proc.send_signal(signal.SIGTERM)
        run.proc.wait(timeout=5)
        run.expect("stopped at once", timeout=5)
        assert run.proc.returncode == 1
        assert_nothing_left(run, children)


def test_ctrl_c_stops_everything_and_exits_0(tmp_path: Path) -> None:
    with supervisor(tmp_path) as run:
        assert requests.get(run.api + "/health", timeout=10).status_code == 200
        children = run.children()
        run.proc.send_signal(signal.SIGINT)
        assert run.proc.wait(timeout=30) == 0
        assert_nothing_left(run, children)


def test_sigterm_while_starting_stops_what_had_started(tmp_path: Path) -> None:
    with supervisor(tmp_path, ready=False) as run:
        run.expect(r"dynamodb emulator.* listening on")
        children = run.children()
        run.proc.send_signal(signal.SIGTERM)
        assert run.proc.wait(timeout=30) == 0
        assert_nothing_left(run, children, at_least=1)
