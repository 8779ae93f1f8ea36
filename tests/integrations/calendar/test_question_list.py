"""A choice question offering the items of a list variable: one `next` handle, the chosen item saved."""

from __future__ import annotations

from flows.engine import State, run_turn
from flows.graph import analyse
from nodes.registry import registry

SLOTS = [
    {"start": "2026-03-10T10:00:00+00:00", "label": "Tue 10:00"},
    {"start": "2026-03-10T10:30:00+00:00", "label": "Tue 10:30"},
    {"start": "2026-03-10T14:00:00+00:00", "label": "Tue 14:00"},
]


def flow(**question):
    data = {"text": "Which time?", "input_type": "choice", "choices_source": "variable", "choices_variable": "slots",
            "variable": "slot", **question}  # fmt: skip
    return {
        "nodes": [
            {"id": "start", "type": "start", "position": {"x": 0, "y": 0}, "data": {}},
            {"id": "ask", "type": "question", "position": {"x": 1, "y": 0}, "data": data},
            {"id": "said", "type": "end", "position": {"x": 2, "y": 0}, "data": {"text": "Booked {{ slot.start }}"}},
        ],
        "edges": [
            {"id": "e1", "source": "start", "sourceHandle": "next", "target": "ask"},
            {"id": "e2", "source": "ask", "sourceHandle": "next", "target": "said"},
        ],
    }


def test_items_are_offered_and_the_chosen_one_is_saved():
    graph, problems = analyse(flow(), registry())
    assert graph is not None and problems == []
    asked = run_turn(graph, State(variables={"slots": SLOTS}), None)
    offered = [{"id": "1", "label": "Tue 10:00"}, {"id": "2", "label": "Tue 10:30"}, {"id": "3", "label": "Tue 14:00"}]
    assert asked.messages == [{"text": "Which time?", "choices": offered}]
    assert asked.awaiting == {"type": "choice", "choices": offered, "node_id": "ask"}
    wrong = run_turn(graph, asked.state, "Wednesday")
    assert wrong.messages == [{"text": "Please pick one of the options.", "choices": offered}]
    assert wrong.awaiting["choices"] == offered
    for answer in ("tue 10:30", "2"):  # by label, any case, or by number
        done = run_turn(graph, wrong.state, answer)
        assert done.state.variables["slot"] == SLOTS[1]
        assert done.messages == [{"text": "Booked 2026-03-10T10:30:00+00:00", "choices": None}]


def test_a_list_of_texts_and_a_label_field_of_choice():
    graph, _ = analyse(flow(choice_label="time"), registry())
    items = [{"time": "09:00"}, {"nope": 1}, {"time": "11:00"}]
    asked = run_turn(graph, State(variables={"slots": items}), None)
    assert asked.messages[0]["choices"] == [{"id": "1", "label": "09:00"}, {"id": "2", "label": "11:00"}]
    done = run_turn(graph, asked.state, "2")
    assert done.state.variables["slot"] == {"time": "11:00"}
    plain = run_turn(graph, State(variables={"slots": ["Red", "Blue"]}), None)
    assert plain.messages[0]["choices"] == [{"id": "1", "label": "Red"}, {"id": "2", "label": "Blue"}]


def test_handles_and_save_time_problems():
    question = registry().get("question")
    config = question.Config.model_validate({"text": "?", "input_type": "choice", "choices_source": "variable"})
    assert question.handles(config) == ["next", "timeout"]  # every question also has its No answer output
    assert question.check(config) == [("choices_variable", "Name the list variable whose items are offered.")]
    fixed = question.Config.model_validate(
        {"text": "?", "input_type": "choice", "choices": [{"id": "a", "label": "A"}]}
    )
    assert question.handles(fixed) == ["choice:a", "timeout"]  # static choices keep a handle each
    bad = flow()
    bad["edges"][1]["sourceHandle"] = "choice:1"
    _graph, problems = analyse(bad, registry())
    assert "Question has no output 'choice:1'" in [p.message for p in problems]


def test_an_empty_or_missing_list_is_a_clear_failure():
    graph, _ = analyse(flow(), registry())
    result = run_turn(graph, State(variables={"slots": []}), None)
    assert result.failed and "The list 'slots' has nothing to offer" in result.error
    result = run_turn(graph, State(variables={}), None)
    assert result.failed and "The variable 'slots' holds no list of choices to offer." in result.error
