"""What a run may reach outside: credentials (decrypted, audited, redacted), the guarded HTTP client with auth, SMTP."""

from __future__ import annotations

import base64
import hashlib
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any
from urllib.parse import quote_plus, urlsplit

from django.conf import settings

from . import email_batches, mail, ratelimit, smtp, tokens
from .credentials import CredentialError, ResolvedCredential, check_kind, resolve
from .http import GuardedClient, Response, Retry
from .models import CredentialEvent
from .redaction import Redactor

log = logging.getLogger(__name__)

API_CONNECTION = "api_connection"
TOKEN_MARGIN_S = 30  # a cached token is dropped this long before the server says it expires
TOKEN_DEFAULT_LIFETIME_S = 300  # when the token endpoint does not say (expires_in is optional in RFC 6749)
TOKEN_TIMEOUT_S = 10.0


def _set_header(headers: dict[str, str], name: str, value: str) -> None:
    """Set a header, replacing any spelling of it already there (header names are case-insensitive)."""
    for existing in [k for k in headers if k.lower() == name.lower()]:
        del headers[existing]
    headers[name] = value


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    default = {"http": 80, "https": 443}.get(parts.scheme)
    return parts.scheme, (parts.hostname or "").lower(), parts.port or default


class AssetMissing(LookupError):
    """No flow asset has the name a node asked for."""


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
        for value in cred.secrets.values():
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
        from . import deliveries

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
        self, cred: ResolvedCredential, draft: mail.Draft, *, msgid: str, timeout_s: float, retry: Retry | None = None
    ) -> tuple[smtp.Sent, int]:
        """Send one message through the credential's server (its rate limit applied); (what it said, attempts).

        Temporary failures (unreachable, 4xx) are retried per the policy; refused logins, certificates and 5xx are not.
        """
        self.register(cred)
        policy = retry or Retry()
        data = mail.as_bytes(mail.build(draft, msgid))
        server = smtp.Server.of(cred)
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
        cred: ResolvedCredential,
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
            cred,
            key=key,
            run_id=self.run_id,
            flow_id=self.flow_id,
            node_id=node_id,
            items=self.redact(list(items)),
            attachments=attachments,
            timeout_s=timeout_s,
        )
        return batch.progress()

    # -- API connections -------------------------------------------------------------------------------------------

    def api_request(self, cred: ResolvedCredential, method: str, url: str, **kw: Any) -> Response:
        """A request with the connection's base URL, default headers, auth and rate limit applied."""
        if cred.kind != API_CONNECTION:
            raise CredentialError(f"The credential {cred.name!r} is not an API connection, so it cannot make requests.")
        self.register(cred)  # idempotent; covers a credential resolved elsewhere (the connection check)
        conf = cred.settings
        full_url = self._url(cred, url)
        headers: dict[str, str] = {}
        for name, value in (conf.get("default_headers") or {}).items():
            _set_header(headers, str(name), str(value))
        for name, value in (kw.pop("headers", None) or {}).items():
            _set_header(headers, str(name), str(value))
        params = kw.pop("params", None)
        rate_keys = list(kw.pop("rate_keys", ()))
        if conf.get("rate_limit"):
            rate_keys.append((f"credential:{cred.id}", str(conf["rate_limit"]).replace(" ", "")))
        auth = conf.get("auth_type") or "none"

        def send(access_token: str | None = None) -> Response:
            h = dict(headers)
            p = params
            if auth == "api_key":
                name, key = conf.get("api_key_name") or "X-API-Key", str(cred.secrets.get("api_key") or "")
                if conf.get("api_key_in") == "query":
                    p = {**p, name: key} if isinstance(p, Mapping) else [*(p or []), (name, key)]
                else:
                    _set_header(h, name, key)
            elif auth == "bearer":
                _set_header(h, "Authorization", f"Bearer {cred.secrets.get('token') or ''}")
            elif auth == "basic":
                pair = f"{conf.get('username') or ''}:{cred.secrets.get('password') or ''}"
                encoded = base64.b64encode(pair.encode()).decode()
                self.redactor.add(encoded)
                _set_header(h, "Authorization", f"Basic {encoded}")
            elif auth == "oauth2" and access_token:
                _set_header(h, "Authorization", f"Bearer {access_token}")
            return self.http.request(method, full_url, params=p, headers=h, rate_keys=rate_keys, **kw)

        if auth != "oauth2":
            return send()
        response = send(self._oauth_token(cred))
        if response.status == 401:
            # The server no longer takes the token (revoked, or expired early): one fresh token, one retry.
            response = send(self._oauth_token(cred, fresh=True))
        return response

    def _url(self, cred: ResolvedCredential, url: str) -> str:
        base = str(cred.settings.get("base_url") or "")
        url = url or ""
        if urlsplit(url).scheme or url.startswith("//"):
            # The credential's secrets go only to its own API, so a flow cannot send them elsewhere by a full URL.
            if base and _origin(url) != _origin(base):
                raise CredentialError(
                    f"The credential {cred.name!r} is for {urlsplit(base).netloc}, so it is not sent to "
                    f"{urlsplit(url).netloc}; give a path relative to its base URL."
                )
            return url
        if not base:
            raise CredentialError(f"The credential {cred.name!r} has no base URL, so {url!r} must be a full URL.")
        if not url:
            return base
        return base.rstrip("/") + "/" + url.lstrip("/")

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
