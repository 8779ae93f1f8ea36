"""The builder's view of time: a conversation lists its pending timers and what it waits for; Skip wait (preview only)
fires the wait now, and the turn runs as if it were due."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from flows import actions
from flows.models import Run, Timer
from tests.factories import EditorFactory, FlowFactory, published_flow

from .support import bot_texts, nudge_flow, run_queued, wait_flow


@pytest.fixture
def editor_client(db):
    client = APIClient()
    client.force_login(EditorFactory())
    return client


def preview(doc):
    flow = FlowFactory()
    actions.save_flow(flow, graph=doc)
    conversation, _token, _run = actions.start_preview(flow, None)
    run_queued(conversation.pk)
    return conversation


def test_a_conversation_lists_its_pending_timers_and_its_wait(editor_client):
    conversation = preview(wait_flow("2h"))
    shown = editor_client.get(f"/api/v1/conversations/{conversation.pk}/").json()
    (timer,) = shown["timers"]
    assert (timer["kind"], timer["name"], timer["node_id"], timer["fired_count"], timer["repeats"]) == (
        "wake",
        "",
        "pause",
        0,
        False,
    )
    assert shown["awaiting"]["type"] == "wait" and shown["awaiting"]["wake_at"]

    named = actions.start_conversation(published_flow(nudge_flow(schedule="every", every="1d", count=2)))[0]
    run_queued(named.pk)
    listed = editor_client.get(f"/api/v1/flows/{named.flow_id}/conversations/").json()
    assert [(t["kind"], t["name"], t["repeats"]) for t in listed[0]["timers"]] == [("named", "nudge", True)]


def test_skip_wait_fires_a_preview_wait_now(editor_client):
    conversation = preview(wait_flow("2h"))
    response = editor_client.post(f"/api/v1/conversations/{conversation.pk}/skip-wait/", {}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["timers"] == []
    run = Run.objects.get(conversation=conversation, trigger="timer")
    assert run.status == "queued"  # the worker takes it as any turn
    run_queued(conversation.pk)
    assert bot_texts(conversation.pk) == ["Hello, back in a moment.", "I'm back.", "Your name?"]

    again = editor_client.post(f"/api/v1/conversations/{conversation.pk}/skip-wait/", {}, format="json")
    assert again.status_code == 409 and again.json()["error"]["code"] == "nothing_to_skip"


def test_skip_wait_is_refused_for_a_real_conversation_and_changes_nothing(editor_client):
    conversation = actions.start_conversation(published_flow(wait_flow("2h")))[0]
    run_queued(conversation.pk)
    response = editor_client.post(f"/api/v1/conversations/{conversation.pk}/skip-wait/", {}, format="json")
    assert response.status_code == 409 and response.json()["error"]["code"] == "not_a_preview"
    assert Timer.objects.get(conversation=conversation).state == "pending"
    assert not Run.objects.filter(conversation=conversation, trigger="timer").exists()


def test_skip_wait_can_fire_a_named_timer_by_id_and_refuses_a_bad_id(editor_client):
    conversation = preview(nudge_flow())
    timer = Timer.objects.get(conversation=conversation)
    bad = editor_client.post(f"/api/v1/conversations/{conversation.pk}/skip-wait/", {"timer": "x"}, format="json")
    assert bad.status_code == 400 and bad.json()["error"]["message"]
    response = editor_client.post(
        f"/api/v1/conversations/{conversation.pk}/skip-wait/", {"timer": timer.pk}, format="json"
    )
    assert response.status_code == 200, response.content
    run_queued(conversation.pk)
    assert bot_texts(conversation.pk) == ["Which day suits you?", "Just a nudge: which day suits you?"]


def test_skip_wait_needs_an_editor(db):
    conversation = preview(wait_flow("2h"))
    response = APIClient().post(f"/api/v1/conversations/{conversation.pk}/skip-wait/", {}, format="json")
    assert response.status_code in (401, 403)
    assert Timer.objects.get(conversation=conversation).state == "pending"
