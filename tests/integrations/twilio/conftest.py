"""Fixtures: loopback opened to the guarded client, the local Twilio server, a Twilio credential pointing at it."""

from __future__ import annotations

import pytest

from tests.integrations.nodes.support import credential
from tests.support.fake_twilio import FakeTwilio

SID = "AC" + "a1" * 16
TOKEN = "twilio-auth-token-0f9e8d7c6b5a"


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
    return credential("Twilio", "twilio", {"account_sid": SID, "auth": "auth_token",
                                           "base_url": twilio_server.base_url}, {"auth_token": TOKEN})  # fmt: skip
