"""A local HTTP server that records each request line exactly as it arrived (method, raw path and query, version)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class RequestLines:
    """What the server saw: `lines` ("GET /users/42/profile HTTP/1.1") and each request's headers."""

    def __init__(self, base: str):
        self.base = base
        self.lines: list[str] = []
        self.headers: list[dict[str, str]] = []
        self.lock = threading.Lock()

    def targets(self) -> list[str]:
        """The method and raw target of each request: "GET /users/42/profile"."""
        with self.lock:
            return [line.rsplit(" ", 1)[0] for line in self.lines]

    def clear(self) -> None:
        with self.lock:
            self.lines.clear()
            self.headers.clear()


@contextmanager
def request_line_server() -> Iterator[RequestLines]:
    """Serves on 127.0.0.1 until the block ends; every request is answered 200 with {"ok": true}."""
    seen: RequestLines

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:
            pass

        def _any(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            with seen.lock:
                seen.lines.append(self.requestline)
                seen.headers.append({k.lower(): v for k, v in self.headers.items()})
            data = json.dumps({"ok": True}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _any  # noqa: N815

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    seen = RequestLines(f"http://127.0.0.1:{server.server_address[1]}")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield seen
    finally:
        server.shutdown()
        server.server_close()
