"""google-auth's transport Request: token requests (JWT grant, refresh-token grant) through the guarded client."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import parse_qsl

import google.auth.transport

from integrations.http import GuardedClient
from integrations.http import Response as GuardedResponse

# Form fields of a token request that are credentials in their own right: a signed JWT assertion is good for an hour.
SECRET_FIELDS = ("assertion", "refresh_token", "client_secret", "client_assertion")


class _Response(google.auth.transport.Response):
    def __init__(self, response: GuardedResponse):
        self._response = response

    @property
    def status(self) -> int:
        return self._response.status

    @property
    def headers(self) -> Mapping[str, str]:
        return self._response.headers

    @property
    def data(self) -> bytes:
        return self._response.content


class GuardedRequest(google.auth.transport.Request):
    """google.auth.transport.Request over a GuardedClient; secrets in the form body are redacted before sending."""

    def __init__(self, client: GuardedClient, *, timeout_s: float, secret: Callable[[str], None]):
        self.client = client
        self.timeout_s = timeout_s
        self.secret = secret

    def __call__(
        self,
        url: str,
        method: str = "GET",
        body: Any = None,
        headers: Mapping[str, str] | None = None,
        timeout: float | None = None,
        **kwargs: Any,
    ) -> _Response:
        if isinstance(body, bytes | str):
            text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
            for name, value in parse_qsl(text):
                if name in SECRET_FIELDS and value:
                    self.secret(value)
        response = self.client.request(method, url, headers=headers, data=body, timeout_s=timeout or self.timeout_s)
        return _Response(response)
