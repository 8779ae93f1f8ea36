"""config/http.py: Django's WSGI handler served under ASGI, one thread per request."""

import asyncio
import threading
import time

from django.core.signals import request_finished

from config.http import WSGIInThreads


def call(app, scope: dict, body: bytes = b"") -> dict:
    sent: list[dict] = []
    messages = [
        {"type": "http.request", "body": body[:3], "more_body": True},
        {"type": "http.request", "body": body[3:], "more_body": False},
    ]

    async def receive():
        return messages.pop(0)

    async def send(message):
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    return {"status": sent[0]["status"], "headers": sent[0]["headers"], "body": sent[1]["body"]}


def scope(**extra) -> dict:
    return {
        "type": "http",
        "method": "POST",
        "path": "/api/v1/thing/",
        "query_string": b"a=1&b=2",
        "http_version": "1.1",
        "scheme": "http",
        "server": ("127.0.0.1", 8000),
        "client": ("10.1.2.3", 5555),
        "headers": [
            (b"content-type", b"application/json"),
            (b"content-length", b"6"),
            (b"x-thing", b"one"),
            (b"x-thing", b"two"),
        ],
        **extra,
    }


def test_the_wsgi_app_sees_the_request_as_pep_3333_says():
    seen = {}

    def wsgi(environ, start_response):
        seen.update(environ)
        seen["body"] = environ["wsgi.input"].read()
        start_response("201 Created", [("Content-Type", "text/plain"), ("Set-Cookie", "a=1"), ("Set-Cookie", "b=2")])
        return [b"hello ", b"there"]

    response = call(WSGIInThreads(wsgi, threads=2), scope(), b'{"x":1}')
    assert response == {
        "status": 201,
        "body": b"hello there",
        "headers": [(b"content-type", b"text/plain"), (b"set-cookie", b"a=1"), (b"set-cookie", b"b=2")],
    }
    assert seen["REQUEST_METHOD"] == "POST" and seen["PATH_INFO"] == "/api/v1/thing/"
    assert seen["QUERY_STRING"] == "a=1&b=2" and seen["REMOTE_ADDR"] == "10.1.2.3"
    assert seen["CONTENT_TYPE"] == "application/json" and seen["CONTENT_LENGTH"] == "6"
    assert seen["HTTP_X_THING"] == "one,two"
    assert seen["body"] == b'{"x":1}'


def test_django_requests_finish_so_connections_go_back(client, db):
    from config.asgi import application

    finished = threading.Event()

    def on_finished(**kwargs):
        finished.set()

    request_finished.connect(on_finished)
    try:
        response = call(application, scope(method="GET", path="/api/v1/no-such-thing/", query_string=b"", headers=[]))
    finally:
        request_finished.disconnect(on_finished)
    assert response["status"] == 404
    assert b'"not_found"' in response["body"]
    assert finished.is_set(), "the response was never closed, so Django never finished the request"


def test_slow_requests_run_side_by_side_not_one_after_another():
    def slow(environ, start_response):
        time.sleep(0.5)
        start_response("200 OK", [])
        return [b"ok"]

    app = WSGIInThreads(slow, threads=8)

    async def four_at_once():
        async def one():
            sent = []

            async def receive():
                return {"type": "http.request", "body": b""}

            async def send(message):
                sent.append(message)

            await app(scope(method="GET", headers=[]), receive, send)
            return sent[0]["status"]

        return await asyncio.gather(*(one() for _ in range(4)))

    t0 = time.monotonic()
    assert asyncio.run(four_at_once()) == [200, 200, 200, 200]
    assert time.monotonic() - t0 < 1.5  # four 0.5 s requests, together


def test_a_body_over_the_limit_is_refused_with_413_and_never_reaches_the_app():
    reached = []

    def wsgi(environ, start_response):
        reached.append(True)
        start_response("200 OK", [])
        return [b""]

    response = call(WSGIInThreads(wsgi, threads=1, max_body=5), scope(), b"0123456789")
    assert response["status"] == 413
    assert b"too_large" in response["body"]
    assert reached == []
