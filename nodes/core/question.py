"""`question`: ask, wait for the reply, validate it by input type and save it to a variable."""

from typing import Literal

from pydantic import Field

from nodes.base import Context, NodeConfig, NodeType, Outcome, OutMessage, template_field, variable_field

from . import answers

InputType = Literal["text", "number", "email", "phone", "date", "choice"]


class Choice(NodeConfig):
    id: str = Field(title="Id", pattern=r"^[A-Za-z0-9_-]{1,40}$")
    label: str = Field(title="Label", min_length=1, max_length=100)


class QuestionConfig(NodeConfig):
    text: str = template_field(title="Question", multiline=True, min_length=1, max_length=4000)
    input_type: InputType = Field("text", title="Answer type")
    choices: list[Choice] = Field(
        default_factory=list, title="Choices", max_length=50, json_schema_extra={"x-widget": "choices"}
    )
    variable: str | None = variable_field(None, title="Save the answer in")
    retry_text: str = template_field("", title="When the answer is not valid, say", max_length=1000)


class Question(NodeType[QuestionConfig]):
    key = "question"
    label = "Question"
    icon = "help-circle"
    description = "Ask something and wait for the answer: text, number, email, phone, date or a choice."
    Config = QuestionConfig

    def handles(self, config: QuestionConfig) -> list[str]:
        if config.input_type == "choice":
            return [f"choice:{c.id}" for c in config.choices]
        return ["next"]

    def dynamic_outputs(self) -> dict:
        return {"when": {"input_type": "choice"}, "each": "choices", "id": "choice:{id}", "label": "{label}"}

    def check(self, config: QuestionConfig) -> list[tuple[str, str]]:
        problems = []
        if config.input_type == "choice":
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

    def run(self, config: QuestionConfig, ctx: Context) -> Outcome:
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
