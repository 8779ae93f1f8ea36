"""The guarded client against real local servers: pinning, methods and bodies, limits, timeouts, retries, redirects."""

from __future__ import annotations

import datetime
import gzip
import json
import socket
import ssl
import time
from email.utils import format_datetime

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from integrations.errors import OutboundError, ResponseTooLarge, TransportError
from integrations.http import GuardedClient, Retry
from tests.support.tls import self_signed

from .conftest import Arrivals, free_port, url

# --- connect to the address that was checked ---------------------------------------------------------------------


@pytest.fixture
def lookups(monkeypatch):
    """Every getaddrinfo call in this process, answered by the real resolver."""
    calls: list[str] = []
    real = socket.getaddrinfo

    def recording(host, *args, **kwargs):
        calls.append(host if isinstance(host, str) else host.decode())
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", recording)
    return calls


def test_each_hop_is_resolved_exactly_once(server, lookups):
    port = server.port
    server.expect_request("/a").respond_with_response(
        Response(status=302, headers={"Location": f"http://localhost:{port}/b"})
    )
    server.expect_request("/b").respond_with_data("arrived")
    client = GuardedClient(allow=["localhost"])
    response = client.request("GET", f"http://localhost:{port}/a")
    assert response.text == "arrived" and response.url == f"http://localhost:{port}/b"
    assert lookups == ["localhost", "localhost"]  # one per hop; the connection itself resolves nothing


def test_the_connection_keeps_the_url_host_name(server, lookups):
    server.expect_request("/", headers={"Host": f"localhost:{server.port}"}).respond_with_data("named")
    response = GuardedClient(allow=["localhost"]).request("GET", url(server, host="localhost"))
    assert response.text == "named"
    assert lookups == ["localhost"]


def test_every_checked_address_is_tried_before_giving_up(server, lookups):
    """`localhost` may also resolve to ::1 where nothing listens; the checked IPv4 address still answers."""
    server.expect_request("/").respond_with_data("ok")
    client = GuardedClient(allow=["localhost"])
    for _ in range(3):
        assert client.request("GET", url(server, host="localhost")).status == 200
    assert lookups == ["localhost"] * 3


# --- TLS: pinned TCP, but SNI and the certificate check use the URL's host name ----------------------------------


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory):
    cert = self_signed(tmp_path_factory.mktemp("tls"))
    cert_file, key_file = cert.cert_file, cert.key_file
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    server_names: list[str | None] = []
    context.sni_callback = lambda sock, server_name, ctx: server_names.append(server_name)
    server = HTTPServer(host="127.0.0.1", port=0, ssl_context=context, threaded=True)
    server.start()
    server.expect_request("/").respond_with_data("over tls")
    yield server, cert_file, server_names
    server.stop()


def test_tls_verifies_the_certificate_for_the_url_host(tls_server, lookups):
    server, ca_file, server_names = tls_server
    client = GuardedClient(allow=["localhost", "127.0.0.1"], ca_bundle=ca_file)
    response = client.request("GET", f"https://localhost:{server.port}/")
    assert response.text == "over tls"
    assert server_names[-1] == "localhost" and lookups == ["localhost"]
    with pytest.raises(TransportError, match=r"^The TLS certificate of 127\.0\.0\.1 was not accepted: .*mismatch"):
        client.request("GET", f"https://127.0.0.1:{server.port}/", retry=Retry(attempts=3, backoff_s=0.01))
    assert client.exchanges[-1]["attempts"] == 1  # a rejected certificate is not retried


def test_tls_refuses_an_unknown_authority(tls_server):
    server, _ca_file, _ = tls_server
    with pytest.raises(TransportError, match=r"^The TLS certificate of localhost was not accepted: .*self.signed"):
        GuardedClient(allow=["localhost"]).request("GET", f"https://localhost:{server.port}/")


# --- methods, bodies, answers ------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"])
def test_methods(method, server, loopback_client):
    server.expect_request("/thing", method=method).respond_with_json({"method": method}, status=200)
    response = loopback_client.request(method.lower(), url(server, "/thing"))
    assert response.status == 200 and response.ok
    assert response.json() == {"method": method} if method != "HEAD" else response.content == b""


def test_json_body_query_and_headers(server, loopback_client):
    server.expect_request(
        "/items",
        method="POST",
        query_string={"page": "2", "q": "a b"},
        headers={"X-Trace": "t1", "Content-Type": "application/json"},
        json={"name": "Zoë", "n": 3},
    ).respond_with_json({"id": 7}, status=201, headers={"X-Request-Id": "r-1"})
    response = loopback_client.request(
        "POST",
        url(server, "/items"),
        params={"page": 2, "q": "a b"},
        headers={"X-Trace": "t1"},
        json={"name": "Zoë", "n": 3},
    )
    assert response.status == 201 and response.json() == {"id": 7}
    assert response.headers["x-request-id"] == "r-1"  # headers are case-insensitive


def test_form_raw_and_bytes_bodies(server, loopback_client):
    seen = Arrivals()
    server.expect_request("/in").respond_with_handler(seen)
    loopback_client.request("POST", url(server, "/in"), data={"a": "1", "b": "x y"})
    loopback_client.request("PUT", url(server, "/in"), data="<note>é</note>", headers={"Content-Type": "text/xml"})
    loopback_client.request("POST", url(server, "/in"), data=b"\x00\x01binary")
    assert [r["body"] for r in seen.requests] == [b"a=1&b=x+y", "<note>é</note>".encode(), b"\x00\x01binary"]
    assert seen.requests[0]["headers"]["Content-Type"] == "application/x-www-form-urlencoded"
    assert seen.requests[1]["headers"]["Content-Type"] == "text/xml"


def test_non_2xx_is_returned_not_raised(server, loopback_client):
    server.expect_request("/missing").respond_with_data("nope", status=404)
    response = loopback_client.request("GET", url(server, "/missing"), retry=Retry(attempts=3, backoff_s=0.01))
    assert (response.status, response.ok, response.text, response.attempts) == (404, False, "nope", 1)


def test_text_uses_the_declared_charset(server, loopback_client):
    server.expect_request("/latin").respond_with_data(
        "café".encode("latin-1"), content_type="text/plain; charset=iso-8859-1"
    )
    assert loopback_client.request("GET", url(server, "/latin")).text == "café"


def test_gzip_answers_are_decoded(server, loopback_client):
    server.expect_request("/z").respond_with_data(gzip.compress(b'{"ok": true}'), headers={"Content-Encoding": "gzip"})
    assert loopback_client.request("GET", url(server, "/z")).json() == {"ok": True}


# --- size and time limits ----------------------------------------------------------------------------------------


def test_a_declared_length_over_the_limit_is_refused_unread(server, loopback_client, settings):
    settings.HTTP_MAX_RESPONSE_BYTES = 1000
    server.expect_request("/big").respond_with_data(b"x" * 2000)
    server.expect_request("/fits").respond_with_data(b"x" * 1000)
    with pytest.raises(ResponseTooLarge) as caught:
        loopback_client.request("GET", url(server, "/big"))
    assert str(caught.value) == "The answer from 127.0.0.1 is larger than the 1000 bytes allowed (2 KB)."
    assert len(loopback_client.request("GET", url(server, "/fits")).content) == 1000


def test_head_of_a_large_resource_is_fine(server, loopback_client, settings):
    settings.HTTP_MAX_RESPONSE_BYTES = 1000
    server.expect_request("/big", method="HEAD").respond_with_data(b"x" * 5000)
    response = loopback_client.request("HEAD", url(server, "/big"))
    assert response.status == 200 and response.headers["Content-Length"] == "5000" and response.content == b""


def test_a_chunked_answer_is_cut_off_at_the_limit(server, loopback_client, settings):
    settings.HTTP_MAX_RESPONSE_BYTES = 64 * 1024
    sent: list[int] = []

    def endless(request: Request) -> Response:
        def chunks():
            for _ in range(10_000):
                sent.append(1)
                yield b"y" * 4096

        return Response(chunks(), headers={"Content-Type": "text/plain"})  # no Content-Length: chunked

    server.expect_request("/stream").respond_with_handler(endless)
    with pytest.raises(ResponseTooLarge, match=r"^The answer from 127\.0\.0\.1 is larger than the 64 KB allowed\.$"):
        loopback_client.request("GET", url(server, "/stream"))
    assert len(sent) < 1000  # the client stopped reading; the server did not stream 40 MB


def test_the_limit_applies_to_the_decompressed_body(server, loopback_client, settings):
    settings.HTTP_MAX_RESPONSE_BYTES = 100 * 1024
    bomb = gzip.compress(b"\0" * (5 * 1024 * 1024))
    assert len(bomb) < 10 * 1024
    server.expect_request("/bomb").respond_with_data(bomb, headers={"Content-Encoding": "gzip"})
    with pytest.raises(ResponseTooLarge):
        loopback_client.request("GET", url(server, "/bomb"))


def test_a_slow_server_times_out_with_a_clear_message(server, loopback_client):
    server.expect_request("/slow").respond_with_handler(Arrivals(delay_s=1.5))
    started = time.monotonic()
    with pytest.raises(TransportError) as caught:
        loopback_client.request("GET", url(server, "/slow"), timeout_s=0.4)
    assert str(caught.value) == "The server at 127.0.0.1 did not answer within 0.4 s."
    assert time.monotonic() - started < 1.2


# --- retries -----------------------------------------------------------------------------------------------------


class Sequence_:
    """Answers with the given (status, headers) in turn, then 200; records arrival times and bodies."""

    def __init__(self, *answers: tuple[int, dict]):
        self.answers = list(answers)
        self.arrivals = Arrivals()

    def __call__(self, request: Request) -> Response:
        self.arrivals(request)
        if self.answers:
            status, headers = self.answers.pop(0)
            return Response("busy", status=status, headers=headers)
        return Response("done", status=200)


def test_a_5xx_is_retried_with_the_same_body(server, loopback_client):
    handler = Sequence_((503, {}))
    server.expect_request("/flaky", method="POST").respond_with_handler(handler)
    response = loopback_client.request(
        "POST", url(server, "/flaky"), json={"order": 42}, retry=Retry(attempts=3, backoff_s=0.01)
    )
    assert (response.status, response.text, response.attempts) == (200, "done", 2)
    bodies = [r["body"] for r in handler.arrivals.requests]
    assert bodies == [json.dumps({"order": 42}).encode()] * 2
    assert loopback_client.exchanges[-1]["attempts"] == 2


def test_a_file_body_is_re_sent_identically(server, loopback_client, tmp_path):
    handler = Sequence_((500, {}), (502, {}))
    server.expect_request("/upload", method="PUT").respond_with_handler(handler)
    payload = tmp_path / "payload.bin"
    payload.write_bytes(b"line one\nline two\n")
    with payload.open("rb") as body:
        response = loopback_client.request(
            "PUT", url(server, "/upload"), data=body, retry=Retry(attempts=3, backoff_s=0)
        )
    assert response.attempts == 3
    assert [r["body"] for r in handler.arrivals.requests] == [b"line one\nline two\n"] * 3


def test_the_last_5xx_is_returned_when_attempts_run_out(server, loopback_client):
    server.expect_request("/down").respond_with_data("down", status=503)
    response = loopback_client.request("GET", url(server, "/down"), retry=Retry(attempts=2, backoff_s=0.01))
    assert (response.status, response.attempts, len(server.log)) == (503, 2, 2)


def test_429_waits_as_retry_after_says(server, loopback_client):
    handler = Sequence_((429, {"Retry-After": "1"}))
    server.expect_request("/limited").respond_with_handler(handler)
    response = loopback_client.request("GET", url(server, "/limited"), retry=Retry(attempts=2, backoff_s=0.01))
    assert response.status == 200 and response.attempts == 2
    first, second = handler.arrivals.times
    assert second - first >= 1.0


def test_retry_after_as_an_http_date(server, loopback_client):
    when = datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=2)
    handler = Sequence_((503, {"Retry-After": format_datetime(when, usegmt=True)}))
    server.expect_request("/date").respond_with_handler(handler)
    loopback_client.request("GET", url(server, "/date"), retry=Retry(attempts=2, backoff_s=0.01))
    first, second = handler.arrivals.times
    assert 0.9 <= second - first <= 10  # waited for the date (the upper bound only spots a far longer wait)


def test_retry_after_is_capped(server, loopback_client):
    handler = Sequence_((429, {"Retry-After": "3600"}))
    server.expect_request("/cap").respond_with_handler(handler)
    response = loopback_client.request(
        "GET", url(server, "/cap"), retry=Retry(attempts=2, backoff_s=0.01, max_backoff_s=0.3)
    )
    first, second = handler.arrivals.times
    assert response.status == 200 and 0.25 <= second - first < 30  # capped at 0.3 s, not the 3600 s asked


def test_backoff_is_exponential_with_full_jitter():
    policy = Retry(attempts=5, backoff_s=0.5, max_backoff_s=3.0)
    samples = {attempt: [policy.backoff(attempt) for _ in range(400)] for attempt in (1, 2, 3, 4)}
    for attempt, ceiling in ((1, 0.5), (2, 1.0), (3, 2.0), (4, 3.0)):
        values = samples[attempt]
        assert 0 <= min(values) < ceiling * 0.1 and ceiling * 0.9 < max(values) <= ceiling


def test_connection_refused_is_retried_then_reported(loopback_client):
    port = free_port()
    with pytest.raises(TransportError) as caught:
        loopback_client.request("GET", f"http://127.0.0.1:{port}/", retry=Retry(attempts=3, backoff_s=0.01))
    assert str(caught.value) == f"Could not connect to 127.0.0.1 on port {port}: connection refused."
    assert loopback_client.exchanges[-1]["attempts"] == 3
    assert loopback_client.exchanges[-1]["error"] == str(caught.value)


def test_a_timeout_is_retried(server, loopback_client):
    calls = []

    def slow_once(request: Request) -> Response:
        calls.append(1)
        if len(calls) == 1:
            time.sleep(0.8)
        return Response("fast now")

    server.expect_request("/once").respond_with_handler(slow_once)
    response = loopback_client.request("GET", url(server, "/once"), timeout_s=0.3, retry=Retry(attempts=2, backoff_s=0))
    assert (response.text, response.attempts) == ("fast now", 2)


# --- redirects ---------------------------------------------------------------------------------------------------


def test_redirect_methods_follow_browser_rules(server, loopback_client):
    seen = Arrivals()
    server.expect_request("/see-other").respond_with_response(Response(status=303, headers={"Location": "/landing"}))
    server.expect_request("/temporary").respond_with_response(Response(status=307, headers={"Location": "/landing"}))
    server.expect_request("/landing").respond_with_handler(seen)
    loopback_client.request("POST", url(server, "/see-other"), json={"a": 1})
    loopback_client.request("POST", url(server, "/temporary"), json={"a": 1})
    assert [(r["method"], r["body"]) for r in seen.requests] == [("GET", b""), ("POST", b'{"a": 1}')]


def test_credentials_are_dropped_when_a_redirect_changes_host(server, server2):
    seen = Arrivals()
    server.expect_request("/same").respond_with_response(Response(status=302, headers={"Location": "/here"}))
    server.expect_request("/here").respond_with_handler(seen)
    server.expect_request("/away").respond_with_response(
        Response(status=302, headers={"Location": url(server2, "/there")})
    )
    server2.expect_request("/there").respond_with_handler(seen)
    client = GuardedClient(allow=["127.0.0.0/8"])
    secret_headers = {
        "Authorization": "Bearer t0k3n-abc",
        "X-API-Key": "k3y-abc",
        "Cookie": "sid=1",
        "X-Shop-Key": "custom-k3y",  # a key under a header name nothing recognises
        "Accept": "application/json",
    }
    client.request("GET", url(server, "/same"), headers=secret_headers)
    client.request("GET", url(server, "/away"), headers=secret_headers)
    same, other = seen.requests
    assert same["headers"]["Authorization"] == "Bearer t0k3n-abc" and same["headers"]["X-Api-Key"] == "k3y-abc"
    assert same["headers"]["X-Shop-Key"] == "custom-k3y"
    assert not {"Authorization", "X-Api-Key", "Cookie", "X-Shop-Key"} & set(other["headers"])
    assert other["headers"]["Accept"] == "application/json"


def test_too_many_redirects(server, loopback_client, settings):
    settings.HTTP_MAX_REDIRECTS = 3
    server.expect_request("/loop").respond_with_response(Response(status=302, headers={"Location": "/loop"}))
    with pytest.raises(TransportError, match=r"^The server at 127\.0\.0\.1 redirected more than 3 times\.$"):
        loopback_client.request("GET", url(server, "/loop"), retry=Retry(attempts=3, backoff_s=0))
    assert len(server.log) == 4


def test_redirects_can_be_left_unfollowed(server, loopback_client):
    server.expect_request("/moved").respond_with_response(Response(status=301, headers={"Location": "/new"}))
    response = loopback_client.request("GET", url(server, "/moved"), allow_redirects=False)
    assert response.status == 301 and response.headers["Location"] == "/new"


def test_bad_input_fails_clearly(loopback_client):
    with pytest.raises(OutboundError, match="is not an HTTP method"):
        loopback_client.request("GE T", "http://127.0.0.1/")
    with pytest.raises(OutboundError, match="JSON body cannot be encoded"):
        loopback_client.request("POST", "http://127.0.0.1/", json={"when": object()})
    with pytest.raises(OutboundError, match="The URL is empty"):
        loopback_client.request("GET", "")
