"""`template`: call a service through a catalog template (Slack, HubSpot, Notion...): pick it, fill its parameters."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError as SchemaViolation
from pydantic import Field

from integrations import catalog, kinds
from integrations.catalog.spec import CREDENTIAL_KINDS, TemplateSpec
from nodes import render_budget, templating
from nodes.base import Context, NodeConfig, NodeError, NodeType, Outcome
from nodes.outside import Connection
from nodes.templating import is_template

from . import mapping
from .common import (
    CATEGORY,
    OUTPUTS,
    RetryConfig,
    call,
    credential,
    mapping_field,
    parse_body,
    retry_field,
    save_as_field,
    saved_response,
    services,
    shown_url,
    status_failure,
    timeout_field,
)
from .mapping import MappingProblem, MappingRule

_OMIT = object()  # a body member whose template found no value: left out, as an optional field not given
_REQUIRED = re.compile(r"^'(?P<name>[^']+)' is a required property$")
_EXTRA = re.compile(r"\('(?P<name>[^']+)' was unexpected\)")


class TemplateConfig(NodeConfig):
    template: str = Field(
        title="Integration",
        min_length=1,
        max_length=60,
        description="A template from the catalog; its parameters appear below.",
        json_schema_extra={"x-widget": "integration-template"},
    )
    credential: int | None = Field(
        None,
        title="Credential",
        ge=1,
        description="Of the kind the template names.",
        json_schema_extra={"x-widget": "credential", "x-credential-kinds": list(CREDENTIAL_KINDS),
                           "x-credential-of": "template"},
    )  # fmt: skip
    params: dict[str, Any] = Field(
        default_factory=dict,
        title="Parameters",
        description="Values for the template's parameters; text may use {{ variables }}.",
        json_schema_extra={"x-widget": "template-params", "x-params-of": "template"},
    )
    mapping: list[MappingRule] = mapping_field("Also map the response to variables")
    save_as: str | None = save_as_field("Save the response (status, headers, body) in")
    timeout_s: float = timeout_field()
    retry: RetryConfig = retry_field()


def _kind_label(key: str) -> str:
    """The kind with its article: "an API connection", "a Webhook URL"."""
    label = kinds.label(key)
    return f"{'an' if label[:1].lower() in 'aeiou' else 'a'} {label}"


def unknown_template(key: str) -> str:
    return f"There is no integration template {key!r} (it may have been removed or disabled); pick one from the list."


# -- parameters ----------------------------------------------------------------------------------------------------


def _validator(schema: dict[str, Any]) -> Draft202012Validator:
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def _violation(error: SchemaViolation, schema: dict[str, Any]) -> tuple[str, str]:
    """(field, sentence) for one schema violation, the field as the canvas names it (params.<name>...)."""
    path = ["params", *(str(p) for p in error.absolute_path)]
    message = error.message
    if error.validator == "required" and (found := _REQUIRED.match(message)):
        return ".".join([*path, found["name"]]), "Required."
    if error.validator == "additionalProperties" and (found := _EXTRA.search(message)):
        return ".".join([*path, found["name"]]), "This template has no such parameter."
    if len(message) > 300:
        message = message[:297] + "..."
    return ".".join(path), message[0].upper() + message[1:] + ("" if message.endswith(".") else ".")


def _holds_template(value: Any) -> bool:
    if isinstance(value, str):
        return is_template(value)
    if isinstance(value, dict):
        return any(_holds_template(v) for v in value.values())
    if isinstance(value, list):
        return any(_holds_template(v) for v in value)
    return False


def param_problems(spec: TemplateSpec, params: dict[str, Any]) -> list[tuple[str, str]]:
    """Save-time problems: templates that do not parse, and values the schema refuses (templated ones wait for the
    run, when their variables are known)."""
    problems: list[tuple[str, str]] = []
    for path, text in _strings(params, "params"):
        try:
            templating.check(text)
        except templating.TemplateProblem as exc:
            problems.append((path, str(exc)))
    for error in _validator(spec.parameters).iter_errors(params):
        if error.validator != "required" and _holds_template(error.instance):
            continue
        problems.append(_violation(error, spec.parameters))
    return problems


def _strings(value: Any, path: str) -> list[tuple[str, str]]:
    if isinstance(value, str):
        return [(path, value)]
    if isinstance(value, dict):
        return [pair for key, item in value.items() for pair in _strings(item, f"{path}.{key}")]
    if isinstance(value, list):
        return [pair for i, item in enumerate(value) for pair in _strings(item, f"{path}.{i}")]
    return []


def _types(schema: dict[str, Any]) -> set[str]:
    declared = schema.get("type")
    return set(declared) if isinstance(declared, list) else {declared} if isinstance(declared, str) else set()


def _fill(value: Any, schema: dict[str, Any], ctx: Context, where: str) -> Any:
    """Render a parameter's templates with the conversation's variables, then take the schema's type where text
    stands for a number or a yes/no; empty text means "not given"."""
    if isinstance(value, str):
        try:
            text = ctx.render(value)
        except NodeError as exc:
            raise NodeError(f"Parameter {where}: {exc}") from None
        if text == "":
            return _OMIT  # an optional parameter whose variable is empty: not given, so its default applies
        types = _types(schema)
        for cast in ("integer", "number", "boolean"):
            if cast in types and "string" not in types:
                try:
                    return mapping.cast_value(text, "boolean" if cast == "boolean" else "number")
                except MappingProblem:
                    return text  # the schema check names the parameter and what it expected
        return text
    if isinstance(value, dict):
        props = schema.get("properties", {}) if isinstance(schema.get("properties"), dict) else {}
        extra = schema.get("additionalProperties")
        out = {}
        for key, item in value.items():
            sub = props.get(key, extra if isinstance(extra, dict) else {})
            filled = _fill(item, sub, ctx, f"{where}.{key}" if where else key)
            if filled is not _OMIT:
                out[key] = filled
        return out
    if isinstance(value, list):
        items = schema.get("items")
        item_schema: dict[str, Any] = items if isinstance(items, dict) else {}
        filled_items = [_fill(item, item_schema, ctx, f"{where}.{i}") for i, item in enumerate(value)]
        return [item for item in filled_items if item is not _OMIT]
    return value


def rendered_params(spec: TemplateSpec, params: dict[str, Any], ctx: Context) -> dict[str, Any]:
    """The parameters with the conversation's values filled in and the schema's defaults added, checked again."""
    filled = _fill(dict(params), spec.parameters, ctx, "")
    for name, prop in (spec.parameters.get("properties") or {}).items():
        if name not in filled and isinstance(prop, dict) and "default" in prop:
            filled[name] = prop["default"]
    errors = sorted(_validator(spec.parameters).iter_errors(filled), key=lambda e: list(e.absolute_path))
    if errors:
        listed = "; ".join(f"{field.removeprefix('params.')}: {msg}" for field, msg in
                           (_violation(e, spec.parameters) for e in errors[:5]))  # fmt: skip
        raise NodeError(f"The parameters for {spec.name} are not valid after filling in variables: {listed}")
    return filled


# -- the request ---------------------------------------------------------------------------------------------------


def _render(text: str, context: dict[str, Any], where: str) -> str:
    try:
        return templating.render(text, context)
    except templating.TemplateProblem as exc:
        raise NodeError(f"The template's {where}: {exc}") from None


def build_json(value: Any, context: dict[str, Any], where: str = "body") -> Any:
    """The JSON body from the template's structure: each text rendered on its own and put in place as data, so a
    value can never break out of its string; one {{ expression }} alone keeps its type; no value: member left out."""
    if isinstance(value, str):
        try:
            rendered = templating.render_value(value, context)
        except templating.TemplateProblem as exc:
            raise NodeError(f"The template's {where}: {exc}") from None
        return _OMIT if rendered is None else rendered
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            built = build_json(item, context, f"{where}.{key}")
            if built is not _OMIT:
                out[key] = built
        return out
    if isinstance(value, list):
        items = [build_json(item, context, f"{where}.{i}") for i, item in enumerate(value)]
        return [item for item in items if item is not _OMIT]
    return value


def _host_allowed(host: str, allowed: list[str]) -> bool:
    for entry in [*allowed, *settings.WEBHOOK_HOSTS_EXTRA]:
        pattern = str(entry).strip().lower().strip("[]")
        if host == pattern or (pattern.startswith("*.") and host.endswith(pattern[1:])):
            return True
    return False


class Template(NodeType[TemplateConfig]):
    key = "template"
    label = "Integration template"
    category = CATEGORY
    icon = "layers"
    description = "A ready-made integration (Slack, HubSpot, Notion, Telegram...): pick it and fill in its form."
    outputs = OUTPUTS
    Config = TemplateConfig

    def check(self, config: TemplateConfig) -> list[tuple[str, str]]:
        spec = catalog.get(config.template)
        if spec is None:
            return [("template", unknown_template(config.template))]
        problems: list[tuple[str, str]] = []
        kind = spec.credential_kind
        if kind and config.credential is None:
            problems.append(("credential", f"Pick {_kind_label(kind)} credential for {spec.name}."))
        elif not kind and config.credential is not None:
            problems.append(("credential", f"{spec.name} uses no credential; clear this field."))
        elif kind and config.credential is not None:
            found = catalog.credential_kind(config.credential)
            if found is not None and found != kind:
                problems.append(
                    ("credential", f"{spec.name} needs {_kind_label(kind)} credential, not {_kind_label(found)}.")
                )
        problems += param_problems(spec, config.params)
        problems += mapping.check_rules(config.mapping)
        return problems

    def run(self, config: TemplateConfig, ctx: Context) -> Outcome:
        spec = catalog.get(config.template)
        if spec is None:
            raise NodeError(unknown_template(config.template))
        svc = services(ctx, self.label)
        kind = spec.credential_kind
        if kind and config.credential is None:
            raise NodeError(f"Pick {_kind_label(kind)} credential for {spec.name}.")
        cred = credential(svc, ctx, config.credential, [kind]) if kind and config.credential else None
        # All of the node's rendering (no request yet) shares one render budget, as the engine's fields do.
        with render_budget.budget():
            params = rendered_params(spec, config.params, ctx)
            recipe = spec.request
            settings_shown = dict(cred.settings) if cred else {}  # never its secrets
            context = {"params": params, "credential": settings_shown, "conversation_id": ctx.conversation_id}
            try:
                path = templating.render_url(recipe.url.strip(), context)
            except templating.TemplateProblem as exc:
                raise NodeError(f"The template's URL: {exc}") from None
            query = {name: _render(text, context, f"query {name}") for name, text in recipe.query.items()}
            headers = {name: _render(text, context, f"header {name}") for name, text in recipe.headers.items()}
            for name, value in headers.items():
                if "\r" in value or "\n" in value:
                    raise NodeError(f"The header {name} contains a line break after filling in the parameters.")
            body: dict[str, Any] = {}
            if recipe.body_type == "json" and recipe.body is not None:
                built = build_json(recipe.body, context)
                body["json"] = None if built is _OMIT else built
            elif recipe.body_type == "form" and isinstance(recipe.body, dict):
                form = {name: _render(text, context, f"form field {name}") for name, text in recipe.body.items()}
                body["data"] = {name: value for name, value in form.items() if value != ""}
        url, shown = self._target(spec, cred, path)
        response, output = call(
            svc,
            cred,
            recipe.method,
            url,
            shown,
            params={k: v for k, v in query.items() if v != ""} or None,
            headers=headers,
            timeout_s=config.timeout_s,
            retry=config.retry.policy(),
            **body,
        )
        output = {"template": spec.key, "params": params, **output}
        if not response.ok:
            raise status_failure(recipe.method, shown, response, output)
        answer = parse_body(response, spec.response.type, where=urlsplit(shown).netloc or spec.name)
        rules = [MappingRule.model_validate(rule.model_dump()) for rule in spec.response.mapping]
        variables = mapping.apply([*rules, *config.mapping], answer)
        if config.save_as:
            variables[config.save_as] = saved_response(response, answer)
        return Outcome(handle="success", variables=variables, output=output)

    @staticmethod
    def _target(spec: TemplateSpec, cred: Connection | None, path: str) -> tuple[str, str]:
        """The URL to call and the URL errors show (never the secret part of a webhook URL or a bot token)."""
        if cred is None:
            return path, shown_url(path)
        if cred.kind == "api_connection":
            return path, shown_url(path, str(cred.settings.get("base_url") or ""))
        allowed = spec.credential.hosts if spec.credential else []
        if cred.kind == "webhook_url" and allowed and not _host_allowed(cred.host, allowed):
            raise NodeError(
                f"The credential {cred.name!r} is a webhook on {cred.host}; {spec.name} posts only to "
                f"{' or '.join(allowed)} (WEBHOOK_HOSTS_EXTRA can allow other hosts)."
            )
        return path, cred.shown_url(path)  # the kind puts its token or secret URL in when it sends
