"""HTTP under the ASGI server (uvicorn, or daphne) through Django's WSGI handler, one worker thread per request.

Django's ASGI handler runs each old-style middleware hook and the sync DRF views through `sync_to_async`, a thread
hop each (about 20 a request); this runs the whole request in one thread, with one hop, and calls the response's
`close()` so `request_finished` fires (connections go back to the pool). WebSockets stay on Channels. See
docs/decisions/0009-http-through-the-wsgi-handler.md.
"""

from __future__ import annotations

import asyncio
import sys
from concurrent.futures import ThreadPoolExecutor
from tempfile import SpooledTemporaryFile
from typing import Any

MAX_BODY_IN_MEMORY = 64 * 1024


def environ_for(scope: dict, body: Any) -> dict[str, Any]:
    """The WSGI environ (PEP 3333) of an ASGI HTTP scope."""
    server = scope.get("server") or ("localhost", 80)
    environ: dict[str, Any] = {
        "REQUEST_METHOD": scope["method"],
        "SCRIPT_NAME": scope.get("root_path", "").encode("utf8").decode("latin1"),
        "PATH_INFO": scope["path"].encode("utf8").decode("latin1"),
        "QUERY_STRING": scope["query_string"].decode("ascii"),
        "SERVER_PROTOCOL": f"HTTP/{scope['http_version']}",
        "SERVER_NAME": server[0],
        "SERVER_PORT": str(server[1] or 80),
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scope.get("scheme", "http"),
        "wsgi.input": body,
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    if scope.get("client"):
        environ["REMOTE_ADDR"], environ["REMOTE_PORT"] = scope["client"][0], str(scope["client"][1])
    for raw_name, raw_value in scope.get("headers", []):
        name, value = raw_name.decode("latin1").upper().replace("-", "_"), raw_value.decode("latin1")
        if name not in ("CONTENT_LENGTH", "CONTENT_TYPE"):
            name = f"HTTP_{name}"
        environ[name] = f"{environ[name]},{value}" if name in environ else value
    return environ


class WSGIInThreads:
    """An ASGI app serving a WSGI app; `threads` bounds how many requests (a waiting chat turn is one) run at once."""

    def __init__(self, wsgi_app: Any, threads: int, max_body: int = 10 * 1024 * 1024):
        self.wsgi_app = wsgi_app
        self.max_body = max_body
        self.executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="http")

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            raise ValueError(f"HTTP only, not {scope['type']!r}")
        with SpooledTemporaryFile(max_size=MAX_BODY_IN_MEMORY) as body:
            size = 0
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    return
                chunk = message.get("body", b"")
                size += len(chunk)
                if size > self.max_body:  # refused before anything is spooled to disk past the limit
                    await self._send(
                        send, 413, b'{"error": {"code": "too_large", "message": "Request body too large."}}'
                    )
                    return
                body.write(chunk)
                if not message.get("more_body"):
                    break
            body.seek(0)
            loop = asyncio.get_running_loop()
            status, headers, content = await loop.run_in_executor(self.executor, self._run, scope, body)
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": content})

    @staticmethod
    async def _send(send: Any, status: int, content: bytes) -> None:
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(content)).encode())]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": content})

    def _run(self, scope: dict, body: Any) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        environ = environ_for(scope, body)
        started: dict[str, Any] = {}

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
            started["status"] = int(status.split(" ", 1)[0])
            started["headers"] = [(k.lower().encode("latin1"), v.encode("latin1")) for k, v in headers]

        result = self.wsgi_app(environ, start_response)
        try:
            content = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        return started["status"], started["headers"], content
