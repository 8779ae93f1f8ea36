"""Credentials in Django admin: a form per kind, write-only secrets, the connection check, and the audit log."""

from __future__ import annotations

import html as html_lib
import re
import socket
import uuid

import pytest
from django.contrib.messages import get_messages

from integrations import vault
from integrations.models import Credential, CredentialEvent
from integrations.services import Services

from .conftest import make_credential

pytestmark = pytest.mark.django_db

ADD = "/admin/integrations/credential/add/"
EVENTS = "/admin/integrations/credentialevent/"

API_FORM = {
    "name": "CRM",
    "base_url": "",
    "auth_type": "bearer",
    "api_key_name": "X-API-Key",
    "api_key_in": "header",
    "api_key": "",
    "token": "",
    "username": "",
    "password": "",
    "token_url": "",
    "client_id": "",
    "client_secret": "",
    "scope": "",
    "token_auth": "basic",
    "default_headers": "",
    "rate_limit": "",
    "check_path": "",
}


def change_url(credential: Credential) -> str:
    return f"/admin/integrations/credential/{credential.pk}/change/"


def secrets_of(credential: Credential) -> dict:
    credential.refresh_from_db()
    return vault.decrypt(credential.secrets_encrypted)


def errors_in(html: str) -> list[str]:
    return [
        html_lib.unescape(re.sub(r"<[^>]+>", "", e)).strip()
        for e in re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', html)
    ]


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_adding_a_credential_starts_by_choosing_its_kind(admin_client):
    html = admin_client.get(ADD).content.decode()

    assert 'name="kind" value="api_connection"' in html and 'name="kind" value="webhook_secret"' in html
    assert "API connection" in html and "Webhook secret" in html
    assert "There is no credential kind “nope”" in admin_client.get(ADD + "?kind=nope").content.decode()
    form = admin_client.get(ADD + "?kind=api_connection").content.decode()
    assert 'name="base_url"' in form and 'name="client_secret"' in form and 'type="password"' in form
    assert 'name="signing_secrets"' not in form


def test_an_api_connection_made_in_admin_stores_its_secret_encrypted_and_never_shows_it(admin_client, base_url):
    token = f"tok-canary-{uuid.uuid4().hex}"
    data = {**API_FORM, "base_url": f"{base_url}/v1", "token": token, "default_headers": "X-Tenant: acme\n"}

    response = admin_client.post(ADD + "?kind=api_connection", data)

    assert response.status_code == 302, errors_in(response.content.decode())
    credential = Credential.objects.get(name="CRM")
    assert credential.kind == "api_connection"
    assert credential.settings["base_url"] == f"{base_url}/v1"
    assert credential.settings["default_headers"] == {"X-Tenant": "acme"}
    assert token not in credential.secrets_encrypted and token not in str(credential.settings)
    assert secrets_of(credential) == {"token": token}
    page = admin_client.get(change_url(credential)).content.decode()
    assert token not in page
    assert "•••••• (set); leave blank to keep it." in page
    assert "X-Tenant: acme" in page  # settings are shown as they are
    listing = admin_client.get("/admin/integrations/credential/").content.decode()
    assert "CRM" in listing and "API connection" in listing and "Unchecked" in listing and token not in listing
    (event,) = CredentialEvent.objects.all()
    assert (event.action, event.actor, event.credential_name) == ("created", "root", "CRM")
    assert event.detail == "Created with: name, base_url, auth_type, default_headers, token"
    assert set(credential.settings) == {"base_url", "auth_type", "default_headers", "rate_limit", "check_path"}


def test_a_blank_secret_keeps_the_old_value_and_the_change_event_names_fields_only(admin_client, base_url):
    credential = make_credential("CRM", settings={"base_url": base_url, "auth_type": "bearer"}, token="tok-old-123456")
    data = {**API_FORM, "base_url": f"{base_url}/v2", "token": ""}

    response = admin_client.post(change_url(credential), data)

    assert response.status_code == 302, errors_in(response.content.decode())
    assert secrets_of(credential) == {"token": "tok-old-123456"}
    assert credential.settings["base_url"] == f"{base_url}/v2"
    admin_client.post(change_url(credential), {**data, "token": "tok-new-654321"})
    assert secrets_of(credential) == {"token": "tok-new-654321"}
    admin_client.post(change_url(credential), {**data, "token": ""})  # nothing changed: no event
    events = list(CredentialEvent.objects.order_by("id").values_list("action", "actor", "detail"))
    assert events[0][:2] == ("changed", "root") and events[0][2].startswith("Changed: base_url")
    assert ("changed", "root", "Changed: token") in events and len(events) == 2
    assert not any("tok-" in detail for _, _, detail in events)


def test_switching_auth_type_drops_the_secret_no_longer_used(admin_client, base_url):
    credential = make_credential("CRM", settings={"base_url": base_url, "auth_type": "bearer"}, token="tok-old-123456")
    data = {**API_FORM, "base_url": base_url, "auth_type": "basic", "username": "ada", "password": "pw-987654"}

    assert admin_client.post(change_url(credential), data).status_code == 302

    assert secrets_of(credential) == {"password": "pw-987654"}
    assert CredentialEvent.objects.get().detail == "Changed: auth_type, username, token, password"


def test_the_form_says_what_is_missing_and_never_echoes_a_typed_secret(admin_client, base_url):
    data = {
        **API_FORM,
        "base_url": "ftp://files.example.com",
        "auth_type": "oauth2",
        "client_secret": "cs-typed-secret-42",
        "rate_limit": "fast",
        "default_headers": "not a header",
    }

    response = admin_client.post(ADD + "?kind=api_connection", data)

    html = response.content.decode()
    assert response.status_code == 200
    assert sorted(errors_in(html)) == sorted(
        [
            "Enter a full http:// or https:// URL.",
            'Write a rate as requests per s, m or h, such as "10/s" or "100/m".',
            'Line 1 is not a header: write one "Name: value" per line.',
            "Token URL is required when authentication is OAuth2 client credentials.",
            "Client ID is required when authentication is OAuth2 client credentials.",
        ]
    )
    assert "cs-typed-secret-42" not in html
    assert not Credential.objects.exists()


def test_a_webhook_secret_checks_each_signing_secret(admin_client):
    url = ADD + "?kind=webhook_secret"
    bad = admin_client.post(
        url, {"name": "Hooks", "signing_secrets": "whsec_c2VjcmV0LWtleS0xMjM0NQ==\nshort", "token": ""}
    )
    assert errors_in(bad.content.decode()) == [
        "Secret 2 is shorter than 16 characters (use a whsec_ secret or a longer one)."
    ]
    assert "c2VjcmV0LWtleS0xMjM0NQ" not in bad.content.decode()

    secrets = "whsec_c2VjcmV0LWtleS0xMjM0NQ==\nan-older-secret-of-enough-length"
    good = admin_client.post(url, {"name": "Hooks", "signing_secrets": secrets, "token": ""})

    assert good.status_code == 302
    credential = Credential.objects.get(name="Hooks")
    assert secrets_of(credential) == {"signing_secrets": secrets}
    page = admin_client.get(change_url(credential)).content.decode()
    assert "c2VjcmV0LWtleS0xMjM0NQ" not in page and "an-older-secret" not in page
    admin_client.post(f"/admin/integrations/credential/{credential.pk}/check/")
    credential.refresh_from_db()
    assert (credential.check_status, credential.check_message) == ("ok", "2 signing secrets, well-formed.")


# -- the connection check ---------------------------------------------------------------------------------------------


def test_check_connection_against_a_live_server_records_ok_latency_and_time(admin_client, httpserver, base_url):
    httpserver.expect_request("/v1/me").respond_with_json({"id": 1})
    settings = {"base_url": f"{base_url}/v1", "auth_type": "bearer", "check_path": "/me"}
    credential = make_credential("CRM", settings=settings, token="tok-check-123456")
    assert 'id="check-connection"' in admin_client.get(change_url(credential)).content.decode()

    response = admin_client.post(f"/admin/integrations/credential/{credential.pk}/check/")

    assert response.status_code == 302 and response["Location"] == change_url(credential)
    credential.refresh_from_db()
    assert credential.check_status == "ok"
    assert re.fullmatch(rf"127\.0\.0\.1:{httpserver.port} answered HTTP 200 in \d+ ms\.", credential.check_message)
    assert credential.check_latency_ms > 0 and credential.checked_at is not None
    ((request, _),) = httpserver.log
    assert request.headers["Authorization"] == "Bearer tok-check-123456"
    (message,) = [str(m) for m in get_messages(response.wsgi_request)]
    assert message.startswith("CRM works (")
    event = CredentialEvent.objects.get(action="checked")
    assert event.actor == "root" and event.detail.startswith("ok: 127.0.0.1")
    page = admin_client.get(change_url(credential)).content.decode()
    assert "answered HTTP 200" in page


def test_check_connection_to_a_closed_port_records_the_failure_in_a_sentence(admin_client):
    port = closed_port()
    credential = make_credential("Down", settings={"base_url": f"http://127.0.0.1:{port}", "auth_type": "none"})

    admin_client.post(f"/admin/integrations/credential/{credential.pk}/check/")

    credential.refresh_from_db()
    assert credential.check_status == "failed"
    assert "127.0.0.1" in credential.check_message and "refused" in credential.check_message.lower()
    assert credential.checked_at is not None and credential.check_latency_ms is not None
    assert CredentialEvent.objects.get(action="checked").detail.startswith("failed: ")


def test_refused_credentials_fail_the_check_and_any_other_answer_of_the_base_url_passes(
    admin_client, httpserver, base_url
):
    httpserver.expect_request("/private/").respond_with_data("no", status=401)
    httpserver.expect_request("/public/").respond_with_data("not found", status=404)
    refused = make_credential("Refused", settings={"base_url": f"{base_url}/private/", "auth_type": "bearer"},
                              token="tok-wrong-1234567")  # fmt: skip
    reachable = make_credential("Reachable", settings={"base_url": f"{base_url}/public/", "auth_type": "none"})
    ids = [str(refused.pk), str(reachable.pk)]

    response = admin_client.post(
        "/admin/integrations/credential/", {"action": "check_connection", "_selected_action": ids}
    )

    assert response.status_code == 302
    refused.refresh_from_db()
    reachable.refresh_from_db()
    assert (refused.check_status, refused.check_message) == (
        "failed",
        f"127.0.0.1:{httpserver.port} refused the credentials: HTTP 401.",
    )
    assert reachable.check_status == "ok" and "answered HTTP 404" in reachable.check_message
    assert CredentialEvent.objects.filter(action="checked").count() == 2


def test_a_check_message_never_holds_the_secret(admin_client, httpserver, base_url):
    secret = "tok-echoed-back-77"
    httpserver.expect_request("/oauth").respond_with_json({"error": "invalid_client", "error_description": secret},
                                                          status=400)  # fmt: skip
    settings = {"base_url": base_url, "auth_type": "oauth2", "token_url": f"{base_url}/oauth", "client_id": "me"}
    credential = make_credential("Echo", settings=settings, client_secret=secret)

    admin_client.post(f"/admin/integrations/credential/{credential.pk}/check/")

    credential.refresh_from_db()
    assert credential.check_status == "failed"
    assert secret not in credential.check_message and "[redacted]" in credential.check_message
    assert secret not in CredentialEvent.objects.get(action="checked").detail


# -- the audit log ----------------------------------------------------------------------------------------------------


def test_the_audit_log_is_read_only_and_filters_by_action_and_credential(admin_client, base_url):
    crm = make_credential("CRM", settings={"base_url": base_url, "auth_type": "none"})
    other = make_credential("Other", settings={"base_url": base_url, "auth_type": "none"})
    run_id = uuid.uuid4()
    Services(run_id=run_id, flow_id="3").credential(crm.pk, kinds=["api_connection"], node_id="fetch")
    Services(run_id=uuid.uuid4()).credential(other.pk, kinds=["api_connection"], node_id="x")
    admin_client.post(f"/admin/integrations/credential/{crm.pk}/delete/", {"post": "yes"})

    listing = admin_client.get(EVENTS + "?action__exact=used").content.decode()
    assert str(run_id) in listing and "fetch" in listing
    only_crm = admin_client.get(EVENTS + f"?credential__id__exact={other.pk}").content.decode()
    assert "Other" in only_crm and str(run_id) not in only_crm
    deleted = CredentialEvent.objects.get(action="deleted")
    assert (deleted.credential_name, deleted.actor, deleted.credential) == ("CRM", "root", None)
    used = CredentialEvent.objects.get(action="used", credential_name="CRM")  # kept after the credential went
    assert used.credential is None and used.run_id == run_id

    assert admin_client.get(EVENTS + "add/").status_code == 403
    detail = admin_client.get(EVENTS + f"{used.pk}/change/")
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.content.decode()
    assert admin_client.post(EVENTS + f"{used.pk}/change/", {"action": "checked"}).status_code == 403
    assert admin_client.post(EVENTS + f"{used.pk}/delete/", {"post": "yes"}).status_code == 403
    assert CredentialEvent.objects.filter(pk=used.pk, action="used").exists()
