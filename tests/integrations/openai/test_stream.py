"""GuardedClient.stream(): a body read as it arrives, with every guard of request() (the openai transport's base)."""

from __future__ import annotations

import contextlib
import socket
import threading
import time

import pytest
from werkzeug import Response

from integrations.errors import Blocked, ResponseTooLarge, TransportError
from integrations.http import GuardedClient, Retry
from integrations.redaction import Redactor


def chunked_server(pieces: list[bytes], sent_one: threading.Event | None = None, gap_s: float = 0.0) -> int:
    """One connection: 200 with a chunked body; after the first piece it waits for `sent_one` (set by the reader)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)

    def serve():
        conn, _ = listener.accept()
        with conn, listener, contextlib.suppress(OSError):  # the reader may hang up first (size cap, deadline)
            conn.recv(65536)
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n")
            for i, piece in enumerate(pieces):
                if i == 1 and sent_one is not None:
                    sent_one.wait(5)
                time.sleep(gap_s)
                conn.sendall(b"%x\r\n%s\r\n" % (len(piece), piece))
            conn.sendall(b"0\r\n\r\n")

    threading.Thread(target=serve, daemon=True).start()
    return listener.getsockname()[1]


@pytest.fixture
def client(loopback):
    with GuardedClient(redactor=Redactor(["tok-secret-42"])) as c:
        yield c


def test_each_piece_is_handed_over_as_it_arrives_and_the_exchange_is_recorded_at_the_end(client):
    got_first = threading.Event()
    port = chunked_server([b"data: one\n\n", b"data: tok-secret-42\n\n"], sent_one=got_first)
    pieces = []
    with client.stream("GET", f"http://127.0.0.1:{port}/events", timeout_s=3) as response:
        assert response.status == 200 and response.headers["content-type"] == "text/event-stream"
        for piece in response.iter_bytes():
            pieces.append(piece)
            got_first.set()  # the server sends the second piece only now: a buffering reader would time out
        assert client.exchanges == []  # recorded once the exchange is over

    assert b"".join(pieces) == b"data: one\n\ndata: tok-secret-42\n\n"
    (record,) = client.exchanges
    assert record["response"]["status"] == 200 and record["response"]["bytes"] == 32
    assert record["response"]["body"] == "data: one\n\ndata: [redacted]\n\n"


def test_the_size_cap_holds_while_streaming(client, settings):
    settings.HTTP_MAX_RESPONSE_BYTES = 100
    port = chunked_server([b"x" * 60, b"y" * 60])
    with (
        pytest.raises(ResponseTooLarge, match=r"larger than the 100 bytes allowed"),
        client.stream("GET", f"http://127.0.0.1:{port}/big", timeout_s=3) as response,
    ):
        for _ in response.iter_bytes():
            pass
    assert client.exchanges[0]["error"].startswith("The answer from 127.0.0.1 is larger than")


def test_a_body_slower_than_the_deadline_is_cut_off(client, settings):
    settings.HTTP_CONNECT_TIMEOUT_S = 0.2
    port = chunked_server([b"a", b"b", b"c", b"d"], gap_s=0.5)
    with (
        pytest.raises(TransportError, match=r"did not finish answering within 1 s"),
        client.stream("GET", f"http://127.0.0.1:{port}/slow", timeout_s=1) as response,
    ):
        for _ in response.iter_bytes():
            pass


def test_errors_before_the_body_are_retried_and_redirects_are_checked(client, httpserver_ipv4):
    answers = iter([Response("busy", status=503, headers={"Retry-After": "0"}), Response("data: ok\n\n")])
    httpserver_ipv4.expect_request("/flaky").respond_with_handler(lambda request: next(answers))
    with client.stream("GET", httpserver_ipv4.url_for("/flaky"), retry=Retry(attempts=2, backoff_s=0)) as response:
        assert b"".join(response.iter_bytes()) == b"data: ok\n\n"
    assert response.attempts == 2 and client.exchanges[-1]["attempts"] == 2

    httpserver_ipv4.expect_request("/away").respond_with_response(
        Response(status=302, headers={"Location": "http://169.254.169.254/latest/meta-data/"})
    )
    with (
        pytest.raises(Blocked, match="Refused to follow the redirect"),
        client.stream("GET", httpserver_ipv4.url_for("/away")),
    ):
        pass
    assert "Refused to follow the redirect" in client.exchanges[-1]["error"]


def test_a_non_2xx_answer_is_read_in_full_and_given_as_one_piece(client, httpserver_ipv4):
    httpserver_ipv4.expect_request("/nope").respond_with_data(b'{"error": {"message": "no"}}', status=404)
    with client.stream("POST", httpserver_ipv4.url_for("/nope"), json={"a": 1}) as response:
        assert response.status == 404
        assert b"".join(response.iter_bytes()) == b'{"error": {"message": "no"}}'
    assert client.exchanges[-1]["response"]["status"] == 404
