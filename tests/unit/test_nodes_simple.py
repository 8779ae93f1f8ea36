"""The simple core nodes: start, message, set_variable and end."""

import pytest

from flows.engine import ENDED, State, run_turn
from nodes.registry import registry

from . import compile_doc, edge, flow, node, problems_of, texts


def run(doc: dict, variables: dict | None = None):
    return run_turn(compile_doc(doc), State(variables=dict(variables or {})), None)


# --- start ---------------------------------------------------------------------------------------------------------


def test_start_only_leads_on_and_nothing_may_connect_into_it():
    start = registry().get("start")

    assert [o.id for o in start.outputs] == ["next"]
    assert start.accepts_input is False
    result = run(flow(node("hi", "message", text="Hi")))
    assert (result.steps[0].node_type, result.steps[0].handle, result.steps[0].output) == (
        "start",
        "next",
        {"messages": [], "variables": {}},
    )


def test_a_flow_of_only_a_start_node_ends_at_once_saying_nothing():
    result = run(flow())

    assert result.messages == [] and result.state.status == ENDED
    assert [s.node_id for s in result.steps] == ["start"]


def test_start_takes_no_settings():
    doc = flow()
    doc["nodes"][0]["data"] = {"text": "hello"}

    assert [(p.node_id, p.field, p.message) for p in problems_of(doc)] == [("start", "text", "Unknown setting")]


# --- message -------------------------------------------------------------------------------------------------------


def test_messages_are_sent_in_order():
    result = run(
        flow(node("a", "message", text="One."), node("b", "message", text="Two."), node("c", "message", text="3"))
    )

    assert result.messages == [
        {"text": "One.", "choices": None},
        {"text": "Two.", "choices": None},
        {"text": "3", "choices": None},
    ]


def test_a_message_renders_variables_and_missing_ones_as_nothing():
    doc = flow(node("hi", "message", text="Hi {{ name }}{{ surname }}! You are {{ age + 1 }} next year."))

    assert texts(run(doc, {"name": "Ada", "age": 36})) == ["Hi Ada! You are 37 next year."]


def test_a_message_that_renders_empty_is_not_sent_and_the_flow_goes_on():
    doc = flow(node("note", "message", text="{{ note }}"), node("after", "message", text="after"))

    result = run(doc)
    assert texts(result) == ["after"]
    assert result.steps[1].output["skipped"] == "the message rendered empty"


def test_a_multiline_message_keeps_its_lines():
    doc = flow(node("hi", "message", text="Line one\n{% for item in items %}- {{ item }}\n{% endfor %}"))

    assert texts(run(doc, {"items": ["tea", "cake"]})) == ["Line one\n- tea\n- cake\n"]


def test_a_message_needs_text():
    assert [(p.node_id, p.field, p.message) for p in problems_of(flow(node("hi", "message")))] == [
        ("hi", "text", "Required")
    ]
    (problem,) = problems_of(flow(node("hi", "message", text="")))
    assert (problem.node_id, problem.field) == ("hi", "text")


def test_the_step_shows_the_rendered_text():
    result = run(flow(node("hi", "message", text="Hi {{ name }}")), {"name": "Ada"})

    step = result.steps[-1]
    assert step.input == {"text": "Hi Ada"}
    assert step.output == {"messages": [{"text": "Hi Ada", "choices": None}], "variables": {}}


# --- set_variable --------------------------------------------------------------------------------------------------


def test_set_variable_saves_a_rendered_value_the_next_nodes_can_use():
    doc = flow(
        node("full", "set_variable", variable="full_name", value="{{ first }} {{ last }}"),
        node("hi", "message", text="Hello, {{ full_name }}."),
    )

    result = run(doc, {"first": "Ada", "last": "Lovelace"})

    assert texts(result) == ["Hello, Ada Lovelace."]
    assert result.state.variables == {"first": "Ada", "last": "Lovelace", "full_name": "Ada Lovelace"}
    assert result.steps[1].output == {"messages": [], "variables": {"full_name": "Ada Lovelace"}}


def test_set_variable_overwrites_and_can_set_empty_text():
    doc = flow(node("a", "set_variable", variable="x", value="{{ x }}!"), node("b", "set_variable", variable="y"))

    assert run(doc, {"x": "hey", "y": "old"}).state.variables == {"x": "hey!", "y": ""}


def test_set_variable_stores_text():
    doc = flow(node("n", "set_variable", variable="n", value="{{ n + 1 }}"))

    assert run(doc, {"n": 41}).state.variables == {"n": "42"}


@pytest.mark.parametrize("name", ["first name", "1st", "naïve", "a-b", "", "x" * 65, "{{ var }}"])
def test_set_variable_refuses_a_bad_variable_name(name):
    (problem,) = problems_of(flow(node("s", "set_variable", variable=name, value="1")))

    assert (problem.node_id, problem.field, problem.severity) == ("s", "variable", "error")


# --- end -----------------------------------------------------------------------------------------------------------


def test_end_says_its_text_and_ends_the_conversation():
    doc = flow(node("bye", "end", text="Bye {{ name }}!"), node("after", "message", text="never said"), chain=False)
    doc["edges"] = [edge("start", "bye")]

    result = run(doc, {"name": "Ada"})

    assert texts(result) == ["Bye Ada!"]
    assert result.state.status == ENDED and result.state.waiting_node is None
    assert result.steps[-1].handle is None


@pytest.mark.parametrize("data", [{}, {"text": ""}, {"text": "   "}, {"text": "{{ missing }}"}])
def test_end_without_text_ends_silently(data):
    result = run(flow(node("bye", "end", **data)))

    assert result.messages == [] and result.state.status == ENDED


def test_end_has_no_outputs():
    doc = flow(node("bye", "end"), node("after", "message", text="never said"))

    (problem,) = [p for p in problems_of(doc) if p.severity == "error"]
    assert (problem.node_id, problem.field, problem.message) == ("bye", "sourceHandle", "End has no output 'next'")
