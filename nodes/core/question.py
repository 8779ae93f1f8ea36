"""`question`: ask, wait for the reply, validate it by input type and save it to a variable."""

from dataclasses import dataclass
from typing import Any, Literal

from pydantic import Field
from pydantic.json_schema import JsonDict

from nodes.base import (
    VARIABLE_PATTERN,
    Context,
    NodeConfig,
    NodeError,
    NodeType,
    Outcome,
    OutMessage,
    Output,
    lookup,
    template_field,
    variable_field,
)

from . import answers, moments

InputType = Literal["text", "number", "email", "phone", "date", "choice"]
ChoicesSource = Literal["fixed", "variable"]
MAX_LISTED = 50
CHOICE: JsonDict = {"x-show-when": {"input_type": ["choice"]}}
LISTED: JsonDict = {"x-show-when": {"input_type": ["choice"], "choices_source": ["variable"]}}
FIXED: JsonDict = {"x-show-when": {"input_type": ["choice"], "choices_source": ["fixed"]}}
TIMEOUT = Output("timeout", "No answer")


class Choice(NodeConfig):
    id: str = Field(title="Id", pattern=r"^[A-Za-z0-9_-]{1,40}$")
    label: str = Field(title="Label", min_length=1, max_length=100)


class QuestionConfig(NodeConfig):
    text: str = template_field(title="Question", multiline=True, min_length=1, max_length=4000)
    input_type: InputType = Field("text", title="Answer type")
    choices_source: ChoicesSource = Field(
        "fixed",
        title="Choices from",
        description="Fixed choices, each with its own output; or the items of a list variable, with one output.",
        json_schema_extra=CHOICE,
    )
    choices: list[Choice] = Field(
        default_factory=list, title="Choices", max_length=50, json_schema_extra={"x-widget": "choices", **FIXED}
    )
    choices_variable: str | None = Field(
        None,
        title="List to offer",
        description="Such as the slots a Calendar node found.",
        pattern=VARIABLE_PATTERN,
        max_length=64,
        json_schema_extra={"x-widget": "variable", **LISTED},
    )
    choice_label: str = Field(
        "label",
        title="Show each item's",
        max_length=64,
        description="The field shown for each item (items that are text show the text).",
        json_schema_extra=LISTED,
    )
    variable: str | None = variable_field(None, title="Save the answer in")
    retry_text: str = template_field("", title="When the answer is not valid, say", max_length=1000)
    timeout: str = Field(
        "",
        title="No answer after",
        max_length=40,
        description="Empty: wait as long as it takes. Else a duration (90s, 15m, 2h, 3d): then remind, and after "
        "the last reminder follow No answer (when it is wired; otherwise keep waiting silently).",
    )
    reminders: int = Field(0, title="Reminders", ge=0, le=5)
    reminder_text: str = template_field(
        "", title="Reminder", max_length=1000, description="Empty: ask the question again.", by_node=True
    )


@dataclass(frozen=True, slots=True)
class Listed:
    """A choice offered from a list variable: its number as id, its label, and the item saved when it is chosen."""

    id: str
    label: str
    item: Any


def _listed(config: QuestionConfig) -> bool:
    return config.input_type == "choice" and config.choices_source == "variable"


class Question(NodeType[QuestionConfig]):
    key = "question"
    label = "Question"
    icon = "help-circle"
    description = "Ask something and wait for the answer: text, number, email, phone, date or a choice."
    Config = QuestionConfig
    outputs = (Output("next", "Next"), TIMEOUT)

    def handles(self, config: QuestionConfig) -> list[str]:
        if config.input_type == "choice" and not _listed(config):
            return [f"choice:{c.id}" for c in config.choices] + [TIMEOUT.id]
        return ["next", TIMEOUT.id]

    def dynamic_outputs(self) -> dict:
        return {
            "when": {"input_type": "choice", "choices_source": "fixed"},
            "each": "choices",
            "id": "choice:{id}",
            "label": "{label}",
            "also": [{"id": TIMEOUT.id, "label": TIMEOUT.label}],
        }

    def check(self, config: QuestionConfig) -> list[tuple[str, str]]:
        problems = []
        if config.timeout.strip():
            try:
                moments.duration(config.timeout)
            except ValueError as exc:
                problems.append(("timeout", str(exc)))
        if _listed(config):
            if not config.choices_variable:
                problems.append(("choices_variable", "Name the list variable whose items are offered."))
        elif config.input_type == "choice":
            if not config.choices:
                problems.append(("choices", "Add at least one choice."))
            ids = [c.id for c in config.choices]
            if len(ids) != len(set(ids)):
                problems.append(("choices", "Each choice needs its own id."))
        return problems

    def awaiting(self, config: QuestionConfig) -> dict:
        """What the client should offer: the input type and, for a choice, the options."""
        return {"type": config.input_type, "choices": self._choices(config)}

    @staticmethod
    def _choices(config: QuestionConfig) -> list[dict[str, str]] | None:
        if config.input_type != "choice":
            return None
        return [{"id": c.id, "label": c.label} for c in config.choices]

    @staticmethod
    def _items(config: QuestionConfig, ctx: Context) -> list[Listed]:
        """The list variable's items as choices numbered from 1; an item without a label is not offered."""
        name = config.choices_variable or ""
        value = lookup(ctx.variables, name)
        if not isinstance(value, list):
            raise NodeError(f"The variable {name!r} holds no list of choices to offer.")
        found: list[Listed] = []
        for item in value[:MAX_LISTED]:
            text = item.get(config.choice_label) if isinstance(item, dict) else item
            if isinstance(text, str | int | float) and not isinstance(text, bool) and str(text).strip():
                found.append(Listed(str(len(found) + 1), str(text).strip()[:100], item))
        if not found:
            raise NodeError(f"The list {name!r} has nothing to offer (no item with a {config.choice_label!r}).")
        return found

    def run(self, config: QuestionConfig, ctx: Context) -> Outcome:
        if ctx.timer is not None and ctx.timer.get("kind") == "wake":
            return self._timed_out(config, ctx)
        outcome = self._run_listed(config, ctx) if _listed(config) else self._run(config, ctx)
        if outcome.wait and config.timeout.strip():
            # Each time it asks (again), the answer has the whole timeout; the reminders start over.
            outcome.wake, outcome.wake_payload = ctx.now() + moments.duration(config.timeout), {"reminder": 0}
        return outcome

    def _timed_out(self, config: QuestionConfig, ctx: Context) -> Outcome:
        """No answer in time: remind (up to `reminders` times), then follow `timeout`, or wait on silently."""
        sent = int((ctx.timer or {}).get("payload", {}).get("reminder", 0))
        if sent < config.reminders and config.timeout.strip():
            text = ctx.render(config.reminder_text) if config.reminder_text else config.text
            choices = [{"id": c.id, "label": c.label} for c in self._items(config, ctx)] if _listed(config) else None
            return Outcome(
                wait=True,
                messages=[OutMessage(text, choices or self._choices(config))],
                wake=ctx.now() + moments.duration(config.timeout),
                wake_payload={"reminder": sent + 1},
                output={"reminder": sent + 1},
                awaiting={"type": "choice", "choices": choices} if choices else None,
            )
        if TIMEOUT.id in ctx.wired:
            return Outcome(handle=TIMEOUT.id, output={"timed_out": True, "reminders": sent})
        return Outcome(wait=True, output={"timed_out": True, "reminders": sent, "waiting": "silently"})

    def _run(self, config: QuestionConfig, ctx: Context) -> Outcome:
        if ctx.answer is None:
            return Outcome(wait=True, messages=[OutMessage(config.text, self._choices(config))])
        if config.input_type == "choice":
            choice = answers.match_choice(ctx.answer, config.choices)
            value, handle = (choice.label, f"choice:{choice.id}") if choice else (None, None)
        else:
            value, handle = answers.PARSERS[config.input_type](ctx.answer), "next"
        if value is None:
            retry = config.retry_text or answers.DEFAULT_RETRY[config.input_type]
            return Outcome(
                wait=True,
                messages=[OutMessage(retry, self._choices(config))],
                output={"valid": False, "answer": ctx.answer},
            )
        saved = {config.variable: value} if config.variable else {}
        return Outcome(handle=handle, variables=saved, output={"valid": True, "value": value})

    def _run_listed(self, config: QuestionConfig, ctx: Context) -> Outcome:
        """Choices from a list variable: the chosen item itself is saved, and the one `next` handle followed."""
        items = self._items(config, ctx)
        offered = [{"id": c.id, "label": c.label} for c in items]
        awaiting = {"type": "choice", "choices": offered}
        if ctx.answer is None:
            return Outcome(wait=True, messages=[OutMessage(config.text, offered)], awaiting=awaiting)
        chosen = answers.match_choice(ctx.answer, items)
        if chosen is None:
            retry = config.retry_text or answers.DEFAULT_RETRY["choice"]
            return Outcome(
                wait=True,
                messages=[OutMessage(retry, offered)],
                awaiting=awaiting,
                output={"valid": False, "answer": ctx.answer},
            )
        saved = {config.variable: chosen.item} if config.variable else {}
        return Outcome(handle="next", variables=saved, output={"valid": True, "value": chosen.label})
