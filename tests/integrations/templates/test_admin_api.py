"""Admins' own templates (added and edited in Django admin, checked before save, used by flows) and the catalog API."""

from __future__ import annotations

import json

import pytest
from rest_framework.test import APIClient

from integrations.models import IntegrationTemplate
from tests.factories import EditorFactory
from tests.integrations.nodes.support import credential, run

from .conftest import body_of, received

pytestmark = pytest.mark.django_db

ADD = "/admin/integrations/integrationtemplate/add/"
API = "/api/v1/integration-templates/"


def form(**changes) -> dict[str, str]:
    """The admin form of a valid template: a CRM lead with a bearer-token API connection."""
    data = {
        "key": "crm_create_lead",
        "name": "Our CRM: create a lead",
        "description": "Adds a lead to our in-house CRM.",
        "icon": "user-plus",
        "reference": "https://crm.example.com/docs/leads",
        "enabled": "on",
        "credential_kind": "api_connection",
        "credential_help": "A CRM API token.",
        "credential_settings": json.dumps({"base_url": "https://crm.example.com/api", "auth_type": "bearer"}),
        "credential_hosts": "[]",
        "parameters": json.dumps(
            {
                "type": "object",
                "required": ["email"],
                "properties": {"email": {"type": "string", "format": "email"}, "note": {"type": "string"}},
            }
        ),
        "method": "POST",
        "url": "/leads/{{ params.email }}",
        "query": json.dumps({"source": "chatbot"}),
        "headers": json.dumps({"X-Client": "flowbuilder"}),
        "body_type": "json",
        "body": json.dumps({"email": "{{ params.email }}", "note": "{{ params.note }}"}),
        "response_type": "json",
        "mapping": json.dumps([{"variable": "lead_id", "path": "lead.id", "cast": "number"}]),
    }
    return {**data, **changes}


def errors_of(response) -> dict[str, list[str]]:
    assert response.status_code == 200, "the form should have been refused"
    adminform = response.context["adminform"].form
    return {name: list(errs) for name, errs in adminform.errors.items()}


def test_an_invalid_template_is_refused_with_each_problem_on_its_field(admin_client):
    bad = form(
        key="slack_message",
        parameters=json.dumps({"type": "object", "properties": {"n": {"type": "strnig"}}}),
        url="https://elsewhere.example.com/x",
        headers=json.dumps({"Bad Header": "x"}),
        body=json.dumps({"email": "{{ params.email "}),
        mapping=json.dumps([{"variable": "lead_id", "path": "lead.[id"}]),
    )

    errors = errors_of(admin_client.post(ADD, bad))

    assert errors["key"] == ["'slack_message' is the key of a shipped template; choose another."]
    assert errors["parameters"][0].startswith("Not a valid JSON Schema at properties.n.type:")
    assert errors["url"] == ["With a credential the URL is a path relative to its base URL, such as /v1/contacts."]
    assert errors["headers"] == ["Bad Header: 'Bad Header' is not a header name (letters, digits and - only)."]
    assert errors["body"][0].startswith("email: Template error: unexpected end of template")
    assert errors["mapping"][0].startswith("0.path: 'lead.[id' is not a valid JMESPath expression")
    assert not IntegrationTemplate.objects.exists()


def test_a_recipe_may_use_only_params_credential_and_conversation_id(admin_client):
    errors = errors_of(admin_client.post(ADD, form(body=json.dumps({"email": "{{ secrets.token }}"}))))

    assert errors["body"] == [
        "email: secrets is not known here: a recipe uses params.<name>, credential.<setting> and conversation_id."
    ]


def test_json_that_does_not_parse_is_refused_on_its_field(admin_client):
    errors = errors_of(admin_client.post(ADD, form(parameters='{"type": "object",')))

    assert errors["parameters"] == ["Enter a valid JSON."]


def test_a_valid_custom_template_is_saved_edited_and_used_by_a_flow(admin_client, svc, server, base):
    assert admin_client.post(ADD, form()).status_code == 302
    template = IntegrationTemplate.objects.get(key="crm_create_lead")
    change = f"/admin/integrations/integrationtemplate/{template.pk}/change/"
    assert admin_client.post(change, form(name="CRM: new lead")).status_code == 302
    assert errors_of(admin_client.post(change, form(method="FETCH")))["method"][0].startswith("Select a valid choice")

    server.expect_request("/api/leads/ann@x.io", method="POST", query_string="source=chatbot").respond_with_json(
        {"lead": {"id": "77"}}, status=201
    )
    cred = credential("CRM", "api_connection", {"base_url": f"{base}/api", "auth_type": "bearer"}, {"token": "crm-t1"})
    data = {"template": "crm_create_lead", "credential": cred.pk, "params": {"email": "{{ email }}"}}

    turn = run("template", data, svc, {"email": "ann@x.io"})

    assert turn.handle == "success", turn.error
    request = received(server)[0]
    assert request.headers["Authorization"] == "Bearer crm-t1" and request.headers["X-Client"] == "flowbuilder"
    assert body_of(request) == {"email": "ann@x.io"}
    assert turn.variables["lead_id"] == 77


def test_the_api_lists_shipped_and_enabled_custom_templates_for_editors(admin_client):
    admin_client.post(ADD, form())
    admin_client.post(ADD, form(key="old_one", name="Old one", enabled=""))
    editor = APIClient()
    editor.force_login(EditorFactory(role="Editor"))

    listing = editor.get(API).json()

    keys = [t["key"] for t in listing]
    assert "crm_create_lead" in keys and "slack_message" in keys and "old_one" not in keys
    assert len(keys) == 13
    custom = next(t for t in listing if t["key"] == "crm_create_lead")
    assert custom["origin"] == "custom"
    assert custom["parameters"]["required"] == ["email"]
    assert custom["outputs"] == ["lead_id"]
    hubspot = next(t for t in listing if t["key"] == "hubspot_create_contact")
    assert hubspot["origin"] == "shipped" and hubspot["icon"] == "user-plus"
    assert hubspot["credential"]["kind"] == "api_connection"
    assert hubspot["credential"]["add_url"] == (
        "/admin/integrations/credential/add/?kind=api_connection&name=HubSpot"
        "&base_url=https%3A%2F%2Fapi.hubapi.com&auth_type=bearer"
    )
    assert APIClient().get(API).status_code in (401, 403)


def test_the_credential_add_link_opens_the_form_pre_filled_with_the_documented_base_url(admin_client):
    listing = admin_client.get(API).json()
    link = next(t for t in listing if t["key"] == "notion_create_page")["credential"]["add_url"]

    page = admin_client.get(link).content.decode()

    assert 'value="https://api.notion.com"' in page
    assert '<option value="bearer" selected>' in page
