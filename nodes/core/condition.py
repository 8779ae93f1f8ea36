"""`condition`: compare variables with rules (all or any must hold) and follow `true` or `false`."""

import math
from typing import Any, Literal

import regex
from pydantic import Field

from nodes.base import Context, NodeConfig, NodeError, NodeType, Outcome, Output, lookup, template_field
from nodes.templating import is_template

Operator = Literal[
    "equals", "not_equals", "contains", "starts_with", "greater_than", "less_than", "is_empty", "is_set", "matches"
]
REGEX_TIMEOUT_S = 0.1  # user replies are untrusted input: no pattern may spin on them


class Rule(NodeConfig):
    variable: str = Field(
        title="Variable",
        pattern=r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*$",
        max_length=128,
        json_schema_extra={"x-widget": "variable"},
    )
    operator: Operator = Field("equals", title="Operator")
    value: str = template_field("", title="Value", max_length=1000)


class ConditionConfig(NodeConfig):
    match: Literal["all", "any"] = Field("all", title="True when")
    rules: list[Rule] = Field(title="Rules", min_length=1, max_length=50)


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        number = float(value) if isinstance(value, int | float) else float(str(value).strip().replace(",", "."))
    except (ValueError, OverflowError):
        return None
    # "nan", "inf" and "infinity" are words here: as floats "Nan" would not even equal "Nan"
    return number if math.isfinite(number) else None


def _empty(value: Any) -> bool:
    return value is None or (
        isinstance(value, str | list | dict) and not (value.strip() if isinstance(value, str) else value)
    )


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip().casefold()


def holds(rule: Rule, actual: Any) -> bool:
    """Whether one rule holds; text comparisons ignore case and surrounding spaces, as a chat user expects."""
    op, expected = rule.operator, rule.value
    if op == "is_empty":
        return _empty(actual)
    if op == "is_set":
        return not _empty(actual)
    if op in ("equals", "not_equals"):
        a, b = _number(actual), _number(expected)
        same = a == b if a is not None and b is not None else _text(actual) == _text(expected)
        return same if op == "equals" else not same
    if op == "contains":
        if isinstance(actual, list):
            return any(_text(item) == _text(expected) for item in actual)
        return _text(expected) in _text(actual)
    if op == "starts_with":
        return _text(actual).startswith(_text(expected))
    if op in ("greater_than", "less_than"):
        a, b = _number(actual), _number(expected)
        if a is None or b is None:
            return False
        return a > b if op == "greater_than" else a < b
    if op == "matches":
        try:
            return regex.search(expected, "" if actual is None else str(actual), timeout=REGEX_TIMEOUT_S) is not None
        except regex.error as exc:
            raise NodeError(f"rule on {rule.variable}: the pattern is not a valid regular expression ({exc})") from None
        except TimeoutError:
            raise NodeError(f"rule on {rule.variable}: the pattern took too long on this input") from None
    raise NodeError(f"unknown operator {op}")


class Condition(NodeType[ConditionConfig]):
    key = "condition"
    label = "Condition"
    icon = "git-branch"
    description = "Branch on variables: follow True when the rules hold, False otherwise."
    outputs = (Output("true", "True"), Output("false", "False"))
    Config = ConditionConfig

    def check(self, config: ConditionConfig) -> list[tuple[str, str]]:
        problems = []
        for i, rule in enumerate(config.rules):
            if rule.operator == "matches" and not is_template(rule.value):
                try:
                    regex.compile(rule.value)
                except regex.error as exc:
                    problems.append((f"rules.{i}.value", f"Not a valid regular expression: {exc}"))
        return problems

    def run(self, config: ConditionConfig, ctx: Context) -> Outcome:
        results = [holds(rule, lookup(ctx.variables, rule.variable)) for rule in config.rules]
        passed = all(results) if config.match == "all" else any(results)
        return Outcome(handle="true" if passed else "false", output={"rules": results, "result": passed})
