"""The caldav library's HTTP through the guarded client: a niquests adapter mounted on the DAVClient's session.

caldav (3.x) sends every request through `DAVClient.session`, a niquests Session; niquests, like requests, lets a
transport adapter be mounted per URL prefix. Ours forwards each prepared request to `GuardedClient.request`, so the
SSRF guard, pinned connections, timeouts, retries, rate limits and redacted exchange records apply, and builds the
niquests Response caldav reads (status, headers, content) from the guarded answer.
"""

from __future__ import annotations

from typing import Any

import niquests
from caldav.davclient import DAVClient
from niquests.adapters import BaseAdapter
from niquests.structures import CaseInsensitiveDict

from integrations.http import GuardedClient, Retry


class GuardedAdapter(BaseAdapter):
    """A niquests transport adapter whose every request goes through a GuardedClient."""

    def __init__(
        self,
        client: GuardedClient,
        *,
        timeout_s: float | None = None,
        retry: Retry | None = None,
        rate_keys: tuple[tuple[str, str], ...] = (),
    ):
        super().__init__()
        self.client = client
        self.timeout_s = timeout_s
        self.retry = retry
        self.rate_keys = rate_keys

    def send(self, request: Any, stream: bool = False, timeout: Any = None, **kwargs: Any) -> Any:  # type: ignore[override]
        body = request.body
        if body is not None and not isinstance(body, bytes | str):
            body = b"".join(body)  # a generator body: the guarded client sends bytes, so retries resend the same
        answer = self.client.request(
            request.method or "GET",
            request.url or "",
            headers={k: v for k, v in request.headers.items()},
            data=body,
            timeout_s=self.timeout_s or _read_timeout(timeout),
            retry=self.retry,
            rate_keys=self.rate_keys,
        )
        response = niquests.Response()
        response.status_code = answer.status
        response.headers = CaseInsensitiveDict(dict(answer.headers))
        response.url = answer.url
        response.encoding = answer.encoding
        response.reason = ""
        response.request = request
        response._content = answer.content
        response._content_consumed = True
        return response

    def close(self) -> None:
        return None  # the guarded client belongs to the run and is closed with it


def _read_timeout(timeout: Any) -> float | None:
    if isinstance(timeout, tuple):
        timeout = timeout[-1]
    return float(timeout) if isinstance(timeout, int | float) else None


def dav_client(
    client: GuardedClient,
    url: str,
    username: str,
    password: str,
    *,
    timeout_s: float | None = None,
    retry: Retry | None = None,
    rate_keys: tuple[tuple[str, str], ...] = (),
) -> DAVClient:
    """A DAVClient for the server at url whose HTTP all goes through the guarded client."""
    # No RFC 6764 discovery: it would look up DNS records and follow them outside the guard; the URL is the server.
    dav = DAVClient(url=url, username=username, password=password, auth_type="basic", enable_rfc6764=False)
    dav.session.close()
    session = niquests.Session(allow_incoming_cookies=False)  # no cookie jar: each exchange stands alone
    adapter = GuardedAdapter(client, timeout_s=timeout_s, retry=retry, rate_keys=rate_keys)
    for prefix in list(session.adapters):
        session.adapters.pop(prefix).close()
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    session.trust_env = False  # no .netrc, no proxy variables: the guarded client decides where requests go
    dav.session = session
    return dav
