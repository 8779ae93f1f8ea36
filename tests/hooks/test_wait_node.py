"""The wait_webhook node through the engine: it waits, takes only its own hook's delivery, and saves the payload."""

from flows.engine import ACTIVE, State, run_turn
from tests.unit import compile_doc, flow, node, problems_of

GRAPH = compile_doc(
    flow(
        node("wait", "wait_webhook", hook="paid"),
        node("done", "message", text="Paid: {{ payment.amount }}"),
        node("ask", "question", text="More?", variable="more"),
    )
)


def waiting() -> State:
    result = run_turn(GRAPH, State(), None)
    assert result.messages == [] and result.state == State(ACTIVE, "wait", {})
    assert result.awaiting == {"type": "webhook", "choices": None, "hook": "paid", "node_id": "wait"}
    return result.state


def delivery(key: str = "paid", variable: str = "payment", payload=None) -> dict:
    return {"key": key, "variable": variable, "payload": payload or {"amount": 5}}


def test_a_delivery_to_its_hook_saves_the_payload_in_the_hook_variable_and_goes_on():
    result = run_turn(GRAPH, waiting(), None, hook=delivery())
    assert [m["text"] for m in result.messages] == ["Paid: 5", "More?"]
    assert result.state.variables == {"payment": {"amount": 5}}
    assert result.steps[0].input == {"hook": {"key": "paid", "payload": {"amount": 5}}}


def test_save_as_overrides_the_hook_variable():
    graph = compile_doc(
        flow(node("wait", "wait_webhook", hook="paid", save_as="p"), node("end", "end", text="{{ p.x }}"))
    )
    state = run_turn(graph, State(), None).state
    result = run_turn(graph, state, None, hook=delivery(payload={"x": "saved as p"}))
    assert [m["text"] for m in result.messages] == ["saved as p"] and result.state.variables == {
        "p": {"x": "saved as p"}
    }


def test_a_delivery_to_another_hook_or_a_typed_message_keeps_it_waiting_silently():
    state = waiting()
    for result in (run_turn(GRAPH, state, None, hook=delivery(key="refund")), run_turn(GRAPH, state, "hello?")):
        assert result.messages == [] and result.state == state and not result.failed
        assert result.steps[0].output["waiting"] is True and "ignored" in result.steps[0].output


def test_a_missing_hook_key_is_a_config_problem():
    problems = problems_of(flow(node("wait", "wait_webhook")))
    assert any(p.node_id == "wait" and p.field == "hook" for p in problems)
