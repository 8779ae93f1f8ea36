"""`wait`: pause the conversation for a while (`delay`) or until a moment (`until`), optionally in business hours."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from integrations.providers.calendars import slots
from nodes.base import Context, NodeConfig, NodeError, NodeType, Outcome, template_field

from . import moments

OnMessage = Literal["hold", "cancel"]


class WaitConfig(NodeConfig):
    delay: str = Field(
        "",
        title="Wait for",
        max_length=40,
        description="A duration: 90s, 15m, 2h, 3d (or 1h30m). Leave empty to wait until a moment instead.",
    )
    until: str = template_field(
        "",
        title="Or wait until",
        max_length=200,
        description="A date and time such as 2026-12-24T18:00 (read in the flow's time zone without an offset), "
        "or a template that renders one.",
    )
    business_hours: str = Field(
        "",
        title="Only in business hours",
        max_length=500,
        description="Empty: any time. Else the wait ends at the first moment inside these hours, written as the "
        'Calendar node writes them: "Mon-Fri 09:00-17:00; Sat 10:00-14:00" (in the flow\'s time zone).',
    )
    on_message: OnMessage = Field(
        "hold",
        title="A message during the wait",
        description="hold: keep it and answer it after the wait. cancel: end the wait now and answer it.",
    )


class Wait(NodeType[WaitConfig]):
    key = "wait"
    label = "Wait"
    icon = "hourglass"
    description = "Pause the conversation for a while or until a moment, then go on (a turn of its own)."
    Config = WaitConfig

    def check(self, config: WaitConfig) -> list[tuple[str, str]]:
        problems = []
        if bool(config.delay.strip()) == bool(config.until.strip()):
            problems.append(("delay", "Give either a duration to wait for or a moment to wait until (one of them)."))
        if config.delay.strip():
            try:
                moments.duration(config.delay)
            except ValueError as exc:
                problems.append(("delay", str(exc)))
        if config.until.strip() and "{" not in config.until:
            try:
                moments.moment(config.until, "UTC")
            except ValueError as exc:
                problems.append(("until", str(exc)))
        if config.business_hours.strip():
            try:
                slots.parse_hours(config.business_hours)
            except ValueError as exc:
                problems.append(("business_hours", str(exc)))
        return problems

    def awaiting(self, config: WaitConfig) -> dict[str, Any]:
        return {"type": "wait", "choices": None}

    def run(self, config: WaitConfig, ctx: Context) -> Outcome:
        if ctx.timer is not None and ctx.timer.get("kind") == "wake":
            return Outcome(handle="next", output={"waited_until": ctx.timer.get("due_at")})
        if ctx.answer is not None:
            if config.on_message == "cancel":
                return Outcome(handle="next", hold=True, output={"cancelled_by": "a message"})
            return Outcome(wait=True, hold=True, keep_wake=True, output={"held": "a message, answered after the wait"})
        if ctx.hook is not None:
            return Outcome(wait=True, keep_wake=True, output={"ignored": "a hook delivery during a wait"})
        due = self._due(config, ctx)
        awaiting = {"type": "wait", "choices": None}
        return Outcome(wait=True, wake=due, output={"until": due.isoformat()}, awaiting=awaiting)

    @staticmethod
    def _due(config: WaitConfig, ctx: Context) -> Any:
        now = ctx.now()
        try:
            if config.delay.strip():
                due = now + moments.duration(config.delay)
            else:
                due = moments.moment(config.until, ctx.time_zone)
            if config.business_hours.strip():
                due = moments.next_open(due, slots.parse_hours(config.business_hours), ctx.time_zone)
        except ValueError as exc:
            raise NodeError(str(exc)) from None
        return max(due, now)
