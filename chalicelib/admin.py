"""Operator commands: ``python -m chalicelib.admin --help``.

Settings come from the environment exactly as in the app; the ``local`` stage
defaults point at the emulator that ``make run`` starts.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime

from chalicelib import demo, jobs
from chalicelib.config import settings
from chalicelib.local_tokens import mint_token
from chalicelib.store.tables import create_table

TOKEN_HOURS = 12


def _instant(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError("give an offset, e.g. 2026-12-01T09:00:00Z")
    return moment.astimezone(UTC)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m chalicelib.admin", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    token = sub.add_parser("token", help="print a signed bearer token for the local stage")
    token.add_argument("user_id")
    token.add_argument("--name")
    token.add_argument("--email")
    token.add_argument("--hours", type=float, default=TOKEN_HOURS)
    create = sub.add_parser("create-table", help="create the table (keys and GSIs)")
    create.add_argument("--wait", type=float, default=30, help="seconds to wait for ACTIVE")
    sub.add_parser("seed-demo", help="load the demo mentor, student and connection")
    finalize = sub.add_parser("finalize", help="run the finalize job once")
    finalize.add_argument(
        "--now", type=_instant, help="the job's clock, ISO 8601 with an offset (default: now)"
    )
    sub.add_parser("recalculate-stats", help="recount every mentor's statistics")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "token":
        print(mint_token(args.user_id, args.name, args.email, args.hours))
    elif args.command == "create-table":
        created = create_table(wait_seconds=args.wait, sleep=time.sleep)
        print(f"table {settings().table_name}: {'created' if created else 'already exists'}")
    elif args.command == "seed-demo":
        for line in demo.seed():
            print(line)
    elif args.command == "finalize":
        print(json.dumps(jobs.run_finalize(args.now), sort_keys=True))
    elif args.command == "recalculate-stats":
        print(json.dumps(jobs.run_recalculate(), sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
