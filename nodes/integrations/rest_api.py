"""`rest_api`: call any HTTP API through the guarded client and map its answer into variables."""

from __future__ import annotations

import json
from typing import Literal
from urllib.parse import urlencode, urlsplit

from pydantic import Field

from nodes.base import Context, NodeConfig, NodeError, NodeType, Outcome, template_field
from nodes.templating import is_template

from . import mapping
from .common import (
    CATEGORY,
    OUTPUTS,
    KeyValue,
    Method,
    ResponseType,
    RetryConfig,
    call,
    credential,
    credential_field,
    has_header,
    header_problems,
    header_values,
    key_values_field,
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
    xml_to_data,
)
from .mapping import MappingRule

BodyType = Literal["json", "form", "raw", "xml"]
# An API connection (its base URL and auth), or a Google credential for Google's APIs (full URLs, a bearer token).
KINDS = ["api_connection", "google_service_account", "google_oauth"]
CONTENT_TYPES = {
    "json": "application/json",
    "form": "application/x-www-form-urlencoded",
    "raw": "text/plain; charset=utf-8",
    "xml": "application/xml; charset=utf-8",
}


class RestApiConfig(NodeConfig):
    method: Method = Field("GET", title="Method")
    url: str = template_field(
        title="URL",
        min_length=1,
        max_length=2000,
        description="A full URL, or a path relative to the API connection's base URL. Each {{ value }} is "
        "encoded as one path segment or query value.",
        url=True,
    )
    query: list[KeyValue] = key_values_field("Query parameters")
    headers: list[KeyValue] = key_values_field("Headers")
    body_type: BodyType = Field("json", title="Body type")
    body: str = template_field("", title="Body", multiline=True, max_length=20000)
    form: list[KeyValue] = show_when(key_values_field("Form fields"), body_type=["form"])
    credential: int | None = credential_field(KINDS, title="API connection or Google credential (optional)")
    response_type: ResponseType = Field("auto", title="Response type")
    mapping: list[MappingRule] = mapping_field()
    save_as: str | None = save_as_field("Save the response (status, headers, body) in")
    timeout_s: float = timeout_field()
    retry: RetryConfig = retry_field()


def _body_problem(body_type: str, text: str) -> str | None:
    """Why a rendered (or fixed) body cannot be sent as its type, or None."""
    if body_type == "json":
        try:
            json.loads(text)
        except json.JSONDecodeError as exc:
            return (
                f"The body is not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno}). "
                "To put a text variable inside JSON, write {{ name | tojson }}."
            )
    elif body_type == "xml":
        try:
            xml_to_data(text)
        except ValueError as exc:
            return f"The body is not valid XML: {exc}."
    return None


def build_body(config: RestApiConfig, headers: dict[str, str]) -> bytes | None:
    """The body bytes to send (None for none); sets a Content-Type unless the headers already name one."""
    if config.body_type == "form" and config.form:
        data = urlencode([(pair.key, pair.value) for pair in config.form]).encode()
    elif config.body.strip():
        problem = _body_problem(config.body_type, config.body)
        if problem:
            raise NodeError(problem)
        data = config.body.encode("utf-8")
    else:
        return None
    if not has_header(headers, "Content-Type"):
        headers["Content-Type"] = CONTENT_TYPES[config.body_type]
    return data


class RestApi(NodeType[RestApiConfig]):
    key = "rest_api"
    label = "REST API"
    category = CATEGORY
    icon = "globe"
    description = "Call any HTTP API (GET, POST, ...) and save or map its answer into variables."
    outputs = OUTPUTS
    Config = RestApiConfig

    def check(self, config: RestApiConfig) -> list[tuple[str, str]]:
        problems: list[tuple[str, str]] = []
        problem = url_problem(config.url, relative_ok=config.credential is not None)
        if problem:
            problems.append(("url", problem))
        if config.body.strip() and not is_template(config.body) and not (config.body_type == "form" and config.form):
            problem = _body_problem(config.body_type, config.body)
            if problem:
                problems.append(("body", problem))
        problems += header_problems(config.headers)
        problems += mapping.check_rules(config.mapping)
        return problems

    def run(self, config: RestApiConfig, ctx: Context) -> Outcome:
        svc = services(ctx, self.label)
        cred = credential(svc, ctx, config.credential, KINDS) if config.credential else None
        base_url = str(cred.settings.get("base_url") or "") if cred else ""
        url = config.url.strip()
        problem = url_problem(url, relative_ok=bool(base_url), rendered=True)
        if problem:
            raise NodeError(f"The URL {shown_url(url)!r} cannot be called: {problem}")
        shown = shown_url(url, base_url)
        headers = header_values(config.headers)
        data = build_body(config, headers)
        response, output = call(
            svc,
            cred,
            config.method,
            url,
            shown,
            params=[(pair.key, pair.value) for pair in config.query] or None,
            headers=headers,
            data=data,
            timeout_s=config.timeout_s,
            retry=config.retry.policy(),
        )
        if not response.ok:
            raise status_failure(config.method, shown, response, output)
        body = parse_body(response, config.response_type, where=urlsplit(response.url or shown).netloc or shown)
        variables = mapping.apply(config.mapping, body)
        if config.save_as:
            variables[config.save_as] = saved_response(response, body)
        return Outcome(handle="success", variables=variables, output=output)
