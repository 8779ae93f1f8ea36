"""Fixtures for the incoming-hook tests: a CSRF-enforcing anonymous client of its own address, and secrets."""

import uuid

import pytest
from rest_framework.test import APIClient

from integrations.webhooks import signing


@pytest.fixture
def outsider(db):
    """What Zapier or Make is to us: anonymous, CSRF enforced, from an address no other test uses."""
    n = uuid.uuid4().int
    return APIClient(
        enforce_csrf_checks=True, REMOTE_ADDR=f"10.{n % 250 + 1}.{n // 250 % 250 + 1}.{n // 62500 % 250 + 1}"
    )


@pytest.fixture
def secret():
    return signing.new_secret()
