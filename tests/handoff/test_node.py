"""The handoff node in the engine, with a set clock: it waits and asks; each output is taken for its reason."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flows.engine import ACTIVE, ENDED, State, run_turn
from tests.unit import compile_doc, problems_of, texts

from .support import handoff_flow

NOW = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)


def start(**config):
    graph = compile_doc(handoff_flow(**config))
    return graph, run_turn(graph, State(variables={"order": "A-17"}), None, now=lambda: NOW)


def resume(graph, first, **kw):
    return run_turn(graph, first.state, kw.pop("text", None), now=lambda: NOW + timedelta(minutes=1), **kw)


def test_it_says_its_message_waits_and_asks_with_reason_team_priority_and_a_deadline():
    _graph, first = start()
    assert texts(first) == ["Connecting you to a person..."]
    assert (first.state.status, first.state.waiting_node) == (ACTIVE, "human")
    assert first.awaiting["type"] == "handoff"
    assert (first.awaiting["reason"], first.awaiting["team"], first.awaiting["priority"]) == (
        "Wants a refund for A-17",
        "billing",
        "high",
    )
    assert first.wake["at"] == NOW + timedelta(minutes=15)


def test_without_a_deadline_it_waits_however_long():
    _graph, first = start(no_agent_after="")
    assert first.wake is None and first.state.waiting_node == "human"


def test_resolved_goes_on_with_the_variables_the_agent_set():
    graph, first = start()
    hook = {"key": "handoff", "payload": {"outcome": "resolved", "variables": {"refund": "yes"}, "agent": "Ana"}}
    result = resume(graph, first, hook=hook)
    assert texts(result) == ["Back with the bot. Refund: yes"]
    assert result.state.status == ENDED and result.state.variables["refund"] == "yes"
    assert result.steps[0].handle == "resolved"


def test_closed_goes_on_at_closed():
    graph, first = start()
    result = resume(graph, first, hook={"key": "handoff", "payload": {"outcome": "closed"}})
    assert texts(result) == ["The agent closed the chat."] and result.steps[0].handle == "closed"


def test_nobody_in_time_goes_on_at_no_agent_when_the_deadline_wakes_it():
    graph, first = start(no_agent_after="2s")
    assert first.wake["at"] == NOW + timedelta(seconds=2)
    timer = {"kind": "wake", "node_id": "human", "due_at": first.wake["at"].isoformat()}
    result = resume(graph, first, timer=timer)
    assert texts(result) == ["Nobody is free; we will email you."] and result.steps[0].handle == "no_agent"


def test_an_unknown_ending_takes_error():
    graph, first = start()
    result = resume(graph, first, hook={"key": "handoff", "payload": {"outcome": "maybe"}})
    assert texts(result) == ["Something went wrong."] and result.steps[0].handle == "error"
    assert "unknown way" in result.steps[0].error


def test_a_customer_message_that_reaches_it_does_not_move_the_flow():
    graph, first = start()
    result = resume(graph, first, text="hello?")
    assert texts(result) == [] and result.state.waiting_node == "human" and result.wake_mode == "keep"


def test_a_bad_deadline_is_a_problem_when_the_flow_is_saved():
    problems = problems_of(handoff_flow(no_agent_after="soon"))
    assert any(p.node_id == "human" and p.field == "no_agent_after" for p in problems)
