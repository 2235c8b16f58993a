"""moto's DynamoDB as a one-request-at-a-time HTTP server on loopback.

moto is not safe for concurrent requests (its transactions take no lock), so
this server handles one request at a time: every DynamoDB call is then atomic
as it is in AWS, and concurrency tests exercise our code, not the emulator's
races. ``python -m devstack.dynamodb --port 8001``.
"""

from __future__ import annotations

import argparse
import signal
import sys
from types import FrameType

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import WSGIRequestHandler, make_server

HOST = "127.0.0.1"


class _QuietHandler(WSGIRequestHandler):
    """No access log: the API's own log is the one a developer reads."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8001)
    args = parser.parse_args(argv)
    app = DomainDispatcherApplication(create_backend_app)
    # threaded=False and processes=1: werkzeug's plain HTTPServer, one request at a time.
    server = make_server(
        HOST, args.port, app, threaded=False, processes=1, request_handler=_QuietHandler
    )

    def stop(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    print(f"dynamodb emulator listening on http://{HOST}:{args.port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
