"""Serve the built web client on loopback, with ``/api/`` passed through to the API.

One origin for the browser (no CORS in local development), and any path that
is not a file falls back to ``index.html`` so the client's routes reload.
``python -m devstack.web --port 5173 --api http://127.0.0.1:8000 --root frontend/dist``.
"""

from __future__ import annotations

import argparse
import sys
import urllib.error
import urllib.request
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from devstack import lifeline

HOST = "127.0.0.1"
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "host"}


class Handler(SimpleHTTPRequestHandler):
    api: str = ""

    def log_message(self, format: str, *args: object) -> None:
        return None

    def _proxy(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        request = urllib.request.Request(  # noqa: S310 - the loopback API given on the command line
            self.api + self.path, data=body, headers=headers, method=self.command
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as upstream:  # noqa: S310
                status, reply_headers, payload = upstream.status, upstream.headers, upstream.read()
        except urllib.error.HTTPError as err:
            status, reply_headers, payload = err.code, err.headers, err.read()
        self.send_response(status)
        for key, value in reply_headers.items():
            if key.lower() not in HOP_BY_HOP:
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _static(self) -> None:
        target = Path(self.translate_path(self.path.split("?", 1)[0]))
        if not target.exists() or (target.is_dir() and not (target / "index.html").exists()):
            self.path = "/index.html"
        super().do_GET()

    def do_GET(self) -> None:
        self._proxy() if self.path.startswith("/api/") else self._static()

    def do_POST(self) -> None:
        self._proxy()

    def do_PUT(self) -> None:
        self._proxy()

    def do_DELETE(self) -> None:
        self._proxy()


def main(argv: list[str] | None = None) -> int:
    lifeline.bind()
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=5173)
    parser.add_argument("--api", default="http://127.0.0.1:8000")
    parser.add_argument("--root", default="frontend/dist")
    args = parser.parse_args(argv)
    Handler.api = args.api.rstrip("/")
    server = ThreadingHTTPServer((HOST, args.port), partial(Handler, directory=args.root))
    server.daemon_threads = True
    print(f"web client on http://{HOST}:{args.port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
