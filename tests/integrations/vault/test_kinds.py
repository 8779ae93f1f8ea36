"""Credential kinds: the registry, field parsing and each kind's own rules, as the admin form reports them."""

from __future__ import annotations

import pytest

from integrations import kinds
from integrations.kinds.base import HEADERS, RATE, URL, Field, Kind


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


# What each kind does with its secrets besides its connection check (the base class refuses the rest with a
# sentence): `prepare` + `authenticate` a request made through a connection, `renews` (a fresh token after a 401),
# `client` (a client library object), `sign` / `verify` (webhook deliveries). docs/architecture.md shows this table.
USES = ("prepare", "authenticate", "renews", "client", "sign", "verify")
TABLE = {
    "api_connection": {"prepare", "authenticate", "renews"},  # none, api_key header/query, bearer, basic, OAuth2
    "webhook_secret": {"sign", "verify"},
    "webhook_url": {"prepare", "authenticate"},  # the secret URL itself
    "telegram_bot": {"prepare", "authenticate"},  # the bot token in the URL path
    "intercom": {"prepare", "authenticate", "verify"},  # bearer; its webhooks signed with the app's client secret
    "openai": {"client"},  # openai.OpenAI
    "twilio": {"client", "verify"},  # twilio.rest.Client; X-Twilio-Signature
    "smtp": {"client"},  # the server and its SMTP login
    "caldav": {"client"},  # caldav.DAVClient (basic)
    "microsoft_graph": {"prepare", "authenticate", "renews"},  # an app token (client credentials)
    "google_service_account": {"prepare", "authenticate", "renews", "client"},  # JWT grant; gspread
    "google_oauth": {"prepare", "authenticate", "renews", "client"},  # refresh-token grant; gspread
}
# A kind that neither authenticates a request nor builds a client says here why.
NEITHER = {"webhook_secret": "its secrets sign outbound deliveries and verify inbound ones; it calls no API"}


def uses(kind: Kind) -> set[str]:
    """The methods of USES the kind implements itself rather than inheriting the base class's refusal."""
    return {name for name in USES if getattr(type(kind), name) is not getattr(Kind, name)}


def use_problems(kind: Kind) -> list[str]:
    """Why a kind's methods do not add up: requests it would send unauthenticated, or a kind with no use."""
    found, problems = uses(kind), []
    if "prepare" in found and "authenticate" not in found:
        problems.append(f"{kind.key} makes requests (prepare) but does not authenticate them")
    if "authenticate" in found and "prepare" not in found:
        problems.append(f"{kind.key} authenticates requests that the base class's prepare refuses to make")
    if "renews" in found and "authenticate" not in found:
        problems.append(f"{kind.key} renews a token it never sends")
    if not found & {"authenticate", "client"} and kind.key not in NEITHER:
        problems.append(f"{kind.key} neither authenticates a request nor builds a client, and NEITHER says not why")
    return problems


@pytest.mark.parametrize("path", kinds.KINDS, ids=lambda path: path.rpartition(".")[2])
def test_every_kind_authenticates_the_requests_it_makes_or_builds_a_client(path):
    kind = next(k for k in kinds.all() if f"{type(k).__module__}.{type(k).__name__}" == path)

    assert use_problems(kind) == []
    assert uses(kind) == TABLE[kind.key]


def test_the_use_check_finds_a_kind_that_sends_requests_unauthenticated_or_does_nothing():
    class Bare(Kind):
        key = "bare"

        def prepare(self, resolved, out, services):
            out.url = "https://api.example.com" + out.url

    class Idle(Kind):
        key = "idle"

    assert use_problems(Bare()) == [
        "bare makes requests (prepare) but does not authenticate them",
        "bare neither authenticates a request nor builds a client, and NEITHER says not why",
    ]
    assert use_problems(Idle()) == [
        "idle neither authenticates a request nor builds a client, and NEITHER says not why"
    ]
    assert set(TABLE) == {k.key for k in kinds.all()}  # the table names every registered kind, and no other
