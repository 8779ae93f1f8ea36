"""Live: uvicorn + a Celery worker + Redis; the reply's tokens reach the conversation's WebSocket before the message."""

from __future__ import annotations

import json
import threading
import time

import pytest
import websocket
from rest_framework.authtoken.models import Token

from flows.models import Message, Step
from tests.e2e.helpers import say, start
from tests.factories import EditorFactory, published_flow
from tests.integrations.nodes.support import credential

from .conftest import KEY

pytestmark = [pytest.mark.e2e]


def graph(credential_id: int) -> dict:
    def node(node_id: str, type_: str, **data):
        return {"id": node_id, "type": type_, "position": {"x": 0, "y": 0}, "data": data}

    return {
        "nodes": [
            node("start", "start"),
            node("ask", "question", text="Ask me anything.", variable="q"),
            node("ai", "openai", credential=credential_id, model="gpt-4o-mini", system_prompt="Be kind.",
                 history_turns=2),
            node("failed", "message", text="Failed"),
        ],
        "edges": [
            {"id": "e1", "source": "start", "sourceHandle": "next", "target": "ask"},
            {"id": "e2", "source": "ask", "sourceHandle": "next", "target": "ai"},
            {"id": "e3", "source": "ai", "sourceHandle": "success", "target": "ask"},
            {"id": "e4", "source": "ai", "sourceHandle": "error", "target": "failed"},
        ],
    }  # fmt: skip


def test_the_reply_streams_over_the_chat_socket_then_the_stored_message_replaces_it(live, peer):
    peer.gap_s = 0.15
    pieces = ["Bonjour", " ! ", "Paris ", "is the ", "capital ", "of France."]
    peer.reply(*pieces, usage=(40, 9))
    cred = credential("OpenAI", "openai", {"base_url": peer.base_url}, {"api_key": KEY})
    flow = published_flow(graph(cred.pk), slug="ai-live")
    conversation = start(live.url, "ai-live")
    ws = live.url.replace("http://", "ws://")
    sock = websocket.create_connection(
        f"{ws}/ws/chat/conversations/{conversation['id']}/?token={conversation['token']}"
    )
    editor = Token.objects.create(user=EditorFactory())
    trace = websocket.create_connection(f"{ws}/ws/flows/{flow.pk}/traces/?token={editor.key}", timeout=60)
    try:
        replied: list = []
        turn = threading.Thread(target=lambda: replied.append(say(live.url, conversation, "Capital of France?")))
        turn.start()
        events, first_delta_while_running = [], None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            event = json.loads(sock.recv())
            events.append(event)
            if event["type"] == "delta" and first_delta_while_running is None:
                first_delta_while_running = turn.is_alive()
            if event["type"] == "message":
                break
        turn.join(30)
        frames = []
        while not frames or frames[-1]["event"] != "run.finished":
            frames.append(json.loads(trace.recv()))
    finally:
        sock.close()
        trace.close()

    deltas = [e for e in events if e["type"] == "delta"]
    message = events[-1]
    assert message["type"] == "message", events
    assert first_delta_while_running is True  # tokens arrived while the turn was still running
    assert len(deltas) >= 3 and events.index(deltas[-1]) < len(events) - 1
    assert {d["stream_id"] for d in deltas} == {message["stream_id"]}
    text = "".join(pieces)
    assert "".join(d["text"] for d in deltas) == text == message["message"]["text"]
    assert replied[0].status_code == 200 and [m["text"] for m in replied[0].json()["messages"]] == [
        text,
        "Ask me anything.",
    ]
    stored = list(
        Message.objects.filter(conversation_id=conversation["id"], direction="out").values_list("text", flat=True)
    )
    assert stored == ["Ask me anything.", text, "Ask me anything."]
    step = Step.objects.get(run__conversation_id=conversation["id"], node_id="ai")
    assert step.output["usage"] == {"prompt_tokens": 40, "completion_tokens": 9, "total_tokens": 49}
    assert KEY not in json.dumps([step.input, step.output, step.error])
    # The editor's trace shows the step streaming: frames of the running step, carrying the same text.
    streaming = [f for f in frames if f["event"] == "step.delta"]
    assert {(f["node_id"], f["node_type"], f["seq"], f["status"]) for f in streaming} == {
        ("ai", "openai", 2, "running")
    }
    assert "".join(f["text"] for f in streaming) == text
    assert peer.requests[0]["body"]["messages"] == [
        {"role": "system", "content": "Be kind."},
        {"role": "assistant", "content": "Ask me anything."},
        {"role": "user", "content": "Capital of France?"},
    ]
