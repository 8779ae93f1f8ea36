"""The Google service account key in admin: uploaded or pasted, validated, stored encrypted, its e-mail shown."""

from __future__ import annotations

import html as html_lib
import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from integrations import vault
from integrations.models import Credential

from .conftest import EMAIL

pytestmark = pytest.mark.django_db

ADD = "/admin/integrations/credential/add/?kind=google_service_account"
FORM = {"name": "Sheets bot", "subject": "", "spreadsheet": "", "rate_limit": "60/m", "endpoint": ""}


@pytest.fixture
def admin_client(client):
    client.force_login(get_user_model().objects.create(username="root", is_staff=True, is_superuser=True))
    return client


def errors_in(page: str) -> list[str]:
    return [
        html_lib.unescape(re.sub(r"<[^>]+>", "", e)).strip()
        for e in re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', page)
    ]


def upload(info: dict) -> SimpleUploadedFile:
    return SimpleUploadedFile("bot-project-4f1c0a9e8b7d.json", json.dumps(info, indent=2).encode(), "application/json")


def test_the_form_takes_the_key_as_a_file_or_pasted_and_is_multipart(admin_client):
    page = admin_client.get(ADD).content.decode()

    assert 'enctype="multipart/form-data"' in page
    assert 'type="file" name="service_account_key_file"' in page and '<textarea name="service_account_key"' in page


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"type": "authorized_user"}, "This key file is of type 'authorized_user', not a service account key"),
        ({"private_key": "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n"},
         "The private_key in the key file is not a readable PEM private key: download the key again."),
        ({"client_email": ""}, "The key file has no client_email: it is incomplete; download the key again."),
        ({"token_uri": None}, "The key file has no token_uri (such as https://oauth2.googleapis.com/token)"),
    ],
)  # fmt: skip
def test_a_bad_key_is_refused_with_a_clear_message_and_nothing_is_stored(admin_client, key_info, change, message):
    page = admin_client.post(ADD, {**FORM, "service_account_key_file": upload({**key_info, **change})})

    assert page.status_code == 200
    assert any(e.startswith(message) for e in errors_in(page.content.decode())), errors_in(page.content.decode())
    assert not Credential.objects.exists()


def test_text_that_is_not_json_is_refused(admin_client):
    page = admin_client.post(ADD, {**FORM, "service_account_key": "hello"}).content.decode()

    assert "This is not JSON (Expecting value at line 1): upload the .json key file." in errors_in(page)


def test_a_good_key_is_stored_encrypted_and_its_email_is_shown_to_share_with(admin_client, key_info, google):
    response = admin_client.post(ADD, {**FORM, "service_account_key_file": upload(key_info)})

    assert response.status_code == 302, errors_in(response.content.decode())
    cred = Credential.objects.get()
    assert cred.settings["client_email"] == EMAIL and cred.settings["project_id"] == "bot-project"
    assert key_info["private_key"][40:80] not in json.dumps(cred.settings) + cred.secrets_encrypted
    assert json.loads(vault.decrypt(cred.secrets_encrypted)["service_account_key"]) == key_info
    listing = admin_client.get("/admin/integrations/credential/").content.decode()
    assert f"{EMAIL} (share sheets and calendars with it)" in listing
    page = admin_client.get(f"/admin/integrations/credential/{cred.pk}/change/").content.decode()
    assert f'value="{EMAIL}"' in page and "Share spreadsheets and calendars with this address" in page
    assert key_info["private_key"][40:80] not in page

    # Saving again without a new key keeps the key (and the e-mail read from it).
    again = admin_client.post(f"/admin/integrations/credential/{cred.pk}/change/", {**FORM, "rate_limit": "30/m"})
    assert again.status_code == 302
    cred.refresh_from_db()
    assert cred.settings["client_email"] == EMAIL and cred.settings["rate_limit"] == "30/m"


def test_the_connection_check_fetches_a_token_or_opens_the_spreadsheet(admin_client, key_info, google):
    google.spreadsheet("1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms", "Leads 2025", {"Leads": [["Name"]]})
    admin_client.post(ADD, {**FORM, "service_account_key": json.dumps(key_info), "endpoint": google.base})
    cred = Credential.objects.get()

    admin_client.post(f"/admin/integrations/credential/{cred.pk}/check/")
    cred.refresh_from_db()
    assert cred.check_status == "ok"
    assert cred.check_message == f"The key works: Google issued an access token for {EMAIL}. Share sheets and " \
                                 "calendars with it."  # fmt: skip

    cred.settings["spreadsheet"] = (
        "https://docs.google.com/spreadsheets/d/1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms/"
    )
    cred.save()
    admin_client.post(f"/admin/integrations/credential/{cred.pk}/check/")
    cred.refresh_from_db()
    assert cred.check_message == f"Opened the spreadsheet 'Leads 2025' as {EMAIL} (sheets: Leads)."

    google.spreadsheets["1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms"]["private"] = True
    admin_client.post(f"/admin/integrations/credential/{cred.pk}/check/")
    cred.refresh_from_db()
    assert cred.check_status == "failed" and cred.check_message.endswith(f"Share it with {EMAIL}.")
    assert key_info["private_key"][40:80] not in cred.check_message
