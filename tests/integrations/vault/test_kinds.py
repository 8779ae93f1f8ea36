"""Credential kinds: the registry, field parsing and each kind's own rules, as the admin form reports them."""

from __future__ import annotations

import pytest

from integrations import kinds
from integrations.kinds.base import HEADERS, RATE, URL, Field


def test_the_registry_lists_each_kind_once_in_order_and_names_unknown_ones():
    keys = [k.key for k in kinds.all()]
    assert keys == [
        "api_connection",
        "webhook_secret",
        "webhook_url",
        "telegram_bot",
        "intercom",
        "openai",
        "twilio",
        "smtp",
        "caldav",
        "microsoft_graph",
        "google_service_account",
        "google_oauth",
    ]
    assert kinds.get("webhook_secret").label == "Webhook secret"
    with pytest.raises(kinds.UnknownKind) as caught:
        kinds.get("fax")
    assert str(caught.value) == f"There is no credential kind 'fax'; known kinds: {', '.join(keys)}."
    assert kinds.label("fax") == "fax"


def test_each_kind_marks_its_secret_fields():
    api = kinds.get("api_connection")
    assert [f.name for f in api.secret_fields] == ["api_key", "token", "password", "client_secret"]
    assert {"base_url", "auth_type", "default_headers", "rate_limit"} <= {f.name for f in api.setting_fields}
    assert [f.name for f in kinds.get("webhook_secret").secret_fields] == ["signing_secrets", "token"]


@pytest.mark.parametrize(
    ("field", "raw", "value"),
    [
        (Field("u", "U", type=URL), " https://api.example.com/v1 ", "https://api.example.com/v1"),
        (Field("r", "R", type=RATE), "10/s", "10/s"),
        (
            Field("h", "H", type=HEADERS),
            "X-A: 1\n\nAccept:  application/json ",
            {"X-A": "1", "Accept": "application/json"},
        ),
    ],
)
def test_fields_parse_what_people_type(field, raw, value):
    assert field.parse(raw) == value
    assert field.parse(field.format(value)) == value


@pytest.mark.parametrize(
    ("field", "raw", "message"),
    [
        (Field("u", "U", type=URL), "api.example.com", "Enter a full http:// or https:// URL."),
        (Field("u", "U", type=URL), "file:///etc/passwd", "Enter a full http:// or https:// URL."),
        (
            Field("r", "R", type=RATE),
            "10 per second",
            'Write a rate as requests per s, m or h, such as "10/s" or "100/m".',
        ),
        (Field("h", "H", type=HEADERS), "Bad Header: 1", 'Line 1 is not a header: write one "Name: value" per line.'),
    ],
)
def test_fields_refuse_what_would_not_work_in_a_sentence(field, raw, message):
    with pytest.raises(ValueError) as caught:
        field.parse(raw)
    assert str(caught.value) == message


def test_an_api_connection_requires_what_its_auth_type_uses():
    api = kinds.get("api_connection")
    base = {"base_url": "https://api.example.com", "check_path": ""}

    assert api.validate({**base, "auth_type": "none"}, {}) == {}
    assert api.validate({**base, "auth_type": "bearer"}, {}) == {
        "token": "Bearer token is required when authentication is Bearer token."
    }
    assert api.validate(
        {**base, "auth_type": "api_key", "api_key_name": "X Key", "api_key_in": "header"}, {"api_key": "k-123456"}
    ) == {  # fmt: skip
        "api_key_name": "A header name has letters, digits and - only, such as X-API-Key."
    }
    assert api.validate({**base, "auth_type": "none", "check_path": "https://other.example.com/me"}, {}) == {
        "check_path": "Give a path relative to the base URL, such as /me."
    }


@pytest.mark.parametrize(
    ("secrets", "problems"),
    [
        ({"signing_secrets": "whsec_c2VjcmV0LWtleS0xMjM0NQ=="}, {}),
        ({"token": "a-token-of-sixteen+"}, {}),
        ({}, {"signing_secrets": "Give at least one signing secret or a token."}),
        ({"signing_secrets": "whsec_not base64!"}, {"signing_secrets": "Secret 1 is not valid base64 after whsec_."}),
        ({"signing_secrets": "whsec_"}, {"signing_secrets": "Secret 1 has no key after whsec_."}),
        ({"token": "short"}, {"token": "The token is shorter than 16 characters."}),
    ],
)
def test_a_webhook_secret_accepts_whsec_secrets_or_long_ones(secrets, problems):
    assert kinds.get("webhook_secret").validate({}, secrets) == problems
