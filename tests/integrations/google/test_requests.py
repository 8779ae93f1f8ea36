"""A Google credential authenticates plain requests (the REST API node, `connection.request`) with a bearer token.

The local Google issues the tokens (JWT grant, refresh-token grant) and answers Sheets and Calendar requests, keeping
each request's headers; the credential's endpoint override points Google's API hosts at it.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict

import pytest

from integrations import kinds
from integrations.errors import OutboundError
from integrations.services import Services
from nodes.integrations.rest_api import RestApiConfig
from tests.integrations.nodes.support import problems, run

from .conftest import EMAIL

pytestmark = pytest.mark.django_db

BOOK = "1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms"
VALUES_URL = f"https://sheets.googleapis.com/v4/spreadsheets/{BOOK}/values/Leads!A1:B2"
SHEETS = "https://www.googleapis.com/auth/spreadsheets"
CALENDAR = "https://www.googleapis.com/auth/calendar"


@pytest.fixture
def leads(google):
    google.spreadsheet(BOOK, "Leads 2025", {"Leads": [["Name", "Email"], ["Ada Lovelace", "ada@example.com"]]})
    return google


def rest(cred, url: str = VALUES_URL, **data):
    return {"url": url, "credential": cred.pk, "save_as": "reply", "retry": {"attempts": 1, "backoff_s": 0}, **data}


def log_text(caplog) -> str:
    return "\n".join(f"{r.getMessage()} {r.exc_text or ''}" for r in caplog.records)


def test_a_rest_api_node_calls_a_google_api_with_the_service_accounts_bearer_token(leads, make_sa, svc, caplog):
    with caplog.at_level(logging.DEBUG):
        turn = run("rest_api", rest(make_sa()), svc)

    assert turn.handle == "success", turn.error
    assert turn.variables["reply"]["body"]["values"] == [["Name", "Email"], ["Ada Lovelace", "ada@example.com"]]
    (token,) = leads.tokens
    (request,) = leads.calls("sheets.spreadsheets.values.get")
    assert request["headers"]["authorization"] == f"Bearer {token}"
    # The token came from a JWT the key signed, for the default request scopes (Sheets and Calendar).
    (grant,) = leads.grants
    assert grant["claims"]["iss"] == EMAIL and grant["claims"]["scope"] == f"{SHEETS} {CALENDAR}"
    # Neither the token nor the assertion that bought it shows in the step, its recorded exchanges or the log.
    steps = json.dumps([asdict(s) for s in turn.result.steps], default=str)
    assertion = grant["form"]["assertion"]
    for secret in (token, assertion, token.removeprefix("ya29.")):
        assert secret not in steps
        assert secret not in log_text(caplog)
    urls = [e["request"]["url"] for e in turn.exchanges]
    assert urls == [f"{leads.base}/token", f"{leads.base}/v4/spreadsheets/{BOOK}/values/Leads!A1:B2"]
    assert "[redacted]" in json.dumps(turn.exchanges)  # the bearer header and the token request are there, masked


def test_a_revoked_token_gets_one_fresh_token_and_the_retry_succeeds(leads, make_sa, svc):
    cred = make_sa()
    assert run("rest_api", rest(cred), svc).handle == "success"
    (revoked,) = leads.tokens
    leads.tokens.clear()  # Google no longer takes it; the run's cache still holds it

    turn = run("rest_api", rest(cred), svc)

    assert turn.handle == "success", turn.error
    (fresh,) = leads.tokens
    assert fresh != revoked and len(leads.grants) == 2
    sent = [r["headers"]["authorization"] for r in leads.calls("sheets.spreadsheets.values.get")]
    assert sent == [f"Bearer {revoked}", f"Bearer {revoked}", f"Bearer {fresh}"]
    statuses = [(e["response"] or {}).get("status") for e in turn.exchanges]
    assert statuses == [401, 200, 200]  # the refused call, the token endpoint, the retry
    assert fresh not in json.dumps(turn.exchanges) and revoked not in json.dumps(turn.exchanges)
    # The fresh token is the cached one now: a later run fetches none.
    later = Services(flow_id="flow-7")
    assert run("rest_api", rest(cred), later).handle == "success"
    later.close()
    assert len(leads.grants) == 2


def test_the_scopes_setting_names_the_tokens_scopes(leads, make_sa, svc):
    drive = "https://www.googleapis.com/auth/drive.readonly"
    cred = make_sa(scopes=f"{drive}   {SHEETS}")

    assert run("rest_api", rest(cred), svc).handle == "success"
    assert leads.grants[0]["claims"]["scope"] == f"{drive} {SHEETS}"


def test_an_oauth_credential_authenticates_with_its_refresh_token(google, make_oauth, svc):
    google.calendar("primary", "Dr Who", "Europe/London")

    turn = run("rest_api", rest(make_oauth(), "https://www.googleapis.com/calendar/v3/calendars/primary"), svc)

    assert turn.handle == "success", turn.error
    assert turn.variables["reply"]["body"]["summary"] == "Dr Who"
    (grant,) = google.grants
    assert grant["form"]["grant_type"] == "refresh_token"
    (token,) = google.tokens
    assert google.calls("calendar.calendars.get")[0]["headers"]["authorization"] == f"Bearer {token}"
    step = json.dumps(asdict(turn.step), default=str)
    for secret in (token, "1//refresh-abc", "secret-xyz"):
        assert secret not in step


def test_the_token_goes_to_google_only(leads, make_sa, svc, server):
    server.expect_request("/steal").respond_with_json({"got": "it"})
    cred = make_sa()

    elsewhere = run("rest_api", rest(cred, server.url_for("/steal")), svc)
    plain_http = run("rest_api", rest(cred, VALUES_URL.replace("https://", "http://")), svc)
    conn = svc.connection(cred.pk, kinds=["google_service_account"])
    with pytest.raises(OutboundError) as relative:
        conn.request("GET", "/v4/spreadsheets", timeout_s=5)

    assert elsewhere.handle == "error" and plain_http.handle == "error"
    assert elsewhere.error.endswith(f"is not sent to 127.0.0.1:{server.port}.")
    assert plain_http.error.endswith("is not sent to sheets.googleapis.com.")
    assert str(relative.value).startswith("The Google credential 'Google bot ") and "not '/v4/spreadsheets'" in str(
        relative.value
    )
    assert server.log == [] and leads.grants == [] and leads.requests == []  # nothing sent, not even a token asked


def test_the_rest_api_node_offers_google_credentials_and_needs_a_full_url_with_them(leads, make_sa, svc):
    cred = make_sa()

    schema = RestApiConfig.model_json_schema()["properties"]["credential"]
    relative = run("rest_api", rest(cred, "/v4/spreadsheets"), svc)

    assert schema["x-credential-kinds"] == ["api_connection", "google_service_account", "google_oauth"]
    assert problems("rest_api", rest(cred)) == {}
    assert relative.handle == "error" and relative.error == (
        "The URL '/v4/spreadsheets' cannot be called: Give a full URL starting with https:// (or pick an API "
        "connection that has a base URL)."
    )
    assert leads.requests == []


def test_scopes_that_are_not_scope_urls_are_refused_with_a_sentence():
    kind = kinds.get("google_service_account")

    found = kind.clean({"scopes": "https://www.googleapis.com/auth/drive spreadsheets"}, {})

    assert found == {
        "scopes": "'spreadsheets' is not a scope: give scope URLs separated by spaces, such as "
        "https://www.googleapis.com/auth/drive.readonly."
    }
    assert kind.clean({"scopes": "openid email https://www.googleapis.com/auth/drive"}, {}) == {}


def test_the_token_request_goes_through_the_ssrf_guard(leads, make_sa, svc, settings):
    cred = make_sa()
    settings.SSRF_ALLOW = []  # the local Google is on loopback, which the guard refuses unless allowed

    turn = run("rest_api", rest(cred), svc)

    assert turn.handle == "error"
    assert turn.error == (
        f"GET {VALUES_URL} failed: Refused to connect to 127.0.0.1 (loopback address): outbound requests may only "
        "reach public addresses. An admin can allow it with SSRF_ALLOW."
    )
    # What was refused is the token request: the API request was never tried.
    assert [e["request"]["url"] for e in turn.exchanges] == [f"{leads.base}/token"]
    assert leads.grants == [] and leads.requests == []
