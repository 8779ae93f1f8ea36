"""The flow the handoff tests share: ask for a person, then say how it went on each output."""

from __future__ import annotations

from typing import Any

from tests.unit import edge, flow, node


def handoff_flow(no_agent_after: str = "15m", *, ask_first: bool = False, **config: Any) -> dict[str, Any]:
    """ask_first: the bot asks "What do you need?" (into `need`) before the handoff, so there is a transcript."""
    settings = {
        "reason": "Wants a refund for {{ order }}",
        "team": "billing",
        "priority": "high",
        "message": "Connecting you to a person...",
        "no_agent_after": no_agent_after,
        **config,
    }
    asked = [node("ask", "question", text="What do you need?", variable="need")] if ask_first else []
    doc = flow(*asked, node("human", "handoff", **settings), chain=True)
    doc["edges"] = [e for e in doc["edges"] if e["source"] != "human"]
    for handle, text in [
        ("resolved", "Back with the bot. Refund: {{ refund }}"),
        ("closed", "The agent closed the chat."),
        ("no_agent", "Nobody is free; we will email you."),
        ("error", "Something went wrong."),
    ]:
        doc["nodes"].append(node(f"after_{handle}", "message", text=text))
        doc["edges"].append(edge("human", f"after_{handle}", handle))
    return doc
