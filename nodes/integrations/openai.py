"""`openai`: ask a chat model (OpenAI or any OpenAI-compatible server); the reply as text or JSON, streamed live."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any, Literal

import jsonschema
import openai
from openai.types.chat import ChatCompletion
from pydantic import Field

from integrations.kinds.openai import DEFAULT_BASE_URL, api_message, where
from nodes.base import Context, NodeConfig, NodeError, NodeType, Outcome, OutMessage, TextStream, template_field

from . import mapping
from .common import (
    CATEGORY,
    OUTPUTS,
    CallFailed,
    Exchanges,
    OutboundError,
    RetryConfig,
    attempts_text,
    credential,
    credential_field,
    mapping_field,
    retry_field,
    save_as_field,
    services,
    show_when,
)
from .mapping import MappingRule

KINDS = ["openai"]
ReplyFormat = Literal["text", "json"]
SCHEMA_NAME = "reply"


class OpenAIConfig(NodeConfig):
    credential: int = credential_field(KINDS, required=True, title="OpenAI credential")
    model: str = Field(
        "gpt-4o-mini",
        title="Model",
        min_length=1,
        max_length=200,
        description="As the server names it: gpt-4o-mini, llama-3.1-8b-instant, llama3.2 ...",
    )
    system_prompt: str = template_field(
        "", title="System prompt", multiline=True, max_length=20000, description="How the assistant behaves."
    )
    user_prompt: str = template_field(
        "", title="User prompt", multiline=True, max_length=20000, description="Blank: the user's last message."
    )
    history_turns: int = Field(
        0,
        ge=0,
        le=50,
        title="Earlier turns as context",
        description="How many earlier exchanges of the conversation the model sees (0: none).",
    )
    temperature: float | None = Field(None, ge=0, le=2, title="Temperature", description="Blank: the model's own.")
    max_tokens: int | None = Field(None, ge=1, le=1_000_000, title="Max tokens", description="Blank: no limit.")
    response_format: ReplyFormat = Field("text", title="Reply as")
    json_schema: str = show_when(
        Field(
            "",
            title="JSON Schema of the reply",
            max_length=20000,
            description='An object schema, e.g. {"type": "object", "properties": {"city": {"type": "string"}}}',
            json_schema_extra={"x-widget": "textarea"},
        ),
        response_format=["json"],
    )
    mapping: list[MappingRule] = show_when(
        mapping_field("Map the reply's fields to variables"), response_format=["json"]
    )
    send_message: bool = show_when(
        Field(True, title="Send the reply as a bot message", description="Its text goes out live as it is written."),
        response_format=["text"],
    )
    save_as: str | None = save_as_field("Save the reply in")
    timeout_s: float = Field(60.0, ge=1, le=300, title="Timeout (s)")
    retry: RetryConfig = retry_field()


def schema_problem(text: str) -> str | None:
    """Why the JSON Schema cannot shape a reply, or None."""
    if not text.strip():
        return "Give the JSON Schema the reply must match."
    try:
        schema = json.loads(text)
    except json.JSONDecodeError as exc:
        return f"The JSON Schema is not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})."
    if not isinstance(schema, dict):
        return "The JSON Schema must be a JSON object."
    try:
        jsonschema.Draft202012Validator.check_schema(schema)
    except jsonschema.SchemaError as exc:
        where_ = "/".join(str(p) for p in exc.path) or "the top"
        return f"This is not a valid JSON Schema ({exc.message}, at {where_})."
    if schema.get("type") != "object":
        return 'The reply must be a JSON object: give the schema "type": "object" at the top.'
    return None


def is_strict(schema: Any) -> bool:
    """Whether OpenAI's strict mode takes the schema: every object closed, every property required."""
    if isinstance(schema, dict):
        if schema.get("type") == "object" or "properties" in schema:
            properties = schema.get("properties") or {}
            if schema.get("additionalProperties") is not False or set(schema.get("required") or []) != set(properties):
                return False
        return all(is_strict(value) for value in schema.values())
    if isinstance(schema, list):
        return all(is_strict(item) for item in schema)
    return True


@dataclass
class Reply:
    text: str = ""
    refusal: str = ""
    finish_reason: str | None = None
    model: str = ""
    usage: dict[str, int] = field(default_factory=dict)


def _usage(usage: Any) -> dict[str, int]:
    if usage is None:
        return {}
    return {name: int(getattr(usage, name) or 0) for name in ("prompt_tokens", "completion_tokens", "total_tokens")}


class OpenAINode(NodeType[OpenAIConfig]):
    key = "openai"
    label = "OpenAI"
    category = CATEGORY
    icon = "sparkles"
    description = "Ask a chat model (OpenAI or any OpenAI-compatible server): reply as text, streamed, or as JSON."
    outputs = OUTPUTS
    Config = OpenAIConfig

    def check(self, config: OpenAIConfig) -> list[tuple[str, str]]:
        problems: list[tuple[str, str]] = []
        if config.response_format == "json":
            problem = schema_problem(config.json_schema)
            if problem:
                problems.append(("json_schema", problem))
            problems += mapping.check_rules(config.mapping)
            if not config.mapping and not config.save_as:
                problems.append(("save_as", "The JSON reply goes nowhere: map its fields or save it in a variable."))
        elif not config.send_message and not config.save_as:
            problems.append(("save_as", "The reply goes nowhere: send it as a message or save it in a variable."))
        return problems

    def run(self, config: OpenAIConfig, ctx: Context) -> Outcome:
        svc = services(ctx, self.label)
        cred = credential(svc, ctx, config.credential, KINDS)
        host = where(cred.settings)
        schema = self._schema(config)
        request = self._request(config, ctx, cred.settings, schema)
        api: openai.OpenAI = cred.client(timeout_s=config.timeout_s, retry=config.retry.policy())
        streaming = config.response_format == "text" and config.send_message and ctx.open_stream is not None
        live = ctx.open_stream() if streaming and ctx.open_stream is not None else None
        exchanges = Exchanges(svc)
        reply = Reply()
        output: dict[str, Any] = {"model": config.model, "streamed": live is not None}
        try:
            if live is not None:
                self._stream(api, request, reply, live)
            else:
                self._complete(api, request, reply)
            self._judge(config, reply)
        except Exception as exc:
            if live is not None:
                live.close(discard=True)
            output.update(self._trace(reply, exchanges))
            if isinstance(exc, NodeError):
                raise CallFailed(str(exc), output) from None
            message = self._failure(exc, host, cred.name, config, exchanges)
            if message is None:
                raise
            raise CallFailed(message, output) from None
        finally:
            api.close()
        if live is not None:
            live.close()
        output.update(self._trace(reply, exchanges))
        return self._outcome(config, reply, schema, output, live)

    # -- the request ---------------------------------------------------------------------------------------------------

    @staticmethod
    def _schema(config: OpenAIConfig) -> dict[str, Any] | None:
        if config.response_format != "json":
            return None
        problem = schema_problem(config.json_schema)
        if problem:
            raise NodeError(problem)
        schema: dict[str, Any] = json.loads(config.json_schema)
        return schema

    def _request(
        self, config: OpenAIConfig, ctx: Context, settings: dict[str, Any], schema: dict[str, Any] | None
    ) -> dict[str, Any]:
        request: dict[str, Any] = {"model": config.model, "messages": self._messages(config, ctx)}
        if config.temperature is not None:
            request["temperature"] = config.temperature
        if config.max_tokens is not None:
            # OpenAI's own API has renamed the limit (its reasoning models refuse the old name); compatible servers
            # (Ollama, vLLM, LM Studio, Groq, Together) all read max_tokens.
            own_api = str(settings.get("base_url") or DEFAULT_BASE_URL).rstrip("/") == DEFAULT_BASE_URL
            request["max_completion_tokens" if own_api else "max_tokens"] = config.max_tokens
        if schema is not None:
            request["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": SCHEMA_NAME, "schema": schema, "strict": is_strict(schema)},
            }
        return request

    @staticmethod
    def _messages(config: OpenAIConfig, ctx: Context) -> list[dict[str, str]]:
        """System prompt, the last N turns, then the user prompt.

        A blank user prompt stands for the user's last message: the N turns before it are the context. A written
        prompt follows the N latest turns, the user's last message included.
        """
        prompt = config.user_prompt.strip()
        turns = config.history_turns if prompt else config.history_turns + 1
        said = ctx.history(turns) if turns and ctx.history is not None else []
        if not prompt:
            last = max((i for i, m in enumerate(said) if m.role == "user"), default=None)
            if last is None:
                raise NodeError("There is no user message to answer yet: write a user prompt for this node.")
            said, prompt = said[:last], said[last].text
        messages = [{"role": "system", "content": config.system_prompt}] if config.system_prompt.strip() else []
        if config.history_turns:
            messages += [{"role": "user" if m.role == "user" else "assistant", "content": m.text} for m in said]
        messages.append({"role": "user", "content": prompt})
        return messages

    # -- the exchange --------------------------------------------------------------------------------------------------

    @staticmethod
    def _complete(api: openai.OpenAI, request: dict[str, Any], reply: Reply) -> None:
        completion = api.chat.completions.create(**request)
        if not isinstance(completion, ChatCompletion):  # openai hands over a body it could not read as one
            raise NodeError("The server did not answer as an OpenAI-compatible API (no chat completion came back).")
        reply.model, reply.usage = completion.model or "", _usage(completion.usage)
        if not completion.choices:
            raise NodeError("The model's answer has no reply in it (no choices).")
        choice = completion.choices[0]
        reply.text = choice.message.content or ""
        reply.refusal = getattr(choice.message, "refusal", None) or ""
        reply.finish_reason = choice.finish_reason

    @staticmethod
    def _stream(api: openai.OpenAI, request: dict[str, Any], reply: Reply, live: TextStream) -> None:
        parts: list[str] = []
        refusal: list[str] = []
        chunks = api.chat.completions.create(**request, stream=True, stream_options={"include_usage": True})
        with chunks:
            for chunk in chunks:
                reply.model = chunk.model or reply.model
                if chunk.usage is not None:  # the last chunk, with stream_options.include_usage
                    reply.usage = _usage(chunk.usage)
                for choice in chunk.choices:
                    if choice.index != 0:
                        continue
                    if choice.delta.content:
                        parts.append(choice.delta.content)
                        live.write(choice.delta.content)
                    if getattr(choice.delta, "refusal", None):
                        refusal.append(choice.delta.refusal or "")
                    reply.finish_reason = choice.finish_reason or reply.finish_reason
        reply.text, reply.refusal = "".join(parts), "".join(refusal)

    @staticmethod
    def _judge(config: OpenAIConfig, reply: Reply) -> None:
        """A refusal or a filtered reply is a failure the flow handles, in plain words."""
        if reply.refusal:
            raise NodeError(f"The model refused to answer: {' '.join(reply.refusal.split())[:300]}")
        if reply.finish_reason == "content_filter":
            raise NodeError("The reply was withheld by the content filter (finish_reason content_filter).")
        if not reply.text.strip():
            cut = " (it hit the max tokens limit)" if reply.finish_reason == "length" else ""
            raise NodeError(f"The model gave an empty reply{cut}.")

    @staticmethod
    def _trace(reply: Reply, exchanges: Exchanges) -> dict[str, Any]:
        found: dict[str, Any] = {"usage": reply.usage, "finish_reason": reply.finish_reason}
        if reply.model:
            found["model"] = reply.model
        found["attempts"] = exchanges.attempts(1)
        found["exchanges"] = exchanges.new()
        return found

    @staticmethod
    def _failure(exc: Exception, host: str, name: str, config: OpenAIConfig, exchanges: Exchanges) -> str | None:
        """The step's sentence for a failed call, or None for a failure that is not the call's (a bug: re-raised)."""
        tries = attempts_text(exchanges.attempts(1))
        if isinstance(exc, OutboundError):
            return f"The call to {host} failed: {exc}"
        if isinstance(exc, openai.AuthenticationError):
            return f"{host} refused the API key (401): check the credential {name!r}."
        if isinstance(exc, openai.PermissionDeniedError):
            return f"{host} refused access (403) with the credential {name!r}: {api_message(exc)}"
        if isinstance(exc, openai.NotFoundError):
            return f"{host} answered 404 for the model {config.model!r}: {api_message(exc)}"
        if isinstance(exc, openai.RateLimitError):
            return f"{host} is rate-limiting this key or its quota is used up (429) {tries}: {api_message(exc)}"
        if isinstance(exc, openai.APIStatusError):
            try:
                phrase = HTTPStatus(exc.status_code).phrase
            except ValueError:
                phrase = ""
            return f"{host} answered {exc.status_code} {phrase} {tries}: {api_message(exc)}".replace("  ", " ")
        if isinstance(exc, openai.APITimeoutError):
            return f"{host} did not answer within {config.timeout_s:g} s."
        if isinstance(exc, openai.APIConnectionError):
            cause = exc.__cause__
            return f"The call to {host} failed: {cause if isinstance(cause, OutboundError) else 'connection error'}."
        if isinstance(exc, openai.APIError):  # an error event in the stream, or an answer that is not the API's
            return f"{host} did not give a usable answer: {' '.join(str(exc.message).split())[:300]}"
        return None

    # -- the outcome ---------------------------------------------------------------------------------------------------

    @staticmethod
    def _outcome(
        config: OpenAIConfig,
        reply: Reply,
        schema: dict[str, Any] | None,
        output: dict[str, Any],
        live: TextStream | None,
    ) -> Outcome:
        if schema is None:
            variables = {config.save_as: reply.text} if config.save_as else {}
            messages = [OutMessage(reply.text, stream_id=live.id if live else None)] if config.send_message else []
            return Outcome(handle="success", messages=messages, variables=variables, output=output)
        try:
            data = json.loads(reply.text)
        except json.JSONDecodeError as exc:
            cut = (
                " It was cut off at the max tokens limit: raise Max tokens." if reply.finish_reason == "length" else ""
            )
            raise CallFailed(f"The reply is not valid JSON ({exc.msg}).{cut}", output) from None
        try:
            jsonschema.validate(data, schema, cls=jsonschema.Draft202012Validator)
        except jsonschema.ValidationError as exc:
            at = "/".join(str(p) for p in exc.absolute_path) or "the top"
            raise CallFailed(f"The reply does not match the JSON Schema: {exc.message} (at {at}).", output) from None
        try:
            variables = mapping.apply(config.mapping, data)
        except NodeError as exc:
            raise CallFailed(str(exc), output) from None
        if config.save_as:
            variables[config.save_as] = data
        return Outcome(handle="success", variables=variables, output=output)
