"""The `twilio` client with every request sent through the run's guarded client (a twilio HttpClient)."""

# twilio documents `http_client=` (a twilio.http.HttpClient) as its extension point: request(method, uri, params,
# data, headers, auth, timeout) -> twilio.http.response.Response. The client below hands each request to
# GuardedClient.request(), so the SSRF guard, pinned addresses, rate limits, retries and redacted exchange records
# apply as to any other call. A base URL (a Twilio-compatible server, or the local one the tests run) replaces the
# scheme and host of every Twilio domain (api.twilio.com, messaging.twilio.com, ...) and keeps the path.

from __future__ import annotations

import base64
import logging
import time
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from twilio.http import HttpClient
from twilio.http.response import Response as TwilioResponse
from twilio.rest import Client

from integrations.http import GuardedClient
from integrations.retry import Retry

log = logging.getLogger(__name__)
# Twilio answers 429 when a number or account sends too fast; a create is only retried on 429 (not on 5xx, where the
# message may have been accepted) so a reply is never sent twice.
READ_RETRY = Retry(attempts=3, backoff_s=0.5, max_backoff_s=4.0)
CREATE_429_RETRY = Retry(attempts=3, backoff_s=0.5, max_backoff_s=4.0)


def _wait_s(headers: Any, attempt: int) -> float:
    """Twilio's Retry-After (seconds) when it gives one, else the backoff; never longer than the policy allows."""
    try:
        given = float(headers.get("Retry-After") or "")
    except ValueError:
        return CREATE_429_RETRY.backoff(attempt)
    return max(0.0, min(given, CREATE_429_RETRY.max_backoff_s))


class GuardedHttpClient(HttpClient):
    """twilio's HttpClient API over a GuardedClient: one guarded exchange per request."""

    def __init__(
        self,
        http: GuardedClient,
        *,
        timeout_s: float,
        base_url: str = "",
        rate_keys: Sequence[tuple[str, str]] = (),
    ):
        super().__init__(logger=log, is_async=False, timeout=timeout_s)
        self.http, self.timeout_s, self.base_url, self.rate_keys = http, timeout_s, base_url, tuple(rate_keys)

    def request(
        self,
        method: str,
        uri: str,
        params: dict[str, object] | None = None,
        data: dict[str, object] | None = None,
        headers: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float | None = None,
        allow_redirects: bool = False,
    ) -> TwilioResponse:
        sent = dict(headers or {})
        if auth:
            token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
            sent["Authorization"] = f"Basic {token}"
        reading = method.upper() in ("GET", "HEAD")
        attempt = 1
        while True:
            response = self.http.request(
                method.upper(),
                self._at(uri),
                params=params or None,
                data=data or None,
                headers=sent,
                timeout_s=timeout or self.timeout_s,
                retry=READ_RETRY if reading else None,
                rate_keys=self.rate_keys,
                allow_redirects=False,
            )
            # A create refused with 429 was not accepted, so sending it again cannot send the text twice.
            if reading or response.status != 429 or attempt >= CREATE_429_RETRY.attempts:
                break
            time.sleep(_wait_s(response.headers, attempt))
            attempt += 1
        return TwilioResponse(response.status, response.text, dict(response.headers))

    def _at(self, uri: str) -> str:
        if not self.base_url:
            return uri
        base, parts = urlsplit(self.base_url), urlsplit(uri)
        path = base.path.rstrip("/") + parts.path
        return urlunsplit((base.scheme, base.netloc, path, parts.query, ""))


def client(
    http: GuardedClient,
    *,
    account_sid: str,
    username: str,
    password: str,
    base_url: str = "",
    timeout_s: float = 30.0,
    rate_keys: Sequence[tuple[str, str]] = (),
) -> Any:
    """A twilio.rest.Client whose HTTP is the guarded client's (an API key authenticates as username/password)."""
    transport = GuardedHttpClient(http, timeout_s=timeout_s, base_url=base_url, rate_keys=rate_keys)
    return Client(username=username, password=password, account_sid=account_sid, http_client=transport, environment={})
