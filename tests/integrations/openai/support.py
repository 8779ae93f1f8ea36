"""Run the openai node in a real flow through the real engine, with a real conversation history and live text."""

from __future__ import annotations

import json
import uuid
from typing import Any

from flows import history, live
from flows.engine import State, StepRecord, run_turn
from flows.graph import analyse, errors
from flows.models import Conversation, Flow, FlowVersion, Message
from nodes.registry import registry
from tests.integrations.nodes.support import Turn, doc


def conversation(*said: tuple[str, str]) -> Conversation:
    """A stored conversation with these (direction, text) messages, oldest first."""
    flow = Flow.objects.create(name="Chat", slug=f"chat-{uuid.uuid4().hex[:8]}", graph={})
    version = FlowVersion.objects.create(flow=flow, number=1, graph={})
    convo = Conversation.objects.create(flow=flow, version=version, token_hash="x")
    for direction, text in said:
        Message.objects.create(conversation=convo, direction=direction, text=text)
    return convo


def run(
    data: dict[str, Any],
    svc: Any,
    *,
    convo: Conversation | None = None,
    streams: bool = False,
    variables: dict[str, Any] | None = None,
) -> Turn:
    """One turn: start -> openai ("OK" on success, "Failed" on error), as the Celery task runs it."""
    graph, found = analyse(doc("openai", data), registry())
    assert graph is not None, [p.as_dict() for p in errors(found)]
    conversation_id = convo.pk if convo else uuid.uuid4()

    def open_stream(step: StepRecord) -> live.LiveText:
        where = {"seq": step.seq, "node_id": step.node_id, "node_type": step.node_type}
        return live.LiveText(
            conversation_id=conversation_id, flow_id="flow-7", run_id="run-1", step=where, redactor=svc.redactor
        )

    result = run_turn(
        graph,
        State(variables=dict(variables or {})),
        None,
        services=svc,
        redact=svc.redact,
        flow_id="flow-7",
        history=history.loader(convo.pk) if convo else None,
        open_stream=open_stream if streams else None,
    )
    return Turn(result)


class Listener:
    """What the conversation's sockets would get: the channel layer's messages for its group, read from Redis."""

    def __init__(self, conversation_id: Any):
        layer, prefix = live._layer_codec()
        self.layer = layer
        self.pubsub = live.client().pubsub()
        self.pubsub.subscribe(f"{prefix}__group__{live.conversation_group(conversation_id)}")
        self.pubsub.get_message(timeout=2)  # the subscribe confirmation
        self.events: list[dict[str, Any]] = []

    def drain(self, timeout: float = 1.0) -> list[dict[str, Any]]:
        while (item := self.pubsub.get_message(timeout=timeout)) is not None:
            if item["type"] == "message":
                self.events.append(self.layer.deserialize(item["data"]))
        return self.events

    def close(self) -> None:
        self.pubsub.close()


def dumped(turn: Turn) -> str:
    """Everything the step keeps (input, output, error), as stored."""
    step = turn.step
    return json.dumps({"input": step.input, "output": step.output, "error": step.error}, default=str)
