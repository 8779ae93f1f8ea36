"""Fixtures: loopback opened to the guarded client, the local Twilio server, a Twilio credential pointing at it."""

from __future__ import annotations

import pytest

from tests.support.fake_twilio import FakeTwilio

from .support import SID, TOKEN, make_credential

__all__ = ["SID", "TOKEN"]


@pytest.fixture(autouse=True)
def loopback(settings):
    settings.SSRF_ALLOW = ["127.0.0.1"]
    settings.HTTP_HOST_RATE = "1000/s"
    return settings


@pytest.fixture
def twilio_server():
    server = FakeTwilio(SID, TOKEN).start()
    yield server
    server.stop()


@pytest.fixture
def twilio_credential(db, twilio_server):
    return make_credential(twilio_server.base_url)
