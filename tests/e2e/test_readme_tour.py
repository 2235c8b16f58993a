"""The README's tour runs as written against the running stack."""

from __future__ import annotations

import os
import re
import subprocess

from chalicelib.demo import MENTOR, STUDENT
from devstack.stack import ROOT, LocalStack

EXPECTED_CODES = [
    "CONNECTION_EXISTS",  # asking twice
    "FORBIDDEN",  # the student accepting
    "VALIDATION_ERROR",  # Mars/Olympus and totalSessions
    "SLOT_UNAVAILABLE",  # the same slot again
    "JOIN_WINDOW_CLOSED",  # joining hours early
    "INVALID_STATE",  # completing a cancelled session
]


def test_the_tour_runs_and_answers_as_the_readme_says(stack: LocalStack) -> None:
    readme = (ROOT / "README.md").read_text()
    blocks = [b for b in re.findall(r"```sh\n(.*?)```", readme, re.S) if "$API" in b]
    script = "set -eu\n" + "\n".join(blocks).replace(
        "API=http://127.0.0.1:8000/api/v1", f"API={stack.api_url}/api/v1"
    )
    env = {
        **os.environ,
        "MENTOR_TOKEN": stack.token(MENTOR.user_id, MENTOR.name, MENTOR.email),
        "STUDENT_TOKEN": stack.token(STUDENT.user_id, STUDENT.name, STUDENT.email),
    }
    done = subprocess.run(
        ["bash", "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    codes = re.findall(r'"code": "([A-Z_]+)"', done.stdout)
    assert codes == EXPECTED_CODES, done.stdout
    assert '"status":"CANCELLED"' in done.stdout
    assert '"rescheduledFrom"' in done.stdout
