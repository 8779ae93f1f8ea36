"""The openai credential kind: the admin form, and the connection check (the real client lists the models)."""

from __future__ import annotations

import pytest

from integrations import vault
from integrations.models import Credential
from tests.support.admin import check_credential

from .conftest import KEY

pytestmark = pytest.mark.django_db


def test_an_admin_adds_an_openai_credential_and_its_check_lists_the_models(admin_client, peer):
    response = admin_client.post(
        "/admin/integrations/credential/add/?kind=openai",
        {"name": "Local LLM", "api_key": KEY, "organization": "", "base_url": peer.base_url, "rate_limit": "5/s"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    credential = Credential.objects.get(name="Local LLM")
    assert credential.kind == "openai" and credential.settings["base_url"] == peer.base_url
    assert vault.decrypt(credential.secrets_encrypted) == {"api_key": KEY}

    credential = check_credential(admin_client, credential)

    assert credential.check_status == "ok", credential.check_message
    assert credential.check_message == (
        f"127.0.0.1:{peer.server.port} accepted the key: 2 models (gpt-4o, gpt-4o-mini-2024-07-18)."
    )
    (request,) = peer.requests
    assert request["path"] == "/v1/models" and request["headers"]["Authorization"] == f"Bearer {KEY}"


def test_a_refused_key_fails_the_check_in_a_sentence_without_the_key(admin_client, peer):
    credential = Credential.objects.create(
        name="Wrong", kind="openai", settings={"base_url": peer.base_url},
        secrets_encrypted=vault.encrypt({"api_key": "sk-wrong-9876543210"}),
    )  # fmt: skip

    credential = check_credential(admin_client, credential)

    assert credential.check_status == "failed"
    assert credential.check_message == (
        f"127.0.0.1:{peer.server.port} refused the API key (401): check that it is whole and not revoked."
    )


def test_a_base_url_that_is_not_an_openai_api_fails_the_check_credential(admin_client, httpserver_ipv4):
    httpserver_ipv4.expect_request("/v1/models").respond_with_data("<html>Hello</html>", content_type="text/html")
    credential = Credential.objects.create(
        name="Web", kind="openai", settings={"base_url": f"http://127.0.0.1:{httpserver_ipv4.port}/v1"},
        secrets_encrypted=vault.encrypt({"api_key": KEY}),
    )  # fmt: skip

    credential = check_credential(admin_client, credential)

    assert credential.check_status == "failed"
    assert "did not answer as an OpenAI-compatible API" in credential.check_message
