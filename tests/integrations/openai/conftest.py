"""Fixtures: loopback opened to the guarded client, real Services, a local Chat Completions server, a credential."""

from __future__ import annotations

import socket

import pytest

from integrations.services import Services
from tests.integrations.nodes.support import credential

from .peer import ChatPeer

KEY = "sk-test-a1b2c3d4e5f6"


@pytest.fixture(autouse=True)
def loopback(settings):
    """Loopback is allowed for these tests only (the session's vault key stays: the live worker shares it)."""
    settings.SSRF_ALLOW = ["127.0.0.1"]
    settings.HTTP_HOST_RATE = "1000/s"
    return settings


@pytest.fixture
def svc(db, loopback):
    return Services(flow_id="flow-7")


@pytest.fixture
def peer(httpserver_ipv4):
    yield ChatPeer(httpserver_ipv4)
    httpserver_ipv4.clear()


@pytest.fixture
def openai_credential(db, peer):
    return credential("OpenAI", "openai", {"base_url": peer.base_url, "organization": "org-flows"}, {"api_key": KEY})


@pytest.fixture
def silent_port():
    """A port that accepts connections and never answers."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    yield sock.getsockname()[1]
    sock.close()
