"""The outbound webhook nodes' shared base (Zapier, Make, Pabbly): payload, signing, delivery log, reply mapping."""

from __future__ import annotations

import json
import time
from typing import Annotated, Any, ClassVar, Literal
from urllib.parse import urlsplit

from pydantic import Field

from integrations.errors import CredentialError
from integrations.webhooks import deliveries
from integrations.webhooks.signing import new_id
from nodes.base import Context, NodeConfig, NodeError, NodeType, Outcome, lookup, template_field
from nodes.templating import is_template

from . import mapping
from .common import (
    CATEGORY,
    OUTPUTS,
    CallFailed,
    Exchanges,
    OutboundError,
    RetryConfig,
    credential,
    credential_field,
    mapping_field,
    parse_body,
    retry_field,
    save_as_field,
    saved_response,
    services,
    show_when,
    status_failure,
    timeout_field,
)
from .mapping import MappingRule

VariableName = Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*$", max_length=128)]


def webhook_url_field(example: str, where: str) -> Any:
    """The platform's webhook URL: fixed text (no template), so its host is checked when the flow is saved."""
    return Field(
        title="Webhook URL",
        min_length=1,
        max_length=2000,
        description=f"Like {example} — {where}",
        json_schema_extra={"x-widget": "url", "examples": [example]},
    )


class WebhookConfig(NodeConfig):
    webhook_url: str = webhook_url_field("https://example.com/hook", "the URL the platform gave you.")
    payload: Literal["all", "chosen", "template"] = Field(
        "all", title="Send", description="All variables, the variables you choose, or a JSON template."
    )
    variables: list[VariableName] = show_when(
        Field(
            default_factory=list, title="Variables to send", max_length=100, json_schema_extra={"x-widget": "variables"}
        ),
        payload=["chosen"],
    )
    template: str = show_when(
        template_field("", title="Payload (JSON)", multiline=True, max_length=20000), payload=["template"]
    )
    credential: int | None = credential_field(["webhook_secret"], title="Signing secret (optional)")
    mapping: list[MappingRule] = mapping_field("Map the reply to variables")
    save_as: str | None = save_as_field("Save the reply (status, headers, body) in")
    timeout_s: float = timeout_field()
    retry: RetryConfig = retry_field()


def _template_payload(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise NodeError(
            f"The payload is not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno}). "
            "To put a text variable inside JSON, write {{ name | tojson }}."
        ) from None


def build_payload(config: WebhookConfig, variables: dict[str, Any]) -> Any:
    """What is sent, as data: every variable, the chosen ones (missing ones as null), or the rendered template."""
    if config.payload == "all":
        return dict(variables)
    if config.payload == "chosen":
        return {name: lookup(variables, name) for name in config.variables}
    return _template_payload(config.template)


class WebhookNode(NodeType[WebhookConfig]):
    """Subclasses name the platform; everything else is shared."""

    platform: ClassVar[str]
    category = CATEGORY
    outputs = OUTPUTS
    Config = WebhookConfig

    def check(self, config: WebhookConfig) -> list[tuple[str, str]]:
        problems: list[tuple[str, str]] = []
        problem = deliveries.host_problem(self.platform, config.webhook_url)
        if problem:
            problems.append(("webhook_url", problem))
        if config.payload == "chosen" and not config.variables:
            problems.append(("variables", "Choose at least one variable to send."))
        if config.payload == "template":
            if not config.template.strip():
                problems.append(("template", 'Write the JSON to send, e.g. {"email": {{ email | tojson }}}.'))
            elif not is_template(config.template):
                try:
                    _template_payload(config.template)
                except NodeError as exc:
                    problems.append(("template", str(exc)))
        problems += mapping.check_rules(config.mapping)
        return problems

    def run(self, config: WebhookConfig, ctx: Context) -> Outcome:
        svc = services(ctx, self.label)
        url = config.webhook_url.strip()
        problem = deliveries.host_problem(self.platform, url)
        if problem:
            raise NodeError(problem)
        # Round-tripped through JSON, so what is logged (and redelivered) is exactly what was sent.
        body = deliveries.body_bytes(build_payload(config, ctx.variables))
        payload = json.loads(body)
        webhook_id = new_id()
        signed = None
        if config.credential:
            cred = credential(svc, ctx, config.credential, ["webhook_secret"])
            try:
                signed = cred.sign(body, msg_id=webhook_id)
            except CredentialError as exc:  # no signing secret to sign with
                raise NodeError(str(exc)) from None
        # Built once: every retry sends the same bytes under the same id, so the platform can drop duplicates.
        headers = deliveries.delivery_headers(webhook_id, body, signed)
        exchanges = Exchanges(svc)
        started = time.perf_counter()
        response, reply, failure = None, None, None
        try:
            response = svc.http.request(
                "POST", url, data=body, headers=headers, timeout_s=config.timeout_s, retry=config.retry.policy()
            )
        except OutboundError as exc:
            failure = CallFailed(f"The delivery to {self._where(url)} failed: {exc}")
        output: dict[str, Any] = {"webhook_id": webhook_id, "exchanges": exchanges.new()}
        if response is not None:
            output.update(status=response.status, attempts=response.attempts)
            reply = parse_body(response, "auto")
            if not response.ok:
                failure = status_failure("POST", self._where(url), response, {})
        delivery_id = svc.record_delivery(
            webhook_id=webhook_id,
            platform=self.platform,
            url=url,
            payload=payload,
            credential_id=config.credential,
            status="failed" if failure else "delivered",
            response_status=response.status if response is not None else None,
            attempts=response.attempts if response is not None else exchanges.attempts(config.retry.attempts),
            latency_ms=round(
                response.elapsed_ms if response is not None else (time.perf_counter() - started) * 1000, 1
            ),
            response_excerpt=deliveries.excerpt(_text(response)) if response is not None else "",
            error=str(failure) if failure else "",
            flow_id=ctx.flow_id,
            node_id=ctx.node_id,
        )
        output["delivery_id"] = delivery_id
        if failure:
            failure.output = output
            raise failure
        assert response is not None
        variables = mapping.apply(config.mapping, reply)
        if config.save_as:
            variables[config.save_as] = saved_response(response, reply)
        return Outcome(handle="success", variables=variables, output=output)

    @staticmethod
    def _where(url: str) -> str:
        """The host only: a webhook URL's path is often its only secret."""
        return urlsplit(url).hostname or "the webhook URL"


def _text(response: Any) -> str:
    try:
        return str(response.text)
    except (UnicodeDecodeError, LookupError):
        return bytes(response.content).decode("utf-8", "replace")
