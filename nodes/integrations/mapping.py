"""Response mapping: JMESPath expressions over a parsed response, each result cast and saved in a variable."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any, Literal

import jmespath
from jmespath.exceptions import JMESPathError
from pydantic import Field

from nodes.base import NodeConfig, NodeError, variable_field

Cast = Literal["auto", "string", "number", "boolean", "list"]
_TRUE = frozenset({"true", "yes", "y", "on", "1"})
_FALSE = frozenset({"false", "no", "n", "off", "0", ""})
_THOUSANDS = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d+")


class MappingRule(NodeConfig):
    variable: str = variable_field(title="Variable")
    path: str = Field(
        title="Path (JMESPath)",
        min_length=1,
        max_length=500,
        description="Where the value is in the response, e.g. data.items[0].name",
        json_schema_extra={"x-widget": "jmespath"},
    )
    cast: Cast = Field("auto", title="Type")


class MappingProblem(ValueError):
    """A JMESPath expression that does not compile, or a value that cannot take the asked type."""


@lru_cache(maxsize=1024)
def compile_path(path: str) -> Any:
    """The compiled expression, or MappingProblem with the parser's reason in plain words."""
    try:
        return jmespath.compile(path)
    except JMESPathError as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise MappingProblem(f"{path!r} is not a valid JMESPath expression: {reason}") from None


def check_rules(rules: Sequence[MappingRule], field: str = "mapping") -> list[tuple[str, str]]:
    """Problems per rule, for NodeType.check(): a bad expression is shown on its own field."""
    problems = []
    seen: set[str] = set()
    for i, rule in enumerate(rules):
        try:
            compile_path(rule.path)
        except MappingProblem as exc:
            problems.append((f"{field}.{i}.path", str(exc)))
        if rule.variable in seen:
            problems.append((f"{field}.{i}.variable", f"{rule.variable} is already set by an earlier rule."))
        seen.add(rule.variable)
    return problems


def _number(value: Any) -> int | float | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        number = value
    elif isinstance(value, str):
        if not value.strip():  # an empty field is no number, not an error
            return None
        parsed = _parse_number(value.strip())
        if parsed is None:
            raise MappingProblem(f"{_short(value)} is not a number")
        number = parsed
    else:
        raise MappingProblem(f"{_short(value)} is not a number")
    if not math.isfinite(number):
        raise MappingProblem(f"{_short(value)} is not a finite number")
    return int(number) if number.is_integer() else number


def _boolean(value: Any) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        if value in (0, 1):
            return bool(value)
        raise MappingProblem(f"{_short(value)} is not true or false")
    if isinstance(value, str):
        word = value.strip().casefold()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
    raise MappingProblem(f"{_short(value)} is not true or false (true/false, yes/no, 1/0)")


def _string(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _parse_number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        pass
    if _THOUSANDS.fullmatch(text):  # "1,250.50": English thousands separators
        return float(text.replace(",", ""))
    if _DECIMAL_COMMA.fullmatch(text):  # "12,5": a decimal comma
        return float(text.replace(",", "."))
    return None


def _short(value: Any) -> str:
    """A value as shown in an error: quoted text or JSON, cut at 60 characters."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    text = text if len(text) <= 60 else text[:57] + "..."
    return repr(text) if isinstance(value, str) else text


def cast_value(value: Any, cast: Cast) -> Any:
    """Cast one found value; a path that found nothing gives None ('' as a string, [] as a list)."""
    if cast == "string":
        return _string(value)
    if cast == "number":
        return _number(value)
    if cast == "boolean":
        return _boolean(value)
    if cast == "list":
        if value is None:
            return []
        return value if isinstance(value, list) else [value]
    return value


def apply(rules: Sequence[MappingRule], data: Any) -> dict[str, Any]:
    """The variables the rules pick out of `data`; NodeError names the rule that could not be applied."""
    found: dict[str, Any] = {}
    for rule in rules:
        try:
            found[rule.variable] = cast_value(compile_path(rule.path).search(data), rule.cast)
        except MappingProblem as exc:
            raise NodeError(f"Mapping for {rule.variable} ({rule.path}): {exc}.") from None
        except JMESPathError as exc:  # e.g. a function given the wrong type of value at run time
            raise NodeError(f"Mapping for {rule.variable} ({rule.path}) failed on this response: {exc}") from None
    return found
