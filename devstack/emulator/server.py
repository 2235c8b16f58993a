"""The emulator's HTTP server: kept-alive connections, one request at a time.

werkzeug's development server closes the connection after every answer, so
each DynamoDB call paid for a TCP connect and close on both sides, about a
fifth of the API's time under load. This server speaks HTTP/1.1 with
keep-alive: each connection has its own thread, and one lock admits a single
request to the engine at a time (moto's transactions take no lock, and the
service's concurrency guarantees rest on every DynamoDB call being atomic).

DynamoDB clients always send ``Content-Length``; a body sent without it is
answered 411 and the connection closed, since it cannot be read to its end.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Wsgi = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
MAX_BODY_BYTES = 16 * 1024 * 1024


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out as two writes; with Nagle's algorithm on, the
    # second waits for the client's delayed ACK of the first (up to 40 ms).
    disable_nagle_algorithm = True
    server: EmulatorServer

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def log_message(self, format: str, *args: Any) -> None:
        """No access log: the API's own log is the one a developer reads."""

    def _serve(self) -> None:
        length = self.headers.get("Content-Length")
        if self.headers.get("Transfer-Encoding") or (length is not None and not length.isdigit()):
            self.close_connection = True
            self._answer("411 Length Required", [("Content-Type", "text/plain")], b"")
            return
        size = int(length or 0)
        if size > MAX_BODY_BYTES:
            self.close_connection = True
            self._answer("413 Payload Too Large", [("Content-Type", "text/plain")], b"")
            return
        body = self.rfile.read(size)
        path, _, query = self.path.partition("?")
        environ: dict[str, Any] = {
            "REQUEST_METHOD": self.command,
            "SCRIPT_NAME": "",
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "CONTENT_TYPE": self.headers.get("Content-Type", ""),
            "CONTENT_LENGTH": str(size),
            "SERVER_NAME": self.server.server_address[0],
            "SERVER_PORT": str(self.server.server_address[1]),
            "SERVER_PROTOCOL": self.request_version,
            "REMOTE_ADDR": self.client_address[0],
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": io.StringIO(),
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
        }
        for name, value in self.headers.items():
            key = "HTTP_" + name.upper().replace("-", "_")
            if key not in ("HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH"):
                environ[key] = value
        started: list[Any] = []

        def start_response(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> None:
            started[:] = [status, headers]

        with self.server.lock:
            # The app answers with bytes it has already made: nothing reads the
            # engine once the lock is let go.
            data = b"".join(self.server.app(environ, start_response))
        self._answer(started[0], started[1], data)

    def _answer(self, status: str, headers: list[tuple[str, str]], data: bytes) -> None:
        code, _, reason = status.partition(" ")
        self.send_response(int(code), reason)
        for name, value in headers:
            if name.lower() not in ("content-length", "connection", "date", "server"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if data and self.command != "HEAD":
            self.wfile.write(data)


class EmulatorServer(ThreadingHTTPServer):
    """``app`` on ``host:port``; ``lock`` is held while it runs (and by whoever else must
    see the engine between requests, such as the snapshot fork)."""

    daemon_threads = True
    # chalice local serves up to 128 connections at once; so may this.
    request_queue_size = 128

    def __init__(self, host: str, port: int, app: Wsgi) -> None:
        self.app = app
        self.lock = threading.Lock()
        super().__init__((host, port), _Handler)
