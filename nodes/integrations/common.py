"""What the outbound integration nodes share: config fields, reaching ctx.services, errors, response parsing."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from http import HTTPStatus
from typing import Any, Literal
from urllib.parse import urljoin, urlsplit, urlunsplit
from xml.etree import ElementTree as BuildET  # building only; every parse goes through defusedxml
from xml.etree.ElementTree import ParseError

from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException
from pydantic import Field
from pydantic.fields import FieldInfo
from pydantic.json_schema import JsonDict

from integrations.errors import CredentialError, OutboundError
from integrations.redaction import redact_headers
from integrations.retry import Retry
from nodes.base import Context, NodeConfig, NodeError, Output, template_field, variable_field
from nodes.outside import Connection, Outside, Response
from nodes.templating import is_template

from . import mapping

CATEGORY = "Integrations"
OUTPUTS = (Output("success", "Success"), Output("error", "Error"))
Method = Literal["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"]
ResponseType = Literal["auto", "json", "xml", "text"]
EXCERPT_CHARS = 300
_XML_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")


class KeyValue(NodeConfig):
    key: str = Field(title="Name", min_length=1, max_length=200)
    value: str = template_field("", title="Value", max_length=4000)


class RetryConfig(NodeConfig):
    attempts: int = Field(
        1, ge=1, le=5, title="Attempts", description="1 sends once; more retry network errors, 5xx and 429."
    )
    backoff_s: float = Field(
        0.5, ge=0, le=30, title="First wait (s)", description="Doubles after each attempt, with jitter."
    )

    def policy(self) -> Retry:
        return Retry(attempts=self.attempts, backoff_s=self.backoff_s)


def key_values_field(title: str, **extra: Any) -> Any:
    """A list of name/value pairs whose values are templates (headers, query, form fields)."""
    schema: JsonDict = {"x-widget": "keyvalue", **extra}
    return Field(default_factory=list, title=title, max_length=50, json_schema_extra=schema)


def show_when(info: Any, **conditions: list[str]) -> Any:
    """A UI hint: the canvas shows the field only when the named fields have one of the values."""
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    return FieldInfo.merge_field_infos(info, json_schema_extra={**extra, "x-show-when": conditions})


def credential_field(kinds: Sequence[str], *, required: bool = False, title: str = "Credential") -> Any:
    """A credential referenced by id, never a secret; the canvas lists those of the given kinds."""
    schema: JsonDict = {"x-widget": "credential", "x-credential-kinds": list(kinds)}
    return Field(... if required else None, title=title, ge=1, json_schema_extra=schema)


def timeout_field() -> Any:
    return Field(10.0, ge=1, le=120, title="Timeout (s)")


def retry_field() -> Any:
    return Field(default_factory=lambda: RetryConfig.model_validate({}), title="Retry")


def save_as_field(title: str = "Save the response in") -> Any:
    return variable_field(None, title=title)


def mapping_field(title: str = "Map the response to variables") -> Any:
    schema: JsonDict = {"x-widget": "mapping"}
    return Field(default_factory=list, title=title, max_length=50, json_schema_extra=schema)


class CallFailed(NodeError):
    """A failed call: the step's message, plus what was exchanged so the trace can show request and response."""

    def __init__(self, message: str, output: dict[str, Any] | None = None):
        super().__init__(message)
        self.output = output or {}


def services(ctx: Context, label: str) -> Outside:
    """The run's integrations services (outbound HTTP, connections, delivery log)."""
    if ctx.services is None:
        raise NodeError(f"The {label} node needs the integrations services (outbound HTTP and credentials).")
    return ctx.services


def credential(svc: Outside, ctx: Context, credential_id: int, kinds: Sequence[str]) -> Connection:
    """The credential as a connection (no secrets in it); its secrets are now known to the run's redactor."""
    try:
        return svc.connection(credential_id, kinds=list(kinds), node_id=ctx.node_id)
    except CredentialError as exc:  # missing, wrong kind, cannot decrypt: a clear, secret-free sentence
        raise NodeError(str(exc)) from None


def url_problem(url: str, *, relative_ok: bool = False, rendered: bool = False) -> str | None:
    """Why a URL cannot be called, or None; a templated URL is checked as far as its fixed start goes."""
    text = url.strip()
    templated = not rendered and is_template(text)
    if not text:
        return None if relative_ok else "Give the URL to call."
    if templated:
        fixed = text[: text.index("{")]
        if "://" not in fixed:
            return None
        text = fixed
    parts = urlsplit(text)
    if not parts.scheme or "://" not in text:
        if relative_ok:
            return None
        return "Give a full URL starting with https:// (or pick an API connection that has a base URL)."
    if parts.scheme.lower() not in ("http", "https"):
        return f"Only http and https URLs can be called, not {parts.scheme}:."
    if not templated and not parts.hostname:
        return "The URL has no host name."
    return None


def shown_url(url: str, base_url: str = "") -> str:
    """The URL as errors show it: joined to the base URL, without user info, query or fragment (keys live there)."""
    if base_url and "://" not in url:
        url = urljoin(base_url.rstrip("/") + "/", url.lstrip("/")) if url else base_url
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc.rpartition("@")[2], parts.path, "", ""))


def attempts_text(attempts: int) -> str:
    return f"after {attempts} attempt{'' if attempts == 1 else 's'}"


def call(
    svc: Outside, cred: Connection | None, method: str, url: str, shown: str, **kw: Any
) -> tuple[Response, dict[str, Any]]:
    """One request (through the connection, authenticated by its kind, when there is one) and the step output.

    A transport failure or a refused credential raises CallFailed; a non-2xx answer is returned for the caller to judge.
    """
    exchanges = Exchanges(svc)
    try:
        response = svc.http.request(method, url, **kw) if cred is None else cred.request(method, url, **kw)
    except CredentialError as exc:
        raise CallFailed(str(exc), {"exchanges": exchanges.new()}) from None
    except OutboundError as exc:
        raise CallFailed(f"{method} {shown} failed: {exc}", {"exchanges": exchanges.new()}) from None
    return response, {"status": response.status, "attempts": response.attempts, "exchanges": exchanges.new()}


def status_failure(method: str, url: str, response: Any, output: dict[str, Any]) -> CallFailed:
    """A non-2xx answer, e.g. "POST https://api.example.com/x answered 503 Service Unavailable after 3 attempts"."""
    try:
        reason = HTTPStatus(response.status).phrase
    except ValueError:
        reason = ""
    message = f"{method} {url} answered {response.status} {reason}".rstrip()
    message += " " + attempts_text(int(getattr(response, "attempts", 1) or 1))
    excerpt = " ".join(_text(response)[:EXCERPT_CHARS].split())
    return CallFailed(f"{message}: {excerpt}" if excerpt else message, output)


def _text(response: Any) -> str:
    try:
        return str(response.text)
    except (UnicodeDecodeError, LookupError):
        return response.content.decode("utf-8", "replace")


def parse_body(response: Any, response_type: str = "auto", where: str = "the server") -> Any:
    """The response body as data: JSON, XML (as a dict) or text; auto goes by Content-Type and falls back to text."""
    if not response.content:
        return "" if response_type == "text" else None
    kind = response_type
    if kind == "auto":
        ctype = response.headers.get("content-type", "").lower()
        kind = "json" if "json" in ctype else "xml" if "xml" in ctype else "text"
        try:
            return _parse(response, kind)
        except ValueError:
            return _text(response)  # a server that mislabels its body still gives the flow something to use
    try:
        return _parse(response, kind)
    except ValueError as exc:
        raise NodeError(f"The answer from {where} is not valid {kind.upper()}: {exc}") from None


def _parse(response: Any, kind: str) -> Any:
    if kind == "json":
        try:
            return json.loads(response.content)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{exc.msg} at line {exc.lineno} column {exc.colno}") from None
    if kind == "xml":
        return xml_to_data(response.content)
    return _text(response)


def xml_to_data(source: str | bytes) -> dict[str, Any]:
    """XML as a dict: {root: {child: ..., "@attr": ..., "#text": ...}}, repeated children as lists, no namespaces."""
    try:
        root = SafeET.fromstring(source)
    except DefusedXmlException:
        raise ValueError("it declares entities or external references, which are refused for safety") from None
    except ParseError as exc:
        raise ValueError(str(exc)) from None
    return {_local(root.tag): _element(root)}


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _element(element: Any) -> Any:
    children = list(element)
    text = (element.text or "").strip()
    if not children and not element.attrib:
        return text
    out: dict[str, Any] = {f"@{_local(k)}": v for k, v in element.attrib.items()}
    repeated: set[str] = set()
    for child in children:
        name, value = _local(child.tag), _element(child)
        if name not in out:
            out[name] = value
        elif name in repeated:
            out[name].append(value)
        else:
            out[name] = [out[name], value]
            repeated.add(name)
    if text:
        out["#text"] = text
    return out


def data_to_xml(data: dict[str, Any], root: str = "request") -> bytes:
    """A dict as an XML document; a single top-level object names the root element itself."""
    if len(data) == 1:
        ((name, value),) = data.items()
        if isinstance(value, dict):
            root, data = name, value
    element = BuildET.Element(root)
    _fill(element, data)
    return BuildET.tostring(element, encoding="utf-8", xml_declaration=True)


def _fill(element: Any, value: Any) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            if key.startswith("@"):
                element.set(key[1:], mapping.cast_value(item, "string"))
            elif key == "#text":
                element.text = mapping.cast_value(item, "string")
            else:
                for one in item if isinstance(item, list) else [item]:
                    _fill(BuildET.SubElement(element, key), one)
    elif value is not None:
        element.text = mapping.cast_value(value, "string")


def xml_name_problem(name: str) -> str | None:
    return None if _XML_NAME.match(name.lstrip("@")) else "not a valid XML element name"


def saved_response(response: Any, body: Any) -> dict[str, Any]:
    """What `save_as` receives: status, headers (sensitive ones masked) and the parsed body."""
    return {"status": response.status, "headers": redact_headers(dict(response.headers.items())), "body": body}


_TOKEN = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")


def header_problems(pairs: Sequence[KeyValue], field: str = "headers") -> list[tuple[str, str]]:
    """Header names must be HTTP tokens; checked when the flow is saved, so the canvas marks the row."""
    return [
        (f"{field}.{i}.key", f"{pair.key!r} is not a valid header name (letters, digits and - only).")
        for i, pair in enumerate(pairs)
        if not _TOKEN.match(pair.key)
    ]


def header_values(pairs: Sequence[KeyValue]) -> dict[str, str]:
    """Rendered headers; a value with a line break would smuggle in another header, so it is refused."""
    headers = {}
    for pair in pairs:
        if "\r" in pair.value or "\n" in pair.value:
            raise NodeError(f"The value of header {pair.key} contains a line break after filling in variables.")
        headers[pair.key] = pair.value
    return headers


def has_header(headers: dict[str, str], name: str) -> bool:
    return any(key.lower() == name.lower() for key in headers)


class Exchanges:
    """The redacted request/response records this node added to the run's client (the step shows them)."""

    def __init__(self, svc: Outside):
        self._log = svc.http.exchanges
        self._mark = len(self._log)

    def new(self) -> list[dict[str, Any]]:
        return list(self._log[self._mark :])

    def attempts(self, default: int) -> int:
        made = self.new()
        last = made[-1].get("attempts") if made else None
        return int(last) if isinstance(last, int) else default


__all__ = [
    "CATEGORY",
    "OUTPUTS",
    "CallFailed",
    "Exchanges",
    "KeyValue",
    "Method",
    "OutboundError",
    "ResponseType",
    "RetryConfig",
    "mapping",
]
