"""Real peers for the guarded client: threaded HTTP servers on 127.0.0.1, 127.0.0.2 and ::1, and Redis."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from integrations.http import GuardedClient


def _server(host: str) -> Iterator[HTTPServer]:
    server = HTTPServer(host=host, port=0, threaded=True)
    server.start()
    yield server
    server.clear()
    if server.is_running():
        server.stop()


@pytest.fixture(scope="session")
def _server_v4() -> Iterator[HTTPServer]:
    yield from _server("127.0.0.1")


@pytest.fixture(scope="session")
def _server_v4_other() -> Iterator[HTTPServer]:
    yield from _server("127.0.0.2")


@pytest.fixture(scope="session")
def _server_v6() -> Iterator[HTTPServer]:
    yield from _server("::1")


@pytest.fixture
def server(_server_v4: HTTPServer) -> HTTPServer:
    """Listens on 127.0.0.1 (which `localhost` resolves to here)."""
    _server_v4.clear()
    return _server_v4


@pytest.fixture
def server2(_server_v4_other: HTTPServer) -> HTTPServer:
    """A second loopback peer, on 127.0.0.2."""
    _server_v4_other.clear()
    return _server_v4_other


@pytest.fixture
def server6(_server_v6: HTTPServer) -> HTTPServer:
    _server_v6.clear()
    return _server_v6


@pytest.fixture(autouse=True)
def outbound_settings(settings):
    """Defaults as shipped, but a host rate loose enough that loopback tests in parallel sessions never queue."""
    settings.SSRF_ALLOW = []
    settings.HTTP_HOST_RATE = "100000/s"
    settings.HTTP_RATE_MAX_WAIT_S = 10.0
    settings.HTTP_MAX_REDIRECTS = 5
    settings.HTTP_CONNECT_TIMEOUT_S = 5.0
    settings.HTTP_READ_TIMEOUT_S = 30.0
    settings.HTTP_MAX_RESPONSE_BYTES = 5 * 1024 * 1024
    return settings


@pytest.fixture
def loopback_client() -> Iterator[GuardedClient]:
    """A client with 127.0.0.1 allowed, as a self-hosted setup would configure SSRF_ALLOW."""
    with GuardedClient(allow=["127.0.0.1"]) as client:
        yield client


def url(server: HTTPServer, path: str = "/", host: str | None = None) -> str:
    host = host or server.host
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{server.port}{path}"


def free_port() -> int:
    """A port nothing listens on (bound and released at once)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Arrivals:
    """A handler that notes when each request reached the server, then answers."""

    def __init__(self, status: int = 200, body: str = "ok", delay_s: float = 0.0):
        self.times: list[float] = []
        self.requests: list[dict] = []
        self.status, self.body, self.delay_s = status, body, delay_s

    def __call__(self, request: Request) -> Response:
        self.times.append(time.monotonic())
        self.requests.append({"headers": dict(request.headers), "body": request.get_data(), "method": request.method})
        if self.delay_s:
            time.sleep(self.delay_s)
        return Response(self.body, status=self.status)
