"""The handoff step's `route_to`: Intercom (against a local server speaking Intercom's REST wire format, and its signed
webhook notifications) and email to the team (against a local SMTP server); turns run in process with a set clock."""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest
from cryptography.fernet import Fernet
from rest_framework.test import APIClient
from werkzeug import Request, Response

from flows import actions, intercom_bridge, roles, timers
from flows.models import Conversation, Message, Run, Step, Timer
from integrations.models import CredentialEvent
from tests.factories import published_flow, role_user
from tests.integrations.email.support import smtp_credential
from tests.integrations.nodes.support import credential
from tests.timers.support import Clock, bot_texts, run_queued
from tests.unit import problems_of

from .support import handoff_flow

pytestmark = pytest.mark.django_db
TOKEN = "dG9rOmFiY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6MDEyMzQ1"
CLIENT_SECRET = "c0ffee-client-secret-of-the-app"
BEARER = {"Authorization": f"Bearer {TOKEN}", "Intercom-Version": "2.11"}
INBOX = "/api/v1/inbox/conversations/"


@pytest.fixture(autouse=True)
def peers(settings, monkeypatch):
    """Loopback open to the guarded client and the SMTP sender; a vault key of the test's own; a set clock."""
    settings.SSRF_ALLOW = ["127.0.0.1", "localhost"]
    settings.HTTP_HOST_RATE = "1000/s"
    settings.SMTP_CA_BUNDLE = ""
    settings.VAULT_KEYS = [Fernet.generate_key().decode()]
    settings.PUBLIC_BASE_URL = "https://bots.example.com"
    monkeypatch.setattr(timers, "clock", Clock())
    return settings


@pytest.fixture
def server(httpserver_ipv4):
    yield httpserver_ipv4
    httpserver_ipv4.clear()


def intercom(server, **secrets):
    return credential(
        "Intercom",
        "intercom",
        {"base_url": server.url_for("").rstrip("/")},
        {"access_token": TOKEN, "client_secret": CLIENT_SECRET, **secrets},
    )


def sent(server, path: str) -> list[dict]:
    return [json.loads(req.get_data()) for req, _ in server.log if req.path == path]


def handed_off(**config):
    """A customer tells the bot what they need; the bot hands them on as configured."""
    flow = published_flow(handoff_flow(ask_first=True, **config), slug="refunds")
    conversation, _token, _run = actions.start_conversation(
        flow, variables={"order": "A-17", "mail": "ada@example.com"}
    )
    run_queued(conversation.pk)
    actions.post_message(conversation, "A refund for A-17, please", None)
    run_queued(conversation.pk)
    conversation.refresh_from_db()
    return conversation


def step_of(conversation) -> Step:
    return Step.objects.filter(run__conversation=conversation, node_id="human").order_by("id").first()


def notify(cred, topic: str, item: dict, *, secret: str = CLIENT_SECRET):
    body = json.dumps({"type": "notification_event", "topic": topic, "data": {"item": item}}).encode()
    signature = "sha1=" + hmac.new(secret.encode(), body, hashlib.sha1).hexdigest()
    return APIClient().post(
        f"/api/v1/intercom/{cred.pk}/webhook/", body, content_type="application/json", HTTP_X_HUB_SIGNATURE=signature
    )


def admin_part(part_id: str, part_type: str, body: str | None, name: str = "Sam") -> dict:
    return {"type": "conversation_part", "id": part_id, "part_type": part_type, "body": body,
            "author": {"type": "admin", "id": "814", "name": name}}  # fmt: skip


def conversation_item(*parts: dict, remote_id: str = "ic-42") -> dict:
    return {"type": "conversation", "id": remote_id,
            "conversation_parts": {"type": "conversation_part.list", "conversation_parts": list(parts)}}  # fmt: skip


def intercom_opens(server, contact: str | None = None):
    data = [{"type": "contact", "id": contact}] if contact else []
    server.expect_request("/contacts/search", method="POST", headers=BEARER).respond_with_json(
        {"type": "list", "data": data, "total_count": len(data)}
    )
    server.expect_request("/contacts", method="POST", headers=BEARER).respond_with_json(
        {"type": "contact", "id": "c-1"}
    )
    server.expect_request("/conversations", method="POST", headers=BEARER).respond_with_json(
        {"type": "user_message", "id": "m-9", "conversation_id": "ic-42"}
    )
    server.expect_request("/conversations/ic-42/reply", method="POST", headers=BEARER).respond_with_json(
        {"type": "conversation", "id": "ic-42"}
    )


def via_intercom(cred, **config):
    return handed_off(route_to="intercom", intercom_credential=cred.pk, email="{{ mail }}", name="Ada", **config)


# Intercom.


def test_intercom_route_opens_a_conversation_as_the_new_contact_with_the_summary_and_the_transcript(server):
    cred = intercom(server)
    intercom_opens(server)
    conversation = via_intercom(cred)
    assert bot_texts(conversation.pk) == ["What do you need?", "Connecting you to a person..."]
    assert (conversation.handoff_status, conversation.handoff_route, conversation.handoff_remote_id) == (
        "waiting",
        "intercom",
        "ic-42",
    )
    # What forwarding needs is on the conversation, not in the input the customer's client is shown.
    assert conversation.handoff_remote == {"credential": cred.pk, "contact_id": "c-1", "conversation_id": "ic-42"}
    assert not {"route", "intercom", "reason", "team", "priority"} & set(conversation.awaiting)
    assert sent(server, "/contacts/search") == [
        {"query": {"field": "email", "operator": "=", "value": "ada@example.com"}}
    ]
    assert sent(server, "/contacts") == [{"role": "user", "email": "ada@example.com", "name": "Ada"}]
    (opened,) = sent(server, "/conversations")
    assert opened["from"] == {"type": "user", "id": "c-1"}
    assert opened["body"] == (
        "A customer asks for a person.\nReason: Wants a refund for A-17\nTeam: billing\nPriority: high\n\n"
        "Bot: What do you need?\nCustomer: A refund for A-17, please"
    )
    # The built-in inbox shows where it went and does not let an agent take it.
    agent = APIClient()
    agent.force_authenticate(role_user(roles.AGENT, username="ana"))
    (row,) = agent.get(INBOX).json()
    assert row["route"] == "intercom"
    refused = agent.post(f"{INBOX}{conversation.pk}/claim/", {}, format="json")
    assert refused.status_code == 409 and refused.json()["error"]["message"] == (
        "This conversation was handed to Intercom: answer it there."
    )
    step = step_of(conversation)
    assert TOKEN not in json.dumps([step.input, step.output, step.error])
    assert "Bearer" in json.dumps(step.output)  # the exchanges are recorded, their token masked


def test_customer_messages_go_to_intercom_and_admin_replies_and_the_close_come_back(
    server, django_capture_on_commit_callbacks
):
    cred = intercom(server)
    intercom_opens(server, contact="c-7")
    conversation = via_intercom(cred, no_agent_after="15m")
    assert Timer.objects.filter(conversation=conversation, state="pending", kind="wake").count() == 1

    with django_capture_on_commit_callbacks() as queued:
        run, _ = actions.post_message(conversation, "Are you there?", None)
    assert run.status == Run.Status.SKIPPED and queued  # stored for the person, its forwarding queued on commit
    assert intercom_bridge.forward_messages(str(conversation.pk)) == 1
    assert intercom_bridge.forward_messages(str(conversation.pk)) == 0  # a second task sends nothing twice
    assert sent(server, "/conversations/ic-42/reply") == [
        {"message_type": "comment", "type": "user", "intercom_user_id": "c-7", "body": "Are you there?"}
    ]
    assert Message.objects.get(pk=run.inbound_id).delivery_status == "forwarded"

    reply = conversation_item(
        admin_part("p-1", "comment", "<p>Hi Ada, I&#39;m Sam.</p><p>Your refund is on its way.</p>")
    )
    answered = notify(cred, "conversation.admin.replied", reply)
    assert answered.status_code == 200 and answered.json()["outcome"] == "replied"
    assert bot_texts(conversation.pk)[-1] == "Hi Ada, I'm Sam.\nYour refund is on its way."
    conversation.refresh_from_db()
    assert (conversation.handoff_status, conversation.handoff_agent_name) == ("agent", "Sam")
    assert not Timer.objects.filter(conversation=conversation, state="pending").exists()  # a person came in time
    again = notify(cred, "conversation.admin.replied", reply)  # Intercom retrying the same notification
    assert (
        again.status_code == 200
        and bot_texts(conversation.pk).count("Hi Ada, I'm Sam.\nYour refund is on its way.") == 1
    )

    closed = notify(cred, "conversation.admin.closed", conversation_item(admin_part("p-2", "close", None)))
    assert closed.status_code == 200 and closed.json()["outcome"] == "closed"
    run_queued(conversation.pk)
    conversation.refresh_from_db()
    assert bot_texts(conversation.pk)[-1] == "The agent closed the chat."
    assert conversation.handoff_status == "done" and conversation.status == Conversation.Status.ENDED
    assert CredentialEvent.objects.filter(credential_id=cred.pk, detail="the Intercom webhook: verified").count() == 3


def test_a_message_intercom_cannot_take_now_is_kept_and_sent_again_in_order(server, django_capture_on_commit_callbacks):
    cred = intercom(server)
    down = {"now": True}

    def reply(request: Request) -> Response:
        if down["now"]:
            body = {"type": "error.list", "errors": [{"code": "service_unavailable", "message": "Try again later"}]}
            return Response(json.dumps(body), status=503, content_type="application/json")
        return Response(json.dumps({"type": "conversation", "id": "ic-42"}), content_type="application/json")

    server.expect_request("/conversations/ic-42/reply", method="POST", headers=BEARER).respond_with_handler(reply)
    intercom_opens(server, contact="c-7")
    conversation = via_intercom(cred)
    with django_capture_on_commit_callbacks():
        first, _ = actions.post_message(conversation, "Are you there?", None)
        second, _ = actions.post_message(conversation, "Hello?", None)

    with django_capture_on_commit_callbacks() as again:
        assert intercom_bridge.forward_messages(str(conversation.pk)) == 0
    assert len(again) == 1  # a later try is queued
    kept = Message.objects.filter(pk__in=[first.inbound_id, second.inbound_id]).order_by("id")
    assert [m.delivery_status for m in kept] == ["", ""]  # nothing lost: both wait for that try, in order

    down["now"] = False
    assert intercom_bridge.forward_messages(str(conversation.pk), 2) == 2
    assert [m["body"] for m in sent(server, "/conversations/ic-42/reply")][-2:] == ["Are you there?", "Hello?"]
    assert Message.objects.get(pk=second.inbound_id).delivery_status == "forwarded"

    down["now"] = True  # and for good: after the last try it is marked, logged, and not tried again
    with django_capture_on_commit_callbacks():
        third, _ = actions.post_message(conversation, "Still there?", None)
    with django_capture_on_commit_callbacks() as never:
        assert intercom_bridge.forward_messages(str(conversation.pk), intercom_bridge.FORWARD_ATTEMPTS) == 0
    assert never == []
    assert Message.objects.get(pk=third.inbound_id).delivery_status == "not_forwarded"


def test_a_notification_with_a_wrong_signature_is_refused_and_changes_nothing(server):
    cred = intercom(server)
    intercom_opens(server)
    conversation = via_intercom(cred)
    forged = notify(
        cred, "conversation.admin.closed", conversation_item(admin_part("p-2", "close", None)), secret="guess"
    )
    assert forged.status_code == 401 and forged.json()["error"]["code"] == "invalid_signature"
    unsigned = APIClient().post(f"/api/v1/intercom/{cred.pk}/webhook/", {"topic": "ping"}, format="json")
    assert unsigned.status_code == 401 and "X-Hub-Signature header is missing" in unsigned.json()["error"]["message"]
    conversation.refresh_from_db()
    assert conversation.handoff_status == "waiting" and not Run.objects.filter(trigger="hook").exists()
    # A conversation of the same Intercom app that no flow handed over is none of ours.
    other = notify(
        cred, "conversation.admin.replied", conversation_item(admin_part("p-5", "comment", "hi"), remote_id="ic-1")
    )
    assert other.status_code == 200 and other.json()["outcome"] == "ignored"
    assert notify(cred, "ping", {}).json()["outcome"] == "ping"


def test_a_notification_over_the_size_limit_is_refused_before_it_is_read(server, settings):
    settings.HOOK_MAX_BODY_BYTES = 2048
    cred = intercom(server)
    big = conversation_item(admin_part("p-1", "comment", "x" * 4000))
    answered = notify(cred, "conversation.admin.replied", big)
    assert answered.status_code == 413
    assert answered.json()["error"] == {
        "code": "payload_too_large",
        "message": "The body is larger than 2 KiB, the most a notification may be.",
    }
    assert not CredentialEvent.objects.filter(credential_id=cred.pk).exists()  # not even verified


def test_a_credential_without_a_client_secret_answers_503_saying_so(server):
    cred = intercom(server, client_secret="")
    answer = notify(cred, "ping", {})
    assert answer.status_code == 503 and "has no client secret" in answer.json()["error"]["message"]


def test_intercom_refusing_to_open_the_conversation_takes_error_with_its_words_and_no_token(server):
    cred = intercom(server)
    server.expect_request("/contacts/search", method="POST").respond_with_json(
        {"type": "list", "data": [{"id": "c-7"}]}
    )
    server.expect_request("/conversations", method="POST").respond_with_json(
        {"type": "error.list", "errors": [{"code": "unauthorized", "message": "Access Token Invalid"}]}, status=401
    )
    conversation = via_intercom(cred)
    assert bot_texts(conversation.pk)[-1] == "Something went wrong."
    step = step_of(conversation)
    assert step.handle == "error"
    assert step.error == "Intercom refused POST /conversations (HTTP 401): unauthorized: Access Token Invalid"
    assert conversation.handoff_status == "" and TOKEN not in json.dumps([step.output, step.error])


# Email.


def test_email_route_emails_the_team_with_a_link_and_the_transcript_then_waits_in_the_inbox(smtp_server):
    peer = smtp_server()
    smtp = smtp_credential(peer)
    conversation = handed_off(
        route_to="email", email_credential=smtp.pk, to="billing@example.com; Lead <lead@example.com>"
    )
    (received,) = peer.messages
    assert sorted(received.rcpt_tos) == ["billing@example.com", "lead@example.com"]
    assert received.message["Subject"] == "[high] A customer asks for a person: Wants a refund for A-17"
    text = received.message.get_content().replace("\r\n", "\n")
    assert text == (
        "A customer asks for a person.\n\nReason: Wants a refund for A-17\nTeam: billing\nPriority: high\n\n"
        f"Answer in the inbox: https://bots.example.com/builder/inbox/?conversation={conversation.pk}\n\n"
        "Bot: What do you need?\nCustomer: A refund for A-17, please\n"
    )
    assert bot_texts(conversation.pk)[-1] == "Connecting you to a person..."
    assert (conversation.handoff_status, conversation.handoff_route) == ("waiting", "email")
    agent = APIClient()
    agent.force_authenticate(role_user(roles.AGENT, username="ana"))
    assert agent.post(f"{INBOX}{conversation.pk}/claim/", {}, format="json").status_code == 200
    assert Timer.objects.filter(conversation=conversation, state="cancelled", kind="wake").count() == 1


def test_a_failed_email_takes_error_with_the_servers_words(smtp_server):
    peer = smtp_server()
    peer.handler.refuse.add("billing@example.com")
    conversation = handed_off(route_to="email", email_credential=smtp_credential(peer).pk, to="billing@example.com")
    assert bot_texts(conversation.pk)[-1] == "Something went wrong."
    step = step_of(conversation)
    assert step.handle == "error" and "550" in step.error and "billing@example.com" in step.error
    assert conversation.handoff_status == ""


# Saving the flow.


def test_each_route_names_what_it_lacks_when_the_flow_is_saved_and_inbox_is_the_default():
    def fields(**config):
        return {p.field: p.message for p in problems_of(handoff_flow(**config)) if p.node_id == "human"}

    assert fields() == {}  # no route_to (a flow saved before it existed): the built-in inbox, as before
    assert fields(route_to="intercom") == {
        "intercom_credential": "Pick the Intercom credential to open the conversation with.",
        "email": "Give the customer's email or external id: Intercom needs a contact.",
    }
    assert fields(route_to="email", email_credential=3, to="not an address") == {
        "to": "To: 'not an address' is not an email address."
    }
    assert fields(route_to="email") == {
        "email_credential": "Pick the SMTP server to send the email through.",
        "to": "Give the address(es) to email the team at.",
    }
    assert "route_to" in fields(route_to="sms")
