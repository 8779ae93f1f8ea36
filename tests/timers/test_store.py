"""Timers as rows, with a set clock and turns run in process: firing once, repeating, replacing, cancelling, ending,
the wait a fired timer interrupts, and what removing a conversation or a flow does to its timers."""

from __future__ import annotations

from datetime import timedelta

import pytest

from flows import actions, timers
from flows.models import Conversation, Flow, Run, Timer
from tests.factories import published_flow
from tests.unit import edge, flow, node

from .support import Clock, bot_texts, nudge_flow, run_queued, wait_flow


@pytest.fixture
def clock(monkeypatch):
    c = Clock()
    monkeypatch.setattr(timers, "clock", c)
    return c


def start(doc, slug: str):
    conversation, _token, _run = actions.start_conversation(published_flow(doc, slug=slug))
    run_queued(conversation.pk)
    conversation.refresh_from_db()
    return conversation


def test_a_wait_is_a_pending_row_that_fires_once_at_its_time(db, clock):
    conversation = start(wait_flow("15m"), "wait-once")
    assert bot_texts(conversation.pk) == ["Hello, back in a moment."]
    (timer,) = Timer.objects.filter(conversation=conversation)
    assert (timer.kind, timer.state, timer.node_id) == ("wake", "pending", "pause")
    assert timer.due_at == clock.at + timedelta(minutes=15)
    assert conversation.awaiting["type"] == "wait" and conversation.awaiting["wake_at"] == timer.due_at.isoformat()

    clock.advance(minutes=14, seconds=59)
    assert timers.fire_due(clock()) == 0
    clock.advance(seconds=1)
    assert timers.fire_due(clock()) == 1
    assert timers.fire_due(clock()) == 0  # claimed: never twice
    assert run_queued(conversation.pk) == 1
    assert bot_texts(conversation.pk) == ["Hello, back in a moment.", "I'm back.", "Your name?"]
    timer.refresh_from_db()
    assert (timer.state, timer.fired_count) == ("done", 1)
    run = Run.objects.get(timer=timer)
    assert (run.trigger, run.firing, run.status) == ("timer", 1, "completed")


def test_a_message_during_the_wait_is_answered_after_it(db, clock):
    conversation = start(wait_flow("1h"), "wait-hold")
    actions.post_message(conversation, "Ada", "m1")
    run_queued(conversation.pk)
    conversation.refresh_from_db()
    assert bot_texts(conversation.pk) == ["Hello, back in a moment."]
    assert conversation.held == ["Ada"] and conversation.awaiting["wake_at"]
    assert Timer.objects.filter(conversation=conversation, state="pending").count() == 1  # the wait was kept

    clock.advance(hours=1)
    timers.fire_due(clock())
    run_queued(conversation.pk)
    assert bot_texts(conversation.pk)[1:] == ["I'm back.", "Your name?", "Bye Ada"]
    conversation.refresh_from_db()
    assert conversation.status == "ended" and conversation.held == []


def test_a_repeating_timer_fires_its_count_then_stops_and_the_question_waits_on(db, clock):
    conversation = start(nudge_flow(schedule="every", every="1d", count=3), "nudge-count")
    (timer,) = Timer.objects.filter(conversation=conversation)
    assert (timer.kind, timer.name, timer.payload["every_s"], timer.payload["count"]) == ("named", "nudge", 86400, 3)
    for day in range(1, 5):
        clock.advance(days=1)
        assert timers.fire_due(clock()) == (1 if day <= 3 else 0)
        run_queued(conversation.pk)
    assert bot_texts(conversation.pk) == ["Which day suits you?"] + ["Just a nudge: which day suits you?"] * 3
    timer.refresh_from_db()
    assert (timer.state, timer.fired_count) == ("done", 3)
    assert list(Run.objects.filter(timer=timer).order_by("firing").values_list("firing", flat=True)) == [1, 2, 3]
    conversation.refresh_from_db()
    assert conversation.waiting_node == "ask" and conversation.awaiting["node_id"] == "ask"
    actions.post_message(conversation, "Friday", "m1")
    run_queued(conversation.pk)
    assert bot_texts(conversation.pk)[-1] == "Booked for Friday."


def test_setting_a_name_again_replaces_the_timer_and_cancel_stops_it(db, clock):
    doc = flow(
        node("first", "timer", name="nudge", delay="1h"),
        node(
            "ask",
            "question",
            text="Again?",
            input_type="choice",
            choices=[{"id": "again", "label": "again"}, {"id": "stop", "label": "stop"}],
        ),
        chain=True,
    )
    doc["nodes"] += [
        node("second", "timer", name="nudge", delay="3h"),
        node("unset", "timer", name="nudge", action="cancel"),
        node("fired", "message", text="Nudge!"),
    ]
    doc["edges"] = [e for e in doc["edges"] if e["source"] != "ask"] + [
        edge("ask", "second", "choice:again"),
        edge("second", "ask"),
        edge("ask", "unset", "choice:stop"),
        edge("unset", "ask"),
        edge("first", "fired", "fired"),
        edge("second", "fired", "fired"),
    ]
    conversation = start(doc, "nudge-replace")
    actions.post_message(conversation, "again", "m1")
    run_queued(conversation.pk)
    pending = Timer.objects.filter(conversation=conversation, state="pending")
    assert [(t.node_id, t.due_at - clock.at) for t in pending] == [("second", timedelta(hours=3))]
    assert Timer.objects.get(conversation=conversation, node_id="first").state == "cancelled"

    clock.advance(hours=2)
    assert timers.fire_due(clock()) == 0  # the replaced timer does not fire
    actions.post_message(conversation, "stop", "m2")
    run_queued(conversation.pk)
    assert not Timer.objects.filter(conversation=conversation, state="pending").exists()
    clock.advance(hours=5)
    assert timers.fire_due(clock()) == 0
    assert "Nudge!" not in bot_texts(conversation.pk)


def test_ending_the_conversation_stops_its_timers(db, clock):
    doc = nudge_flow(delay="1h")
    conversation = start(doc, "nudge-end")
    actions.post_message(conversation, "Monday", "m1")
    run_queued(conversation.pk)
    conversation.refresh_from_db()
    assert conversation.status == "ended"
    assert list(Timer.objects.filter(conversation=conversation).values_list("state", flat=True)) == ["cancelled"]


def test_an_answer_after_the_wake_up_fired_but_before_its_turn_makes_that_turn_a_no_op(db, clock):
    doc = flow(
        node("ask", "question", text="Order number?", variable="order", timeout="10m", reminders=1),
        node("thanks", "message", text="Thanks for {{ order }}"),
        node("more", "question", text="Anything else?"),
    )
    conversation = start(doc, "late-wake")
    clock.advance(minutes=10)
    assert timers.fire_due(clock()) == 1  # the reminder's turn is queued...
    actions.post_message(conversation, "A-7", "m1")  # ...and the answer comes after it
    conversation.refresh_from_db()
    # The worker takes them in arrival order: the reminder first (the question still waits), then the answer.
    run_queued(conversation.pk)
    assert bot_texts(conversation.pk) == ["Order number?", "Order number?", "Thanks for A-7", "Anything else?"]

    # Now the other way round: the answer is taken first, so a later wake-up of that question finds it moved on.
    conversation = start(doc, "late-wake-2")
    clock.advance(minutes=10)
    timers.fire_due(clock())
    wake_run = Run.objects.get(conversation=conversation, trigger="timer")
    Conversation.objects.filter(pk=conversation.pk).update(waiting_node="more")
    run_queued(conversation.pk)
    wake_run.refresh_from_db()
    assert wake_run.status == "skipped" and "no longer waits" in wake_run.error


def test_deleting_a_conversation_or_a_flow_removes_its_timers(db, clock):
    conversation = start(nudge_flow(), "nudge-delete")
    other = start(nudge_flow(), "nudge-delete-2")
    assert Timer.objects.count() == 2
    Conversation.objects.filter(pk=conversation.pk).delete()
    assert list(Timer.objects.values_list("conversation_id", flat=True)) == [other.pk]
    Flow.objects.filter(slug="nudge-delete-2").delete()
    assert not Timer.objects.exists()


def test_a_timer_keeps_the_version_it_was_set_on(db, clock):
    conversation = start(nudge_flow(), "nudge-version")
    flow_obj = Flow.objects.get(slug="nudge-version")
    first_version = conversation.version
    doc = nudge_flow()
    doc["nodes"][-1]["data"]["text"] = "A new nudge text"
    actions.save_flow(flow_obj, graph=doc)
    actions.publish(flow_obj, None)
    clock.advance(hours=1)
    timers.fire_due(clock())
    run_queued(conversation.pk)
    assert Timer.objects.get(conversation=conversation).version == first_version
    assert bot_texts(conversation.pk)[-1] == "Just a nudge: which day suits you?"
