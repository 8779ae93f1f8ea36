"""What a credential kind is: its fields (which are secret), their validation, a connection check, and how it
authenticates a request, builds a library client, signs and verifies (where a credential's secrets are used)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar
from urllib.parse import urlsplit

from integrations.errors import CredentialError

# Field types: how the admin form shows a field and how its text becomes the stored value.
STRING, TEXT, URL, CHOICE, HEADERS, RATE = "string", "text", "url", "choice", "headers", "rate"
JSON_FILE = "json_file"  # a JSON document (a key file), uploaded as a file or pasted; stored as compact JSON text
TYPES = (STRING, TEXT, URL, CHOICE, HEADERS, RATE, JSON_FILE)
JSON_FILE_MAX_BYTES = 64 * 1024

RATE_PATTERN = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*/\s*(s|m|h)\s*$")
HEADER_NAME = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")


@dataclass
class ResolvedCredential:
    """A credential decrypted for use (integrations.credentials.resolve): only kinds and the run's Services see it."""

    id: int
    name: str
    kind: str
    settings: dict[str, Any]
    secrets: dict[str, Any] = field(repr=False)  # repr=False: a logged or printed credential shows no secret
    version: str = ""  # changes whenever the record does (cache keys, such as the OAuth2 token, use it)


class CheckFailed(Exception):
    """The connection check failed; the message says why in a sentence, without any secret."""


class Unverified(Exception):
    """An inbound delivery failed the kind's verification; `reason` names why (the caller maps it to an answer)."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason  # misconfigured, invalid_signature, invalid_token, invalid_timestamp, stale


@dataclass
class Outgoing:
    """A request on its way out, before the kind authenticates it (headers, query, URL may change)."""

    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    params: Any = None
    rate_keys: list[tuple[str, str]] = field(default_factory=list)


def set_header(headers: dict[str, str], name: str, value: str) -> None:
    """Set a header, replacing any spelling of it already there (header names are case-insensitive)."""
    for existing in [k for k in headers if k.lower() == name.lower()]:
        del headers[existing]
    headers[name] = value


@dataclass(frozen=True)
class Field:
    """One field of a kind, as n8n's credential properties: the admin form is built from these."""

    name: str
    label: str
    help: str = ""
    secret: bool = False
    required: bool = False  # required when shown (see show_if)
    choices: tuple[tuple[str, str], ...] = ()
    type: str = STRING
    default: Any = ""
    # Shown (and required) only when another setting has one of these values, as n8n's displayOptions.
    show_if: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # Filled in by the kind (Kind.derive) from other fields, such as the e-mail inside a key file: shown, not typed.
    derived: bool = False

    def shown(self, settings: Mapping[str, Any]) -> bool:
        return all(settings.get(other) in values for other, values in self.show_if.items())

    def parse(self, raw: Any) -> Any:
        """The stored value of what was typed; ValueError with a sentence when it is not valid."""
        if self.type == HEADERS:
            return parse_headers(raw)
        if self.type == JSON_FILE:
            return parse_json_document(raw)
        text = "" if raw is None else str(raw)
        if self.type != TEXT:
            text = text.strip()
        if self.type == URL and text:
            parts = urlsplit(text)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise ValueError("Enter a full http:// or https:// URL.")
        if self.type == CHOICE and text and text not in {value for value, _ in self.choices}:
            raise ValueError(f"Choose one of: {', '.join(value for value, _ in self.choices)}.")
        if self.type == RATE and text and not RATE_PATTERN.match(text):
            raise ValueError('Write a rate as requests per s, m or h, such as "10/s" or "100/m".')
        return text

    def format(self, value: Any) -> str:
        """The stored value as the form shows it."""
        if self.type == HEADERS:
            return "\n".join(f"{k}: {v}" for k, v in (value or {}).items())
        return "" if value is None else str(value)


def parse_headers(raw: Any) -> dict[str, str]:
    """`Name: value` per line (a dict passes through), as people paste them from documentation."""
    if isinstance(raw, Mapping):
        return {str(k): str(v) for k, v in raw.items()}
    headers: dict[str, str] = {}
    for number, line in enumerate(str(raw or "").splitlines(), start=1):
        if not line.strip():
            continue
        name, sep, value = line.partition(":")
        name = name.strip()
        if not sep or not HEADER_NAME.match(name):
            raise ValueError(f'Line {number} is not a header: write one "Name: value" per line.')
        headers[name] = value.strip()
    return headers


def parse_json_document(raw: Any) -> str:
    """A JSON object (file contents or pasted text) as compact JSON text; ValueError with a sentence otherwise."""
    if raw is None or raw == "":
        return ""
    if isinstance(raw, bytes):
        if len(raw) > JSON_FILE_MAX_BYTES:
            raise ValueError(f"The file is larger than {JSON_FILE_MAX_BYTES // 1024} KB; a key file is a few KB.")
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValueError("The file is not text: upload the .json key file itself.") from None
    text = str(raw).strip()
    if not text:
        return ""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"This is not JSON ({exc.msg} at line {exc.lineno}): upload the .json key file.") from None
    if not isinstance(data, dict):
        raise ValueError("The JSON is not an object: upload the .json key file as Google gave it.")
    return json.dumps(data, separators=(",", ":"))


class Kind:
    """Subclass per kind, in its own module under integrations/kinds/, listed once in kinds.KINDS."""

    key: ClassVar[str]
    label: ClassVar[str]
    description: ClassVar[str] = ""
    fields: ClassVar[tuple[Field, ...]] = ()

    @property
    def setting_fields(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if not f.secret)

    @property
    def secret_fields(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.secret)

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    def validate(self, settings: Mapping[str, Any], secrets: Mapping[str, Any]) -> dict[str, str]:
        """Problems as {field name: sentence}: required fields that are shown, then the kind's own rules."""
        problems: dict[str, str] = {}
        for f in self.fields:
            value = (secrets if f.secret else settings).get(f.name)
            if f.required and f.shown(settings) and not value:
                problems[f.name] = f"{f.label} is required" + (f" when {self._condition(f)}." if f.show_if else ".")
        for name, message in self.clean(settings, secrets).items():
            problems.setdefault(name, message)
        return problems

    def _condition(self, f: Field) -> str:
        parts = []
        for other, values in f.show_if.items():
            labels = dict(self.field(other).choices)
            parts.append(f"{self.field(other).label.lower()} is " + " or ".join(labels.get(v, v) for v in values))
        return " and ".join(parts)

    def clean(self, settings: Mapping[str, Any], secrets: Mapping[str, Any]) -> dict[str, str]:
        """The kind's own rules beyond required fields."""
        return {}

    def derive(self, settings: Mapping[str, Any], secrets: Mapping[str, Any]) -> dict[str, Any]:
        """Values of the derived fields, read from the others (called once the fields are valid)."""
        return {}

    def summary(self, settings: Mapping[str, Any]) -> str:
        """One line for the admin list (never a secret)."""
        return ""

    def check(self, resolved: ResolvedCredential, services: Any) -> str:
        """Try the connection; a sentence saying what worked, or raise CheckFailed saying what did not."""
        raise NotImplementedError

    # -- What a node's connection may do with it (see integrations/connection.py). Every one raises CredentialError
    # -- where the kind does not do it; `services` is the run's Services (guarded client, redactor, token cache).

    def redacted(self, resolved: ResolvedCredential) -> list[str]:
        """Values to mask beyond the secret fields themselves (a part of a secret URL that shows up alone)."""
        return []

    def host(self, resolved: ResolvedCredential) -> str:
        """The host its requests go to (never a secret), or blank."""
        return urlsplit(str(resolved.settings.get("base_url") or "")).hostname or ""

    def prepare(self, resolved: ResolvedCredential, out: Outgoing, services: Any) -> None:
        """Make `out` a request to this credential's service (its base URL, default headers, rate limit)."""
        raise CredentialError(f"The credential {resolved.name!r} is not an API connection, so it cannot make requests.")

    def authenticate(self, resolved: ResolvedCredential, out: Outgoing, services: Any, *, fresh: bool = False) -> None:
        """Add the proof of who is calling (a header, a query parameter, a token in the URL); fresh: a new token."""

    def renews(self, resolved: ResolvedCredential) -> bool:
        """True when a 401 answer is worth one retry with a fresh token (tokens this kind fetches itself)."""
        return False

    def shown_url(self, resolved: ResolvedCredential, url: str) -> str:
        """The URL of a request as errors show it: nothing secret in it."""
        return url

    def client(self, resolved: ResolvedCredential, services: Any, **options: Any) -> Any:
        """A client library object (OpenAI, gspread, CalDAV) whose requests go through the run's guarded client."""
        raise CredentialError(f"The credential {resolved.name!r} ({self.label}) has no client library to build.")

    def sign(self, resolved: ResolvedCredential, body: bytes, *, msg_id: str) -> dict[str, str]:
        """Headers that prove an outbound delivery comes from us (webhook signing)."""
        raise CredentialError(f"The credential {resolved.name!r} ({self.label}) cannot sign deliveries.")

    def verify(self, resolved: ResolvedCredential, headers: Mapping[str, str], body: bytes, **options: Any) -> str:
        """The id of an authentic inbound delivery; raises Unverified saying why it is not."""
        raise Unverified("misconfigured", f"The credential {resolved.name!r} ({self.label}) cannot verify deliveries.")
