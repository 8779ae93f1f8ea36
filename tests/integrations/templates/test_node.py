"""The `template` node's own rules: save-time problems on the fields, run-time parameter checks, safe JSON bodies."""

from __future__ import annotations

import pytest

from tests.integrations.nodes.support import credential, problems, run

from .conftest import body_of, received

pytestmark = pytest.mark.django_db

SLACK = "/services/T1/B2/secretpathsecretpath"


def test_an_unknown_template_is_a_problem_on_its_field():
    assert problems("template", {"template": "fax_machine"}) == {
        "template": "There is no integration template 'fax_machine' (it may have been removed or disabled); "
        "pick one from the list."
    }


def test_the_credential_must_be_given_and_of_the_templates_kind(base):
    hook = credential("Slack hook", "webhook_url", {}, {"url": base + SLACK})
    params = {"email": "a@b.co"}

    assert problems("template", {"template": "hubspot_create_contact", "params": params}) == {
        "credential": "Pick an API connection credential for HubSpot: create a contact."
    }
    assert problems("template", {"template": "hubspot_create_contact", "credential": hook.pk, "params": params}) == {
        "credential": "HubSpot: create a contact needs an API connection credential, not a Webhook URL."
    }


def test_params_are_checked_against_the_templates_schema_when_the_flow_is_saved(base):
    cred = credential("Bot", "telegram_bot", {"base_url": base}, {"token": "1:" + "a" * 30})
    data = {"template": "telegram_send_message", "credential": cred.pk}

    assert problems("template", {**data, "params": {"text": "Hi", "colour": "red", "disable_notification": "no"}}) == {
        "params.chat_id": "Required.",
        "params.colour": "This template has no such parameter.",
        "params.disable_notification": "'no' is not of type 'boolean'.",
    }
    assert problems("template", {**data, "params": {"chat_id": "1", "text": "Hi {{ name"}}) == {
        "params.text": "template error: unexpected end of template, expected 'end of print statement'."
    }
    # A template stands for a value known only when the flow runs: checked then, not now.
    assert problems("template", {**data, "params": {"chat_id": "{{ chat }}", "text": "Hi", "disable_notification":
                                                    "{{ quiet }}"}}) == {}  # fmt: skip


def test_params_are_checked_again_after_filling_in_variables(svc, server, base):
    cred = credential("CRM", "api_connection", {"base_url": base, "auth_type": "bearer"}, {"token": "t-123456"})
    params = {"name": "Ann", "email": "{{ email }}", "org_id": "{{ org }}"}

    turn = run("template", {"template": "pipedrive_create_person", "credential": cred.pk, "params": params}, svc,
               {"email": "not an email", "org": "twelve"})  # fmt: skip

    assert turn.handle == "error"
    assert turn.error == (
        "The parameters for Pipedrive: create a person are not valid after filling in variables: "
        "email: 'not an email' is not a 'email'.; org_id: 'twelve' is not of type 'integer'."
    )
    assert received(server) == []


def test_user_text_cannot_break_out_of_its_json_string(svc, server, base):
    server.expect_request(SLACK).respond_with_data("ok")
    cred = credential("Slack", "webhook_url", {}, {"url": base + SLACK})
    attack = 'x", "channel": "#general", "text": "owned'

    turn = run("template", {"template": "slack_message", "credential": cred.pk, "params": {"text": "{{ said }}"}},
               svc, {"said": attack})  # fmt: skip

    assert turn.handle == "success", turn.error
    assert body_of(received(server)[0]) == {"text": attack, "unfurl_links": False}


def test_a_deleted_credential_fails_at_run_time_with_a_sentence(svc):
    turn = run("template", {"template": "slack_message", "credential": 987, "params": {"text": "x"}}, svc)

    assert turn.handle == "error"
    assert turn.error.startswith("There is no credential with id 987")


def test_extra_mapping_and_save_as_work_as_in_rest_api(svc, server, base):
    server.expect_request("/crm/v3/objects/contacts").respond_with_json({"id": "9", "properties": {"email": "a@b.co"}})
    cred = credential("HubSpot", "api_connection", {"base_url": base, "auth_type": "bearer"}, {"token": "t-123456"})
    data = {
        "template": "hubspot_create_contact",
        "credential": cred.pk,
        "params": {"email": "a@b.co"},
        "mapping": [{"variable": "saved_email", "path": "properties.email"}],
        "save_as": "hubspot",
    }

    turn = run("template", data, svc)

    assert turn.handle == "success", turn.error
    assert turn.variables["hubspot_contact_id"] == "9"
    assert turn.variables["saved_email"] == "a@b.co"
    assert turn.variables["hubspot"]["status"] == 200
    assert turn.step.output["params"] == {"email": "a@b.co"}
