"""The vault: encryption round trip, key rotation (and its command), wrong or malformed keys, the embedded key file."""

from __future__ import annotations

import logging
import stat

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command

from integrations import vault
from integrations.credentials import CredentialError, resolve
from integrations.models import Credential, CredentialEvent

from .conftest import make_credential


def test_a_round_trip_gives_back_the_object_and_the_token_does_not_show_it():
    token = vault.encrypt({"api_key": "sk-live-123456", "note": "ü"})

    assert "sk-live-123456" not in token
    assert vault.decrypt(token) == {"api_key": "sk-live-123456", "note": "ü"}
    assert vault.encrypt({"api_key": "sk-live-123456"}) != vault.encrypt({"api_key": "sk-live-123456"})  # fresh IV


def test_a_token_from_a_key_that_is_not_configured_is_a_clear_error_never_garbage(settings):
    token = vault.encrypt({"token": "abc123456"})
    settings.VAULT_KEYS = [Fernet.generate_key().decode()]

    with pytest.raises(vault.VaultError) as caught:
        vault.decrypt_credential("Stripe", token)

    assert str(caught.value) == (
        "The credential 'Stripe' cannot be decrypted with the configured VAULT_KEYS: "
        "the key it was encrypted with is missing."
    )


@pytest.mark.django_db
def test_resolving_a_credential_under_a_missing_key_says_which_credential(settings):
    credential = make_credential("CRM", settings={"base_url": "https://crm.example.com"}, token="tok-123456")
    settings.VAULT_KEYS = [Fernet.generate_key().decode()]

    with pytest.raises(CredentialError, match="The credential 'CRM' cannot be decrypted .* key it was encrypted"):
        resolve(credential.pk)


def test_a_malformed_key_is_named_by_position_and_the_key_itself_is_not_repeated(settings):
    good = Fernet.generate_key().decode()
    settings.VAULT_KEYS = [good, "not-a-key-at-all"]

    with pytest.raises(vault.VaultError) as caught:
        vault.encrypt({"a": "b"})

    message = str(caught.value)
    assert message.startswith("Key 2 of the configured VAULT_KEYS is not a Fernet key (32 url-safe base64")
    assert "Fernet.generate_key()" in message
    assert "not-a-key-at-all" not in message and good not in message


@pytest.mark.django_db
def test_rotation_moves_every_credential_to_the_newest_key_so_the_old_one_can_go(settings, vault_key):
    old_key = vault_key
    a = make_credential("A", token="tok-aaaaaaaa")
    b = make_credential("B", "webhook_secret", signing_secrets="whsec_" + "QUJDREVGR0hJSktMTU5PUA==")
    make_credential("No secrets", settings={"base_url": "https://open.example.com", "auth_type": "none"})
    new_key = Fernet.generate_key().decode()
    settings.VAULT_KEYS = [new_key, old_key]
    c = make_credential("C", token="tok-cccccccc")  # already under the new key

    result = vault.rotate(actor="ops")

    assert (result.rotated, result.older, result.keys) == (3, 2, 2)
    settings.VAULT_KEYS = [new_key]
    assert resolve(a.pk).secrets == {"token": "tok-aaaaaaaa"}
    assert resolve(b.pk).secrets == {"signing_secrets": "whsec_QUJDREVGR0hJSktMTU5PUA=="}
    assert resolve(c.pk).secrets == {"token": "tok-cccccccc"}
    events = CredentialEvent.objects.filter(action="rotated").order_by("credential_name")
    assert [(e.credential_name, e.actor) for e in events] == [("A", "ops"), ("B", "ops"), ("C", "ops")]


@pytest.mark.django_db
def test_the_rotate_command_prints_counts(settings, vault_key, capsys):
    make_credential("A", token="tok-aaaaaaaa")
    make_credential("B", token="tok-bbbbbbbb")
    settings.VAULT_KEYS = [Fernet.generate_key().decode(), vault_key]

    call_command("rotate_vault_keys")

    out = capsys.readouterr().out
    assert "Re-encrypted 2 credentials under the newest of 2 keys (2 had been under an older key)." in out
    assert "the others can be removed" in out


@pytest.mark.django_db
def test_rotation_without_the_old_key_changes_nothing_and_names_the_credential(settings, vault_key):
    kept = make_credential("Kept", token="tok-kkkkkkkk")
    before = kept.secrets_encrypted
    make_credential("Zed", token="tok-zzzzzzzz")
    settings.VAULT_KEYS = [Fernet.generate_key().decode()]  # the old key forgotten

    with pytest.raises(CommandError, match="The credential 'Kept' cannot be decrypted .* Nothing was rotated."):
        call_command("rotate_vault_keys")

    assert Credential.objects.get(pk=kept.pk).secrets_encrypted == before
    assert not CredentialEvent.objects.filter(action="rotated").exists()


def test_without_vault_keys_a_key_file_is_made_once_private_and_announced(settings, tmp_path, caplog):
    settings.VAULT_KEYS = []
    settings.VAULT_KEY_FILE = tmp_path / "var" / "vault.key"

    with caplog.at_level(logging.WARNING, logger="integrations.vault"):
        token = vault.encrypt({"token": "tok-file-123"})
        again = vault.encrypt({"token": "tok-file-456"})

    path = settings.VAULT_KEY_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    Fernet(path.read_text().strip())  # a real key
    created = [r.getMessage() for r in caplog.records if "Created a new vault key" in r.getMessage()]
    assert created == [f"Created a new vault key in {path}; back it up, or set VAULT_KEYS"]
    assert vault.decrypt(token) == {"token": "tok-file-123"} and vault.decrypt(again) == {"token": "tok-file-456"}
    assert vault.ensure_key() is None  # exists now: nothing made, nothing said


def test_the_key_file_is_named_relative_to_the_project_in_the_message(settings):
    path = settings.BASE_DIR / "var" / "vault.key"
    assert vault.created_message(path) == "Created a new vault key in var/vault.key; back it up, or set VAULT_KEYS"


def test_an_empty_key_file_is_a_clear_error(settings, tmp_path):
    settings.VAULT_KEYS = []
    settings.VAULT_KEY_FILE = tmp_path / "vault.key"
    settings.VAULT_KEY_FILE.write_text("\n# no key here\n")

    with pytest.raises(vault.VaultError, match=r"The vault key file .*vault.key holds no key; put a Fernet key in it"):
        vault.encrypt({"a": "b"})


def test_a_key_file_may_hold_an_older_key_after_the_newest(settings, tmp_path):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.VAULT_KEYS = [old]
    token = vault.encrypt({"token": "tok-old-1234"})
    settings.VAULT_KEYS = []
    settings.VAULT_KEY_FILE = tmp_path / "vault.key"
    settings.VAULT_KEY_FILE.write_text(f"{new}\n{old}\n")

    assert vault.decrypt(token) == {"token": "tok-old-1234"}
    settings.VAULT_KEYS = [new]
    assert vault.decrypt(vault.encrypt({"x": "y"})) == {"x": "y"}
    with pytest.raises(vault.VaultError, match="cannot be decrypted with the configured VAULT_KEYS"):
        vault.decrypt(token)
