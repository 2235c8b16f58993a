"""``make run``: the whole local stack in one command, until Ctrl-C (or SIGTERM)."""

from __future__ import annotations

import os
import signal
import sys
import time
from types import FrameType

from chalicelib.demo import MENTOR, STUDENT
from devstack.stack import ROOT, LocalStack, PortInUse, StackFailed


def _banner(stack: LocalStack, seeded: str) -> str:
    mentor = stack.token(MENTOR.user_id, MENTOR.name, MENTOR.email)
    student = stack.token(STUDENT.user_id, STUDENT.name, STUDENT.email)
    return f"""
CareerForge Sessions is running.
  Web       {stack.web_url or "(not built: make web)"}   (sign in as the demo mentor or student)
  API       {stack.api_url}/api/v1   (chalice local --stage local)
  DynamoDB  {stack.db_url}   (moto, one request at a time)

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


def main() -> int:
    built = (ROOT / "frontend" / "dist" / "index.html").exists()
    stack = LocalStack(
        api_port=int(os.environ.get("PORT", "8000")),
        db_port=int(os.environ.get("DYNAMODB_PORT", "8001")),
        web_port=int(os.environ.get("WEB_PORT", "5173")) if built else None,
        autoreload=True,
    )

    def stop(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        seeded = stack.start()
        print(_banner(stack, seeded), flush=True)
        while all(p.poll() is None for p in stack.processes):
            time.sleep(0.5)
        print("a process of the stack exited; stopping the rest", file=sys.stderr)
        return 1
    except PortInUse as exc:
        print(f"make run: {exc}", file=sys.stderr)
        return 2
    except StackFailed as exc:
        print(f"make run: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nstopping...", flush=True)
        return 0
    finally:
        stack.stop()


if __name__ == "__main__":
    sys.exit(main())
