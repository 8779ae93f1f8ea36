"""The `openai` client with every request sent through the run's guarded client (an httpx2 transport)."""

# openai documents `http_client=` (an httpx2.Client) as its extension point, and httpx2 documents the transport
# (`handle_request(request) -> response`, the body as a SyncByteStream). The transport below hands each request to
# GuardedClient.stream(), so the SSRF guard, pinned addresses, redirects, size cap, read deadline, rate limits and
# redacted exchange records apply as to any other call; the body reaches openai as it arrives (SSE streaming).
# The client's own retries are off: the node's retry policy runs in the guarded client, visible on the step.

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from typing import Any

import httpx2
import openai

from integrations.errors import OutboundError
from integrations.http import GuardedClient, Response, Retry

DEFAULT_BASE_URL = "https://api.openai.com/v1"
# Hop-by-hop or framing headers: the guarded client frames its own request, and hands over a decoded body.
_REQUEST_SKIP = frozenset({"host", "content-length", "transfer-encoding", "connection", "accept-encoding"})
_RESPONSE_SKIP = frozenset({"content-encoding", "content-length", "transfer-encoding", "connection"})


class _Body(httpx2.SyncByteStream):
    """The guarded response's body, read as it arrives; closing it ends (and records) the exchange."""

    def __init__(self, exchange: contextlib.AbstractContextManager[Response], response: Response):
        self._exchange, self._response = exchange, response
        self._closed = False

    def __iter__(self) -> Iterator[bytes]:
        try:
            yield from self._response.iter_bytes()
        except OutboundError as exc:  # cut off, too large, too slow: recorded on the exchange, then raised
            self._end(exc)
            raise

    def close(self) -> None:
        self._end(None)

    def _end(self, error: OutboundError | None) -> None:
        if self._closed:
            return
        self._closed = True
        if error is None:
            self._exchange.__exit__(None, None, None)
        else:
            self._exchange.__exit__(type(error), error, error.__traceback__)


class GuardedTransport(httpx2.BaseTransport):
    """httpx2's transport API over a GuardedClient: one guarded exchange per request."""

    def __init__(
        self,
        http: GuardedClient,
        *,
        timeout_s: float,
        retry: Retry | None = None,
        rate_keys: Sequence[tuple[str, str]] = (),
    ):
        self.http, self.timeout_s, self.retry, self.rate_keys = http, timeout_s, retry, tuple(rate_keys)

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        headers = {name: value for name, value in request.headers.items() if name.lower() not in _REQUEST_SKIP}
        exchange = self.http.stream(
            request.method,
            str(request.url),
            headers=headers,
            data=request.read() or None,
            timeout_s=self.timeout_s,
            retry=self.retry,
            rate_keys=self.rate_keys,
        )
        # OutboundError (refused by the guard, timed out, too large) passes through openai unwrapped: its sentence
        # is the one the step shows.
        response = exchange.__enter__()
        kept = [(name, value) for name, value in response.headers.items() if name.lower() not in _RESPONSE_SKIP]
        return httpx2.Response(response.status, headers=kept, stream=_Body(exchange, response), request=request)


def client(
    http: GuardedClient,
    *,
    api_key: str,
    organization: str | None = None,
    base_url: str | None = None,
    timeout_s: float = 60.0,
    retry: Retry | None = None,
    rate_keys: Sequence[tuple[str, str]] = (),
) -> openai.OpenAI:
    """An OpenAI client (any OpenAI-compatible server by base_url) whose HTTP is the guarded client's."""
    transport = GuardedTransport(http, timeout_s=timeout_s, retry=retry, rate_keys=rate_keys)
    options: dict[str, Any] = {
        "api_key": api_key,
        "organization": organization or None,
        "base_url": (base_url or DEFAULT_BASE_URL).rstrip("/"),
        "max_retries": 0,
        "timeout": timeout_s,
        # The guarded client follows (and checks) redirects itself.
        "http_client": httpx2.Client(transport=transport, follow_redirects=False, timeout=timeout_s),
    }
    return openai.OpenAI(**options)
