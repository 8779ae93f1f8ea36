"""The Intercom credential kind and node against a local server speaking Intercom's REST wire format (contacts search
and create, conversations, replies and notes, tags, events, its error list), with the token redacted everywhere."""

from __future__ import annotations

import json

import pytest

from integrations import checks
from tests.integrations.nodes.support import credential, problems, run

pytestmark = pytest.mark.django_db
TOKEN = "dG9rOmFiY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6MDEyMzQ1"
BEARER = {"Authorization": f"Bearer {TOKEN}", "Intercom-Version": "2.11"}


def intercom(server):
    return credential("Intercom", "intercom", {"base_url": server.url_for("").rstrip("/")}, {"access_token": TOKEN})


def node(cred, **data):
    return {"credential": cred.pk, **data}


def found(server, contact_id: str | None):
    data = [{"type": "contact", "id": contact_id, "email": "ada@example.com"}] if contact_id else []
    server.expect_request("/contacts/search", method="POST", headers=BEARER).respond_with_json(
        {"type": "list", "data": data, "total_count": len(data)}
    )


def sent(server, path: str) -> dict:
    return next(json.loads(req.get_data()) for req, _ in server.log if req.path == path)


def test_the_check_fetches_the_app_and_a_bad_token_says_so(server):
    cred = intercom(server)
    server.expect_ordered_request("/me", headers=BEARER).respond_with_json(
        {"type": "admin", "email": "ops@shop.example", "app": {"type": "app", "id_code": "abc123", "name": "Shop"}}
    )
    result = checks.check(cred)
    assert result.ok and result.message == "Intercom app Shop (abc123), as ops@shop.example."
    server.expect_ordered_request("/me").respond_with_json(
        {"type": "error.list", "errors": [{"code": "unauthorized", "message": "Access Token Invalid"}]}, status=401
    )
    result = checks.check(cred)
    assert not result.ok and "refused the access token" in result.message and TOKEN not in result.message


def test_a_new_contact_is_created_and_a_conversation_opened_with_the_transcript(svc, server):
    cred = intercom(server)
    found(server, None)
    server.expect_request("/contacts", method="POST", headers=BEARER).respond_with_json(
        {"type": "contact", "id": "c-1", "email": "ada@example.com"}
    )
    server.expect_request("/conversations", method="POST", headers=BEARER).respond_with_json(
        {"type": "user_message", "id": "m-9", "conversation_id": "conv-42"}
    )
    turn = run(
        "intercom",
        node(cred, operation="conversation", email="{{ email }}", name="Ada", message="Needs a refund"),
        svc,
        {"email": "ada@example.com"},
    )
    assert turn.handle == "success", turn.error
    assert turn.variables["intercom"] == {"contact_id": "c-1", "conversation_id": "conv-42"}
    assert sent(server, "/contacts/search") == {
        "query": {"field": "email", "operator": "=", "value": "ada@example.com"}
    }
    assert sent(server, "/contacts") == {"role": "user", "email": "ada@example.com", "name": "Ada"}
    assert sent(server, "/conversations") == {"from": {"type": "user", "id": "c-1"}, "body": "Needs a refund"}
    assert TOKEN not in json.dumps([turn.step.input, turn.step.output, turn.step.error])


def test_an_existing_contact_by_external_id_is_tagged_and_gets_an_event(svc, server):
    cred = intercom(server)
    found(server, "c-7")
    server.expect_request("/tags", method="POST").respond_with_json({"type": "tag", "id": "t-3", "name": "vip"})
    server.expect_request("/events", method="POST").respond_with_data("", status=202)
    tagged = run("intercom", node(cred, operation="tag", external_id="u-7", tag="vip"), svc)
    assert tagged.handle == "success" and tagged.variables["intercom"] == {"contact_id": "c-7", "tag_id": "t-3"}
    assert sent(server, "/tags") == {"name": "vip", "users": [{"id": "c-7"}]}
    assert sent(server, "/contacts/search")["query"]["field"] == "external_id"
    event = run("intercom", node(cred, operation="event", external_id="u-7", event_name="asked-for-refund"), svc)
    assert event.handle == "success", event.error
    assert sent(server, "/events")["event_name"] == "asked-for-refund" and sent(server, "/events")["id"] == "c-7"


def test_reply_as_the_contact_and_a_note_as_an_admin(svc, server):
    cred = intercom(server)
    found(server, "c-7")
    server.expect_request("/conversations/conv 1/reply", method="POST").respond_with_json({"type": "conversation"})
    reply = run(
        "intercom",
        node(
            cred,
            operation="reply",
            email="a@b.example",
            conversation_id="conv 1",
            message="More",
            with_transcript=False,
        ),
        svc,
    )
    assert reply.handle == "success", reply.error
    assert sent(server, "/conversations/conv 1/reply") == {
        "message_type": "comment",
        "type": "user",
        "intercom_user_id": "c-7",
        "body": "More",
    }
    server.clear_log()
    note = run("intercom", node(cred, operation="note", conversation_id="conv 1", admin_id="99", message="VIP"), svc)
    assert note.handle == "success", note.error
    assert sent(server, "/conversations/conv 1/reply")["message_type"] == "note"


def test_an_error_list_takes_error_with_intercoms_words_and_no_token(svc, server):
    cred = intercom(server)
    found(server, None)
    server.expect_request("/contacts", method="POST").respond_with_json(
        {"type": "error.list", "errors": [{"code": "parameter_invalid", "message": f"Email invalid {TOKEN}"}]},
        status=400,
    )
    turn = run("intercom", node(cred, operation="contact", email="not-an-email"), svc)
    assert turn.handle == "error" and turn.said == ["Failed"]
    assert "Intercom refused POST /contacts (HTTP 400): parameter_invalid: Email invalid" in turn.error
    assert TOKEN not in json.dumps([turn.step.input, turn.step.output, turn.step.error])


def test_missing_settings_are_problems_when_the_flow_is_saved():
    assert "email" in problems("intercom", {"credential": 1, "operation": "contact"})
    assert "conversation_id" in problems("intercom", {"credential": 1, "operation": "reply", "email": "a@b.c"})
    assert "admin_id" in problems("intercom", {"credential": 1, "operation": "note", "conversation_id": "1"})
    assert "tag" in problems("intercom", {"credential": 1, "operation": "tag", "email": "a@b.c"})


def test_the_conversation_carries_the_transcript_under_the_message(svc, server):
    from flows.engine import State, run_turn
    from flows.graph import analyse
    from nodes.base import Said
    from nodes.registry import registry
    from tests.integrations.nodes.support import doc

    cred = intercom(server)
    found(server, "c-7")
    server.expect_request("/conversations", method="POST").respond_with_json({"conversation_id": "conv-1"})
    graph, _ = analyse(
        doc("intercom", node(cred, operation="conversation", email="a@b.c", message="Over to you")), registry()
    )
    said = [Said("user", "Where is my parcel?"), Said("bot", "Let me find a person.")]
    result = run_turn(graph, State(), None, services=svc, redact=svc.redact, history=lambda n: said)
    assert [s.handle for s in result.steps if s.node_id == "call"] == ["success"]
    assert sent(server, "/conversations")["body"] == (
        "Over to you\n\nCustomer: Where is my parcel?\nBot: Let me find a person."
    )
