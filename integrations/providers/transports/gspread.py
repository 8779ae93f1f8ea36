"""A requests-style session for gspread's HTTPClient (its documented `session` argument) over the guarded client."""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus
from typing import Any

import requests
from requests.structures import CaseInsensitiveDict

from integrations.http import Response as GuardedResponse

Send = Callable[..., GuardedResponse]


def as_requests_response(response: GuardedResponse) -> requests.Response:
    """The guarded client's answer as the requests.Response gspread reads (.ok, .json(), .text, .status_code)."""
    out = requests.Response()
    out.status_code = response.status
    out._content = response.content
    out.headers = CaseInsensitiveDict(dict(response.headers))
    out.url = response.url
    out.encoding = response.encoding
    try:
        out.reason = HTTPStatus(response.status).phrase
    except ValueError:
        out.reason = ""
    return out


class GuardedSession:
    """What gspread's HTTPClient uses of a requests.Session: request(), headers and close()."""

    def __init__(self, send: Send):
        self.send = send  # send(method, url, params=, headers=, json=, data=) -> the guarded client's Response
        self.headers: dict[str, str] = {}

    def request(
        self,
        method: str,
        url: str,
        params: Any = None,
        data: Any = None,
        json: Any = None,
        files: Any = None,
        headers: Any = None,
        timeout: Any = None,
        **kwargs: Any,
    ) -> requests.Response:
        if files:
            raise ValueError("File uploads are not sent through this session.")
        merged = {**self.headers, **(headers or {})}
        return as_requests_response(self.send(method, url, params=params, headers=merged, json=json, data=data))

    def close(self) -> None:
        """Nothing to close: the run's guarded client owns the connections."""
