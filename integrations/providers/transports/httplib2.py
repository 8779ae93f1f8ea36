"""An httplib2.Http stand-in for googleapiclient (its `http` argument), forwarding to the guarded client."""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus
from typing import Any

import httplib2

from integrations.http import Response as GuardedResponse

Send = Callable[..., GuardedResponse]


class GuardedHttp:
    """What googleapiclient calls on its http object: request(uri, method, body, headers) -> (Response, bytes)."""

    def __init__(self, send: Send):
        self.send = send  # send(method, url, headers=, data=) -> the guarded client's Response
        self.redirect_codes = frozenset({300, 301, 302, 303, 307})  # read by googleapiclient for resumable uploads

    def request(
        self,
        uri: str,
        method: str = "GET",
        body: Any = None,
        headers: dict[str, str] | None = None,
        redirections: int = 5,
        connection_type: Any = None,
    ) -> tuple[httplib2.Response, bytes]:
        answer = self.send(method, uri, headers=headers, data=body)
        info = {name.lower(): value for name, value in answer.headers.items()}
        info["status"] = str(answer.status)
        response = httplib2.Response(info)
        try:
            response.reason = HTTPStatus(answer.status).phrase
        except ValueError:
            response.reason = ""
        return response, answer.content

    def close(self) -> None:
        """Nothing to close: the run's guarded client owns the connections."""
