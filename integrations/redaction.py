"""Redaction of secrets from whatever is recorded: steps, exchanges, logs, exceptions."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote, quote_plus, unquote_plus

MASK = "[redacted]"

_SENSITIVE_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key", "api-key"})
_SENSITIVE_HEADER_PARTS = ("token", "secret", "api-key", "apikey", "api_key", "password")
_SENSITIVE_PARAM_PARTS = ("token", "secret", "password", "passwd", "apikey", "api_key", "api-key", "signature")
_SENSITIVE_PARAMS = frozenset({"key", "sig", "auth", "client_secret", "access_token", "refresh_token"})
# "Bearer [redacted]" tells a reader which auth scheme was sent without showing the credential.
_AUTH_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9_-]{0,19}) +\S")
_MIN_SECRET = 4
_MIN_BASE64_CORE = 6
_ATOMS = frozenset({int, float, bool, type(None)})  # nothing to mask and nothing to copy


def is_sensitive_header(name: str) -> bool:
    lowered = name.lower()
    return lowered in _SENSITIVE_HEADERS or any(part in lowered for part in _SENSITIVE_HEADER_PARTS)


def _mask_header(name: str, value: Any) -> str:
    if name.lower() in ("authorization", "proxy-authorization") and isinstance(value, str):
        scheme = _AUTH_SCHEME.match(value)
        if scheme:
            return f"{scheme.group(1)} {MASK}"
    return MASK


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """A copy of headers with credential-bearing values masked (Authorization keeps its scheme word)."""
    return {name: _mask_header(name, value) if is_sensitive_header(name) else value for name, value in headers.items()}


def _is_sensitive_param(name: str) -> bool:
    lowered = name.lower()
    return lowered in _SENSITIVE_PARAMS or any(part in lowered for part in _SENSITIVE_PARAM_PARTS)


def redact_url(url: str) -> str:
    """Mask query values whose names say they are credentials (api_key=, access_token=, ...); the rest stays as sent."""
    head, sep, query = url.partition("?")
    if not sep:
        return url
    query, hash_sep, fragment = query.partition("#")
    parts = []
    for item in query.split("&"):
        name, eq, _value = item.partition("=")
        parts.append(f"{name}={MASK}" if eq and _is_sensitive_param(unquote_plus(name)) else item)
    return f"{head}?{'&'.join(parts)}{hash_sep}{fragment}"


def _base64_forms(secret: bytes) -> set[str]:
    """The secret's base64 text at each of the three alignments it can have inside a longer encoded value."""
    # Basic auth encodes "user:password": the password alone never appears verbatim, but the characters that encode
    # only its bytes do, whatever precedes it.
    forms = {base64.b64encode(secret).decode(), base64.urlsafe_b64encode(secret).decode()}
    for offset in range(3):
        encoded = base64.b64encode(b"\0" * offset + secret).decode()
        start = -(-8 * offset // 6)  # first character built only from secret bits
        end = 8 * (offset + len(secret)) // 6  # one past the last such character
        core = encoded[start:end]
        if len(core) >= _MIN_BASE64_CORE:
            forms.add(core)
            forms.add(core.replace("+", "-").replace("/", "_"))
    return forms


class Redactor:
    """Replaces every known secret (and its URL-encoded, JSON-escaped and base64 forms) with "[redacted]"."""

    def __init__(self, secrets: Iterable[str] = ()):
        self._forms: set[str] = set()
        self._pattern: re.Pattern[str] | None = None
        for secret in secrets:
            self.add(secret)

    def add(self, secret: str) -> None:
        """Register a secret; values shorter than 4 characters are ignored (they would mask ordinary text)."""
        if not isinstance(secret, str):
            secret = str(secret)
        candidates = {secret, secret.strip()}
        new: set[str] = set()
        for value in candidates:
            if len(value) < _MIN_SECRET:
                continue
            escaped = {json.dumps(value)[1:-1], json.dumps(value, ensure_ascii=False)[1:-1]}
            escaped |= {form.replace("/", "\\/") for form in escaped}  # some encoders escape "/" as well
            new |= {value, quote(value, safe=""), quote(value), quote_plus(value), *escaped}
            new |= _base64_forms(value.encode())
        new -= self._forms
        if new:
            self._forms |= new
            # Longest first, so a form that contains another is masked whole.
            ordered = sorted(self._forms, key=len, reverse=True)
            self._pattern = re.compile("|".join(re.escape(form) for form in ordered))

    def text(self, value: str) -> str:
        return self._pattern.sub(MASK, value) if self._pattern else value

    def pending(self, text: str) -> int:
        """How many characters at the end of text could be the start of a secret: text sent out as it is written
        holds them back until the next piece shows whether a secret follows."""
        held = 0
        for form in self._forms:
            for k in range(min(len(form) - 1, len(text)), held, -1):
                if text.endswith(form[:k]):
                    held = k
                    break
        return held

    def __call__(self, value: Any) -> Any:
        """A deep copy of value (str, bytes, dict, list, tuple) with secrets and sensitive header values masked."""
        # Exact types first: every field a worker sends out passes here, and isinstance against Mapping (an ABC) for
        # each nested value was most of a turn's redaction cost. Subclasses take the general checks below.
        kind = type(value)
        if kind is str:
            return self.text(value)
        if kind in _ATOMS:
            return value
        if kind is list:
            return [self(item) for item in value]
        if kind is dict:
            return self._mapping(value)
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, bytes):
            return self.text(value.decode("utf-8", "surrogateescape")).encode("utf-8", "surrogateescape")
        if isinstance(value, Mapping):
            return self._mapping(value)
        if isinstance(value, list):
            return [self(item) for item in value]
        if isinstance(value, tuple):
            return tuple(self(item) for item in value)
        return value

    def _mapping(self, value: Mapping) -> dict[Any, Any]:
        out: dict[Any, Any] = {}
        for key, item in value.items():
            if isinstance(key, str):
                if key.lower() == "headers":
                    item = _mask_header_container(item)
                key = self.text(key)
            out[key] = self(item)
        return out


def _mask_header_container(headers: Any) -> Any:
    """Headers as a mapping, as the node config's [{"key", "value"}] list, or as (name, value) pairs."""
    if isinstance(headers, Mapping):
        return {
            k: _mask_header(k, v) if isinstance(k, str) and is_sensitive_header(k) else v for k, v in headers.items()
        }
    if isinstance(headers, list):
        masked: list[Any] = []
        for item in headers:
            if isinstance(item, Mapping) and isinstance(item.get("key"), str) and is_sensitive_header(item["key"]):
                item = {**item, "value": _mask_header(item["key"], item.get("value"))}
            elif isinstance(item, list | tuple) and len(item) == 2 and isinstance(item[0], str):
                name = item[0]
                pair = (name, _mask_header(name, item[1]) if is_sensitive_header(name) else item[1])
                item = list(pair) if isinstance(item, list) else pair
            masked.append(item)
        return masked
    return headers
