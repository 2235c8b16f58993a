"""Start and stop the whole local stack: the DynamoDB emulator, the table, demo data, the API.

Used by ``make run`` (``python -m devstack``) and by the end-to-end tests, so
both run exactly the same processes.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from devstack.lifeline import PARENT_ENV

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
LISTEN_BACKLOG = 128
# SIGTERM to SIGKILL: the API and the web server hold nothing worth waiting
# for; the emulator writes its last data snapshot on the way out.
API_GRACE_SECONDS = 5.0
DB_GRACE_SECONDS = 10.0

# `chalice local` serves with socketserver's default listen backlog of 5, so a
# burst of concurrent clients (a busy front end, the race tests) gets
# connections reset. This launcher is the `chalice` CLI itself with a deeper
# backlog, bound to its supervisor's life (devstack.lifeline) before chalice
# loads anything. A script rather than `python -c` so that `ps` shows
# `chalice local ... --port N`. chalice's own reloader stays off
# (--no-autoreload): it polls the whole tree; devstack.reloader restarts this.
_LAUNCHER = f"""#!{sys.executable}
import socketserver
import sys

sys.path.insert(0, {str(ROOT)!r})
from devstack.lifeline import bind

bind()
del sys.path[0]

from chalice.cli import main

socketserver.TCPServer.request_queue_size = {LISTEN_BACKLOG}
# Headers and body are two writes: without this, each answer on a kept-alive
# connection can wait for the client's delayed ACK (40 ms on Linux).
socketserver.StreamRequestHandler.disable_nagle_algorithm = True
sys.exit(main())
"""


def chalice_launcher() -> Path:
    """The path of the `chalice` launcher (written under .devstack/ on first use)."""
    path = ROOT / ".devstack" / "chalice"
    if not path.exists() or path.read_text() != _LAUNCHER:
        path.parent.mkdir(exist_ok=True)
        path.write_text(_LAUNCHER)
        path.chmod(0o755)
    return path


class PortInUse(RuntimeError):
    """A port the stack needs is taken (often by another ``make run``)."""


class StackFailed(RuntimeError):
    """A process of the stack died or never became ready."""


def port_is_free(port: int) -> bool:
    """True when a server could listen on ``port`` now.

    SO_REUSEADDR as the servers themselves use it: connections lingering in
    TIME_WAIT from a stack that just stopped do not count, a listener does.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((HOST, port))
        except OSError:
            return False
    return True


def free_port() -> int:
    """A port the OS says is free right now (for tests that run their own stack)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def _wait(
    check: str, ready: Callable[[], bool], proc: subprocess.Popen[bytes], timeout: float
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise StackFailed(f"{check} exited with code {proc.returncode}")
        if ready():
            return
        time.sleep(0.1)
    raise StackFailed(f"{check} was not ready after {timeout:.0f}s")


def _accepts(port: int) -> bool:
    try:
        with socket.create_connection((HOST, port), timeout=0.5):
            return True
    except OSError:
        return False


def _healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://{HOST}:{port}/api/v1/health", timeout=1) as resp:
            return bool(resp.status == 200)
    except OSError:
        return False


@dataclass
class LocalStack:
    """The emulator, ``chalice local`` and the web server as child processes of this one.

    ``processes`` is ``[emulator, api]`` plus the web server when it runs, in
    that order (a restarted API takes its predecessor's place). Started from a
    process's main thread, the children die with that process (see
    devstack.lifeline); from another thread they would die with the thread,
    so then they are left unbound.
    """

    api_port: int
    db_port: int
    web_port: int | None = None
    env: Mapping[str, str] = field(default_factory=dict)
    quiet: bool = False
    # Where the emulator keeps its tables between runs; None keeps them in memory only.
    data_file: Path | None = None
    # More emulator flags (the benchmark's `--engine plain`).
    emulator_args: tuple[str, ...] = ()
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)
    # Set by start(): False when the table was already in data_file (nothing seeded).
    fresh_data: bool = field(default=True, init=False)

    @property
    def api_url(self) -> str:
        return f"http://{HOST}:{self.api_port}"

    @property
    def api_process(self) -> subprocess.Popen[bytes]:
        return self.processes[1]

    @property
    def clock_file(self) -> Path:
        return ROOT / ".devstack" / f"clock-offset-{self.api_port}"

    def travel(self, seconds: float) -> None:
        """Move the running API's clock by ``seconds`` from real time (0 to come back)."""
        self.clock_file.parent.mkdir(exist_ok=True)
        self.clock_file.write_text(str(seconds))

    @property
    def db_url(self) -> str:
        return f"http://{HOST}:{self.db_port}"

    def child_env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(self.env)
        env.update(
            {
                "STAGE": "local",
                "DYNAMODB_ENDPOINT_URL": self.db_url,
                "LOCAL_CLOCK_FILE": str(self.clock_file),
            }
        )
        if self.web_port is not None:
            # The local API mints tokens for anyone who asks (POST /api/v1/dev/token), so
            # no other page may read its answers; the web client is same-origin anyway.
            env.setdefault("CORS_ALLOW_ORIGIN", f"http://{HOST}:{self.web_port}")
        env.setdefault("AWS_DEFAULT_REGION", "us-east-1")
        env.setdefault("AWS_ACCESS_KEY_ID", "local")
        env.setdefault("AWS_SECRET_ACCESS_KEY", "local")
        env["PYTHONUNBUFFERED"] = "1"
        env.pop(PARENT_ENV, None)
        if threading.current_thread() is threading.main_thread():
            env[PARENT_ENV] = str(os.getpid())
        return env

    def check_ports(self) -> None:
        ports = [("PORT", self.api_port), ("DYNAMODB_PORT", self.db_port)]
        if self.web_port is not None:
            ports.append(("WEB_PORT", self.web_port))
        for name, port in ports:
            if not port_is_free(port):
                raise PortInUse(
                    f"port {port} on {HOST} is already in use ({name}); is another "
                    f"`make run` still running? Stop it, or pick another port, e.g. "
                    f"`{name}={port + 10} make run`."
                )

    def _popen(self, args: list[str]) -> subprocess.Popen[bytes]:
        out = subprocess.DEVNULL if self.quiet else None
        # A session of its own: a terminal's Ctrl-C reaches only the supervisor,
        # which stops the children in order.
        return subprocess.Popen(
            args, cwd=ROOT, env=self.child_env(), stdout=out, stderr=out, start_new_session=True
        )

    def _spawn(self, args: list[str]) -> subprocess.Popen[bytes]:
        proc = self._popen(args)
        self.processes.append(proc)
        return proc

    def _admin(self, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "chalicelib.admin", *args],
            cwd=ROOT,
            env=self.child_env(),
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise StackFailed(f"admin {' '.join(args)} failed:\n{done.stderr}")
        return done.stdout

    def _emulator_args(self) -> list[str]:
        args = [sys.executable, "-m", "devstack.dynamodb", "--port", str(self.db_port)]
        if self.data_file is not None:
            self.data_file.parent.mkdir(parents=True, exist_ok=True)
            args += ["--data", str(self.data_file)]
        return args + list(self.emulator_args)

    def _api_args(self) -> list[str]:
        return [
            str(chalice_launcher()),
            "local",
            "--stage",
            "local",
            "--host",
            HOST,
            "--port",
            str(self.api_port),
            "--no-autoreload",
        ]

    def start(self) -> str:
        """Start everything; return what the seeding printed. Stops all on failure.

        The demo data is loaded only into a table just created: seed-demo would
        put the demo mentor's profile and hours back over a developer's edits.
        """
        self.check_ports()
        try:
            db = self._spawn(self._emulator_args())
            _wait("the DynamoDB emulator", lambda: _accepts(self.db_port), db, 30)
            # create-table leaves a table it finds alone and says so.
            created = self._admin("create-table")
            self.fresh_data = created.rstrip().endswith(": created")
            seeded = self._admin("seed-demo") if self.fresh_data else ""
            api = self._spawn(self._api_args())
            _wait("chalice local", lambda: _healthy(self.api_port), api, 60)
            if self.web_port is not None:
                self._serve_web(self.web_port)
        except BaseException:
            self.stop()
            raise
        return created + seeded

    def stop_emulator(self) -> int:
        """Stop the emulator alone (it writes its data first); return its exit code."""
        emulator = self.processes[0]
        _terminate([emulator], DB_GRACE_SECONDS)
        return emulator.wait()

    def start_emulator(self) -> subprocess.Popen[bytes]:
        """Start the emulator again on its port (from its data, if it keeps any)."""
        emulator = self._popen(self._emulator_args())
        self.processes[0] = emulator
        _wait("the DynamoDB emulator", lambda: _accepts(self.db_port), emulator, 30)
        return emulator

    def restart_api(self) -> subprocess.Popen[bytes]:
        """Stop ``chalice local`` and start it again; return once it answers /health.

        Raises StackFailed if the new one exits or never answers (a syntax
        error, say); it then stays in ``processes`` for stop() as it is.
        """
        _terminate([self.api_process], API_GRACE_SECONDS)
        api = self.processes[1] = self._popen(self._api_args())
        _wait("chalice local", lambda: _healthy(self.api_port), api, 60)
        return api

    @property
    def web_url(self) -> str | None:
        return f"http://{HOST}:{self.web_port}" if self.web_port is not None else None

    def _serve_web(self, port: int) -> None:
        root = ROOT / "frontend" / "dist"
        if not (root / "index.html").exists():
            raise StackFailed("the web client is not built: run `make web` (make run does)")
        web = self._spawn(
            [sys.executable, "-m", "devstack.web", "--port", str(port), "--api", self.api_url,
             "--root", str(root)]
        )  # fmt: skip
        _wait("the web client", lambda: _accepts(port), web, 30)

    def token(self, user_id: str, name: str | None = None, email: str | None = None) -> str:
        args = ["token", user_id]
        if name:
            args += ["--name", name]
        if email:
            args += ["--email", email]
        return self._admin(*args).strip()

    def stop(self) -> None:
        """Stop every process this stack started: the API and web server, then the emulator.

        Interrupted (a second Ctrl-C raising in the middle), it still kills
        whatever is left before the exception goes on.
        """
        try:
            _terminate(self.processes[1:], API_GRACE_SECONDS)
            _terminate(self.processes[:1], DB_GRACE_SECONDS)
        finally:
            self.kill()
            self.processes.clear()
            self.clock_file.unlink(missing_ok=True)

    def kill(self) -> None:
        """SIGKILL every process of the stack still running, without waiting for any to finish."""
        for proc in self.processes:
            _signal(proc, signal.SIGKILL)
        for proc in self.processes:
            # Still there after SIGKILL: in uninterruptible sleep, gone when the kernel lets it.
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=5)


def _signal(proc: subprocess.Popen[bytes], sig: signal.Signals) -> None:
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, sig)


def _terminate(procs: list[subprocess.Popen[bytes]], grace: float) -> None:
    """SIGTERM all of ``procs`` at once, then SIGKILL those still running after ``grace`` s."""
    for proc in procs:
        _signal(proc, signal.SIGTERM)
    deadline = time.monotonic() + grace
    for proc in procs:
        try:
            proc.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            _signal(proc, signal.SIGKILL)
            proc.wait(timeout=10)
