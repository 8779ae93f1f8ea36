"""Clients for the builder and chat API tests: anonymous, an editor (session), and the database row counts."""

import pytest
from rest_framework.test import APIClient

from flows.models import Conversation, FlowVersion, Message, Run, Step
from tests.factories import EditorFactory


@pytest.fixture
def anon():
    return APIClient()


@pytest.fixture
def editor(db):
    return EditorFactory()


@pytest.fixture
def editor_client(editor):
    client = APIClient()
    client.force_login(editor)
    return client


def row_counts() -> dict[str, int]:
    """What a request may have stored: compare before and after a request that must store nothing."""
    return {model.__name__: model.objects.count() for model in (Conversation, Message, Run, Step, FlowVersion)}
