"""What an integration template is, as data: its fields, and every check a template passes before it can be used.

Shipped templates (JSON files) and admins' own (IntegrationTemplate rows) are the same shape and pass the same
checks, which report problems as (path, sentence) so the admin form can put each on its field.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any, Literal
from urllib.parse import urlsplit

import jmespath
from jinja2 import TemplateSyntaxError, meta
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jmespath.exceptions import JMESPathError
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from integrations import kinds

KEY_PATTERN = r"^[a-z][a-z0-9_]{1,59}$"
NAME_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
HEADER_NAME = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
# How each kind reaches its service: relative paths to the API connection's base URL (auth applied by Services),
# the secret webhook URL itself, or a Telegram bot's https://api.telegram.org/bot<token> prefix.
CREDENTIAL_KINDS = ("api_connection", "webhook_url", "telegram_bot")
# What a recipe's templates may use: the validated parameters, the credential's non-secret settings, the conversation.
RECIPE_NAMES = frozenset({"params", "credential", "conversation_id"})
MAX_PARAMETERS = 50

_parser = ImmutableSandboxedEnvironment()  # parses only: recipes render in nodes.templating's sandbox


class SpecModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CredentialSpec(SpecModel):
    kind: str
    help: str = Field("", max_length=1000)
    settings: dict[str, Any] = Field(default_factory=dict)  # pre-fills the admin form (base URL, auth type...)
    hosts: list[str] = Field(default_factory=list, max_length=20)  # webhook URLs must be on one of these hosts


class RequestSpec(SpecModel):
    method: Literal["GET", "POST", "PUT", "PATCH", "DELETE"] = "POST"
    url: str = Field("", max_length=2000)
    query: dict[str, str] = Field(default_factory=dict)
    headers: dict[str, str] = Field(default_factory=dict)
    body_type: Literal["none", "json", "form"] = "json"
    body: Any = None


class RuleSpec(SpecModel):
    variable: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$", max_length=64)
    path: str = Field(min_length=1, max_length=500)
    cast: Literal["auto", "string", "number", "boolean", "list"] = "auto"


class ResponseSpec(SpecModel):
    type: Literal["auto", "json", "xml", "text"] = "auto"
    mapping: list[RuleSpec] = Field(default_factory=list, max_length=50)


class TemplateSpec(SpecModel):
    key: str = Field(pattern=KEY_PATTERN)
    name: str = Field(min_length=1, max_length=100)
    description: str = Field("", max_length=1000)
    icon: str = Field("plug", pattern=r"^[a-z0-9-]{1,40}$")
    reference: str = Field("", max_length=500)
    credential: CredentialSpec | None = None
    parameters: dict[str, Any] = Field(default_factory=lambda: {"type": "object", "properties": {}})
    request: RequestSpec
    response: ResponseSpec = Field(default_factory=ResponseSpec)
    source: Literal["shipped", "custom"] = "shipped"

    @property
    def credential_kind(self) -> str | None:
        return self.credential.kind if self.credential else None


class SpecInvalid(ValueError):
    """A template that cannot be used; .problems holds (path, sentence) pairs."""

    def __init__(self, problems: list[tuple[str, str]]):
        super().__init__("; ".join(f"{path}: {message}" if path else message for path, message in problems))
        self.problems = problems


def parse(data: Any, *, source: str = "shipped") -> TemplateSpec:
    """The template, or SpecInvalid listing every problem found."""
    if not isinstance(data, dict):
        raise SpecInvalid([("", "A template is a JSON object.")])
    try:
        spec = TemplateSpec.model_validate({**data, "source": source})
    except ValidationError as exc:
        raise SpecInvalid(
            [(".".join(str(p) for p in err["loc"]), _pydantic_message(err)) for err in exc.errors(include_url=False)]
        ) from None
    found = problems(spec)
    if found:
        raise SpecInvalid(found)
    return spec


def _pydantic_message(err: Any) -> str:
    if err["type"] == "extra_forbidden":
        return "Unknown field."
    if err["type"] == "missing":
        return "Required."
    if err["type"] == "string_pattern_mismatch" and err["loc"][-1] == "key":
        return "Use 2-60 lower-case letters, digits and _, starting with a letter, such as crm_create_lead."
    return str(err["msg"])


def problems(spec: TemplateSpec) -> list[tuple[str, str]]:
    """Checks beyond the field types: credential, parameters' schema, recipe templates, URL shape, mapping rules."""
    found: list[tuple[str, str]] = []
    found += _credential_problems(spec.credential)
    found += _parameter_problems(spec.parameters)
    found += _request_problems(spec.request, spec.credential_kind)
    found += _mapping_problems(spec.response.mapping)
    if spec.reference and urlsplit(spec.reference).scheme not in ("http", "https"):
        found.append(("reference", "Give the API reference as a full https:// URL."))
    return found


def _credential_problems(cred: CredentialSpec | None) -> list[tuple[str, str]]:
    if cred is None:
        return []
    if cred.kind not in CREDENTIAL_KINDS:
        return [("credential.kind", f"Templates can use credentials of kind {', '.join(CREDENTIAL_KINDS)}.")]
    kind = kinds.get(cred.kind)
    found = []
    names = {f.name: f for f in kind.fields}
    for name, value in cred.settings.items():
        spec = names.get(name)
        if spec is None:
            found.append((f"credential.settings.{name}", f"{kind.label} credentials have no setting {name!r}."))
        elif spec.secret:
            found.append((f"credential.settings.{name}", "A template never holds a secret; admins enter it."))
        else:
            try:
                spec.parse(value)
            except ValueError as exc:
                found.append((f"credential.settings.{name}", str(exc)))
    if cred.hosts and cred.kind != "webhook_url":
        found.append(("credential.hosts", "Only webhook URL credentials are limited to hosts."))
    for i, host in enumerate(cred.hosts):
        if not re.match(r"^(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)+$", host):
            found.append((f"credential.hosts.{i}", f"{host!r} is not a host name (or *.example.com)."))
    return found


def _parameter_problems(schema: dict[str, Any]) -> list[tuple[str, str]]:
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        where = ".".join(str(p) for p in exc.path)
        return [("parameters", f"Not a valid JSON Schema{f' at {where}' if where else ''}: {exc.message}")]
    if schema.get("type") != "object" or not isinstance(schema.get("properties", {}), dict):
        return [("parameters", 'The parameters are an object schema: {"type": "object", "properties": {...}}.')]
    properties = schema.get("properties", {})
    found = []
    if len(properties) > MAX_PARAMETERS:
        found.append(("parameters", f"A template has at most {MAX_PARAMETERS} parameters."))
    for name in properties:
        if not NAME_PATTERN.match(name):
            found.append(("parameters", f"{name!r} is not a parameter name: letters, digits and _ only."))
    for name in schema.get("required", []):
        if name not in properties:
            found.append(("parameters", f"{name!r} is required but not among the properties."))
    return found


def strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    """Every string in a JSON value, with its dotted path."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from strings(item, f"{path}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from strings(item, f"{path}.{i}")


@lru_cache(maxsize=2048)
def template_problem(source: str) -> str | None:
    """Why a recipe template cannot be used: a syntax error, or a name other than the recipe's three."""
    if "{" not in source:
        return None
    try:
        ast = _parser.parse(source)
    except TemplateSyntaxError as exc:
        return f"Template error: {exc.message} (line {exc.lineno})."
    except (SyntaxError, RecursionError):
        return "Template error: nested too deeply."
    unknown = sorted(meta.find_undeclared_variables(ast) - RECIPE_NAMES)
    if unknown:
        return (
            f"{', '.join(unknown)} {'is' if len(unknown) == 1 else 'are'} not known here: a recipe uses "
            "params.<name>, credential.<setting> and conversation_id."
        )
    return None


def _request_problems(request: RequestSpec, kind: str | None) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    problem = _url_problem(request.url, kind)
    if problem:
        found.append(("request.url", problem))
    for path, text in [("request.url", request.url), *strings(request.query, "request.query")]:
        problem = template_problem(text)
        if problem:
            found.append((path, problem))
    for name, text in request.headers.items():
        if not HEADER_NAME.match(name):
            found.append((f"request.headers.{name}", f"{name!r} is not a header name (letters, digits and - only)."))
        problem = template_problem(text)
        if problem:
            found.append((f"request.headers.{name}", problem))
    if request.body_type == "none" and request.body is not None:
        found.append(("request.body", "A request without a body has no body template; set body_type to json."))
    if request.body_type == "form" and not (
        isinstance(request.body, dict) and all(isinstance(v, str) for v in request.body.values())
    ):
        found.append(("request.body", 'A form body is an object of field names and text, like {"name": "..."}.'))
    for path, text in strings(request.body, "request.body"):
        problem = template_problem(text)
        if problem:
            found.append((path, problem))
    return found


def _url_problem(url: str, kind: str | None) -> str | None:
    text = url.strip()
    fixed = text.split("{", 1)[0]
    if kind in ("api_connection", "telegram_bot"):
        if urlsplit(fixed).scheme or fixed.startswith("//"):
            return "With a credential the URL is a path relative to its base URL, such as /v1/contacts."
        if text and not text.startswith("/"):
            return "Start the path with /, such as /v1/contacts."
        return None
    if kind == "webhook_url":
        if text and not text.startswith("/"):
            return "The webhook URL is the credential's; leave this blank, or give a path to add to it, such as /x."
        return None
    parts = urlsplit(fixed)
    if parts.scheme not in ("http", "https") or not parts.hostname or "/" not in fixed[len(parts.scheme) + 3 :]:
        return "Without a credential, give a full https:// URL whose host is written out, such as https://api.example.com/v1."
    return None


def _mapping_problems(rules: list[RuleSpec]) -> list[tuple[str, str]]:
    found = []
    seen: set[str] = set()
    for i, rule in enumerate(rules):
        try:
            jmespath.compile(rule.path)
        except JMESPathError as exc:
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            found.append((f"response.mapping.{i}.path", f"{rule.path!r} is not a valid JMESPath expression: {reason}"))
        if rule.variable in seen:
            found.append((f"response.mapping.{i}.variable", f"{rule.variable} is already set by an earlier rule."))
        seen.add(rule.variable)
    return found
