"""What is recorded of an exchange (and logged, and raised) carries no secret."""

from __future__ import annotations

import base64
import json
import logging
from urllib.parse import quote, quote_plus

import pytest
from werkzeug import Request, Response

from integrations.errors import TransportError
from integrations.http import GuardedClient, Retry
from integrations.redaction import MASK, Redactor, redact_headers, redact_url

from .conftest import Arrivals, free_port, url

SECRET = "s3cr3t+/Ünï=valüe"


def _forms(secret: str) -> list[str]:
    return [secret, quote(secret, safe=""), quote_plus(secret), json.dumps(secret)[1:-1]]


def _assert_clean(recorded, secret: str = SECRET) -> str:
    text = json.dumps(recorded, ensure_ascii=False)
    for form in _forms(secret):
        assert form not in text, form
    return text


def test_credential_headers_are_masked_in_exchanges_but_sent(server):
    seen = Arrivals()
    server.expect_request("/me").respond_with_handler(seen)
    client = GuardedClient(allow=["127.0.0.1"])
    client.request(
        "GET",
        url(server, "/me"),
        headers={
            "Authorization": "Bearer abc.def.ghi",
            "Cookie": "session=xyz123",
            "X-API-Key": "key-123456",
            "X-Auth-Token": "tok-987654",
            "X-Request-Id": "visible-1",
        },
    )
    sent = seen.requests[0]["headers"]
    assert sent["Authorization"] == "Bearer abc.def.ghi" and sent["X-Api-Key"] == "key-123456"
    recorded = client.exchanges[-1]["request"]["headers"]
    assert recorded["Authorization"] == f"Bearer {MASK}"
    assert recorded["Cookie"] == recorded["X-API-Key"] == recorded["X-Auth-Token"] == MASK
    assert recorded["X-Request-Id"] == "visible-1"


def test_response_cookies_are_masked(server, loopback_client):
    server.expect_request("/login").respond_with_data("ok", headers={"Set-Cookie": "sid=abcdef; HttpOnly"})
    loopback_client.request("POST", url(server, "/login"))
    assert loopback_client.exchanges[-1]["response"]["headers"]["Set-Cookie"] == MASK


def test_a_known_secret_is_masked_in_url_body_and_answer(server):
    def echo(request: Request) -> Response:
        return Response(json.dumps({"you_sent": request.get_json(), "query": request.args["q"]}))

    server.expect_request("/echo").respond_with_handler(echo)
    redactor = Redactor()
    redactor.add(SECRET)
    client = GuardedClient(redactor=redactor, allow=["127.0.0.1"])
    response = client.request("POST", url(server, "/echo"), params={"q": SECRET, "page": "1"}, json={"token": SECRET})
    assert response.json()["query"] == SECRET  # the caller gets the real answer
    exchange = client.exchanges[-1]
    _assert_clean(exchange)
    assert MASK in exchange["request"]["url"] and "page=1" in exchange["request"]["url"]
    assert MASK in exchange["request"]["body"] and MASK in exchange["response"]["body"]
    assert '"you_sent"' in exchange["response"]["body"]  # the rest of the answer stays readable


def test_basic_auth_is_masked_wherever_its_base64_appears(server):
    password = "hunter2-pass"
    token = base64.b64encode(f"alice:{password}".encode()).decode()
    server.expect_request("/basic").respond_with_data(f"echo {token}")
    redactor = Redactor([password])
    client = GuardedClient(redactor=redactor, allow=["127.0.0.1"])
    client.request("GET", url(server, "/basic"), headers={"Authorization": f"Basic {token}"}, data=f"auth={token}")
    text = json.dumps(client.exchanges[-1])
    assert token not in text and password not in text
    assert client.exchanges[-1]["request"]["headers"]["Authorization"] == f"Basic {MASK}"


def test_sensitive_query_names_are_masked_even_when_unknown(server, loopback_client):
    server.expect_request("/q").respond_with_data("ok")
    loopback_client.request("GET", url(server, "/q"), params={"api_key": "abc123", "access_token": "t", "page": "2"})
    recorded = loopback_client.exchanges[-1]["request"]["url"]
    assert recorded.endswith(f"/q?api_key={MASK}&access_token={MASK}&page=2")


def test_a_secret_across_the_excerpt_cut_is_masked_whole(server):
    secret = "ZZZZ-0123456789-secret-tail"
    body = "a" * 2040 + secret + "b" * 5000
    server.expect_request("/long").respond_with_data(body)
    client = GuardedClient(redactor=Redactor([secret]), allow=["127.0.0.1"])
    client.request("GET", url(server, "/long"))
    excerpt = client.exchanges[-1]["response"]["body"]
    assert "ZZZZ-01" not in excerpt and excerpt.startswith("a" * 2040 + MASK[:8])
    assert len(excerpt) < 2100 and excerpt.endswith("[6.9 KB in all]")
    assert client.exchanges[-1]["response"]["bytes"] == len(body)


def test_errors_and_logs_carry_no_secret(caplog):
    redactor = Redactor([SECRET])
    client = GuardedClient(redactor=redactor, allow=["127.0.0.1"])
    port = free_port()
    with caplog.at_level(logging.DEBUG), pytest.raises(TransportError) as caught:
        client.request("GET", f"http://127.0.0.1:{port}/path/{quote(SECRET)}?key={quote(SECRET)}", retry=Retry(2, 0))
    for form in _forms(SECRET):
        assert form not in str(caught.value) and form not in caplog.text
    assert "/path/" not in caplog.text  # logs name method, host and status only
    assert caught.value.__cause__ is None and caught.value.__suppress_context__
    _assert_clean(client.exchanges)


def test_logs_name_method_host_and_status(server, loopback_client, caplog):
    server.expect_request("/private/path").respond_with_data("ok")
    with caplog.at_level(logging.INFO, logger="integrations.http"):
        loopback_client.request("GET", url(server, "/private/path"), params={"q": "x"})
    assert [r.getMessage() for r in caplog.records if r.name == "integrations.http"] == ["GET 127.0.0.1 -> 200"]


# --- the Redactor itself -----------------------------------------------------------------------------------------


def test_redactor_deep_copies_and_masks_every_form():
    redactor = Redactor()
    redactor.add("abcd-1234")
    redactor.add("abc")  # too short to mask safely: ignored
    original = {
        "list": ["x abcd-1234 y", ("abcd%2D1234",), b"bytes abcd-1234"],
        "nested": {"url": "https://h/?k=abcd-1234", "n": 5, "none": None},
        "abcd-1234": "as a key",
        "short": "abc stays",
    }
    snapshot = json.loads(json.dumps(original, default=repr))
    redacted = redactor(original)
    assert redacted["list"] == [f"x {MASK} y", ("abcd%2D1234",), f"bytes {MASK}".encode()]
    assert redacted["nested"] == {"url": f"https://h/?k={MASK}", "n": 5, "none": None}
    assert redacted[MASK] == "as a key" and redacted["short"] == "abc stays"
    assert json.loads(json.dumps(original, default=repr)) == snapshot  # the input is untouched


def test_redactor_masks_header_containers_of_every_shape():
    redactor = Redactor()
    value = {
        "headers": [{"key": "Authorization", "value": "Token {{ secret }}"}, {"key": "Accept", "value": "a/b"}],
        "response": {"headers": {"set-cookie": "a=b", "content-type": "text/plain"}},
        "pairs": {"headers": [("X-Api-Key", "k"), ("Accept", "x")]},
    }
    redacted = redactor(value)
    assert redacted["headers"] == [
        {"key": "Authorization", "value": f"Token {MASK}"},
        {"key": "Accept", "value": "a/b"},
    ]
    assert redacted["response"]["headers"] == {"set-cookie": MASK, "content-type": "text/plain"}
    assert redacted["pairs"]["headers"] == [("X-Api-Key", MASK), ("Accept", "x")]


def test_redact_headers_and_urls():
    headers = {"Proxy-Authorization": "Basic Zm9vOmJhcg==", "Api-Key": "k", "X-Client-Secret": "s", "Accept": "*/*"}
    assert redact_headers(headers) == {
        "Proxy-Authorization": f"Basic {MASK}",
        "Api-Key": MASK,
        "X-Client-Secret": MASK,
        "Accept": "*/*",
    }
    assert redact_url("https://h/p?client_secret=x&q=1#f") == f"https://h/p?client_secret={MASK}&q=1#f"
    assert redact_url("https://h/p") == "https://h/p"
