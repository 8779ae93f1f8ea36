"""Incoming hooks verify through the credential door: the kind's verify, and an audit event for every use."""

import pytest

from integrations.models import CredentialEvent

from .support import body_of, hook_path, make_hook, order_flow, signed, webhook_credential

pytestmark = pytest.mark.django_db


def post(client, path, body: bytes, headers: dict):
    return client.post(path, data=body, content_type="application/json", headers=headers)


def test_a_verified_and_a_refused_delivery_each_leave_a_used_event_naming_the_hook(outsider, secret):
    flow = order_flow()
    credential = webhook_credential(signing_secrets=[secret])
    make_hook(flow, credential, key="orders", variable="order")
    body = body_of({"id": 1})

    good = post(outsider, hook_path(flow, "orders"), body, signed(secret, body, msg_id="msg_1"))
    forged = post(outsider, hook_path(flow, "orders"), body, signed("whsec_" + "QUJD" * 11, body, msg_id="msg_2"))

    assert (good.status_code, forged.status_code) == (202, 401)
    events = CredentialEvent.objects.filter(credential=credential, action="used").order_by("id")
    assert [(e.detail, e.flow_id) for e in events] == [
        ("the hook 'orders': verified", str(flow.pk)),
        ("the hook 'orders': refused (invalid_signature)", str(flow.pk)),
    ]
    assert secret not in " ".join(e.detail for e in events)


def test_a_hook_whose_credential_is_of_another_kind_is_refused_by_the_door_as_misconfigured(outsider):
    from tests.integrations.nodes.support import credential

    flow = order_flow()
    wrong = credential("CRM", "api_connection", {"base_url": "https://crm.example.com"}, {})
    make_hook(flow, wrong, key="orders", variable="order", auth="token")

    response = post(outsider, hook_path(flow, "orders"), body_of({"id": 1}), {"X-Hook-Token": "x" * 20})

    assert response.status_code == 503
    assert "not a webhook secret" in response.json()["error"]["message"]
    assert not CredentialEvent.objects.filter(credential=wrong, action="used").exists()  # never resolved
