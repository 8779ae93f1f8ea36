"""`handoff`: pause the bot and ask for a person; go on when an agent hands back, closes, or nobody came in time."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from nodes.base import Context, NodeConfig, NodeError, NodeType, Outcome, OutMessage, Output, template_field

from . import moments

Priority = Literal["low", "normal", "high", "urgent"]
# The hook key a release or close resumes the node with (flows/handoff.py sends it; nobody else can).
HANDOFF_KEY = "handoff"
ENDINGS = ("resolved", "closed")


class HandoffConfig(NodeConfig):
    reason: str = template_field("", title="Reason", max_length=500, description="What the agent sees first.")
    team: str = Field("", title="Team", max_length=100, description="Which agents' inbox filter finds it.")
    priority: Priority = Field("normal", title="Priority")
    message: str = template_field(
        "", title="Say to the customer", multiline=True, max_length=2000, description="Empty: say nothing."
    )
    no_agent_after: str = Field(
        "",
        title="No agent after",
        max_length=40,
        description="A duration (90s, 15m, 2h): nobody claimed it by then, so the flow goes on at 'No agent'. "
        "Empty: wait for an agent however long.",
    )


class Handoff(NodeType[HandoffConfig]):
    key = "handoff"
    label = "Hand to a person"
    icon = "users"
    description = "Pause the bot and hand the conversation to an agent in the inbox; then the flow goes on."
    outputs = (
        Output("resolved", "Handed back"),
        Output("closed", "Closed by the agent"),
        Output("no_agent", "No agent in time"),
        Output("error", "Error"),
    )
    Config = HandoffConfig

    def check(self, config: HandoffConfig) -> list[tuple[str, str]]:
        if config.no_agent_after.strip():
            try:
                moments.duration(config.no_agent_after)
            except ValueError as exc:
                return [("no_agent_after", str(exc))]
        return []

    def awaiting(self, config: HandoffConfig) -> dict[str, Any]:
        return {"type": "handoff", "choices": None}

    def run(self, config: HandoffConfig, ctx: Context) -> Outcome:
        if ctx.timer is not None and ctx.timer.get("kind") == "wake":
            return Outcome(handle="no_agent", output={"no_agent_by": ctx.timer.get("due_at")})
        if ctx.hook is not None:
            if ctx.hook.get("key") != HANDOFF_KEY:
                return Outcome(wait=True, keep_wake=True, output={"ignored": "a hook delivery during a handoff"})
            payload = ctx.hook.get("payload") or {}
            ending = payload.get("outcome")
            if ending not in ENDINGS:
                raise NodeError(f"The handoff ended in an unknown way: {ending!r}.")
            variables = payload.get("variables") or {}
            return Outcome(handle=ending, variables=dict(variables), output={"by": payload.get("agent", "")})
        if ctx.answer is not None:
            # Messages while a person holds it are stored for the agent, not run; one that got here anyway waits too.
            return Outcome(wait=True, keep_wake=True, output={"stored_for_agent": ctx.answer})
        awaiting = {
            "type": "handoff",
            "choices": None,
            "reason": config.reason,
            "team": config.team,
            "priority": config.priority,
        }
        messages = [OutMessage(config.message)] if config.message.strip() else []
        wake = None
        if config.no_agent_after.strip():
            try:
                wake = ctx.now() + moments.duration(config.no_agent_after)
            except ValueError as exc:
                raise NodeError(str(exc)) from None
        return Outcome(wait=True, wake=wake, messages=messages, awaiting=awaiting, output={"asked": awaiting})
