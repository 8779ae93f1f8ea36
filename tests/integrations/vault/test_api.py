"""`/api/v1/credentials/`: what the canvas offers in a node's credential picker, never a setting or a secret."""

from __future__ import annotations

import json

import pytest
from rest_framework.test import APIClient

from tests.factories import role_user

from .conftest import make_credential

pytestmark = pytest.mark.django_db

URL = "/api/v1/credentials/"


@pytest.fixture
def credentials():
    crm = make_credential(
        "CRM",
        settings={"base_url": "https://crm.example.com/api", "auth_type": "bearer", "default_headers": {"X-T": "v"}},
        token="tok-api-canary-1234",
    )
    crm.check_status = "ok"
    crm.save()
    hooks = make_credential("Hooks", "webhook_secret", signing_secrets="whsec_c2VjcmV0LWtleS0xMjM0NQ==")
    return crm, hooks


def client_for(role: str | None = None, **user) -> APIClient:
    """A user in the role (flows/roles.py), or with none."""
    client = APIClient()
    client.force_login(role_user(role, username=user.pop("username", "ed"), **user))
    return client


def test_editors_get_names_kinds_and_check_status_and_nothing_else(credentials):
    crm, hooks = credentials

    response = client_for(role="Viewer").get(URL)

    assert response.status_code == 200
    body = response.json()
    assert body == [
        {
            "id": crm.pk,
            "name": "CRM",
            "kind": "api_connection",
            "kind_label": "API connection",
            "check_status": "ok",
            "checked_at": None,
        },
        {
            "id": hooks.pk,
            "name": "Hooks",
            "kind": "webhook_secret",
            "kind_label": "Webhook secret",
            "check_status": "unchecked",
            "checked_at": None,
        },
    ]
    text = json.dumps(body)
    assert "tok-api-canary-1234" not in text and "whsec_" not in text and "crm.example.com" not in text


def test_the_kind_filter_takes_one_kind_or_several(credentials):
    client = client_for(role="Viewer")

    assert [c["name"] for c in client.get(URL, {"kind": "api_connection"}).json()] == ["CRM"]
    assert [c["name"] for c in client.get(URL, {"kind": "webhook_secret,api_connection"}).json()] == ["CRM", "Hooks"]
    assert client.get(URL, {"kind": "openai"}).json() == []


def test_anonymous_callers_and_non_editors_are_refused_and_flow_editors_let_in(credentials):
    anonymous = APIClient().get(URL)
    assert anonymous.status_code == 401
    assert "CRM" not in anonymous.content.decode()

    plain = client_for(username="visitor", is_staff=True).get(URL)
    assert plain.status_code == 403

    assert client_for("Viewer", username="viewer").get(URL).status_code == 200


def test_the_openapi_schema_describes_the_endpoint(client):
    schema = client.get("/api/schema/?format=json").json()

    operation = schema["paths"][URL]["get"]
    assert set(schema["paths"][URL]) & {"post", "put", "patch", "delete"} == set()
    assert [p["name"] for p in operation["parameters"]] == ["kind"]
    item = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert item["type"] == "array"
    component = schema["components"]["schemas"][item["items"]["$ref"].rsplit("/", 1)[-1]]
    assert set(component["properties"]) == {"id", "name", "kind", "kind_label", "check_status", "checked_at"}
