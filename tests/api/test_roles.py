"""Roles on every endpoint of the schema: who is let in (and gets the real answer), who is refused and changes nothing.

The endpoints come from /api/schema/: a new endpoint without a rule in RULES fails here, and a view that names no
permission is closed to everyone (superusers too), which fails here as well.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from flows import actions, roles
from flows.models import Channel, Conversation, Flow, FlowAsset, FlowVersion, FlowWidget, Hook
from integrations.models import EmailBatch
from tests.factories import UserFactory, load_graph, published_flow, role_user
from tests.hooks.support import make_hook, webhook_credential
from tests.integrations.nodes.support import credential
from tests.integrations.twilio.support import make_credential, twilio_signature

pytestmark = pytest.mark.django_db

PUBLIC, ANY_USER = "public", "any user"
INTERCOM_SECRET = "intercom-app-client-secret"
ORDER = [roles.VIEWER, roles.EDITOR, roles.PUBLISHER, roles.ADMIN]

# (method, schema path) -> (who may: the first role allowed, PUBLIC or ANY_USER; the status they get)
RULES: dict[tuple[str, str], tuple[str, int]] = {
    ("get", "/api/v1/me/"): (ANY_USER, 200),
    ("get", "/api/v1/flows/"): (roles.VIEWER, 200),
    ("get", "/api/v1/flows/{id}/"): (roles.VIEWER, 200),
    ("get", "/api/v1/flows/{id}/versions/"): (roles.VIEWER, 200),
    ("get", "/api/v1/flows/{id}/versions/{number}/"): (roles.VIEWER, 200),
    ("get", "/api/v1/flows/{id}/export/"): (roles.VIEWER, 200),
    ("post", "/api/v1/flows/validate/"): (roles.VIEWER, 200),
    ("get", "/api/v1/flows/{id}/conversations/"): (roles.VIEWER, 200),
    ("get", "/api/v1/conversations/{id}/"): (roles.VIEWER, 200),
    ("get", "/api/v1/conversations/{id}/runs/"): (roles.VIEWER, 200),
    ("get", "/api/v1/node-types/"): (roles.VIEWER, 200),
    ("get", "/api/v1/credentials/"): (roles.VIEWER, 200),
    ("get", "/api/v1/integration-templates/"): (roles.VIEWER, 200),
    ("get", "/api/v1/email-batches/{id}/"): (roles.VIEWER, 200),
    ("get", "/api/v1/flows/{flow_id}/hooks/"): (roles.VIEWER, 200),
    ("get", "/api/v1/flows/{flow_id}/hooks/{id}/"): (roles.VIEWER, 200),
    ("get", "/api/v1/flows/{flow_id}/channels/"): (roles.VIEWER, 200),
    ("get", "/api/v1/teams/"): (roles.VIEWER, 200),  # the Agent role reads them too (tests/handoff/test_teams.py)
    ("post", "/api/v1/flows/"): (roles.EDITOR, 201),
    ("put", "/api/v1/flows/{id}/"): (roles.EDITOR, 200),
    ("patch", "/api/v1/flows/{id}/"): (roles.EDITOR, 200),
    ("post", "/api/v1/flows/{id}/duplicate/"): (roles.EDITOR, 201),
    ("post", "/api/v1/flows/import/"): (roles.EDITOR, 201),
    ("post", "/api/v1/flows/{id}/preview/"): (roles.EDITOR, 202),
    # The world's conversation is a published one, not a preview: allowed, and told why nothing is skipped.
    ("post", "/api/v1/conversations/{id}/skip-wait/"): (roles.EDITOR, 409),
    ("post", "/api/v1/flows/{id}/publish/"): (roles.PUBLISHER, 201),
    ("post", "/api/v1/flows/{id}/versions/{number}/restore/"): (roles.PUBLISHER, 200),
    ("delete", "/api/v1/flows/{id}/"): (roles.PUBLISHER, 204),
    ("post", "/api/v1/flows/{flow_id}/hooks/"): (roles.PUBLISHER, 201),
    ("put", "/api/v1/flows/{flow_id}/hooks/{id}/"): (roles.PUBLISHER, 200),
    ("patch", "/api/v1/flows/{flow_id}/hooks/{id}/"): (roles.PUBLISHER, 200),
    ("delete", "/api/v1/flows/{flow_id}/hooks/{id}/"): (roles.PUBLISHER, 204),
    # A channel answers texts to a number at once, as a hook does: a publisher's to add or remove.
    ("post", "/api/v1/flows/{flow_id}/channels/"): (roles.PUBLISHER, 201),
    ("delete", "/api/v1/flows/{flow_id}/channels/{channel_id}/"): (roles.PUBLISHER, 204),
    ("post", "/api/v1/flows/{flow_id}/channels/{channel_id}/test/"): (roles.PUBLISHER, 200),
    # The widget's look and allowed websites are live as soon as they are saved: a publisher's to change.
    ("get", "/api/v1/flows/{flow_id}/appearance/"): (roles.VIEWER, 200),
    ("put", "/api/v1/flows/{flow_id}/appearance/"): (roles.PUBLISHER, 200),
    ("post", "/api/v1/flows/{flow_id}/appearance/avatar/"): (roles.PUBLISHER, 200),
    ("delete", "/api/v1/flows/{flow_id}/appearance/avatar/"): (roles.PUBLISHER, 200),
    # The public chat API and catch URLs: each authenticates its own callers (conversation token, hook secret).
    ("post", "/api/v1/chat/{flow_slug}/conversations/"): (PUBLIC, 202),
    ("get", "/api/v1/chat/conversations/{conversation_id}/messages/"): (PUBLIC, 200),
    ("post", "/api/v1/chat/conversations/{conversation_id}/messages/"): (PUBLIC, 202),
    ("get", "/api/v1/chat/conversations/{conversation_id}/runs/{run_id}/"): (PUBLIC, 202),
    ("post", "/api/v1/hooks/{flow_slug}/{key}/"): (PUBLIC, 202),
    ("post", "/api/v1/channels/{channel_id}/twilio/"): (PUBLIC, 200),  # Twilio's signature
    ("post", "/api/v1/intercom/{credential_id}/webhook/"): (PUBLIC, 200),  # Intercom's X-Hub-Signature
    ("get", "/api/v1/chat/{flow_slug}/widget/"): (PUBLIC, 200),
    ("get", "/api/v1/chat/{flow_slug}/widget/avatar/"): (PUBLIC, 404),  # public; this world's flow has no avatar
    # The agent inbox: the Agent role's (and Admin's); the world's conversation was never handed off, so acting on it
    # is refused with the reason (409), after the permission let the caller in.
    ("get", "/api/v1/inbox/conversations/"): (roles.ADMIN, 200),
    ("post", "/api/v1/inbox/conversations/{conversation_id}/claim/"): (roles.ADMIN, 409),
    ("get", "/api/v1/inbox/conversations/{conversation_id}/messages/"): (roles.ADMIN, 200),
    ("post", "/api/v1/inbox/conversations/{conversation_id}/messages/"): (roles.ADMIN, 400),
    ("post", "/api/v1/inbox/conversations/{conversation_id}/release/"): (roles.ADMIN, 409),
    ("post", "/api/v1/inbox/conversations/{conversation_id}/close/"): (roles.ADMIN, 409),
}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

# Who asks: no one, a user with no role (staff, so staff status is seen to grant nothing), each role, a superuser.
WHO = ["anonymous", "staff without a role", *ORDER, "superuser"]


def schema_operations() -> set[tuple[str, str]]:
    schema = APIClient().get("/api/schema/?format=json").json()
    return {(method, path) for path, ops in schema["paths"].items() for method in ops if method != "parameters"}


def test_every_endpoint_in_the_schema_has_a_rule():
    operations = schema_operations()
    assert operations - set(RULES) == set(), "endpoints without a role rule: add them to RULES (and to the view)"
    assert set(RULES) - operations == set(), "rules for endpoints the schema no longer has"


class World:
    """A published flow with a conversation, a run, a hook and an email batch: what every path parameter names."""

    def __init__(self) -> None:
        self.flow = published_flow("greeting", slug="greet")
        self.conversation, self.token, self.run = actions.start_conversation(self.flow)
        self.credential = webhook_credential(token="hook-token-1234")
        self.hook = make_hook(self.flow, self.credential, key="orders", auth=Hook.Auth.TOKEN)
        self.batch = EmailBatch.objects.create(sender="shop@example.com", flow_id=str(self.flow.pk))
        self.twilio = make_credential()
        self.channel = Channel.objects.create(flow=self.flow, kind="twilio_sms", credential=self.twilio,
                                              sender="+15550000001")  # fmt: skip
        self.intercom = credential("Intercom", "intercom", {"base_url": "https://api.intercom.io"},
                                   {"access_token": "tok", "client_secret": INTERCOM_SECRET})  # fmt: skip

    def url(self, path: str) -> str:
        flow_scoped = path.startswith("/api/v1/flows/")
        values = {
            "{id}": (
                self.hook.pk
                if "/hooks/" in path
                else self.flow.pk
                if flow_scoped
                else self.batch.pk
                if "email-batches" in path
                else self.conversation.pk
            ),
            "{flow_id}": self.flow.pk,
            "{number}": 1,
            "{conversation_id}": self.conversation.pk,
            "{run_id}": self.run.pk,
            "{flow_slug}": self.flow.slug,
            "{key}": self.hook.key,
            "{channel_id}": self.channel.pk,
            "{credential_id}": self.intercom.pk,
        }
        for name, value in values.items():
            path = path.replace(name, str(value))
        return path + "?wait=0" if "/chat/" in path or path.endswith("/preview/") else path

    def body(self, method: str, path: str):
        graph = load_graph("greeting")
        if path == "/api/v1/flows/":
            return {"name": "New flow", "graph": graph}
        if path == "/api/v1/flows/{id}/":
            return {"name": "Renamed", "graph": graph} if method == "put" else {"name": "Renamed"}
        if path == "/api/v1/flows/import/":
            return actions.export_document(self.flow)
        if path == "/api/v1/flows/validate/":
            return {"graph": graph}
        if path == "/api/v1/flows/{id}/publish/":
            return {"note": "Roles test"}
        if path == "/api/v1/flows/{flow_id}/hooks/":
            return {"key": "payments", "credential": self.credential.pk}
        if path == "/api/v1/flows/{flow_id}/hooks/{id}/":
            return {"key": "orders-2", "credential": self.credential.pk} if method in ("put", "patch") else None
        if path == "/api/v1/chat/conversations/{conversation_id}/messages/":
            return {"text": "Ada", "client_message_id": str(uuid.uuid4())} if method == "post" else None
        if path.startswith("/api/v1/hooks/"):
            return {"order": 1}
        if path == "/api/v1/flows/{flow_id}/channels/":
            return {"kind": "twilio_sms", "credential": self.twilio.pk, "sender": "+15550000002"}
        if path.endswith("/test/") and "/channels/" in path:
            return {"to": "+15550001111"}
        if path == "/api/v1/flows/{flow_id}/appearance/avatar/" and method == "post":
            return {"file": SimpleUploadedFile("avatar.png", PNG, content_type="image/png")}
        if path == "/api/v1/flows/{flow_id}/appearance/" and method == "put":
            return {"title": "Shop", "allowed_origins": ["https://shop.example.com"]}
        return {} if method == "post" else None

    def headers(self, path: str) -> dict[str, str]:
        if path.startswith("/api/v1/chat/conversations/"):
            return {"HTTP_AUTHORIZATION": f"Bearer {self.token}"}
        if path.startswith("/api/v1/hooks/"):
            return {"HTTP_X_HOOK_TOKEN": "hook-token-1234", "HTTP_WEBHOOK_ID": str(uuid.uuid4())}
        return {}

    def send(self, client: APIClient, method: str, path: str, **extra):
        """The request as its endpoint takes it: Twilio's signed form, multipart for files, JSON otherwise."""
        if path.endswith("/twilio/"):
            url = self.url(path)
            form = {"MessageSid": "SM" + uuid.uuid4().hex, "From": "+15550001111", "To": "+15550000001", "Body": "hi"}
            signature = twilio_signature(f"http://testserver{url}", form)
            return client.post(url, urlencode(form), content_type="application/x-www-form-urlencoded",
                               HTTP_X_TWILIO_SIGNATURE=signature, **extra)  # fmt: skip
        if path.startswith("/api/v1/intercom/"):
            body = b'{"type": "notification_event", "topic": "ping", "data": {"item": {}}}'
            signature = "sha1=" + hmac.new(INTERCOM_SECRET.encode(), body, hashlib.sha1).hexdigest()
            return client.post(self.url(path), body, content_type="application/json",
                               HTTP_X_HUB_SIGNATURE=signature, **extra)  # fmt: skip
        return getattr(client, method)(
            self.url(path),
            self.body(method, path),
            format="multipart" if path.endswith("/avatar/") and method == "post" else "json",
            **self.headers(path),
            **extra,
        )

    def state(self) -> tuple:
        """What a refused request must leave as it was."""
        flow = Flow.objects.filter(pk=self.flow.pk).values_list("name", "revision", "graph").first()
        hooks = list(Hook.objects.values_list("key", "enabled").order_by("pk"))
        counts = [m.objects.count() for m in (Flow, FlowVersion, Conversation, Hook, Channel)]
        look = list(FlowWidget.objects.values_list("appearance", "allowed_origins").order_by("pk"))
        return flow, hooks, counts, look, FlowAsset.objects.count()


def client_for(who: str) -> APIClient:
    client = APIClient()
    if who == "anonymous":
        return client
    if who == "superuser":
        user = UserFactory(is_staff=True, is_superuser=True)
    elif who == "staff without a role":
        user = UserFactory(is_staff=True)
    else:
        user = role_user(who)
    client.force_login(user)
    return client


def allowed(rule: str, who: str) -> bool:
    if rule == PUBLIC or who == "superuser":
        return True
    if who == "anonymous":
        return False
    if rule == ANY_USER:
        return True
    return who in ORDER and ORDER.index(who) >= ORDER.index(rule)


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("operation", sorted(RULES), ids=lambda op: f"{op[0].upper()} {op[1]}")
def test_each_role_on_each_endpoint(operation, who, settings):
    settings.CHAT_REPLY_WAIT_S = 0
    method, path = operation
    rule, success = RULES[operation]
    world = World()
    before = world.state()
    client = client_for(who)
    # A client address of the test's own, so the chat throttles never carry over between tests.
    n = uuid.uuid4().int
    address = f"10.{n % 250 + 1}.{n // 250 % 250 + 1}.{n // 62500 % 250 + 1}"
    response = world.send(client, method, path, REMOTE_ADDR=address)

    if allowed(rule, who):
        assert response.status_code == success, (who, response.status_code, response.content[:500])
        return
    assert response.status_code == (401 if who == "anonymous" else 403), (who, response.content[:500])
    error = response.json()["error"]
    if who == "anonymous":
        assert error["code"] == "not_authenticated"
    else:
        assert error["code"] == "permission_denied"
        # The inbox is the Agent role's (beside the builder's roles; Admin holds it too): the refusal names Agent.
        needed = roles.AGENT if path.startswith("/api/v1/inbox/") else rule
        assert error["message"].endswith(f"needs the {needed} role."), error
    assert world.state() == before  # a refused request changed nothing


def test_a_refusal_names_the_role_the_action_needs():
    world = World()
    client = client_for(roles.EDITOR)
    response = client.post(world.url("/api/v1/flows/{id}/publish/"), {}, format="json")
    assert response.json()["error"] == {
        "code": "permission_denied",
        "message": "Publishing needs the Publisher role.",
    }


def test_a_token_carries_its_users_role():
    world = World()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=role_user(roles.VIEWER)).key}")
    assert client.get(world.url("/api/v1/flows/{id}/")).status_code == 200
    assert client.post(world.url("/api/v1/flows/{id}/publish/"), {}, format="json").status_code == 403


def test_me_tells_the_builder_the_users_roles_and_permissions():
    client = client_for(roles.EDITOR)
    body = client.get("/api/v1/me/").json()
    assert body["roles"] == ["Editor"] and body["is_superuser"] is False
    assert {"flows.view_flow", "flows.change_flow", "flows.preview_flow"} <= set(body["permissions"])
    assert "flows.publish_flow" not in body["permissions"] and "flows.delete_flow" not in body["permissions"]
    nobody = client_for("staff without a role").get("/api/v1/me/").json()
    assert nobody["roles"] == [] and nobody["permissions"] == []
    root = client_for("superuser").get("/api/v1/me/").json()
    assert root["roles"] == [*ORDER, roles.AGENT] and "flows.publish_flow" in root["permissions"]


def test_the_migration_made_each_role_group_with_the_permissions_flows_roles_names():
    for role in roles.ROLES:
        group = Group.objects.get(name=role)
        assert set(group.permissions.all()) == set(roles.permissions_of(role, Permission)), role
    admin = {f"{p.content_type.app_label}.{p.codename}" for p in Group.objects.get(name=roles.ADMIN).permissions.all()}
    assert {"integrations.change_credential", "auth.change_user", "auth.change_group", "flows.publish_flow"} <= admin
    publisher = {
        f"{p.content_type.app_label}.{p.codename}" for p in Group.objects.get(name="Publisher").permissions.all()
    }
    assert not any(p.startswith(("integrations.", "auth.")) for p in publisher)


def test_a_view_naming_no_permission_is_closed_even_to_superusers(rf):
    from rest_framework.response import Response
    from rest_framework.views import APIView

    class Unruled(APIView):
        def get(self, request):
            return Response({"secret": True})

    request = rf.get("/api/v1/unruled/")
    request.user = UserFactory(is_staff=True, is_superuser=True)
    request._dont_enforce_csrf_checks = True
    from rest_framework.test import force_authenticate

    force_authenticate(request, user=request.user)
    assert Unruled.as_view()(request).status_code == 403
