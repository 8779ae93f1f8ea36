"""What a run may reach outside (nodes.outside.Outside): connections by credential id (decrypted, audited,
redacted, authenticated by their kind), the guarded HTTP client, SMTP, assets, and the writes nodes cause."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import logging
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any
from urllib.parse import quote_plus, urlsplit

from django.conf import settings
from django.db import transaction

from . import email_batches, kinds
from .connection import Connection
from .credentials import ResolvedCredential, check_kind, resolve
from .errors import AssetMissing, CredentialError
from .http import GuardedClient, Response, Retry, ratelimit
from .kinds.base import Outgoing
from .models import CredentialEvent
from .providers import calendars, mail, smtp
from .providers.calendars import Event, EventSpec, Provider, bookings
from .redaction import Redactor
from .vault import tokens
from .webhooks import deliveries

log = logging.getLogger(__name__)

TOKEN_MARGIN_S = 30  # a cached token is dropped this long before the server says it expires
TOKEN_DEFAULT_LIFETIME_S = 300  # when the token endpoint does not say (expires_in is optional in RFC 6749)
TOKEN_TIMEOUT_S = 10.0

__all__ = ["AssetMissing", "CredentialError", "Services"]


class Services:
    """One per run: every secret it touches is registered with its redactor, every credential use is audited."""

    def __init__(
        self,
        *,
        run_id: Any = None,
        flow_id: str = "",
        assets: Callable[[str], mail.Attachment | None] | None = None,
    ):
        self.run_id = run_id
        self.flow_id = flow_id
        self.redactor = Redactor()
        self.http = GuardedClient(redactor=self.redactor)
        self.assets = assets  # the flow's uploaded files by name; given by whoever knows flows (flows/tasks.py)
        self._resolved: dict[int, ResolvedCredential] = {}
        self._audited: set[tuple[int, str]] = set()
        self._batches: dict[str, int] = {}

    def redact(self, value: Any) -> Any:
        return self.redactor(value)

    def close(self) -> None:
        """Close the run's pooled connections (the run is over)."""
        self.http.close()

    def register(self, cred: ResolvedCredential) -> None:
        """Teach the redactor every secret value of the credential (and each line of multi-line ones)."""
        try:
            extra = kinds.get(cred.kind).redacted(cred)
        except kinds.UnknownKind:
            extra = []
        for value in [*cred.secrets.values(), *extra]:
            if not value:
                continue
            text = str(value)
            self.redactor.add(text)
            for line in text.splitlines():
                if line.strip():
                    self.redactor.add(line.strip())

    def credential(self, credential_id: int, *, kinds: Sequence[str], node_id: str = "") -> ResolvedCredential:
        """The credential decrypted for this node; audited once per node per run. Raises CredentialError."""
        try:
            cred = self._resolved.get(int(credential_id))
        except (TypeError, ValueError):
            cred = None  # resolve() says what is wrong with it
        if cred is None:
            cred = resolve(credential_id, kinds_allowed=kinds)
            self._resolved[cred.id] = cred
            self.register(cred)
        else:
            check_kind(cred.name, cred.kind, kinds)
        if (cred.id, node_id) not in self._audited:
            self._audited.add((cred.id, node_id))
            CredentialEvent.objects.create(
                credential_id=cred.id,
                credential_name=cred.name,
                action=CredentialEvent.Action.USED,
                run_id=self.run_id,
                flow_id=self.flow_id or "",
                node_id=node_id,
            )
        return cred

    def record_delivery(self, **fields: Any) -> int:
        """Log an outbound delivery (redacted) for audit and redelivery; its id."""
        fields.setdefault("run_id", self.run_id)
        fields.setdefault("flow_id", self.flow_id)
        return deliveries.record(**self.redact(fields))

    # -- Flow assets and email -------------------------------------------------------------------------------------

    def asset(self, name: str) -> mail.Attachment:
        """A flow asset by name (the flow's own before a shared one); AssetMissing when there is none."""
        found = self.assets(name) if self.assets is not None else None
        if found is None:
            raise AssetMissing(f"There is no flow asset named {name!r}; an admin uploads it under Flow assets.")
        return found

    def send_email(
        self,
        conn: Any,  # a Connection (from a node) or a ResolvedCredential (from integrations)
        draft: mail.Draft,
        *,
        msgid: str,
        timeout_s: float,
        retry: Retry | None = None,
    ) -> tuple[smtp.Sent, int]:
        """Send one message through the credential's server (its rate limit applied); (what it said, attempts).

        Temporary failures (unreachable, 4xx) are retried per the policy; refused logins, certificates and 5xx are not.
        """
        cred = self._of(conn)
        self.register(cred)
        policy = retry or Retry()
        data = mail.as_bytes(mail.build(draft, msgid))
        server = self._kind(cred).client(cred, self)  # the SMTP login is the kind's
        bucket = email_batches.rate_key(cred)
        attempt = 0
        while True:
            attempt += 1
            try:
                if bucket:
                    ratelimit.acquire(*bucket, max_wait_s=float(settings.HTTP_RATE_MAX_WAIT_S))
                with smtp.Connection(server, timeout_s=timeout_s) as conn:
                    sent = conn.send(draft.sender.email, draft.recipients, data, smtputf8=draft.needs_smtputf8())
                return sent, attempt
            except smtp.SmtpError as exc:
                if not exc.retryable or attempt >= policy.attempts:
                    raise smtp.SmtpError(str(self.redact(str(exc))), retryable=exc.retryable, code=exc.code) from None
            time.sleep(policy.backoff(attempt))

    def email_batch(
        self,
        conn: Any,
        *,
        node_id: str,
        items: Sequence[dict[str, Any]],
        attachments: Sequence[mail.Attachment],
        timeout_s: float,
    ) -> dict[str, Any]:
        """Store a bulk send and queue it (after commit); its progress. The same turn run twice reuses its batch."""
        key = None
        if self.run_id:
            count = self._batches.get(node_id, 0) + 1
            self._batches[node_id] = count
            key = f"{self.run_id}:{node_id}:{count}"
        batch = email_batches.create(
            self._of(conn),
            key=key,
            run_id=self.run_id,
            flow_id=self.flow_id,
            node_id=node_id,
            items=self.redact(list(items)),
            attachments=attachments,
            timeout_s=timeout_s,
        )
        return batch.progress()

    # -- Connections: what a node holds instead of a credential ---------------------------------------------------

    def connection(self, credential_id: int, *, kinds: Sequence[str], node_id: str = "") -> Connection:
        """The credential as a node may hold it (no secrets); resolved, audited and taught to the redactor here."""
        cred = self.credential(credential_id, kinds=kinds, node_id=node_id)
        return Connection(
            id=cred.id,
            name=cred.name,
            kind=cred.kind,
            settings=dict(cred.settings),
            host=self._kind(cred).host(cred),
            services=self,
        )

    def _held(self, credential_id: int) -> ResolvedCredential:
        cred = self._resolved.get(credential_id)
        if cred is None:  # a Connection is only made by connection(), which resolved it for this run
            raise CredentialError(f"The credential {credential_id} was not opened for this run.")
        return cred

    def _of(self, cred: Any) -> ResolvedCredential:
        return cred if isinstance(cred, ResolvedCredential) else self._held(cred.id)

    @staticmethod
    def _kind(cred: ResolvedCredential) -> kinds.Kind:
        try:
            return kinds.get(cred.kind)
        except kinds.UnknownKind as exc:
            raise CredentialError(str(exc)) from None

    def authenticated_request(self, credential_id: int, method: str, url: str, **kw: Any) -> Response:
        return self.api_request(self._held(credential_id), method, url, **kw)

    def library_client(self, credential_id: int, **options: Any) -> Any:
        return self.client_for(self._held(credential_id), **options)

    def client_for(self, cred: ResolvedCredential, **options: Any) -> Any:
        """The client library object the credential's kind builds (providers ask this, so they import no kind)."""
        return self._kind(cred).client(cred, self, **options)

    def sign(self, credential_id: int, body: bytes, *, msg_id: str) -> dict[str, str]:
        cred = self._held(credential_id)
        return self._kind(cred).sign(cred, body, msg_id=msg_id)

    def shown_url(self, credential_id: int, url: str) -> str:
        cred = self._held(credential_id)
        return self._kind(cred).shown_url(cred, url)

    def api_request(self, cred: ResolvedCredential, method: str, url: str, **kw: Any) -> Response:
        """A request made and authenticated by the credential's kind (an API connection's base URL, default headers,
        auth and rate limit; a bot token in the URL; ...); a kind whose tokens can go stale gets one fresh retry."""
        kind = self._kind(cred)
        self.register(cred)  # idempotent; covers a credential resolved elsewhere (the connection check)
        out = Outgoing(method, url, dict(kw.pop("headers", None) or {}), kw.pop("params", None))
        out.rate_keys = list(kw.pop("rate_keys", ()))
        kind.prepare(cred, out, self)

        def send(fresh: bool) -> Response:
            ready = dataclasses.replace(out, headers=dict(out.headers), rate_keys=list(out.rate_keys))
            kind.authenticate(cred, ready, self, fresh=fresh)
            return self.http.request(
                ready.method, ready.url, params=ready.params, headers=ready.headers, rate_keys=ready.rate_keys, **kw
            )

        response = send(False)
        if response.status == 401 and kind.renews(cred):
            response = send(True)
        return response

    # -- Calendars, and the bookings they make (the only writes of a Calendar node) -------------------------------

    def calendar(self, conn: Any, calendar_id: str = "") -> Provider:
        """The calendar provider for a calendar connection, talking through this run's guarded client."""
        return calendars.provider(self._of(conn), self, calendar_id)

    def book_event(
        self, provider: Provider, spec: EventSpec, *, flow_id: str, conversation_id: str, node_id: str
    ) -> Event:
        """The event for spec.idempotency_key, made once whatever retries happen (bookings.book keeps the row)."""
        return bookings.book(
            provider,
            spec,
            flow_id=flow_id,
            conversation_id=conversation_id,
            node_id=node_id,
            run_id=self.run_id,
        )

    def reschedule_event(self, provider: Provider, event_id: str, start: datetime, end: datetime) -> Event:
        event = provider.reschedule(event_id, start, end)
        with transaction.atomic():
            bookings.rescheduled(provider, event)
        return event

    def cancel_event(self, provider: Provider, event_id: str) -> None:
        provider.cancel(event_id)
        with transaction.atomic():
            bookings.cancelled(provider, event_id)

    # -- OAuth2 client credentials ---------------------------------------------------------------------------------

    @staticmethod
    def _token_key(cred: ResolvedCredential) -> str:
        # The version (updated_at) is in the key, so changing the credential in admin drops its cached token.
        version = hashlib.sha256(cred.version.encode()).hexdigest()[:16]
        return f"fb:oauth2:{cred.id}:{version}"

    def client_credentials_token(self, cred: ResolvedCredential, *, fresh: bool = False) -> str:
        """An OAuth2 client-credentials token for cred's token_url, client_id, scope, token_auth and client_secret."""
        return self._oauth_token(cred, fresh=fresh)

    def _oauth_token(self, cred: ResolvedCredential, *, fresh: bool = False) -> str:
        """The access token: from the Redis cache (vault-encrypted) unless fresh, else fetched and cached."""
        key = self._token_key(cred)
        if not fresh:
            token = tokens.cached(key, "OAuth2 token")
            if token:
                self.redactor.add(token)
                return token
        token, lifetime = self._fetch_token(cred)
        tokens.store(key, token, lifetime, TOKEN_MARGIN_S, "OAuth2 token")
        return token

    def _fetch_token(self, cred: ResolvedCredential) -> tuple[str, float]:
        conf, secrets = cred.settings, cred.secrets
        token_url = str(conf.get("token_url") or "")
        if not token_url:
            raise CredentialError(f"The credential {cred.name!r} uses OAuth2 but has no token URL.")
        client_id, client_secret = str(conf.get("client_id") or ""), str(secrets.get("client_secret") or "")
        data = {"grant_type": "client_credentials"}
        if conf.get("scope"):
            data["scope"] = str(conf["scope"])
        headers = {"Accept": "application/json"}
        if conf.get("token_auth") == "form":
            data.update(client_id=client_id, client_secret=client_secret)
        else:
            # RFC 6749 2.3.1: each part form-urlencoded, then HTTP basic.
            pair = f"{quote_plus(client_id)}:{quote_plus(client_secret)}"
            encoded = base64.b64encode(pair.encode()).decode()
            self.redactor.add(encoded)
            headers["Authorization"] = f"Basic {encoded}"
        # A client of its own: its exchange goes on the step only once the token is known to the redactor.
        client = GuardedClient(redactor=self.redactor)
        try:
            response = client.request("POST", token_url, data=data, headers=headers, timeout_s=TOKEN_TIMEOUT_S)
            return self._read_token(cred, response, urlsplit(token_url).netloc)
        finally:
            client.close()
            self.http.exchanges.extend(self.redact(client.exchanges))

    def _read_token(self, cred: ResolvedCredential, response: Response, where: str) -> tuple[str, float]:
        try:
            body = response.json()
        except ValueError:
            body = None
        if not response.ok:
            reason = ""
            if isinstance(body, dict) and body.get("error"):
                reason = f" ({body['error']}"
                reason += f": {body['error_description']})" if body.get("error_description") else ")"
            message = (
                f"The token endpoint at {where} refused the client credentials of {cred.name!r}: "
                f"HTTP {response.status}{reason[:300]}."
            )
            raise CredentialError(str(self.redact(message)))
        if not isinstance(body, dict) or not isinstance(body.get("access_token"), str) or not body["access_token"]:
            raise CredentialError(f"The token endpoint at {where} answered without an access_token.")
        token = body["access_token"]
        self.redactor.add(token)
        try:
            lifetime = float(body.get("expires_in", TOKEN_DEFAULT_LIFETIME_S))
        except (TypeError, ValueError):
            lifetime = TOKEN_DEFAULT_LIFETIME_S
        return token, lifetime
