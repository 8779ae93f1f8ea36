"""API connection: a base URL and how to authenticate to it (none, API key, bearer, basic, OAuth2 client credentials).

The connection check GETs the check path (or the base URL) with the auth applied, through the guarded client.
Without a check path, any answer below 500 other than 401 and 403 counts as reachable: an API's root often
answers 404, and what the check must catch is an unreachable host or refused credentials. With a check path
the admin names an endpoint that should work, so only a 2xx answer passes.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from integrations.errors import CredentialError

from .base import CHOICE, HEADER_NAME, HEADERS, RATE, URL, CheckFailed, Field, Kind, Outgoing, set_header

AUTH_TYPES = (
    ("none", "None"),
    ("api_key", "API key"),
    ("bearer", "Bearer token"),
    ("basic", "Basic auth (username and password)"),
    ("oauth2", "OAuth2 client credentials"),
)
API_KEY = {"auth_type": ("api_key",)}
BEARER = {"auth_type": ("bearer",)}
BASIC = {"auth_type": ("basic",)}
OAUTH2 = {"auth_type": ("oauth2",)}


class ApiConnection(Kind):
    key = "api_connection"
    label = "API connection"
    description = "A REST or GraphQL API: its base URL, how to authenticate, default headers and a rate limit."
    fields = (
        Field("base_url", "Base URL", "Requests to relative paths go here, such as https://api.example.com/v1.",
              type=URL, required=True),
        Field("auth_type", "Authentication", type=CHOICE, choices=AUTH_TYPES, default="none", required=True),
        Field("api_key_name", "API key name", "The header or query parameter that carries the key.",
              default="X-API-Key", required=True, show_if=API_KEY),
        Field("api_key_in", "Send the API key in", type=CHOICE, default="header", required=True, show_if=API_KEY,
              choices=(("header", "A header"), ("query", "The query"))),
        Field("api_key", "API key", secret=True, required=True, show_if=API_KEY),
        Field("token", "Bearer token", "Sent as Authorization: Bearer <token>.", secret=True, required=True,
              show_if=BEARER),
        Field("username", "Username", required=True, show_if=BASIC),
        Field("password", "Password", secret=True, show_if=BASIC),
        Field("token_url", "Token URL", "Where the client credentials are exchanged for an access token.", type=URL,
              required=True, show_if=OAUTH2),
        Field("client_id", "Client ID", required=True, show_if=OAUTH2),
        Field("client_secret", "Client secret", secret=True, required=True, show_if=OAUTH2),
        Field("scope", "Scope", "Space-separated scopes to ask for; blank asks for the default.", show_if=OAUTH2),
        Field("token_auth", "Send client credentials", type=CHOICE, default="basic", show_if=OAUTH2,
              choices=(("basic", "As HTTP basic auth (RFC 6749)"), ("form", "In the form body"))),
        Field("default_headers", "Default headers", 'Sent with every request, one "Name: value" per line.',
              type=HEADERS, default=None),
        Field("rate_limit", "Rate limit", 'At most this many requests, such as "10/s" or "100/m"; blank for none.',
              type=RATE),
        Field("check_path", "Check path", "The connection check GETs this path (relative to the base URL) and "
              "expects a 2xx answer. Blank: it GETs the base URL, and any answer but 401, 403 or 5xx passes."),
    )  # fmt: skip

    def clean(self, settings: Mapping[str, Any], secrets: Mapping[str, Any]) -> dict[str, str]:
        problems = {}
        name = settings.get("api_key_name") or ""
        in_header = settings.get("auth_type") == "api_key" and settings.get("api_key_in") == "header"
        if in_header and name and not HEADER_NAME.match(name):
            problems["api_key_name"] = "A header name has letters, digits and - only, such as X-API-Key."
        check_path = settings.get("check_path") or ""
        if urlsplit(check_path).scheme or check_path.startswith("//"):
            problems["check_path"] = "Give a path relative to the base URL, such as /me."
        return problems

    def summary(self, settings: Mapping[str, Any]) -> str:
        auth = dict(AUTH_TYPES).get(settings.get("auth_type", "none"), "")
        return f"{settings.get('base_url', '')} ({auth.lower()})"

    def prepare(self, resolved: Any, out: Outgoing, services: Any) -> None:
        conf = resolved.settings
        out.url = _url(resolved, out.url)
        headers: dict[str, str] = {}
        for name, value in (conf.get("default_headers") or {}).items():
            set_header(headers, str(name), str(value))
        for name, value in out.headers.items():
            set_header(headers, str(name), str(value))
        out.headers = headers
        if conf.get("rate_limit"):
            out.rate_keys.append((f"credential:{resolved.id}", str(conf["rate_limit"]).replace(" ", "")))

    def authenticate(self, resolved: Any, out: Outgoing, services: Any, *, fresh: bool = False) -> None:
        conf, secrets = resolved.settings, resolved.secrets
        auth = conf.get("auth_type") or "none"
        if auth == "api_key":
            name, key = conf.get("api_key_name") or "X-API-Key", str(secrets.get("api_key") or "")
            if conf.get("api_key_in") == "query":
                p = out.params
                out.params = {**p, name: key} if isinstance(p, Mapping) else [*(p or []), (name, key)]
            else:
                set_header(out.headers, name, key)
        elif auth == "bearer":
            set_header(out.headers, "Authorization", f"Bearer {secrets.get('token') or ''}")
        elif auth == "basic":
            pair = f"{conf.get('username') or ''}:{secrets.get('password') or ''}"
            encoded = base64.b64encode(pair.encode()).decode()
            services.redactor.add(encoded)
            set_header(out.headers, "Authorization", f"Basic {encoded}")
        elif auth == "oauth2":
            token = services.client_credentials_token(resolved, fresh=fresh)
            set_header(out.headers, "Authorization", f"Bearer {token}")

    def renews(self, resolved: Any) -> bool:
        # The server may no longer take a cached token (revoked, or expired early): one fresh token, one retry.
        return (resolved.settings.get("auth_type") or "none") == "oauth2"

    def check(self, resolved, services) -> str:
        path = resolved.settings.get("check_path") or ""
        response = services.api_request(resolved, "GET", path, timeout_s=10)
        where = urlsplit(response.url).netloc or resolved.settings.get("base_url", "")
        status = response.status
        if status in (401, 403):
            raise CheckFailed(f"{where} refused the credentials: HTTP {status}.")
        if status >= 500:
            raise CheckFailed(f"{where} answered with a server error: HTTP {status}.")
        if path and not 200 <= status < 300:
            raise CheckFailed(f"GET {path} on {where} answered HTTP {status}; the check path should answer 2xx.")
        latency = f" in {response.elapsed_ms:.0f} ms" if response.elapsed_ms else ""
        return f"{where} answered HTTP {status}{latency}."


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    default = {"http": 80, "https": 443}.get(parts.scheme)
    return parts.scheme, (parts.hostname or "").lower(), parts.port or default


def _url(resolved: Any, url: str) -> str:
    """The full URL of a request: relative paths joined to the base URL; a full URL only to the same origin."""
    base = str(resolved.settings.get("base_url") or "")
    url = url or ""
    if urlsplit(url).scheme or url.startswith("//"):
        # The credential's secrets go only to its own API, so a flow cannot send them elsewhere by a full URL.
        if base and _origin(url) != _origin(base):
            raise CredentialError(
                f"The credential {resolved.name!r} is for {urlsplit(base).netloc}, so it is not sent to "
                f"{urlsplit(url).netloc}; give a path relative to its base URL."
            )
        return url
    if not base:
        raise CredentialError(f"The credential {resolved.name!r} has no base URL, so {url!r} must be a full URL.")
    if not url:
        return base
    return base.rstrip("/") + "/" + url.lstrip("/")
