"""Fixtures: loopback opened to the guarded client, a vault key of the test's own, real Services, a local server."""

from __future__ import annotations

import socket

import pytest
from cryptography.fernet import Fernet

from integrations.services import Services


@pytest.fixture(autouse=True)
def loopback(settings):
    """Loopback is allowed for these tests only; everything else stays as configured."""
    settings.SSRF_ALLOW = ["127.0.0.1"]
    settings.WEBHOOK_HOSTS_EXTRA = ["127.0.0.1"]
    settings.HTTP_HOST_RATE = "1000/s"
    settings.VAULT_KEYS = [Fernet.generate_key().decode()]
    return settings


@pytest.fixture
def svc(db, loopback):
    return Services(flow_id="flow-7")


@pytest.fixture
def server(httpserver_ipv4):
    """A real HTTP server on 127.0.0.1; each test states what it answers."""
    yield httpserver_ipv4
    httpserver_ipv4.clear()


@pytest.fixture
def silent_port():
    """A port that accepts connections and never answers (the kernel completes the handshake; nobody reads)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    yield sock.getsockname()[1]
    sock.close()


@pytest.fixture
def closed_port():
    """A port nothing listens on: connections are refused."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port
