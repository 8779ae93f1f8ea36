"""The twilio credential kind: the admin form, and the connection check (the real client fetches the account)."""

from __future__ import annotations

import pytest

from integrations import vault
from integrations.models import Credential
from tests.support.admin import check_credential

from .conftest import SID, TOKEN

pytestmark = pytest.mark.django_db


def test_an_admin_adds_a_twilio_credential_and_its_check_fetches_the_account(admin_client, twilio_server):
    response = admin_client.post(
        "/admin/integrations/credential/add/?kind=twilio",
        {"name": "Twilio", "account_sid": SID, "auth": "auth_token", "auth_token": TOKEN,
         "base_url": twilio_server.base_url, "rate_limit": ""},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    credential = Credential.objects.get(name="Twilio")
    assert vault.decrypt(credential.secrets_encrypted) == {"auth_token": TOKEN}

    credential = check_credential(admin_client, credential)

    assert credential.check_status == "ok", credential.check_message
    assert credential.check_message == "127.0.0.1 accepted the credentials: account 'Flows test account' (active)."
    (request,) = twilio_server.requests
    assert request["method"] == "GET" and request["path"] == f"/2010-04-01/Accounts/{SID}.json"


def test_an_api_key_authenticates_as_the_key(admin_client, twilio_server):
    twilio_server.api_key = ("SK" + "b2" * 16, "key-secret-123456")
    credential = Credential.objects.create(
        name="Key", kind="twilio",
        settings={"account_sid": SID, "auth": "api_key", "api_key_sid": "SK" + "b2" * 16,
                  "base_url": twilio_server.base_url},
        secrets_encrypted=vault.encrypt({"api_key_secret": "key-secret-123456"}),
    )  # fmt: skip

    assert check_credential(admin_client, credential).check_status == "ok", credential.check_message


def test_a_wrong_token_fails_the_check_in_a_sentence_without_the_token(admin_client, twilio_server):
    credential = Credential.objects.create(
        name="Wrong", kind="twilio", settings={"account_sid": SID, "base_url": twilio_server.base_url},
        secrets_encrypted=vault.encrypt({"auth_token": "not-the-token-42"}),
    )  # fmt: skip

    credential = check_credential(admin_client, credential)

    assert credential.check_status == "failed"
    assert credential.check_message == "127.0.0.1 refused the credentials (401): check the SID and the token or key."


def test_a_malformed_account_sid_is_refused_and_nothing_is_stored(admin_client):
    response = admin_client.post(
        "/admin/integrations/credential/add/?kind=twilio",
        {"name": "Bad", "account_sid": "AC123", "auth": "auth_token", "auth_token": TOKEN},
    )
    assert response.status_code == 200
    assert "An Account SID is AC followed by 32 characters." in response.content.decode()
    assert not Credential.objects.filter(name="Bad").exists()
