"""Services: credentials resolved and audited per run, and every auth type applied as the local server receives it."""

from __future__ import annotations

import base64
import json
import time
import uuid

import pytest
from werkzeug import Request, Response

from integrations.credentials import CredentialError
from integrations.models import CredentialEvent
from integrations.services import Services

from .conftest import make_credential

pytestmark = pytest.mark.django_db


def received(httpserver) -> list[Request]:
    return [request for request, _ in httpserver.log]


def api(base_url: str, auth_type: str, **extra) -> dict:
    return {"base_url": base_url, "auth_type": auth_type, **extra}


def call(credential, method="GET", path="/me", **kw):
    services = Services(run_id=uuid.uuid4(), flow_id="7")
    cred = services.credential(credential.pk, kinds=["api_connection"], node_id="n1")
    return services, services.api_request(cred, method, path, **kw)


# -- the auth types ---------------------------------------------------------------------------------------------------


def test_bearer_auth_sends_the_token_and_default_headers_yield_to_the_nodes_own(httpserver, base_url):
    httpserver.expect_request("/v1/me").respond_with_json({"id": 1})
    settings = api(f"{base_url}/v1", "bearer", default_headers={"X-Tenant": "acme", "Accept": "text/plain"})
    credential = make_credential("CRM", settings=settings, token="tok-bearer-123456")

    services, response = call(credential, headers={"Accept": "application/json"})

    assert response.status == 200 and response.json() == {"id": 1}
    (request,) = received(httpserver)
    assert request.path == "/v1/me"
    assert request.headers["Authorization"] == "Bearer tok-bearer-123456"
    assert request.headers["X-Tenant"] == "acme" and request.headers["Accept"] == "application/json"
    assert "tok-bearer-123456" not in json.dumps(services.http.exchanges)


def test_basic_auth_sends_username_and_password(httpserver, base_url):
    httpserver.expect_request("/me").respond_with_data("ok")
    credential = make_credential("Legacy", settings=api(base_url, "basic", username="ada"), password="pä55word")

    services, response = call(credential)

    (request,) = received(httpserver)
    assert request.headers["Authorization"] == "Basic " + base64.b64encode("ada:pä55word".encode()).decode()
    assert request.authorization.username == "ada" and request.authorization.password == "pä55word"
    assert "pä55word" not in json.dumps(services.http.exchanges, ensure_ascii=False)


def test_an_api_key_goes_in_the_named_header(httpserver, base_url):
    httpserver.expect_request("/me").respond_with_data("ok")
    settings = api(base_url, "api_key", api_key_name="X-Shop-Key", api_key_in="header")
    credential = make_credential("Shop", settings=settings, api_key="key-in-header-0001")

    services, response = call(credential)

    (request,) = received(httpserver)
    assert request.headers["X-Shop-Key"] == "key-in-header-0001"
    assert "Authorization" not in request.headers
    assert "key-in-header-0001" not in json.dumps(services.http.exchanges)


def test_an_api_key_goes_in_the_query_next_to_the_nodes_parameters(httpserver, base_url):
    httpserver.expect_request("/search").respond_with_data("ok")
    settings = api(base_url, "api_key", api_key_name="apikey", api_key_in="query")
    credential = make_credential("Maps", settings=settings, api_key="key-in-query-0002")

    services, response = call(credential, path="search", params={"q": "coffee"})

    (request,) = received(httpserver)
    assert request.args.to_dict() == {"q": "coffee", "apikey": "key-in-query-0002"}
    assert "key-in-query-0002" not in json.dumps(services.http.exchanges)


def test_no_auth_sends_no_credential_and_a_full_url_on_the_same_origin_is_fine(httpserver, base_url):
    httpserver.expect_request("/open").respond_with_data("ok")
    credential = make_credential("Open", settings=api(f"{base_url}/v1", "none"))

    _, response = call(credential, path=f"{base_url}/open")

    assert response.status == 200
    assert "Authorization" not in received(httpserver)[0].headers


def test_a_credential_is_not_sent_to_another_origin_by_a_full_url(httpserver, base_url):
    credential = make_credential("CRM", settings=api(base_url, "bearer"), token="tok-stays-home-1")

    with pytest.raises(CredentialError) as caught:
        call(credential, path="http://127.0.0.2:9/collect")

    assert str(caught.value) == (
        f"The credential 'CRM' is for 127.0.0.1:{httpserver.port}, so it is not sent to 127.0.0.2:9; "
        "give a path relative to its base URL."
    )
    assert received(httpserver) == []


# -- OAuth2 client credentials ----------------------------------------------------------------------------------------


class TokenServer:
    """A token endpoint issuing tok-1, tok-2, ... and an API that takes only the latest token (older are revoked)."""

    def __init__(self, httpserver, expires_in: int = 3600):
        self.issued: list[str] = []
        self.token_requests: list[dict] = []
        self.expires_in = expires_in
        httpserver.expect_request("/oauth/token", method="POST").respond_with_handler(self.token)
        httpserver.expect_request("/api/data").respond_with_handler(self.data)

    def token(self, request: Request) -> Response:
        self.token_requests.append(
            {"form": request.form.to_dict(), "authorization": request.headers.get("Authorization")}
        )
        self.issued.append(f"tok-{len(self.issued) + 1}-{uuid.uuid4().hex[:8]}")
        body = {"access_token": self.issued[-1], "token_type": "Bearer", "expires_in": self.expires_in}
        return Response(json.dumps(body), content_type="application/json")

    def data(self, request: Request) -> Response:
        if self.issued and request.headers.get("Authorization") == f"Bearer {self.issued[-1]}":
            return Response(json.dumps({"rows": 3}), content_type="application/json")
        return Response(json.dumps({"error": "invalid_token"}), status=401, content_type="application/json")


def oauth_credential(base_url: str, **extra):
    settings = api(
        f"{base_url}/api",
        "oauth2",
        token_url=f"{base_url}/oauth/token",
        client_id="client-üser",
        scope="read write",
        **extra,
    )
    return make_credential(f"OAuth {uuid.uuid4().hex[:6]}", settings=settings, client_secret="cs-secret-0123456")


def test_oauth2_fetches_a_token_once_and_reuses_it_across_runs(httpserver, base_url):
    server = TokenServer(httpserver)
    credential = oauth_credential(base_url)

    first_services, first = call(credential, path="data")
    second_services, second = call(credential, path="data")

    assert first.status == second.status == 200
    assert len(server.token_requests) == 1
    (token_request,) = server.token_requests
    assert token_request["form"] == {"grant_type": "client_credentials", "scope": "read write"}
    # RFC 6749 2.3.1: HTTP basic with each part form-urlencoded.
    assert token_request["authorization"] == "Basic " + base64.b64encode(b"client-%C3%BCser:cs-secret-0123456").decode()
    api_calls = [r for r in received(httpserver) if r.path == "/api/data"]
    assert [r.headers["Authorization"] for r in api_calls] == [f"Bearer {server.issued[0]}"] * 2
    for services in (first_services, second_services):
        recorded = json.dumps(services.http.exchanges)
        assert server.issued[0] not in recorded and "cs-secret-0123456" not in recorded
    assert [e["request"]["url"].rsplit("/", 1)[-1] for e in first_services.http.exchanges] == ["token", "data"]


def test_oauth2_can_send_the_client_credentials_in_the_form_body(httpserver, base_url):
    server = TokenServer(httpserver)
    credential = oauth_credential(base_url, token_auth="form")

    call(credential, path="data")

    (token_request,) = server.token_requests
    assert token_request["authorization"] is None
    assert token_request["form"] == {
        "grant_type": "client_credentials",
        "scope": "read write",
        "client_id": "client-üser",
        "client_secret": "cs-secret-0123456",
    }


def test_oauth2_fetches_a_new_token_once_the_cached_one_nears_its_expiry(httpserver, base_url):
    server = TokenServer(httpserver, expires_in=31)  # cached for 31 - 30 = 1 s
    credential = oauth_credential(base_url)

    call(credential, path="data")
    call(credential, path="data")
    assert len(server.token_requests) == 1
    time.sleep(1.2)
    _, response = call(credential, path="data")

    assert response.status == 200
    assert len(server.token_requests) == 2


def test_oauth2_drops_a_token_the_api_refuses_fetches_a_new_one_and_retries_once(httpserver, base_url):
    server = TokenServer(httpserver)
    credential = oauth_credential(base_url)
    call(credential, path="data")
    server.issued.append("tok-issued-elsewhere")  # the server revokes tok-1: only the newest token is taken now

    services, response = call(credential, path="data")

    assert response.status == 200 and response.json() == {"rows": 3}
    assert len(server.token_requests) == 2
    statuses = [e["response"]["status"] for e in services.http.exchanges if e["request"]["url"].endswith("/data")]
    assert statuses == [401, 200]
    _, third = call(credential, path="data")  # the fresh token was cached
    assert third.status == 200 and len(server.token_requests) == 2


def test_a_refused_token_request_is_a_clear_credential_error(httpserver, base_url):
    httpserver.expect_request("/oauth/token", method="POST").respond_with_json(
        {"error": "invalid_client", "error_description": "unknown client"}, status=401
    )
    credential = oauth_credential(base_url)

    with pytest.raises(CredentialError) as caught:
        call(credential, path="data")

    assert str(caught.value) == (
        f"The token endpoint at 127.0.0.1:{httpserver.port} refused the client credentials of "
        f"{credential.name!r}: HTTP 401 (invalid_client: unknown client)."
    )


def test_changing_the_credential_drops_its_cached_token(httpserver, base_url):
    server = TokenServer(httpserver)
    credential = oauth_credential(base_url)
    call(credential, path="data")

    credential.settings = {**credential.settings, "scope": "read"}
    credential.save()
    call(credential, path="data")

    assert [t["form"]["scope"] for t in server.token_requests] == ["read write", "read"]


# -- resolution and the audit trail -----------------------------------------------------------------------------------


def test_each_node_that_uses_a_credential_is_audited_with_its_run(base_url):
    credential = make_credential("CRM", settings=api(base_url, "bearer"), token="tok-audit-1234")
    run_id = uuid.uuid4()
    services = Services(run_id=run_id, flow_id="42")

    first = services.credential(credential.pk, kinds=["api_connection"], node_id="fetch")
    again = services.credential(str(credential.pk), kinds=["api_connection"], node_id="fetch")
    services.credential(credential.pk, kinds=["api_connection"], node_id="update")

    assert first.secrets == again.secrets == {"token": "tok-audit-1234"}
    assert "tok-audit-1234" not in repr(first)
    events = CredentialEvent.objects.filter(action="used").order_by("id")
    assert [(e.credential_name, e.run_id, e.flow_id, e.node_id) for e in events] == [
        ("CRM", run_id, "42", "fetch"),
        ("CRM", run_id, "42", "update"),
    ]
    assert services.redact({"echo": "got tok-audit-1234"}) == {"echo": "got [redacted]"}


def test_a_missing_credential_is_a_clear_error():
    with pytest.raises(CredentialError) as caught:
        Services().credential(987654, kinds=["api_connection"])
    assert str(caught.value) == (
        "There is no credential with id 987654 (it may have been deleted); choose another in the node's settings."
    )
    with pytest.raises(CredentialError, match="No credential is chosen; pick one in the node's settings."):
        Services().credential(None, kinds=["api_connection"])  # type: ignore[arg-type]


def test_a_credential_of_another_kind_is_refused_by_name():
    hooks = make_credential("Hooks", "webhook_secret", token="tok-webhook-0123456")
    services = Services()

    with pytest.raises(CredentialError) as caught:
        services.credential(hooks.pk, kinds=["api_connection"])

    assert str(caught.value) == (
        "The credential 'Hooks' is of kind Webhook secret (webhook_secret); "
        "this node needs one of kind API connection (api_connection)."
    )
    assert not CredentialEvent.objects.filter(action="used").exists()
    assert services.credential(hooks.pk, kinds=["webhook_secret"]).secrets["token"] == "tok-webhook-0123456"
    with pytest.raises(CredentialError, match="is of kind Webhook secret"):  # also once resolved for another node
        services.credential(hooks.pk, kinds=["api_connection"])


# -- the credential's own rate limit -------------------------------------------------------------------------------


def test_a_credentials_rate_limit_spaces_its_calls_across_runs(httpserver, base_url):
    """rate_limit "4/s" (burst 4): of 6 calls from two runs, the 5th and 6th each wait their quarter second."""
    arrivals: list[float] = []

    def note(request: Request) -> Response:
        arrivals.append(time.monotonic())
        return Response("ok")

    httpserver.expect_request("/limited").respond_with_handler(note)
    name = f"Limited {uuid.uuid4().hex[:6]}"  # its own bucket, whatever else shares this Redis
    credential = make_credential(name, settings=api(base_url, "bearer", rate_limit="4/s"), token="tok-rate-123456")

    started = time.monotonic()
    for _ in range(3):
        call(credential, path="/limited")
    for _ in range(3):
        call(credential, path="/limited")  # another run (a new Services): the bucket is the credential's, in Redis

    assert len(arrivals) == 6
    # load only delays a call, so none may reach the server before its token was due: the 5th at 0.25 s, the 6th 0.5 s
    assert arrivals[4] - started >= 0.24, [round(t - started, 3) for t in arrivals]
    assert arrivals[5] - started >= 0.49, [round(t - started, 3) for t in arrivals]
    assert arrivals[5] - started < 10  # and the limiter did not hold them back much longer
