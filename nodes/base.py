"""What every node type is: declared metadata, a pydantic config, output handles and run(config, ctx)."""

from __future__ import annotations

import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Literal, Protocol, TypeVar

from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import JsonDict

from . import render_budget, templating

if TYPE_CHECKING:
    from .outside import Outside

VARIABLE_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]*$"


def template_field(
    default: Any = ...,
    *,
    title: str | None = None,
    multiline: bool = False,
    by_node: bool = False,
    url: bool = False,
    suggest: str | None = None,
    **kw: Any,
) -> Any:
    """A config string rendered as a template before run(); the canvas offers variables on `{{`.

    by_node: the node renders it itself, with variables of its own (a bulk email's `recipient`), so the engine leaves
    it as written; it is still checked when the flow is saved.
    url: the field is (part of) a URL: every value is percent-encoded as one path segment or query value, so chat
    input cannot change which resource is called (templating.render_url).
    suggest: the canvas offers values from a list the server keeps (`teams`: GET /api/v1/teams/) while any text, or
    a template, is still accepted.
    """
    extra: JsonDict = {"x-template": True, "x-widget": "textarea" if multiline else "template"}
    if by_node:
        extra["x-rendered-by"] = "node"
    if url:
        extra["x-template-kind"] = "url"
    if suggest:
        extra["x-suggest"] = suggest
    return Field(default, title=title, json_schema_extra=extra, **kw)


def variable_field(default: Any = ..., *, title: str | None = None, **kw: Any) -> Any:
    """The name of a conversation variable (where a value is saved or read)."""
    extra: JsonDict = {"x-widget": "variable"}
    return Field(default, title=title, pattern=VARIABLE_PATTERN, max_length=64, json_schema_extra=extra, **kw)


class NodeConfig(BaseModel):
    """Base for config models: unknown keys are refused so a typo is reported, not ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class EmptyConfig(NodeConfig):
    pass


def lookup(variables: dict[str, Any], path: str) -> Any:
    """A variable by name, or a field inside one with dots (`contact.email`, `items.0`); None when absent."""
    value: Any = variables
    for part in path.split("."):
        if isinstance(value, dict):
            value = value.get(part)
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return value


@dataclass(frozen=True, slots=True)
class Output:
    id: str
    label: str


@dataclass(slots=True)
class OutMessage:
    text: str
    choices: list[dict[str, str]] | None = None
    stream_id: str | None = None  # the text went out live first, as deltas of this stream (see TextStream)

    def as_dict(self) -> dict[str, Any]:
        if self.stream_id:
            return {"text": self.text, "choices": self.choices, "stream_id": self.stream_id}
        return {"text": self.text, "choices": self.choices}


@dataclass(frozen=True, slots=True)
class Said:
    """One message of the conversation: from the user or from the bot."""

    role: Literal["user", "bot"]
    text: str


class TextStream(Protocol):
    """A bot message whose text goes out live as it is written (e.g. model tokens), before the turn's end."""

    id: str

    def write(self, text: str) -> None: ...

    def close(self, *, discard: bool = False) -> None:
        """The end of the live text; discard: it will not become a message (the node failed)."""


@dataclass(slots=True)
class Outcome:
    """What a node did: messages to send, variables to set, the handle to follow, or wait for input."""

    handle: str | None = None
    messages: list[OutMessage] = field(default_factory=list)
    variables: dict[str, Any] = field(default_factory=dict)
    wait: bool = False
    output: dict[str, Any] | None = None  # extra detail for the trace
    awaiting: dict[str, Any] | None = None  # while waiting, when what the client should offer depends on variables
    # While waiting: wake this node at this moment (ctx.timer then says so), with this payload (see flows/timers.py).
    wake: datetime | None = None
    wake_payload: dict[str, Any] | None = None
    keep_wake: bool = False  # waiting on: the wake-up set earlier stays as it is (no new one, none cancelled)
    hold: bool = False  # the answer is kept for the next node that asks, not taken here (a message during a wait)
    timers: list[dict[str, Any]] = field(default_factory=list)  # named timers to set or cancel (the timer node)


class NodeError(Exception):
    """A node failed in a way the flow can handle (its `error` handle, or the fallback message)."""


@dataclass(slots=True)
class Context:
    """Everything a node may read or reach; side effects go through here, never through globals."""

    variables: dict[str, Any]
    conversation_id: str = ""
    flow_id: str = ""
    node_id: str = ""
    answer: str | None = None  # the user's reply when a waiting node is resumed
    hook: dict[str, Any] | None = None  # a hook delivery resuming a waiting node: {"key", "variable", "payload"}
    services: Outside | None = None  # all a node may ask of the outside (nodes.outside); given by the run
    # The conversation so far, oldest first, from the start of the n-th last turn (a turn starts at a user message);
    # this turn's bot messages up to now included. Loaded only when a node asks; None where there is no conversation.
    history: Callable[[int], list[Said]] | None = None
    # Opens a live text stream to whoever watches the conversation; None where nobody can (tests, benchmarks).
    open_stream: Callable[[], TextStream] | None = None
    # The current time (timezone-aware): a node asks this, not the system clock, so a turn can be run at a set moment.
    now: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    # A timer resuming this node: {"kind": "wake" | "named", "name", "firing", "payload", "due_at"}; else None.
    timer: dict[str, Any] | None = None
    time_zone: str = "UTC"  # the flow's time zone (graph settings), for moments written without an offset
    wired: frozenset[str] = frozenset()  # the running node's output handles that lead somewhere

    @property
    def resuming(self) -> bool:
        return self.answer is not None

    def render(self, source: str) -> str:
        try:
            return templating.render(source, self.variables)
        except templating.TemplateProblem as exc:
            raise NodeError(str(exc)) from None

    def render_url(self, source: str) -> str:
        """A URL template rendered with each value percent-encoded as one path segment or query value."""
        try:
            return templating.render_url(source, self.variables)
        except templating.TemplateProblem as exc:
            raise NodeError(str(exc)) from None


C = TypeVar("C", bound=NodeConfig)


class NodeType(Generic[C]):
    """Subclass per node type, in its own module; registered once from settings.NODE_TYPES."""

    key: ClassVar[str]
    label: ClassVar[str]
    category: ClassVar[str] = "Core"
    description: ClassVar[str] = ""
    icon: ClassVar[str] = "circle"
    version: ClassVar[int] = 1  # raise it when a config saved before would mean something else; add an upgrade
    # upgrades[n] turns the config (`data`) of a node saved at version n into version n + 1 (flows/spec.py applies them)
    upgrades: ClassVar[dict[int, Callable[[dict[str, Any]], dict[str, Any]]]] = {}
    outputs: ClassVar[tuple[Output, ...]] = (Output("next", "Next"),)
    accepts_input: ClassVar[bool] = True  # False for start: nothing may connect into it
    Config: ClassVar[type[NodeConfig]] = EmptyConfig

    def handles(self, config: C) -> list[str]:
        """The output handles this node has with this config (some types derive them from config)."""
        return [o.id for o in self.outputs]

    def awaiting(self, config: C) -> dict[str, Any]:
        """What input the client should offer while the conversation waits at this node."""
        return {"type": "text", "choices": None}

    def dynamic_outputs(self) -> dict[str, Any] | None:
        """How the canvas derives handles from config, when they are not fixed."""
        return None

    def check(self, config: C) -> list[tuple[str, str]]:
        """Problems beyond the schema, as (field, message)."""
        return []

    def run(self, config: C, ctx: Context) -> Outcome:
        raise NotImplementedError

    def describe(self) -> dict[str, Any]:
        return {
            "type": self.key,
            "label": self.label,
            "category": self.category,
            "description": self.description,
            "icon": self.icon,
            "version": self.version,
            "accepts_input": self.accepts_input,
            "outputs": [{"id": o.id, "label": o.label} for o in self.outputs],
            "dynamic_outputs": self.dynamic_outputs(),
            "config_schema": self.Config.model_json_schema(),
        }


@cache
def template_paths(model: type[BaseModel]) -> tuple[tuple[str, type[BaseModel] | None], ...]:
    """(field, nested model) for every field holding templates: a template string, or a list of models that do."""
    found: list[tuple[str, type[BaseModel] | None]] = []
    for name, info in model.model_fields.items():
        extra = info.json_schema_extra
        if isinstance(extra, dict) and extra.get("x-template"):
            found.append((name, None))
            continue
        if typing.get_origin(info.annotation) is list:
            (item,) = typing.get_args(info.annotation) or (None,)
            if isinstance(item, type) and issubclass(item, BaseModel) and template_paths(item):
                found.append((name, item))
    return tuple(found)


@cache
def _engine_rendered(model: type[BaseModel]) -> tuple[tuple[str, type[BaseModel] | None, bool], ...]:
    """The template paths the engine renders, each with whether it is a URL: all but those the node renders itself
    (template_field by_node)."""

    def extra(name: str) -> dict[str, Any]:
        found = model.model_fields[name].json_schema_extra
        return found if isinstance(found, dict) else {}

    return tuple(
        (name, nested, extra(name).get("x-template-kind") == "url")
        for name, nested in template_paths(model)
        if extra(name).get("x-rendered-by") != "node"
    )


def render_config(config: NodeConfig, ctx: Context) -> tuple[NodeConfig, dict[str, Any]]:
    """The config with its template fields rendered, and what they rendered to (the step's input).

    Plain text renders to itself, so a config whose fields hold no template is passed on as it is, uncopied. All the
    fields share one render budget (a deadline), so a node with many fields cannot hold the worker longer.
    """
    paths = _engine_rendered(type(config))
    if not paths:
        return config, {}
    with render_budget.budget():
        return _render_paths(config, ctx, paths)


def _render_paths(
    config: NodeConfig, ctx: Context, paths: tuple[tuple[str, type[BaseModel] | None, bool], ...]
) -> tuple[NodeConfig, dict[str, Any]]:
    changed: dict[str, Any] = {}
    shown: dict[str, Any] = {}
    for name, nested, url in paths:
        value = getattr(config, name)
        if nested is None:
            if isinstance(value, str):
                shown[name] = rendered = ctx.render_url(value) if url else ctx.render(value)
                if rendered is not value:
                    changed[name] = rendered
        elif value:
            pairs = [render_config(item, ctx) for item in value]
            shown[name] = [{**item.__dict__, **item_shown} for (item, item_shown) in pairs]
            if any(new is not old for (new, _), old in zip(pairs, value, strict=True)):
                changed[name] = [new for new, _ in pairs]
    return (config.model_copy(update=changed) if changed else config), shown
