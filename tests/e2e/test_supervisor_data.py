"""``make run`` keeps the developer's data between runs; ``make reset-data`` forgets it."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import requests

from chalicelib.demo import MENTOR_PROFILE, MENTOR_PROFILE_ID
from devstack.stack import ROOT
from tests.e2e.test_supervisor_signals import Supervisor, supervisor


def _mentor_token(run: Supervisor) -> str:
    line = next(line for line in run.seen if "export MENTOR_TOKEN=" in line)
    return line.split("=", 1)[1].strip()


def _company(run: Supervisor) -> str:
    reply = requests.get(f"{run.api}/mentors/{MENTOR_PROFILE_ID}", timeout=10)
    assert reply.status_code == 200, reply.text
    return str(reply.json()["company"])


def _stop(run: Supervisor) -> None:
    run.proc.send_signal(signal.SIGTERM)
    assert run.proc.wait(timeout=30) == 0


def test_data_survives_a_restart_until_reset(tmp_path: Path) -> None:
    data = tmp_path / "dynamodb.json"
    with supervisor(tmp_path, data=True) as run:
        banner = "".join(run.seen)
        assert f"data kept in {data}" in banner
        assert "`make reset-data` starts again from the demo data" in banner
        assert "table careerforge-local: created" in banner
        assert _company(run) == MENTOR_PROFILE.company
        edit = {"company": "Kept Co", "jobTitle": "Principal", "timezone": "Europe/Berlin"}
        reply = requests.put(
            f"{run.api}/mentors/me",
            json=edit,
            headers={"Authorization": f"Bearer {_mentor_token(run)}"},
            timeout=10,
        )
        assert reply.status_code == 200, reply.text
        _stop(run)
    assert data.exists()

    with supervisor(tmp_path, data=True) as run:
        banner = "".join(run.seen)
        assert "kept from the last run" in banner
        assert "table careerforge-local: already exists" in banner
        assert _company(run) == "Kept Co"  # not seeded over
        _stop(run)

    reset = subprocess.run(
        ["make", "-s", "reset-data"],
        cwd=ROOT,
        env={**os.environ, "DEVSTACK_DATA": str(data)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert reset.returncode == 0, reset.stderr
    assert not data.exists()

    with supervisor(tmp_path, data=True) as run:
        assert "table careerforge-local: created" in "".join(run.seen)
        assert _company(run) == MENTOR_PROFILE.company
