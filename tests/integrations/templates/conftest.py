"""Fixtures: those of the node tests (loopback, a vault key, real Services, a local server), plus admin and editors."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.integrations.nodes.conftest import loopback, server, svc  # noqa: F401 - fixtures shared with node tests


@pytest.fixture
def base(server) -> str:  # noqa: F811
    return f"http://127.0.0.1:{server.port}"


def received(server) -> list[Any]:  # noqa: F811
    """The requests the local server got, in order."""
    return [request for request, _response in server.log]


def body_of(request: Any) -> Any:
    return json.loads(request.get_data(as_text=True))
