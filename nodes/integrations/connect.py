"""`connect`: call a saved API connection (REST or GraphQL), building the request from variables."""

from __future__ import annotations

import json
from typing import Any, Literal
from urllib.parse import urlencode, urlsplit

from pydantic import Field

from nodes.base import Context, NodeConfig, NodeError, NodeType, Outcome, template_field
from nodes.templating import is_template

from . import mapping
from .common import (
    CATEGORY,
    OUTPUTS,
    CallFailed,
    Method,
    RetryConfig,
    call,
    credential,
    credential_field,
    data_to_xml,
    mapping_field,
    parse_body,
    retry_field,
    save_as_field,
    saved_response,
    services,
    show_when,
    shown_url,
    status_failure,
    timeout_field,
    url_problem,
    xml_name_problem,
)
from .mapping import MappingRule

FieldType = Literal["string", "number", "boolean", "json"]
NO_BODY = ("GET", "HEAD")
CONTENT_TYPES = {"json": "application/json", "xml": "application/xml; charset=utf-8"}


class RequestField(NodeConfig):
    field: str = Field(
        title="Field",
        min_length=1,
        max_length=200,
        pattern=r"^[^.\s]+(\.[^.\s]+)*$",
        description='Dots nest: customer.email becomes {"customer": {"email": ...}}.',
    )
    value: str = template_field("", title="Value", max_length=4000)
    type: FieldType = Field("string", title="Type")


class ConnectConfig(NodeConfig):
    credential: int = credential_field(["api_connection"], required=True, title="API connection")
    mode: Literal["rest", "graphql"] = Field("rest", title="Mode")
    method: Method = Field("GET", title="Method", description="GraphQL requests are always POST.")
    path: str = template_field(
        "",
        title="Path",
        max_length=2000,
        description="Joined to the connection's base URL, e.g. /contacts/{{ id }}; a value is encoded as one segment.",
        url=True,
    )
    request_format: Literal["json", "xml", "form"] = show_when(Field("json", title="Request format"), mode=["rest"])
    request_mapping: list[RequestField] = Field(
        default_factory=list,
        title="Request fields",
        max_length=100,
        description="Body fields from variables (query parameters for GET; GraphQL variables in GraphQL mode).",
        json_schema_extra={"x-widget": "request-mapping"},
    )
    query: str = show_when(
        template_field("", title="GraphQL query", multiline=True, max_length=20000), mode=["graphql"]
    )
    variables: str = show_when(
        template_field("", title="GraphQL variables (JSON object)", multiline=True, max_length=20000),
        mode=["graphql"],
    )
    response_mapping: list[MappingRule] = mapping_field()
    save_as: str | None = save_as_field("Save the response (status, headers, body) in")
    timeout_s: float = timeout_field()
    retry: RetryConfig = retry_field()


def typed(field: RequestField) -> Any:
    """A request field's rendered value as its declared type."""
    if field.type == "string":
        return field.value
    if field.type == "json":
        if not field.value.strip():
            return None
        try:
            return json.loads(field.value)
        except json.JSONDecodeError as exc:
            raise NodeError(f"Request field {field.field}: the value is not valid JSON ({exc.msg}).") from None
    try:
        return mapping.cast_value(field.value, field.type)
    except mapping.MappingProblem as exc:
        raise NodeError(f"Request field {field.field}: {exc}.") from None


def nest(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """Dotted names as nested objects; NodeError when one name is both a value and an object."""
    out: dict[str, Any] = {}
    for name, value in pairs:
        parts = name.split(".")
        target = out
        for part in parts[:-1]:
            target = target.setdefault(part, {})
            if not isinstance(target, dict):
                raise NodeError(f"Request field {name}: {part} is already a value, so it cannot hold fields.")
        if isinstance(target.get(parts[-1]), dict):
            raise NodeError(f"Request field {name} already holds fields, so it cannot be a value.")
        target[parts[-1]] = value
    return out


def _form_text(value: Any) -> str:
    return mapping.cast_value(value, "string")


def _graphql_error(body: Any) -> str | None:
    """The first message of a GraphQL `errors` array (with a count of the rest), or None."""
    errors = body.get("errors") if isinstance(body, dict) else None
    if not errors:
        return None
    first = errors[0] if isinstance(errors, list) else errors
    message = first.get("message") if isinstance(first, dict) else first
    text = str(message or "unknown error")
    more = len(errors) - 1 if isinstance(errors, list) else 0
    return f"The GraphQL API answered with an error: {text}" + (f" (and {more} more)" if more else "")


class Connect(NodeType[ConnectConfig]):
    key = "connect"
    label = "Connect"
    category = CATEGORY
    icon = "plug"
    description = "Call a saved API connection (REST or GraphQL): fields from variables in, mapped answer out."
    outputs = OUTPUTS
    Config = ConnectConfig

    def check(self, config: ConnectConfig) -> list[tuple[str, str]]:
        problems: list[tuple[str, str]] = []
        problem = url_problem(config.path, relative_ok=True)
        if problem:
            problems.append(("path", problem))
        seen: set[str] = set()
        for i, field in enumerate(config.request_mapping):
            if field.field in seen:
                problems.append((f"request_mapping.{i}.field", f"{field.field} is set twice."))
            seen.add(field.field)
            if config.request_format == "xml" and config.mode == "rest":
                bad = [part for part in field.field.split(".") if xml_name_problem(part)]
                if bad:
                    problems.append((f"request_mapping.{i}.field", f"{bad[0]!r} is not a valid XML element name."))
            if field.type != "string" and not is_template(field.value):
                try:
                    typed(field)
                except NodeError as exc:
                    problems.append((f"request_mapping.{i}.value", str(exc)))
        try:
            nest([(field.field, None) for field in config.request_mapping])
        except NodeError as exc:
            problems.append(("request_mapping", str(exc)))
        if config.mode == "graphql":
            if not config.query.strip():
                problems.append(("query", "Write the GraphQL query (or mutation) to send."))
            if config.variables.strip() and not is_template(config.variables):
                try:
                    self._variables(config.variables)
                except NodeError as exc:
                    problems.append(("variables", str(exc)))
        problems += mapping.check_rules(config.response_mapping, "response_mapping")
        return problems

    @staticmethod
    def _variables(text: str) -> dict[str, Any]:
        if not text.strip():
            return {}
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            raise NodeError(
                f"The GraphQL variables are not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno}). "
                "To put a text variable inside JSON, write {{ name | tojson }}."
            ) from None
        if not isinstance(value, dict):
            raise NodeError('The GraphQL variables must be a JSON object, like {"id": 42}.')
        return value

    def _request(self, config: ConnectConfig) -> tuple[str, dict[str, Any]]:
        """The method and the client keywords (params, json, data, headers) for this config's request."""
        fields = [(field.field, typed(field)) for field in config.request_mapping]
        if config.mode == "graphql":
            variables = {**self._variables(config.variables), **nest(fields)}
            headers = {"Accept": "application/json"}
            return "POST", {"json": {"query": config.query, "variables": variables}, "headers": headers}
        if not fields:
            return config.method, {}
        if config.method in NO_BODY:
            return config.method, {"params": [(name, _form_text(value)) for name, value in fields]}
        if config.request_format == "form":
            body = urlencode([(name, _form_text(value)) for name, value in fields]).encode()
            return config.method, {"data": body, "headers": {"Content-Type": "application/x-www-form-urlencoded"}}
        if config.request_format == "xml":
            headers = {"Content-Type": CONTENT_TYPES["xml"]}
            return config.method, {"data": data_to_xml(nest(fields)), "headers": headers}
        return config.method, {"json": nest(fields)}

    def run(self, config: ConnectConfig, ctx: Context) -> Outcome:
        svc = services(ctx, self.label)
        cred = credential(svc, ctx, config.credential, ["api_connection"])
        base_url = str(cred.settings.get("base_url") or "")
        path = config.path.strip()
        problem = url_problem(path, relative_ok=True, rendered=True)
        if problem:
            raise NodeError(f"The path {path!r} cannot be called: {problem}")
        method, kw = self._request(config)
        shown = shown_url(path, base_url)
        response, output = call(
            svc, cred, method, path, shown, timeout_s=config.timeout_s, retry=config.retry.policy(), **kw
        )
        where = urlsplit(response.url or shown).netloc or shown
        if config.mode == "graphql":
            body = parse_body(response, "auto", where=where)
            error = _graphql_error(body)
            if error:
                raise CallFailed(error, output)
        if not response.ok:
            raise status_failure(method, shown, response, output)
        if config.mode != "graphql":
            body = parse_body(response, "auto", where=where)
        variables = mapping.apply(config.response_mapping, body)
        if config.save_as:
            variables[config.save_as] = saved_response(response, body)
        return Outcome(handle="success", variables=variables, output=output)
