"""Which pages may open a cookie-authenticated socket: this site's own (as Django's CSRF check decides)."""

import pytest

from flows.consumers import same_origin


def scope(host: str, origin: str | None) -> dict:
    headers = [(b"host", host.encode())]
    if origin is not None:
        headers.append((b"origin", origin.encode()))
    return {"type": "websocket", "headers": headers}


@pytest.mark.parametrize(
    ("host", "origin", "allowed"),
    [
        ("127.0.0.1:8000", "http://127.0.0.1:8000", True),
        ("localhost:8000", "https://localhost:8000", True),  # TLS ended by a proxy in front: same host
        ("127.0.0.1:8000", "http://127.0.0.1:8001", False),  # another port is another site's page
        ("127.0.0.1:8000", "http://evil.example", False),
        ("127.0.0.1:8000", "http://127.0.0.1.evil.example:8000", False),
        ("127.0.0.1:8000", "null", False),  # a sandboxed frame or a file
        ("127.0.0.1:8000", None, False),  # browsers always send one
        ("evil.example", "http://evil.example", False),  # DNS rebinding: the host itself is not one of ours
    ],
)
def test_the_origin_must_be_the_host_the_socket_is_on(settings, host, origin, allowed):
    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
    settings.CSRF_TRUSTED_ORIGINS = []
    assert same_origin(scope(host, origin)) is allowed


def test_a_trusted_origin_may_use_the_session_from_another_host(settings):
    settings.ALLOWED_HOSTS = ["api.example.com"]
    settings.CSRF_TRUSTED_ORIGINS = ["https://builder.example.com"]
    assert same_origin(scope("api.example.com", "https://builder.example.com"))
    assert not same_origin(scope("api.example.com", "https://other.example.com"))
