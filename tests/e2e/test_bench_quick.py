"""The benchmark still runs end to end and its own checks hold (tiny counts)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from devstack.stack import ROOT

OPERATIONS = {
    "book_30", "book_90", "availability_week", "my_sessions", "get_session", "start", "cancel",
    "reschedule", "complete", "set_availability",
}  # fmt: skip


def test_the_quick_benchmark_passes_its_own_checks(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    results = json.loads(out.read_text())
    assert set(results["operations"]) == OPERATIONS
    for name, figures in results["operations"].items():
        assert figures["itemsRead"]["empty"] == figures["itemsRead"]["history"], name
    assert results["finalize"]["itemsRead"] == results["finalize"]["due"]
