"""The caldav library's HTTP through the guarded client: a requests adapter mounted on the DAVClient's session.

caldav (1.x) sends every request through `DAVClient.session`, a requests Session, and requests documents transport
adapters mounted per URL prefix as its extension point. Ours forwards each prepared request (the Authorization
header already set by the session's auth) to `GuardedClient.request`, so the SSRF guard, pinned connections,
timeouts, retries, rate limits, redirects and redacted exchange records apply, and builds the requests.Response
caldav reads (status, reason, headers, content) from the guarded answer.
"""

from __future__ import annotations

from typing import Any

import requests
from caldav.davclient import DAVClient
from requests.adapters import BaseAdapter
from requests.auth import HTTPBasicAuth

from integrations.http import GuardedClient, Retry

from .gspread import as_requests_response

# Framing headers: the guarded client frames its own request and hands over a decoded body of known length.
_REQUEST_SKIP = frozenset({"host", "content-length", "transfer-encoding", "connection", "accept-encoding"})
_RESPONSE_SKIP = frozenset({"content-encoding", "content-length", "transfer-encoding", "connection"})


class GuardedAdapter(BaseAdapter):
    """A requests transport adapter whose every request goes through a GuardedClient."""

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
        self.last_status: int | None = None  # caldav's errors do not carry the HTTP status; the provider reads it here

    def send(  # type: ignore[override]
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: Any = None,
        verify: Any = True,
        cert: Any = None,
        proxies: Any = None,
    ) -> requests.Response:
        headers = {name: value for name, value in request.headers.items() if name.lower() not in _REQUEST_SKIP}
        self.last_status = None
        answer = self.client.request(
            request.method or "GET",
            request.url or "",
            headers=headers,
            data=request.body,
            timeout_s=self.timeout_s or _read_timeout(timeout),
            retry=self.retry,
            rate_keys=self.rate_keys,
        )
        self.last_status = answer.status
        response = as_requests_response(answer)
        for name in [n for n in response.headers if n.lower() in _RESPONSE_SKIP]:
            del response.headers[name]
        response.request = request
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
    """A DAVClient for the server at url whose HTTP all goes through the guarded client, signing in with basic auth."""
    # The auth is given up front (UTF-8, as caldav itself first tries): without it caldav sends each first request
    # unauthenticated and picks a scheme from the 401's challenge, one more exchange per run. caldav 1.x does no
    # RFC 6764 discovery (DNS SRV/TXT lookups outside the guard): the URL given is the server.
    auth = HTTPBasicAuth(username.encode("utf-8"), password.encode("utf-8"))
    dav = DAVClient(url=url, auth=auth)
    dav.session.close()
    session = requests.Session()
    adapter = GuardedAdapter(client, timeout_s=timeout_s, retry=retry, rate_keys=rate_keys)
    for prefix in list(session.adapters):
        session.adapters.pop(prefix).close()
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    session.trust_env = False  # no .netrc, no proxy variables: the guarded client decides where requests go
    dav.session = session
    return dav


def last_status(dav: DAVClient) -> int | None:
    """The HTTP status of the last answer the DAVClient received through its guarded adapter."""
    adapter = dav.session.adapters.get("http://")
    return adapter.last_status if isinstance(adapter, GuardedAdapter) else None
