"""Google APIs for a run: access tokens for a Google credential (cached, encrypted) and authorized guarded requests.

A service account signs a JWT and trades it for an access token (google-auth's JWT grant); an OAuth credential trades
its refresh token. Either way the token request goes through the guarded client (transports.google_auth), the token
is cached in Redis encrypted by the vault until shortly before it expires, and a 401 gets one fresh token and one retry.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

import google.auth.exceptions
import gspread
from google.oauth2 import credentials as oauth_credentials
from google.oauth2 import service_account

from integrations.errors import CredentialError, OutboundError
from integrations.http import GuardedClient, Response, Retry
from integrations.vault import tokens

from .transports.google_auth import GuardedRequest
from .transports.gspread import GuardedSession

log = logging.getLogger(__name__)

SERVICE_ACCOUNT, OAUTH = "google_service_account", "google_oauth"
KINDS = (SERVICE_ACCOUNT, OAUTH)
KEY_FIELD = "service_account_key"
SHEETS_SCOPE = "https://www.googleapis.com/auth/spreadsheets"
CALENDAR_SCOPE = "https://www.googleapis.com/auth/calendar"
GOOGLE_API_DOMAIN = "googleapis.com"  # every Google API answers on a host under it (sheets., www., gmail., ...)
# A token for a plain request (the REST API node) asks for these unless the credential names its own `scopes`.
REQUEST_SCOPES = (SHEETS_SCOPE, CALENDAR_SCOPE)
DEFAULT_TOKEN_URI = "https://oauth2.googleapis.com/token"
TOKEN_MARGIN_S = 60  # a cached token is dropped this long before Google says it expires
TOKEN_TIMEOUT_S = 10.0


def service_account_info(cred: Any) -> dict[str, Any]:
    """The parsed JSON key of a service account credential."""
    try:
        info = json.loads(str(cred.secrets.get(KEY_FIELD) or ""))
    except json.JSONDecodeError:
        info = None
    if not isinstance(info, dict):
        raise CredentialError(f"The credential {cred.name!r} has no service account key; upload it in admin.")
    return info


def account_email(cred: Any) -> str:
    """Who the credential acts as: the service account's e-mail (or the user it impersonates), blank for OAuth."""
    if cred.kind == SERVICE_ACCOUNT:
        return str(cred.settings.get("subject") or cred.settings.get("client_email") or "")
    return ""


def endpoint(cred: Any) -> str:
    """The credential's endpoint override without a trailing slash, or blank for Google itself."""
    return str(cred.settings.get("endpoint") or "").strip().rstrip("/")


def rate_keys(cred: Any) -> list[tuple[str, str]]:
    """The credential's own rate limit bucket, if it sets one."""
    rate = str(cred.settings.get("rate_limit") or "").replace(" ", "")
    return [(f"credential:{cred.id}", rate)] if rate else []


def request_scopes(cred: Any) -> tuple[str, ...]:
    """The scopes of the token a plain request gets: the credential's `scopes` setting, else Sheets and Calendar."""
    return tuple(str(cred.settings.get("scopes") or "").split()) or REQUEST_SCOPES


def scopes_problem(text: str) -> str | None:
    """Why a space-separated list of scopes is not one, or None."""
    for scope in text.split():
        parts = urlsplit(scope)
        if scope not in ("openid", "email", "profile") and (parts.scheme != "https" or not parts.hostname):
            return (
                f"{scope[:100]!r} is not a scope: give scope URLs separated by spaces, such as "
                "https://www.googleapis.com/auth/drive.readonly."
            )
    return None


def api_url(cred: Any, url: str) -> str:
    """The URL to call: a Google API's (https://<api>.googleapis.com/...), its origin swapped for the credential's
    endpoint override when there is one, or a URL on that endpoint; any other URL is refused (the token is Google's)."""
    parts = urlsplit(url or "")
    if not parts.scheme:
        raise OutboundError(
            f"The Google credential {cred.name!r} takes the full URL of a Google API "
            f"(https://….{GOOGLE_API_DOMAIN}/…), not {url[:100]!r}."
        )
    override = endpoint(cred)
    host = (parts.hostname or "").lower()
    google = host == GOOGLE_API_DOMAIN or host.endswith("." + GOOGLE_API_DOMAIN)
    # https only, no user info, no odd port: the token goes to Google's API front end and nowhere else.
    if google and parts.scheme == "https" and parts.netloc.lower() == host:
        if not override:
            return url
        return override + url[len(f"{parts.scheme}://{parts.netloc}") :]
    if override and (url == override or url.startswith(override + "/")):
        return url
    raise OutboundError(f"The Google credential {cred.name!r} is not sent to {parts.netloc}.")


class GoogleAccess:
    """A Google credential in use for one run and a set of scopes: tokens, and requests made with them."""

    def __init__(
        self,
        cred: Any,
        services: Any,
        scopes: Sequence[str],
        *,
        timeout_s: float = 10.0,
        retry: Retry | None = None,
    ):
        if cred.kind not in KINDS:
            raise CredentialError(f"The credential {cred.name!r} is not a Google credential.")
        self.cred = cred
        self.services = services
        self.scopes = tuple(scopes)
        self.timeout_s = timeout_s
        self.retry = retry
        self.endpoint = endpoint(cred)
        self.rate_keys = rate_keys(cred)
        services.register(cred)
        if cred.kind == SERVICE_ACCOUNT:
            key = str(service_account_info(cred).get("private_key") or "")
            # The PEM unescaped, on top of the key's JSON text that register() knows. (Not line by line: every form
            # of every line would make the redactor's pattern slow to build, and the key is never sent anywhere.)
            services.redactor.add(key)

    @property
    def token_host(self) -> str:
        return urlsplit(self._token_uri()).netloc

    def _token_uri(self) -> str:
        if self.cred.kind == SERVICE_ACCOUNT:
            return str(service_account_info(self.cred).get("token_uri") or DEFAULT_TOKEN_URI)
        return str(self.cred.settings.get("token_uri") or DEFAULT_TOKEN_URI)

    # -- tokens ------------------------------------------------------------------------------------------------------

    def _cache_key(self) -> str:
        # The credential's version is in the key, so changing it in admin drops its cached tokens.
        digest = hashlib.sha256(f"{self.cred.version}|{' '.join(sorted(self.scopes))}".encode()).hexdigest()[:16]
        return f"fb:google:{self.cred.id}:{digest}"

    def token(self, *, fresh: bool = False) -> str:
        """An access token: from the cache (vault-encrypted) unless fresh, else fetched from Google and cached."""
        key = self._cache_key()
        if not fresh:
            cached = tokens.cached(key, "Google token")
            if cached:
                self.services.redactor.add(cached)
                return cached
        token, lifetime = self._fetch()
        tokens.store(key, token, lifetime, TOKEN_MARGIN_S, "Google token")
        return token

    def _google_credentials(self) -> Any:
        cred = self.cred
        if cred.kind == SERVICE_ACCOUNT:
            try:
                return service_account.Credentials.from_service_account_info(
                    service_account_info(cred),
                    scopes=list(self.scopes),
                    subject=str(cred.settings.get("subject") or "") or None,
                )
            except (ValueError, KeyError) as exc:
                raise CredentialError(f"The service account key of {cred.name!r} cannot be used: {exc}") from None
        refresh_token = str(cred.secrets.get("refresh_token") or "")
        if not refresh_token:
            raise CredentialError(f"The credential {cred.name!r} has no refresh token.")
        # No scopes: the user's consent fixed them, and asking for others would fail the refresh.
        return oauth_credentials.Credentials(
            token=None,
            refresh_token=refresh_token,
            client_id=str(cred.settings.get("client_id") or ""),
            client_secret=str(cred.secrets.get("client_secret") or ""),
            token_uri=self._token_uri(),
        )

    def _fetch(self) -> tuple[str, float]:
        google_creds = self._google_credentials()
        what = "service account key" if self.cred.kind == SERVICE_ACCOUNT else "refresh token"
        # A client of its own: its exchange joins the step only once the new token is known to the redactor.
        client = GuardedClient(redactor=self.services.redactor)
        request = GuardedRequest(client, timeout_s=TOKEN_TIMEOUT_S, secret=self.services.redactor.add)
        try:
            google_creds.refresh(request)
        except google.auth.exceptions.RefreshError as exc:
            reason = exc.args[0] if exc.args and isinstance(exc.args[0], str) else "refused"
            message = (
                f"Google's token endpoint at {self.token_host} refused the {what} of {self.cred.name!r}: "
                f"{reason.rstrip('.')[:300]}."
            )
            raise CredentialError(str(self.services.redact(message))) from None
        except google.auth.exceptions.GoogleAuthError as exc:
            message = f"Could not get a Google access token for {self.cred.name!r}: {str(exc)[:300]}"
            raise CredentialError(str(self.services.redact(message))) from None
        finally:
            token = getattr(google_creds, "token", None)
            if token:
                self.services.redactor.add(token)
            client.close()
            self.services.http.exchanges.extend(self.services.redact(client.exchanges))
        token = str(google_creds.token or "")
        if not token:
            raise CredentialError(f"Google's token endpoint at {self.token_host} answered without an access token.")
        expiry = google_creds.expiry  # naive UTC, as google-auth keeps it
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        lifetime = (expiry - now).total_seconds() if expiry else 0.0
        return token, lifetime

    # -- requests ----------------------------------------------------------------------------------------------------

    def url(self, url: str) -> str:
        """The URL to call (see api_url): the access token goes to Google, or the endpoint the credential names."""
        return api_url(self.cred, url)

    def request(self, method: str, url: str, **kw: Any) -> Response:
        """An authorized request through the run's guarded client; a 401 gets one fresh token and one retry."""
        target = self.url(url)
        headers = {k: v for k, v in (kw.pop("headers", None) or {}).items() if k.lower() != "authorization"}
        kw.setdefault("timeout_s", self.timeout_s)
        if self.retry is not None:
            kw.setdefault("retry", self.retry)
        kw["rate_keys"] = [*kw.get("rate_keys", ()), *self.rate_keys]

        def send(token: str) -> Response:
            return self.services.http.request(
                method, target, headers={**headers, "Authorization": f"Bearer {token}"}, **kw
            )

        response = send(self.token())
        if response.status == 401:
            # Revoked, or expired early: one fresh token, one retry.
            response = send(self.token(fresh=True))
        return response


def sheets_client(access: GoogleAccess) -> gspread.Client:
    """A gspread client whose every request goes through the credential's GoogleAccess (and the guarded client)."""
    return gspread.Client(auth=None, session=GuardedSession(access.request))  # type: ignore[arg-type]


def client(cred: Any, services: Any, **options: Any) -> Any:
    """What a Google kind builds for a node: a gspread client for `scopes` (the only library a node asks for now)."""
    library = options.pop("library", "gspread")
    if library != "gspread":
        raise CredentialError(f"The credential {cred.name!r} builds no {library!r} client.")
    return sheets_client(GoogleAccess(cred, services, options.pop("scopes"), **options))


_SHEET_URL = re.compile(r"/spreadsheets/d/([A-Za-z0-9_-]+)")
_SHEET_ID = re.compile(r"^[A-Za-z0-9_-]{10,}$")


def spreadsheet_id(text: str) -> str:
    """The spreadsheet id in a Google Sheets URL, or the id itself; ValueError with a sentence when it is neither."""
    text = (text or "").strip()
    match = _SHEET_URL.search(text)
    if match:
        return match.group(1)
    if _SHEET_ID.match(text):
        return text
    raise ValueError(
        f"{text[:100]!r} is neither a Google Sheets URL (https://docs.google.com/spreadsheets/d/…) "
        "nor a spreadsheet id."
    )


def api_problem(exc: gspread.exceptions.APIError, what: str, who: str) -> str:
    """A sentence for an error answer of the Sheets API (what: "the spreadsheet 1AbC…"; who: the account's e-mail)."""
    status = getattr(exc.response, "status_code", 0)
    detail = str(exc.error.get("message") or "").strip().rstrip(".")[:300] if isinstance(exc.error, dict) else ""
    shared = f" Share it with {who}." if who else ""
    if status == 404:
        found = what.removeprefix("the ")
        return f"Google found no {found}: check the id, and that it is shared with the account.{shared}"
    if status == 403:
        return f"Google refused access to {what} (HTTP 403{': ' + detail if detail else ''}).{shared}"
    if status == 401:
        return "Google refused the credentials (HTTP 401) even with a fresh access token."
    if status == 429:
        return f"Google's quota for {what} is used up (HTTP 429{': ' + detail if detail else ''}); try again later."
    return f"Google answered HTTP {status} for {what}{': ' + detail if detail else ''}."
