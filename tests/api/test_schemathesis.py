"""The API does what /api/schema/ says: schemathesis sends schema-made (and schema-breaking) requests to every
operation, in process against the WSGI app on the suite's database (PostgreSQL when DATABASE_URL is set), as a
superuser with a DRF token, and runs every check on each answer (status documented, body and headers as documented,
valid requests accepted, invalid ones refused, no server error)."""

from __future__ import annotations

import json

import pytest
import schemathesis
from django.core import signals
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from flows.api.parsers import NUL_MESSAGE
from flows.models import Conversation, Flow
from tests.factories import UserFactory, published_flow

pytestmark = pytest.mark.django_db

# Bounded so the whole run stays near a minute on a busy machine; the coverage phase adds its own cases.
MAX_EXAMPLES = 10

# Requests the schema cannot tell from good ones, because what decides is stored state or a file's contents: a
# 400 for them is the documented answer, not a refused valid request.
STATE_DEPENDENT = {
    "POST /api/v1/flows/": "the slug is taken",
    "PUT /api/v1/flows/{id}/": "the slug is taken",
    "PATCH /api/v1/flows/{id}/": "the slug is taken",
    "POST /api/v1/flows/{id}/publish/": "the draft has errors (graph_has_problems)",
    "POST /api/v1/flows/{id}/preview/": "the draft has errors (graph_has_problems)",
    "POST /api/v1/flows/{flow_id}/hooks/": "no credential has that id, or the key is taken",
    "PUT /api/v1/flows/{flow_id}/hooks/{id}/": "no credential has that id, or the key is taken",
    "PATCH /api/v1/flows/{flow_id}/hooks/{id}/": "no credential has that id, or the key is taken",
    "POST /api/v1/flows/{flow_id}/appearance/avatar/": "the file is not a PNG, JPEG, GIF or WebP image",
    "POST /api/v1/flows/import/": "the uploaded file is not a flow export",
    "POST /api/v1/flows/{flow_id}/channels/": "no Twilio credential has that id",
    "POST /api/v1/flows/{flow_id}/channels/{channel_id}/test/": "no such channel, or Twilio refuses the number",
    "POST /api/v1/inbox/conversations/{conversation_id}/release/": "a variable name the flow cannot use",
}
ACCEPTED = ["2xx", "3xx", "401", "403", "404", "409", "429", "5xx"]


def config() -> schemathesis.Config:
    return schemathesis.Config.from_dict(
        {
            "checks": {"enabled": True},  # every check schemathesis has
            "phases": {"stateful": {"enabled": False}},
            # Every JSON body with a NUL character is refused (PostgreSQL cannot store one), which free-form JSON's
            # schema cannot say: that refusal has a test of its own below.
            "generation": {"allow-x00": False},
            "operations": [
                {
                    "include-name": name,
                    "checks": {"positive_data_acceptance": {"expected-statuses": [*ACCEPTED, "400"]}},
                }
                for name in STATE_DEPENDENT
            ],
        }
    )


@pytest.fixture
def superuser_token(db) -> str:
    user = UserFactory(is_superuser=True, is_staff=True)
    published_flow("greeting", slug="greet")  # something for the flow, conversation and widget operations to find
    return Token.objects.create(user=user).key


@pytest.fixture(autouse=True)
def same_connection():
    """Requests run in this thread, inside the test's transaction: keep the connection open across them, as Django's
    test client does."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


# The document is made without the database, so it is loaded at collection; the requests run in each test.
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application(), config=config())


@schema.parametrize()
# derandomize: the same cases on every run (a seed of the test's own), so a failure is one anyone can replay.
@settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_every_operation_answers_as_the_schema_says(case, superuser_token):
    case.call_and_validate(headers={"Authorization": f"Token {superuser_token}"})


@pytest.mark.parametrize(
    "path, body",
    [
        ("/api/v1/flows/", {"name": "Nul", "graph": {"nodes": [{"id": "a\x00"}], "edges": []}}),
        ("/api/v1/flows/validate/", {"graph": {"nodes": [], "edges": [], "settings": {"k\x00": 1}}}),
        (
            "/api/v1/flows/import/",
            {"format": "flowbuilder/flow", "spec_version": 1, "name": "Nul\x00", "graph": {"nodes": [], "edges": []}},
        ),
        ("/api/v1/chat/greet/conversations/?wait=0", {"variables": {"name": "a\x00b"}}),
    ],
)
def test_a_nul_character_in_a_json_body_is_a_400_and_stores_nothing(superuser_token, path, body):
    flows, conversations = Flow.objects.count(), Conversation.objects.count()
    client = APIClient(HTTP_AUTHORIZATION=f"Token {superuser_token}")
    response = client.post(path, body, format="json")
    assert response.status_code == 400, response.content
    assert "NUL character" in response.json()["error"]["message"]
    assert (Flow.objects.count(), Conversation.objects.count()) == (flows, conversations)


def test_an_uploaded_export_with_a_nul_character_is_refused(superuser_token):
    upload = SimpleUploadedFile(
        "nul.flow.json",
        json.dumps({"format": "flowbuilder/flow", "spec_version": 1, "name": "a\x00", "graph": {"nodes": []}}).encode(),
    )
    client = APIClient(HTTP_AUTHORIZATION=f"Token {superuser_token}")
    flows = Flow.objects.count()
    response = client.post("/api/v1/flows/import/", {"file": upload}, format="multipart")
    assert response.status_code == 400, response.content
    assert response.json()["error"] == {"code": "invalid_import", "message": NUL_MESSAGE}
    assert Flow.objects.count() == flows
