"""Each shipped template against a local server speaking the service's documented wire format: what the service
receives (method, path, query, auth, body) and what the flow gets back (the mapped variables)."""

from __future__ import annotations

import base64
import json

import pytest

from integrations import catalog
from tests.integrations.nodes.support import credential, run

from .conftest import body_of, received

pytestmark = pytest.mark.django_db

SLACK_PATH = "/services/T0001/B0002/XXXXsecretXXXXwebhook"
BOT_TOKEN = "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11"


def api(name: str, base: str, **settings) -> int:
    """An API connection as the template's credential presets describe it, pointed at the local server."""
    spec = catalog.get(name)
    assert spec is not None and spec.credential is not None
    secrets = {k: settings.pop(k) for k in ("token", "api_key", "password") if k in settings}
    presets = {**spec.credential.settings, **settings}
    documented = presets.pop("base_url")
    path = documented.split("://", 1)[1].partition("/")[2]  # the documented path prefix (/3.0, /api/v2, /v1)
    cred = credential(name, "api_connection", {**presets, "base_url": f"{base}/{path}".rstrip("/")}, secrets)
    return cred.pk


def test_every_shipped_template_loads_and_cites_its_reference():
    shipped = catalog.shipped()
    assert {
        "slack_message", "discord_message", "teams_message", "telegram_send_message", "hubspot_create_contact",
        "airtable_create_record", "notion_create_page", "mailchimp_add_member", "trello_create_card",
        "pipedrive_create_person", "ga4_event", "segment_track",
    } <= set(shipped)  # fmt: skip
    for spec in shipped.values():
        assert spec.reference.startswith("https://"), spec.key
        assert spec.description and spec.parameters["type"] == "object"


def test_slack_posts_the_text_as_json_to_the_secret_webhook_url(svc, server, base):
    server.expect_request(SLACK_PATH, method="POST").respond_with_data("ok", content_type="text/plain")
    cred = credential("Slack", "webhook_url", {}, {"url": base + SLACK_PATH})
    data = {"template": "slack_message", "credential": cred.pk, "params": {"text": 'Lead: {{ name }} said "hi"'}}

    turn = run("template", data, svc, {"name": "Ann <ann@x.io>"})

    assert turn.handle == "success", turn.error
    (request,) = received(server)
    assert request.headers["Content-Type"] == "application/json"
    assert body_of(request) == {"text": 'Lead: Ann <ann@x.io> said "hi"', "unfurl_links": False}
    assert turn.variables["slack_ok"] is True
    step = json.dumps([turn.step.input, turn.step.output, turn.step.error])
    assert SLACK_PATH not in step and "XXXXsecretXXXXwebhook" not in step


def test_slack_refuses_a_webhook_on_another_host(svc, server, base, settings):
    settings.WEBHOOK_HOSTS_EXTRA = []
    cred = credential("Not Slack", "webhook_url", {}, {"url": base + SLACK_PATH})

    turn = run("template", {"template": "slack_message", "credential": cred.pk, "params": {"text": "x"}}, svc)

    assert turn.handle == "error"
    assert "posts only to hooks.slack.com" in turn.error
    assert received(server) == []


def test_a_failed_slack_call_names_the_host_never_the_webhook_path(svc, server, base):
    server.expect_request(SLACK_PATH).respond_with_data("no_service", status=404, content_type="text/plain")
    cred = credential("Slack", "webhook_url", {}, {"url": base + SLACK_PATH})

    turn = run("template", {"template": "slack_message", "credential": cred.pk, "params": {"text": "x"}}, svc)

    assert turn.handle == "error"
    assert turn.error == f"POST http://127.0.0.1:{server.port}/… answered 404 Not Found after 1 attempt: no_service"
    assert SLACK_PATH not in json.dumps([turn.step.output, turn.step.input])


def test_discord_executes_the_webhook_with_wait_and_maps_the_message_id(svc, server, base):
    path = "/api/webhooks/1234567890/tok-discord-secret-abcdef"
    server.expect_request(path, method="POST", query_string="wait=true").respond_with_json(
        {"id": "1122334455", "channel_id": "99", "content": "New booking", "type": 0}
    )
    cred = credential("Discord", "webhook_url", {}, {"url": base + path})
    params = {"content": "New booking for {{ day }}", "username": "Booking bot"}
    data = {"template": "discord_message", "credential": cred.pk, "params": params}

    turn = run("template", data, svc, {"day": "Fri"})

    assert turn.handle == "success", turn.error
    (request,) = received(server)
    assert body_of(request) == {
        "content": "New booking for Fri",
        "username": "Booking bot",
        "allowed_mentions": {"parse": []},
    }
    assert turn.variables["discord_message_id"] == "1122334455"
    assert "tok-discord-secret-abcdef" not in json.dumps([turn.step.output, turn.step.input])


def test_teams_posts_an_adaptive_card_message(svc, server, base):
    path = "/workflows/abc123/triggers/manual/paths/invoke"
    server.expect_request(path, method="POST", query_string="sig=s3cr3t-signature-value").respond_with_data(
        "", status=202
    )
    cred = credential("Teams", "webhook_url", {}, {"url": f"{base}{path}?sig=s3cr3t-signature-value"})
    params = {"title": "New lead", "text": "**{{ name }}** wants a demo"}

    turn = run("template", {"template": "teams_message", "credential": cred.pk, "params": params}, svc, {"name": "Bo"})

    assert turn.handle == "success", turn.error
    body = body_of(received(server)[0])
    assert body["type"] == "message"
    (attachment,) = body["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.4"
    assert [block["text"] for block in card["body"]] == ["New lead", "**Bo** wants a demo"]
    assert "s3cr3t-signature-value" not in json.dumps(turn.step.output)


def test_teams_leaves_out_the_title_block_when_there_is_no_title(svc, server, base):
    server.expect_request("/workflows/x/invoke").respond_with_data("", status=202)
    cred = credential("Teams", "webhook_url", {}, {"url": f"{base}/workflows/x/invoke"})

    turn = run("template", {"template": "teams_message", "credential": cred.pk, "params": {"text": "Hi"}}, svc)

    assert turn.handle == "success", turn.error
    card = body_of(received(server)[0])["attachments"][0]["content"]
    assert card["body"] == [{"type": "TextBlock", "text": "Hi", "wrap": True}]


def test_telegram_sends_to_bot_token_send_message_and_keeps_the_token_out_of_the_step(svc, server, base):
    server.expect_request(f"/bot{BOT_TOKEN}/sendMessage", method="POST").respond_with_json(
        {"ok": True, "result": {"message_id": 42, "chat": {"id": 777, "type": "private"}, "date": 1, "text": "Hi"}}
    )
    cred = credential("Bot", "telegram_bot", {"base_url": base}, {"token": BOT_TOKEN})
    params = {"chat_id": "{{ chat }}", "text": "Hi {{ name }}", "parse_mode": "HTML", "disable_notification": True}

    turn = run("template", {"template": "telegram_send_message", "credential": cred.pk, "params": params}, svc,
               {"chat": 777, "name": "Ann"})  # fmt: skip

    assert turn.handle == "success", turn.error
    assert body_of(received(server)[0]) == {
        "chat_id": "777",
        "text": "Hi Ann",
        "parse_mode": "HTML",
        "disable_notification": True,
    }
    assert turn.variables["telegram_message_id"] == 42
    step = json.dumps([turn.step.input, turn.step.output])
    assert BOT_TOKEN not in step and "ABC-DEF1234ghIkl" not in step
    assert "/bot[redacted]/sendMessage" in step


def test_telegram_errors_name_the_method_not_the_token(svc, server, base):
    server.expect_request(f"/bot{BOT_TOKEN}/sendMessage").respond_with_json(
        {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"}, status=400
    )
    cred = credential("Bot", "telegram_bot", {"base_url": base}, {"token": BOT_TOKEN})
    data = {"template": "telegram_send_message", "credential": cred.pk, "params": {"chat_id": "1", "text": "x"}}

    turn = run("template", data, svc)

    assert turn.handle == "error"
    assert f"POST {base}/bot<token>/sendMessage answered 400 Bad Request" in turn.error
    assert "chat not found" in turn.error and BOT_TOKEN not in turn.error


def test_hubspot_creates_a_contact_with_bearer_auth(svc, server, base):
    server.expect_request("/crm/v3/objects/contacts", method="POST").respond_with_json(
        {"id": "512", "properties": {"email": "ann@x.io"}, "createdAt": "2026-01-01T00:00:00Z", "archived": False},
        status=201,
    )
    cred = api("hubspot_create_contact", base, token="pat-na1-hubspot-token-123")
    params = {"email": "{{ email }}", "firstname": "Ann", "phone": "{{ phone }}"}

    turn = run("template", {"template": "hubspot_create_contact", "credential": cred, "params": params}, svc,
               {"email": "ann@x.io"})  # fmt: skip

    assert turn.handle == "success", turn.error
    request = received(server)[0]
    assert request.headers["Authorization"] == "Bearer pat-na1-hubspot-token-123"
    assert body_of(request) == {"properties": {"email": "ann@x.io", "firstname": "Ann"}}  # no phone: left out
    assert turn.variables["hubspot_contact_id"] == "512"
    assert "pat-na1-hubspot-token-123" not in json.dumps(turn.step.output)


def test_airtable_creates_a_record_in_the_named_table(svc, server, base):
    server.expect_request("/v0/appABC123/Leads 2026", method="POST").respond_with_json(
        {"id": "recXYZ", "createdTime": "2026-01-01T00:00:00.000Z", "fields": {"Name": "Ann"}}
    )
    cred = api("airtable_create_record", base, token="patAirtable.secret")
    params = {"base_id": "appABC123", "table": "Leads 2026", "fields": {"Name": "{{ name }}", "Budget": "1200"}}

    turn = run("template", {"template": "airtable_create_record", "credential": cred, "params": params}, svc,
               {"name": "Ann"})  # fmt: skip

    assert turn.handle == "success", turn.error
    request = received(server)[0]
    assert request.path == "/v0/appABC123/Leads 2026"
    assert request.headers["Authorization"] == "Bearer patAirtable.secret"
    assert body_of(request) == {"fields": {"Name": "Ann", "Budget": "1200"}, "typecast": True}
    assert turn.variables["airtable_record_id"] == "recXYZ"


def test_airtable_table_names_cannot_walk_to_another_path(svc, server, base):
    server.expect_request("/v0/appABC123/a/../../x?y").respond_with_json({"id": "recX"})
    cred = api("airtable_create_record", base, token="patAirtable.secret")
    params = {"base_id": "appABC123", "table": "{{ table }}", "fields": {"Name": "x"}}

    turn = run("template", {"template": "airtable_create_record", "credential": cred, "params": params}, svc,
               {"table": "a/../../x?y"})  # fmt: skip

    assert turn.handle == "success", turn.error
    assert turn.exchanges[0]["request"]["url"].endswith("/v0/appABC123/a%2F..%2F..%2Fx%3Fy")
    assert received(server)[0].path == "/v0/appABC123/a/../../x?y"  # one segment, decoded by the server


def test_notion_creates_a_page_in_the_database(svc, server, base):
    server.expect_request("/v1/pages", method="POST").respond_with_json(
        {"object": "page", "id": "59833787-2cf9-4fdf-8782-e53db20768a5", "url": "https://www.notion.so/Ann-5983"}
    )
    cred = api("notion_create_page", base, token="secret_notion_token_1")
    params = {"database_id": "d9824bdc84454327be8b5b47500af6ce", "title": "Lead: {{ name }}", "content": "Wants a demo"}

    turn = run("template", {"template": "notion_create_page", "credential": cred, "params": params}, svc,
               {"name": "Ann"})  # fmt: skip

    assert turn.handle == "success", turn.error
    request = received(server)[0]
    assert request.headers["Authorization"] == "Bearer secret_notion_token_1"
    assert request.headers["Notion-Version"] == "2022-06-28"
    assert body_of(request) == {
        "parent": {"database_id": "d9824bdc84454327be8b5b47500af6ce"},
        "properties": {"Name": {"title": [{"text": {"content": "Lead: Ann"}}]}},
        "children": [
            {
                "object": "block",
                "type": "paragraph",
                "paragraph": {"rich_text": [{"type": "text", "text": {"content": "Wants a demo"}}]},
            }
        ],
    }
    assert turn.variables["notion_page_id"] == "59833787-2cf9-4fdf-8782-e53db20768a5"
    assert turn.variables["notion_page_url"] == "https://www.notion.so/Ann-5983"


def test_mailchimp_adds_a_member_with_basic_auth(svc, server, base):
    server.expect_request("/3.0/lists/a1b2c3/members", method="POST").respond_with_json(
        {"id": "852aaa9532cb36adfb5e9fef7a4206a9", "email_address": "ann@x.io", "status": "pending"}
    )
    cred = api("mailchimp_add_member", base, password="0123456789abcdef-us21")
    params = {"list_id": "a1b2c3", "email": "ann@x.io", "first_name": "Ann", "tags": ["chatbot"]}

    turn = run("template", {"template": "mailchimp_add_member", "credential": cred, "params": params}, svc)

    assert turn.handle == "success", turn.error
    request = received(server)[0]
    expected = base64.b64encode(b"chatbot:0123456789abcdef-us21").decode()
    assert request.headers["Authorization"] == f"Basic {expected}"
    assert body_of(request) == {
        "email_address": "ann@x.io",
        "status": "pending",
        "merge_fields": {"FNAME": "Ann"},
        "tags": ["chatbot"],
    }
    assert turn.variables["mailchimp_member_id"] == "852aaa9532cb36adfb5e9fef7a4206a9"
    assert turn.variables["mailchimp_status"] == "pending"
    assert expected not in json.dumps(turn.step.output)


def test_trello_creates_a_card_with_query_parameters_and_the_oauth_header(svc, server, base):
    list_id = "5abbe4b7ddc1b351ef961414"
    server.expect_request(
        "/1/cards", method="POST", query_string={"idList": list_id, "name": "Call Ann", "pos": "bottom"}
    ).respond_with_json({"id": "5abbe4b7ddc1b351ef961415", "shortUrl": "https://trello.com/c/AbCd1234"})
    auth = 'OAuth oauth_consumer_key="trello-key-1", oauth_token="trello-token-secret-2"'
    cred = api("trello_create_card", base, api_key=auth)
    params = {"list_id": list_id, "name": "Call {{ name }}"}

    turn = run("template", {"template": "trello_create_card", "credential": cred, "params": params}, svc,
               {"name": "Ann"})  # fmt: skip

    assert turn.handle == "success", turn.error
    request = received(server)[0]
    assert request.headers["Authorization"] == auth
    assert request.get_data() == b""
    assert turn.variables["trello_card_id"] == "5abbe4b7ddc1b351ef961415"
    assert turn.variables["trello_card_url"] == "https://trello.com/c/AbCd1234"
    assert "trello-token-secret-2" not in json.dumps(turn.step.output)


def test_pipedrive_creates_a_person_with_the_api_token_header(svc, server, base):
    server.expect_request("/api/v2/persons", method="POST").respond_with_json(
        {"success": True, "data": {"id": 1001, "name": "Ann Lee", "emails": [{"value": "ann@x.io"}]}}
    )
    cred = api("pipedrive_create_person", base, api_key="pipedrive-api-token-77")
    params = {"name": "{{ name }}", "email": "ann@x.io", "org_id": "{{ org }}"}

    turn = run("template", {"template": "pipedrive_create_person", "credential": cred, "params": params}, svc,
               {"name": "Ann Lee", "org": "12"})  # fmt: skip

    assert turn.handle == "success", turn.error
    request = received(server)[0]
    assert request.headers["x-api-token"] == "pipedrive-api-token-77"
    assert body_of(request) == {
        "name": "Ann Lee",
        "emails": [{"value": "ann@x.io", "primary": True, "label": "work"}],
        "org_id": 12,  # the text variable becomes the integer the schema asks for
    }
    assert turn.variables["pipedrive_person_id"] == 1001


def test_ga4_sends_an_event_with_the_api_secret_in_the_query(svc, server, base):
    server.expect_request(
        "/mp/collect", method="POST", query_string={"measurement_id": "G-ABC123", "api_secret": "ga-secret-xyz"}
    ).respond_with_data("", status=204)
    cred = api("ga4_event", base, api_key="ga-secret-xyz")
    params = {"measurement_id": "G-ABC123", "event_name": "generate_lead", "event_params": {"source": "{{ src }}"}}

    turn = run("template", {"template": "ga4_event", "credential": cred, "params": params}, svc, {"src": "bot"})

    assert turn.handle == "success", turn.error
    body = body_of(received(server)[0])
    assert body["events"] == [{"name": "generate_lead", "params": {"source": "bot"}}]
    assert body["client_id"] == ""  # the engine ran without a conversation id; a real turn has one
    assert "ga-secret-xyz" not in json.dumps(turn.step.output)


def test_segment_tracks_with_the_write_key_as_basic_username(svc, server, base):
    server.expect_request("/v1/track", method="POST").respond_with_json({"success": True})
    cred = api("segment_track", base, username="segment-write-key")
    params = {"event": "Lead Captured", "user_id": "{{ email }}", "properties": {"plan": "{{ plan }}"}}

    turn = run("template", {"template": "segment_track", "credential": cred, "params": params}, svc,
               {"email": "ann@x.io", "plan": "pro"})  # fmt: skip

    assert turn.handle == "success", turn.error
    request = received(server)[0]
    assert request.headers["Authorization"] == "Basic " + base64.b64encode(b"segment-write-key:").decode()
    assert body_of(request) == {
        "userId": "ann@x.io",
        "event": "Lead Captured",
        "properties": {"plan": "pro"},
        "context": {"library": {"name": "flowbuilder", "version": "1"}},
    }
    assert turn.variables["segment_ok"] is True
