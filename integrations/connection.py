"""A credential as a node holds it: its name, kind and settings, and what it can do; never its secrets."""

from __future__ import annotations

from typing import Any, Protocol

from .http import Response


class Holder(Protocol):
    """Who holds the credential's secrets for the connection (the run's Services) and acts on them."""

    def authenticated_request(self, credential_id: int, method: str, url: str, **kw: Any) -> Response: ...
    def library_client(self, credential_id: int, **options: Any) -> Any: ...
    def sign(self, credential_id: int, body: bytes, *, msg_id: str) -> dict[str, str]: ...
    def shown_url(self, credential_id: int, url: str) -> str: ...


class Connection:
    """What `Services.connection` hands a node. The secrets stay with the run's services, which hold them by id."""

    __slots__ = ("_services", "host", "id", "kind", "name", "settings")

    def __init__(self, *, id: int, name: str, kind: str, settings: dict[str, Any], host: str, services: Holder):
        self.id = id
        self.name = name
        self.kind = kind
        self.settings = settings  # non-secret settings only (a copy: changing it changes nothing stored)
        self.host = host  # where its requests go (never a secret)
        self._services = services

    def __repr__(self) -> str:
        return f"<Connection {self.id} {self.name!r} ({self.kind})>"

    def request(self, method: str, url: str, **kw: Any) -> Response:
        """A request through the guarded client, to this credential's service, authenticated by its kind."""
        return self._services.authenticated_request(self.id, method, url, **kw)

    def client(self, **options: Any) -> Any:
        """The client library object this kind builds (OpenAI, gspread, CalDAV), sending through the guarded client."""
        return self._services.library_client(self.id, **options)

    def sign(self, body: bytes, *, msg_id: str) -> dict[str, str]:
        """Headers that prove an outbound delivery of `body` comes from us (a webhook secret signs it)."""
        return self._services.sign(self.id, body, msg_id=msg_id)

    def shown_url(self, url: str) -> str:
        """The URL of a request to `url` as errors may show it (no token, no secret path)."""
        return self._services.shown_url(self.id, url)
