"""A template that would hold a worker for minutes fails its node within the render budget, on the real worker, and
the other conversations are answered meanwhile."""

import pytest

from flows.models import Step
from tests.e2e.helpers import run_reply, say, start, texts
from tests.factories import published_flow

pytestmark = [pytest.mark.e2e]

SPIN = "{% for a in range(99999) %}{% for b in range(99999) %}{% endfor %}{% endfor %}"
FLOW = {
    "settings": {"fallback_text": "Something broke."},
    "nodes": [
        {"id": "start", "type": "start", "data": {}},
        {"id": "ask", "type": "question", "data": {"text": "Say something.", "variable": "said"}},
        # Only the answer "spin" reaches the loop that, unbounded, runs for hours.
        {
            "id": "echo",
            "type": "message",
            "data": {"text": "{% if said == 'spin' %}" + SPIN + "{% endif %}echo {{ said }}"},
        },
    ],
    "edges": [
        {"id": "e1", "source": "start", "sourceHandle": "next", "target": "ask"},
        {"id": "e2", "source": "ask", "sourceHandle": "next", "target": "echo"},
        {"id": "e3", "source": "echo", "sourceHandle": "next", "target": "ask"},
    ],
}


def test_a_stalling_template_fails_with_a_sentence_while_another_conversation_is_answered(live):
    published_flow(FLOW, slug="spin")
    # More stalling turns than the worker has processes: unbounded, they would hold every one of them for hours.
    hostile = [start(live.url, "spin") for _ in range(4)]
    pending = []
    for conversation in hostile:
        sent = say(live.url, conversation, "spin", wait=0)
        assert sent.status_code in (200, 202), sent.text
        pending.append((conversation, sent.json()))

    friendly = start(live.url, "spin")
    reply = say(live.url, friendly, "hello", wait=30)

    assert reply.status_code == 200, reply.text
    assert texts(reply.json()) == ["echo hello", "Say something."]
    for conversation, sent in pending:
        answer = (
            sent if sent.get("status") != "pending" else run_reply(live.url, conversation, sent["run_id"], 30).json()
        )
        assert texts(answer) == ["Something broke."]
    failed = Step.objects.filter(node_id="echo", status="failed", run__conversation__flow__slug="spin")
    assert failed.count() == 4
    assert {step.error for step in failed} == {
        "template error: the template took longer than 0.5 s to render, so it was stopped"
    }
    # The conversation that stalled is still there to talk to.
    again = say(live.url, hostile[0], "fine now", wait=30)
    assert texts(again.json()) == ["echo fine now", "Say something."]
