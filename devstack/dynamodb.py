"""moto's DynamoDB as a one-request-at-a-time HTTP server on loopback.

    python -m devstack.dynamodb --port 8001 [--data PATH] [--engine fixed|plain]

One request at a time: moto's transactions take no lock, and the service's
concurrency guarantees rest on every DynamoDB call being atomic as it is in
AWS, so concurrency tests exercise our code, not the emulator's races. Clients
keep their connections alive (see :mod:`devstack.emulator.server`).

``--engine fixed`` (the default) is moto 5.2.5 with the changes in
:mod:`devstack.emulator`: a transaction copies only the items it touches
(moto deep-copies the whole table once per action), queries read only the
partition they ask for (moto reads every item), and TransactWriteItems honours
``ClientRequestToken`` as DynamoDB does (a repeat of a successful call within
10 minutes succeeds without writing again; the same token with other
parameters is ``IdempotentParameterMismatchException``). ``--engine plain``
is moto unchanged, kept so the benchmark can compare the two.

``--data PATH`` keeps the tables in PATH. At start, an existing PATH is
restored (table definitions, TTL settings, every item) before the first
request is served; a PATH that cannot be restored stops the emulator with a
one-line message saying to delete it. While serving, a snapshot is written at
most every 2 s when something changed (a crash loses at most those last
seconds) by a forked child, so requests never wait for a serialization; each
write replaces PATH atomically. SIGTERM or SIGINT finishes the request in
progress, writes a final snapshot and exits 0; whatever happens, the process
is gone ~8 s after the signal. Without ``--data`` everything is in memory.

The snapshot is JSON in DynamoDB's own vocabulary, independent of moto (see
:mod:`devstack.emulator.snapshot` for the full layout)::

    {"format": "devstack-dynamodb-snapshot", "version": 1, "savedAt": "<ISO 8601>",
     "backends": [{"account": "123456789012", "region": "us-east-1",
       "tables": [{"definition": {<CreateTable request>},
                   "timeToLive": {"Enabled": true, "AttributeName": "expiresAt"} | null,
                   "items": [{<item as DynamoDB JSON>}, ...]}]}]}

Control endpoints (outside DynamoDB's API, which is ``POST /``):

``POST /_emulator/faults`` with ``{"throttle": "ThrottlingException" |
"ProvisionedThroughputExceededException" | null}``
    While ``throttle`` is set, every DynamoDB call is answered HTTP 400 with
    DynamoDB's error body, e.g. ``{"__type": "com.amazonaws.dynamodb.v20120810#
    ProvisionedThroughputExceededException", "message": "..."}`` (botocore
    reads the code after ``#``), and changes nothing. Answers the faults now
    in force; ``GET /_emulator/faults`` reads them.
``GET /_emulator/stats``
    JSON: ``engine``, ``uptimeSeconds``, ``requests`` (DynamoDB calls
    answered), ``throttled``, ``errors`` (500s), ``operations`` (count by
    operation), ``tables`` (``[{"account", "region", "table", "items"}]``),
    ``rssBytes``, ``tokensRemembered``, ``faults``, and ``snapshots``
    (``path``, ``count``, ``failures``, ``lastAt`` as Unix time,
    ``lastSeconds``, ``upToDate``: every change so far is in the file).
"""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path
from types import FrameType

from devstack import lifeline
from devstack.emulator import compat
from devstack.emulator.app import EmulatorApp
from devstack.emulator.engine import ENGINES, Engine
from devstack.emulator.server import EmulatorServer
from devstack.emulator.snapshot import Persister, SnapshotError, remove_stale_temporaries, restore

HOST = "127.0.0.1"
SNAPSHOT_INTERVAL_SECONDS = 2.0
SHUTDOWN_SECONDS = 8
# How long the server waits for a request before it looks at signals and snapshots.
POLL_SECONDS = 0.2


class _Stop:
    """SIGTERM/SIGINT: stop after the request in progress, and within SHUTDOWN_SECONDS."""

    def __init__(self) -> None:
        self.requested = False

    def __call__(self, signum: int, frame: FrameType | None) -> None:
        if not self.requested:
            self.requested = True
            # The default action of SIGALRM ends the process, however stuck.
            signal.alarm(SHUTDOWN_SECONDS)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m devstack.dynamodb",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--data", type=Path, default=None, help="snapshot file (default: none)")
    parser.add_argument("--engine", choices=ENGINES, default="fixed")
    return parser


def _restore(engine: Engine, path: Path) -> bool:
    remove_stale_temporaries(path)
    if not path.exists():
        return True
    try:
        count = restore(engine, path)
    except SnapshotError as exc:
        print(
            f"dynamodb emulator: cannot restore {path}: {exc}. "
            f"To start with no data, delete it: rm '{path}'",
            file=sys.stderr,
            flush=True,
        )
        return False
    print(f"dynamodb emulator: restored {count} items from {path}", flush=True)
    return True


def main(argv: list[str] | None = None) -> int:
    lifeline.bind()
    args = _parser().parse_args(argv)
    for problem in compat.problems() if args.engine == "fixed" else []:
        print(f"dynamodb emulator: WARNING: {problem}", file=sys.stderr, flush=True)
    engine = Engine(args.engine)
    data: Path | None = args.data.resolve() if args.data else None
    if data is not None:
        data.parent.mkdir(parents=True, exist_ok=True)
        if not _restore(engine, data):
            return 2
    app = EmulatorApp(engine)
    server = EmulatorServer(HOST, args.port, app)
    server.timeout = POLL_SECONDS
    persister = None
    if data is not None:
        persister = Persister(
            engine,
            data,
            app.counters,
            app.snapshots,
            interval=SNAPSHOT_INTERVAL_SECONDS,
            after_fork=server.socket.close,
        )
    stop = _Stop()
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(f"dynamodb emulator ({args.engine}) listening on http://{HOST}:{args.port}", flush=True)
    try:
        while not stop.requested:
            server.handle_request()
            if persister is not None:
                # Forked between requests, so the child sees one consistent state.
                with server.lock:
                    persister.tick()
        if persister is not None:
            with server.lock:
                persister.final()
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
