"""What ``make run`` costs while nobody uses it: CPU of the whole stack over a quiet interval.

The stack is started exactly as ``make run`` starts it (``python -m devstack``,
on free ports, its data in a temporary folder); once it has printed its banner
and settled, the CPU time of the supervisor and every descendant is read
before and after the interval.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.emulator import stop
from bench.load import cpu_seconds
from devstack.stack import ROOT, free_port

BANNER_END = "Ctrl-C stops everything"


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        tree.setdefault(ppid, []).append(int(entry))
    return tree


def family(pid: int) -> list[int]:
    """``pid`` and all its descendants now."""
    tree, found, todo = _children(), [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo += tree.get(current, [])
    return found


def _family_cpu(pids: list[int]) -> float:
    # A child that ends in the interval (the emulator's snapshot writer) leaves the
    # family, and its whole CPU time moves into its parent's reaped-children count:
    # counting both sides that way neither loses nor double-counts it.
    return sum(cpu_seconds(pid, reaped_children=True) for pid in pids)


def _wait_for_banner(proc: subprocess.Popen[str], timeout: float) -> None:
    assert proc.stdout is not None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            raise RuntimeError(f"make run exited with {proc.wait()} before its banner")
        if BANNER_END in line:
            return
    raise RuntimeError("make run printed no banner in time")


def measure(seconds: float, settle: float = 5.0) -> dict[str, Any]:
    """CPU share of one core used by the idle stack over ``seconds``."""
    with tempfile.TemporaryDirectory(prefix="bench-idle-") as data:
        env = {
            **os.environ,
            "PORT": str(free_port()),
            "DYNAMODB_PORT": str(free_port()),
            "WEB_PORT": str(free_port()),
            "DEVSTACK_DATA": str(Path(data) / "dynamodb.json"),
        }
        env.pop("STAGE", None)
        proc = subprocess.Popen(
            [sys.executable, "-m", "devstack"],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        try:
            _wait_for_banner(proc, 120)
            time.sleep(settle)  # the API's and the emulator's first-request work is over
            pids = family(proc.pid)
            before = _family_cpu(pids)
            began = time.monotonic()
            time.sleep(seconds)
            elapsed = time.monotonic() - began
            used = _family_cpu(family(proc.pid)) - before
        finally:
            stop(proc)
    return {
        "seconds": round(elapsed, 1),
        "processes": len(pids),
        "cpuSeconds": round(used, 3),
        "coreShare": round(used / elapsed, 4),
    }
