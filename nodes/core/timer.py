"""`timer`: set, replace or cancel a named timer of this conversation; when it fires, the flow goes on at `fired`."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Literal

from pydantic import Field
from pydantic.fields import FieldInfo
from pydantic.json_schema import JsonDict

from nodes.base import Context, NodeConfig, NodeError, NodeType, Outcome, Output, template_field

from . import moments

Action = Literal["set", "cancel"]
Schedule = Literal["after", "at", "every"]
NAME_PATTERN = r"^[A-Za-z0-9_.:-]{1,100}$"
SETTING: JsonDict = {"x-show-when": {"action": ["set"]}}


def _when(*schedules: str) -> JsonDict:
    return {"x-show-when": {"action": ["set"], "schedule": list(schedules)}}


def _shown_for(info: Any, *schedules: str) -> Any:
    """A template field shown only for these schedules (it carries the template hints already)."""
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    return FieldInfo.merge_field_infos(info, json_schema_extra={**extra, **_when(*schedules)})


class TimerConfig(NodeConfig):
    action: Action = Field("set", title="Action", description="set: set (or replace) the timer. cancel: stop it.")
    name: str = template_field(
        title="Timer name",
        max_length=100,
        description="Setting a name again replaces that timer; cancelling by name stops it.",
    )
    schedule: Schedule = Field(
        "after",
        title="Fire",
        description="after: once, after a delay. at: once, at a moment. every: repeatedly, every interval.",
        json_schema_extra=SETTING,
    )
    delay: str = Field(
        "", title="After", max_length=40, description="90s, 15m, 2h, 3d", json_schema_extra=_when("after")
    )
    at: str = _shown_for(
        template_field(
            "",
            title="At",
            max_length=200,
            description="2026-12-24T18:00 (in the flow's time zone without an offset), or a template rendering one.",
        ),
        "at",
    )
    every: str = Field("", title="Every", max_length=40, description="15m, 1d, ...", json_schema_extra=_when("every"))
    count: int | None = Field(
        None,
        title="How many times",
        ge=1,
        le=1000,
        description="Empty: until the end date.",
        json_schema_extra=_when("every"),
    )
    end: str = _shown_for(
        template_field(
            "", title="Until", max_length=200, description="No firing after this moment (optional with a count)."
        ),
        "every",
    )


class Timer(NodeType[TimerConfig]):
    key = "timer"
    label = "Timer"
    icon = "alarm-clock"
    description = (
        "Set, replace or cancel a named timer. The flow goes on at once at Next; when the timer fires, at Fired "
        "(a turn of its own, even while the conversation waits for an answer)."
    )
    outputs = (Output("next", "Next"), Output("fired", "Fired"))
    Config = TimerConfig

    def check(self, config: TimerConfig) -> list[tuple[str, str]]:
        problems: list[tuple[str, str]] = []
        if "{" not in config.name and not re.match(NAME_PATTERN, config.name):
            problems.append(("name", "Name the timer with letters, digits and - _ . : (up to 100)."))
        if config.action == "cancel":
            return problems
        field = {"after": "delay", "every": "every", "at": "at"}[config.schedule]
        text = getattr(config, field)
        if not text.strip():
            problems.append((field, "Required"))
        elif field in ("delay", "every"):
            try:
                moments.duration(text)
            except ValueError as exc:
                problems.append((field, str(exc)))
        if config.schedule == "every" and config.count is None and not config.end.strip():
            problems.append(("count", "Give how many times, an end date, or both: a timer must stop some day."))
        return problems

    def run(self, config: TimerConfig, ctx: Context) -> Outcome:
        if ctx.timer is not None and ctx.timer.get("kind") == "named":
            output = {"fired": ctx.timer.get("name"), "firing": ctx.timer.get("firing")}
            return Outcome(handle="fired", output=output)
        name = config.name.strip()
        if not re.match(NAME_PATTERN, name):
            raise NodeError(f"The timer name {name!r} may hold letters, digits and - _ . : only (up to 100).")
        if config.action == "cancel":
            return Outcome(handle="next", timers=[{"op": "cancel", "name": name}], output={"cancelled": name})
        op = self._schedule(config, ctx, name)
        shown = {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in op.items() if k != "op"}
        return Outcome(handle="next", timers=[op], output={"set": shown})

    @staticmethod
    def _schedule(config: TimerConfig, ctx: Context, name: str) -> dict[str, Any]:
        now = ctx.now()
        op: dict[str, Any] = {"op": "set", "name": name, "every_s": None, "count": None, "end": None}
        try:
            if config.schedule == "after":
                op["due"] = now + moments.duration(config.delay)
            elif config.schedule == "at":
                op["due"] = max(now, moments.moment(config.at, ctx.time_zone))
            else:
                every = moments.duration(config.every)
                op.update(due=now + every, every_s=int(every.total_seconds()), count=config.count)
                if config.end.strip():
                    op["end"] = moments.moment(config.end, ctx.time_zone)
                    if op["end"] < op["due"]:
                        raise ValueError(f"The end {config.end!r} comes before the first firing.")
        except ValueError as exc:
            raise NodeError(str(exc)) from None
        return op
