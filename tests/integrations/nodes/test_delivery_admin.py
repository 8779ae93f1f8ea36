"""Admin: the outbound delivery log is read-only, and "Redeliver" sends a delivery again under the same id."""

import pytest

from integrations.models import OutboundDelivery
from integrations.webhooks import signing

from .support import credential, run

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/integrations/outbounddelivery/"


@pytest.fixture
def delivered(svc, server):
    """One signed Zapier delivery to the local server, as a flow made it."""
    secret = signing.new_secret()
    signer = credential("Zap signing", "webhook_secret", {}, {"signing_secrets": secret})
    server.expect_request("/hooks/catch/1/", method="POST").respond_with_json({"status": "success"})
    data = {"webhook_url": server.url_for("/hooks/catch/1/"), "payload": "chosen", "variables": ["email"]}
    turn = run("zapier", {**data, "credential": signer.pk}, svc, {"email": "ada@example.com"})
    assert turn.handle == "success", turn.error
    return OutboundDelivery.objects.get(), secret


def test_the_log_lists_url_platform_status_response_attempts_latency_and_time(admin_client, delivered):
    row, _secret = delivered

    page = admin_client.get(CHANGELIST).content.decode()

    for column in ("URL", "Platform", "Status", "Response status", "Attempts", "Latency", "Created at"):
        assert column in page
    assert row.url in page and "zapier" in page and "delivered" in page
    assert f"{row.latency_ms:.0f} ms" in page
    assert "Redeliver (same webhook id)" in page


def test_the_log_is_read_only(admin_client, delivered):
    row, _secret = delivered

    detail = admin_client.get(f"{CHANGELIST}{row.pk}/change/")
    assert detail.status_code == 200
    page = detail.content.decode()
    assert row.webhook_id in page and "ada@example.com" in page
    assert 'name="_save"' not in page
    assert admin_client.get(f"{CHANGELIST}add/").status_code == 403
    assert admin_client.post(f"{CHANGELIST}{row.pk}/delete/", {"post": "yes"}).status_code == 403
    assert OutboundDelivery.objects.count() == 1


def test_redeliver_action_sends_again_with_the_same_id_and_logs_a_new_row(admin_client, delivered, server):
    row, secret = delivered

    response = admin_client.post(
        CHANGELIST, {"action": "redeliver", "_selected_action": [row.pk], "index": 0}, follow=True
    )

    assert response.status_code == 200
    assert f"Redelivered to Zapier ({row.webhook_id}): HTTP 200." in response.content.decode()
    assert len(server.log) == 2
    request = server.log[1][0]
    assert signing.verify([secret], request.headers, request.get_data()) == row.webhook_id
    again = OutboundDelivery.objects.exclude(pk=row.pk).get()
    assert (again.webhook_id, again.redelivery_of_id, again.status) == (row.webhook_id, row.pk, "delivered")


def test_a_failed_redelivery_is_reported_and_logged(admin_client, delivered, server):
    row, _secret = delivered
    server.clear()
    server.expect_request("/hooks/catch/1/", method="POST").respond_with_data("nope", status=500)

    response = admin_client.post(
        CHANGELIST, {"action": "redeliver", "_selected_action": [row.pk], "index": 0}, follow=True
    )

    assert "Redelivery to Zapier" in response.content.decode()
    assert "failed: Zapier answered HTTP 500." in response.content.decode()
    again = OutboundDelivery.objects.exclude(pk=row.pk).get()
    assert (again.status, again.response_status, again.redelivery_of_id) == ("failed", 500, row.pk)
