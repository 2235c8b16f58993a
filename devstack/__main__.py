"""``make run``: the whole local stack in one command, until Ctrl-C (or SIGTERM).

The supervisor starts the children, then sleeps on one queue: the reloader
puts the sources that changed there, a thread per child puts its exit. Only
this (main) thread starts children, since a child's PR_SET_PDEATHSIG
(devstack.lifeline) fires when the thread that forked it ends.

The first SIGINT or SIGTERM stops the children in order (the emulator last: it
writes its data on the way out); a second one kills whatever is left at once.
"""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from chalicelib.demo import MENTOR, STUDENT
from devstack.reloader import SourceWatcher
from devstack.stack import ROOT, LocalStack, PortInUse, StackFailed

DEFAULT_DATA = ".devstack/data/dynamodb.json"
# Sources that change within this long of each other (the two watches'
# batches of one `git checkout`, say) make one restart.
SETTLE_SECONDS = 0.3


class Stop(Exception):
    """The first SIGINT or SIGTERM: stop in order."""


class Hurry(Exception):
    """A second one during the stop: kill what is left."""


@dataclass(frozen=True)
class Changed:
    paths: list[str]


@dataclass(frozen=True)
class Exited:
    proc: subprocess.Popen[bytes]


Event = Changed | Exited


def _data_file() -> Path | None:
    """``DEVSTACK_DATA`` (relative to the project), or the default; empty keeps data in memory."""
    value = os.environ.get("DEVSTACK_DATA", DEFAULT_DATA)
    return ROOT / value if value else None


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


def _banner(stack: LocalStack, seeded: str) -> str:
    mentor = stack.token(MENTOR.user_id, MENTOR.name, MENTOR.email)
    student = stack.token(STUDENT.user_id, STUDENT.name, STUDENT.email)
    if stack.data_file is None:
        kept = "data in memory only: gone when this stops"
    else:
        kept = (
            f"data kept in {_shown(stack.data_file)}; "
            "`make reset-data` starts again from the demo data"
        )
    if not stack.fresh_data:
        seeded += "kept from the last run (the demo users are there unless you removed them)\n"
    return f"""
CareerForge Sessions is running.
  Web       {stack.web_url or "(not built: make web)"}   (sign in as the demo mentor or student)
  API       {stack.api_url}/api/v1   (chalice local --stage local)
            (restarts when app.py, chalicelib/ or .chalice/*.json change)
  DynamoDB  {stack.db_url}   (moto, one request at a time)
            ({kept})

Demo data:
{"".join(f"  {line}" + chr(10) for line in seeded.splitlines())}
Demo tokens (valid 12 hours; make more with
  .venv/bin/python -m chalicelib.admin token USER_ID --name NAME):
  export MENTOR_TOKEN={mentor}
  export STUDENT_TOKEN={student}

Try:
  curl -s {stack.api_url}/api/v1/health
  curl -s -H "Authorization: Bearer $STUDENT_TOKEN" {stack.api_url}/api/v1/me

Ctrl-C stops everything.
"""


class _Signals:
    """SIGINT and SIGTERM raise Stop, then Hurry, then are ignored."""

    def __init__(self) -> None:
        self.count = 0

    def install(self) -> None:
        signal.signal(signal.SIGINT, self._handle)
        signal.signal(signal.SIGTERM, self._handle)

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        self.count += 1
        if self.count == 1:
            raise Stop
        if self.count == 2:
            raise Hurry


def _report_exit(proc: subprocess.Popen[bytes], events: queue.SimpleQueue[Event]) -> None:
    def wait() -> None:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
        proc.wait()
        events.put(Exited(proc))

    threading.Thread(target=wait, name=f"wait-{proc.pid}", daemon=True).start()


def _settle(first: Changed, events: queue.SimpleQueue[Event]) -> tuple[list[str], list[Event]]:
    """The paths of ``first`` and of the changes right behind it; other events found meanwhile."""
    paths = set(first.paths)
    others: list[Event] = []
    while True:
        try:
            event = events.get(timeout=SETTLE_SECONDS)
        except queue.Empty:
            return sorted(paths), others
        if isinstance(event, Changed):
            paths.update(event.paths)
        else:
            others.append(event)


def _listing(paths: list[str]) -> str:
    shown = ", ".join(paths[:3])
    return shown + (f" and {len(paths) - 3} more" if len(paths) > 3 else "")


def _reload(stack: LocalStack, paths: list[str], events: queue.SimpleQueue[Event]) -> None:
    try:
        stack.restart_api()
    except StackFailed as exc:
        print(
            f"reload failed ({exc}; changed: {_listing(paths)}); "
            "the API starts again when you save a source file",
            file=sys.stderr,
            flush=True,
        )
        if stack.api_process.poll() is not None:
            return  # said just now; its exit needs no second notice
    finally:
        if stack.api_process.poll() is None:
            _report_exit(stack.api_process, events)
    print(f"reloaded (changed: {_listing(paths)})", flush=True)


def _supervise(stack: LocalStack, events: queue.SimpleQueue[Event]) -> int:
    """Restart the API on source changes until a child other than the API exits."""
    for proc in stack.processes:
        _report_exit(proc, events)
    pending: list[Event] = []
    while True:
        event = pending.pop(0) if pending else events.get()
        if isinstance(event, Changed):
            paths, others = _settle(event, events)
            pending.extend(others)
            _reload(stack, paths, events)
        elif event.proc not in stack.processes:
            continue  # an API this loop replaced
        elif event.proc is stack.api_process:
            print(
                f"the API exited (code {event.proc.returncode}); "
                "it starts again when you save a source file",
                file=sys.stderr,
                flush=True,
            )
        else:
            print("a process of the stack exited; stopping the rest", file=sys.stderr)
            return 1


def _run(stack: LocalStack) -> int:
    events: queue.SimpleQueue[Event] = queue.SimpleQueue()
    watcher = SourceWatcher(ROOT, lambda paths: events.put(Changed(paths)))
    try:
        seeded = stack.start()
        watcher.start()
        print(_banner(stack, seeded), flush=True)
        pids = ", ".join(f"{name} {proc.pid}" for name, proc in zip(
            ("emulator", "api", "web"), stack.processes, strict=False
        ))  # fmt: skip
        print(f"supervisor {os.getpid()}: {pids}", flush=True)
        return _supervise(stack, events)
    except PortInUse as exc:
        print(f"make run: {exc}", file=sys.stderr)
        return 2
    except StackFailed as exc:
        print(f"make run: {exc}", file=sys.stderr)
        return 1
    except Stop:
        print("\nstopping...", flush=True)
        return 0
    finally:
        watcher.stop()


def main() -> int:
    built = (ROOT / "frontend" / "dist" / "index.html").exists()
    stack = LocalStack(
        api_port=int(os.environ.get("PORT", "8000")),
        db_port=int(os.environ.get("DYNAMODB_PORT", "8001")),
        web_port=int(os.environ.get("WEB_PORT", "5173")) if built else None,
        data_file=_data_file(),
    )
    signals = _Signals()
    signals.install()
    code, hurried = 1, False
    try:
        code = _run(stack)
    except Stop:  # one that came outside _run's own handlers
        code = 0
    except Hurry:
        hurried = True
    finally:
        # From here on, any signal is the one that hurries.
        signals.count = max(signals.count, 1)
        try:
            if hurried:
                stack.kill()
            stack.stop()
        except Hurry:
            hurried = True  # stop() killed what was left on its way out
    if hurried:
        print("stopped at once", file=sys.stderr, flush=True)
        return 1
    return code


if __name__ == "__main__":
    sys.exit(main())
