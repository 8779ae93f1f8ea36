"""Everything a node may ask of the world outside the flow, as a Protocol (integrations.services.Services is it).

A node reaches a credential only as a `Connection`: its name, kind and non-secret settings, and what the kind can do
with it (authenticated requests, a library client, signatures). The secrets stay behind this door.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

from integrations.providers.calendars import Event, EventSpec, Provider
from integrations.providers.mail import Attachment, Draft
from integrations.retry import Retry


class Response(Protocol):
    """An answer from the guarded client (its body is read in full)."""

    status: int
    headers: Any  # a case-insensitive mapping of str to str
    content: bytes
    url: str
    elapsed_ms: float
    attempts: int

    @property
    def ok(self) -> bool: ...
    @property
    def text(self) -> str: ...
    def json(self) -> Any: ...


class Http(Protocol):
    """The run's guarded client: every request passes the SSRF guard; `exchanges` are the redacted records."""

    @property
    def exchanges(self) -> list[dict[str, Any]]: ...

    def request(self, method: str, url: str, *args: Any, **kw: Any) -> Response:
        """kw: params, headers, json, data, timeout_s, retry (a Retry), rate_keys, allow_redirects."""
        ...


class Connection(Protocol):
    """A credential in a node's hands: never its secrets."""

    id: int
    name: str
    kind: str
    settings: dict[str, Any]  # non-secret settings only
    host: str  # where its requests go

    def request(self, method: str, url: str, **kw: Any) -> Response:
        """A request to the credential's service, authenticated by its kind (kw as Http.request takes them)."""
        ...

    def client(self, **options: Any) -> Any:
        """The client library object the kind builds (openai.OpenAI; gspread.Client with library="gspread")."""
        ...

    def sign(self, body: bytes, *, msg_id: str) -> dict[str, str]: ...

    def shown_url(self, url: str) -> str: ...


class Sent(Protocol):
    """What an SMTP server said about one message."""

    accepted: list[str]
    refused: dict[str, str]
    response: str
    elapsed_ms: float


class Outside(Protocol):
    """What `Context.services` offers a node; each call that writes does so in a transaction of its own."""

    @property
    def http(self) -> Http:
        """Requests without a credential, and the exchanges recorded for the step."""
        ...

    def connection(self, credential_id: int, *, kinds: Sequence[str], node_id: str = "") -> Connection:
        """The credential by id, if it is of one of the kinds; audited. Raises CredentialError."""
        ...

    def asset(self, name: str) -> Attachment:
        """A flow asset by name; raises AssetMissing."""
        ...

    def send_email(
        self, conn: Connection, draft: Draft, *, msgid: str, timeout_s: float, retry: Retry | None = None
    ) -> tuple[Sent, int]:
        """Send one message through an SMTP connection; (what the server said, attempts). Raises SmtpError."""
        ...

    def email_batch(
        self,
        conn: Connection,
        *,
        node_id: str,
        items: Sequence[dict[str, Any]],
        attachments: Sequence[Attachment],
        timeout_s: float,
    ) -> dict[str, Any]:
        """Store a bulk send and queue it after commit; its progress."""
        ...

    def record_delivery(self, **fields: Any) -> int:
        """Store an outbound webhook delivery (redacted) for audit and redelivery; its id."""
        ...

    def calendar(self, conn: Connection, calendar_id: str = "") -> Provider:
        """The calendar provider of a calendar connection."""
        ...

    def book_event(
        self, provider: Provider, spec: EventSpec, *, flow_id: str, conversation_id: str, node_id: str
    ) -> Event:
        """Book once per idempotency key (a booking row kept across retries)."""
        ...

    def reschedule_event(self, provider: Provider, event_id: str, start: datetime, end: datetime) -> Event: ...

    def cancel_event(self, provider: Provider, event_id: str) -> None: ...
