"""The builder's hooks of a flow: list, create, update, delete; the full catch URL; never a secret."""

import pytest
from rest_framework.test import APIClient

from flows.models import Hook, HookDelivery
from integrations import vault
from integrations.models import Credential
from integrations.webhooks import signing
from tests.factories import EditorFactory, FlowFactory, UserFactory

from .support import make_hook, webhook_credential

pytestmark = pytest.mark.django_db

CANARY_TOKEN = "canary-token-7f3e9d1c"


@pytest.fixture
def editor_client(db):
    client = APIClient()
    client.force_login(EditorFactory())
    return client


@pytest.fixture
def setup(db):
    flow = FlowFactory(slug="shop")
    canary_secret = signing.new_secret()
    credential = webhook_credential(signing_secrets=[canary_secret], token=CANARY_TOKEN)
    return flow, credential, canary_secret


def hooks_url(flow, pk=None) -> str:
    return f"/api/v1/flows/{flow.pk}/hooks/" + (f"{pk}/" if pk else "")


def assert_no_secret(response, canary_secret: str) -> None:
    text = response.content.decode()
    assert CANARY_TOKEN not in text and canary_secret not in text and canary_secret[6:] not in text


def test_create_list_update_delete_never_shows_a_secret(editor_client, setup):
    flow, credential, canary = setup
    created = editor_client.post(
        hooks_url(flow),
        {"key": "orders", "credential": credential.pk, "variable": "order", "external_id_path": "customer.id"},
        format="json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["url"] == "http://testserver/api/v1/hooks/shop/orders/"
    assert (body["action"], body["auth"], body["enabled"]) == ("start", "signature", True)
    assert body["credential"] == credential.pk and body["credential_name"] == credential.name
    assert_no_secret(created, canary)

    listed = editor_client.get(hooks_url(flow))
    assert listed.status_code == 200 and [h["key"] for h in listed.json()] == ["orders"]
    assert_no_secret(listed, canary)

    pk = body["id"]
    updated = editor_client.patch(hooks_url(flow, pk), {"auth": "token", "enabled": False}, format="json")
    assert updated.status_code == 200, updated.content
    assert (updated.json()["auth"], updated.json()["enabled"]) == ("token", False)
    assert_no_secret(updated, canary)
    assert_no_secret(editor_client.get(hooks_url(flow, pk)), canary)

    assert editor_client.delete(hooks_url(flow, pk)).status_code == 204
    assert not Hook.objects.exists()


def test_a_key_is_made_when_none_is_given(editor_client, setup):
    flow, credential, _ = setup
    keys = [
        editor_client.post(hooks_url(flow), {"credential": credential.pk}, format="json").json()["key"]
        for _ in range(2)
    ]
    assert keys == ["hook", "hook-2"]


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({"action": "resume"}, "external_id_path", "needs the path"),
        ({"external_id_path": "customer.[id"}, "external_id_path", "JMESPath"),
        ({"key": "has space"}, "key", ""),
        ({"variable": "1st"}, "variable", ""),
        ({"key": "taken"}, "key", "already has a hook 'taken'"),
    ],
)
def test_bad_hooks_are_refused_with_the_field_named(editor_client, setup, data, field, words):
    flow, credential, _ = setup
    make_hook(flow, credential, key="taken")
    response = editor_client.post(hooks_url(flow), {"credential": credential.pk, **data}, format="json")
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert field in error["fields"] and words in str(error["fields"][field])
    assert Hook.objects.count() == 1


def test_only_webhook_secret_credentials_may_verify_a_hook(editor_client, setup):
    flow, _, _ = setup
    other = Credential.objects.create(
        name="an API", kind="api_connection", secrets_encrypted=vault.encrypt({"token": "x"})
    )
    response = editor_client.post(hooks_url(flow), {"credential": other.pk}, format="json")
    assert response.status_code == 400 and "credential" in response.json()["error"]["fields"]


def test_hooks_of_another_flow_are_not_reachable_through_this_one(editor_client, setup):
    flow, credential, _ = setup
    other_flow = FlowFactory(slug="other")
    hook = make_hook(other_flow, credential)
    assert editor_client.get(hooks_url(flow, hook.pk)).status_code == 404
    assert editor_client.get(hooks_url(flow)).json() == []
    assert editor_client.get("/api/v1/flows/999999/hooks/").status_code == 404


def test_only_editors_see_hooks(setup):
    flow, credential, _ = setup
    make_hook(flow, credential)
    assert APIClient().get(hooks_url(flow)).status_code == 401
    user = APIClient()
    user.force_login(UserFactory())
    assert user.get(hooks_url(flow)).status_code == 403


def test_admin_lists_hooks_and_deliveries_without_secrets(setup, client):
    flow, credential, canary = setup
    hook = make_hook(flow, credential)
    HookDelivery.objects.create(hook=hook, delivery_id="msg_1", outcome="ignored", detail="nobody waits")
    client.force_login(EditorFactory(is_staff=True, is_superuser=True))
    for url in (
        "/admin/flows/hook/",
        f"/admin/flows/hook/{hook.pk}/change/",
        "/admin/flows/hookdelivery/",
        f"/admin/flows/hookdelivery/{hook.deliveries.get().pk}/change/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_no_secret(response, canary)
    assert "/api/v1/hooks/shop/orders/" in client.get(f"/admin/flows/hook/{hook.pk}/change/").content.decode()
