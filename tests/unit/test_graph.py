"""Graph validation: every problem reported per node and field; a graph with no errors compiles, warnings or not."""

import pytest

from flows.graph import DEFAULT_FALLBACK, GraphShapeError, analyse, check_shape
from nodes.registry import registry

from . import edge, load_doc, node, problems_of


def found(doc: dict) -> list[tuple]:
    """(node_id, field, message) of each error, in the order reported."""
    return [(p.node_id, p.field, p.message) for p in problems_of(doc) if p.severity == "error"]


def only_error(doc: dict):
    """The one error in a document, which therefore does not compile."""
    graph, problems = analyse(doc, registry())
    assert graph is None
    (problem,) = [p for p in problems if p.severity == "error"]
    return problem


def get(doc: dict, node_id: str) -> dict:
    return next(n for n in doc["nodes"] if n["id"] == node_id)


@pytest.fixture
def desk() -> dict:
    """A valid flow using every core node type; each test breaks one thing in its own copy."""
    return load_doc("support_desk")


# --- valid graphs --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["support_desk", "signup", "counting_loop", "explode_wired", "explode_at_start", "explode_on_answer", "greeting"],
)
def test_the_fixture_flows_compile_without_problems(name):
    graph, problems = analyse(load_doc(name), registry())

    assert problems == []
    assert graph is not None and graph.start_id == "start"


def test_a_compiled_graph_has_its_nodes_configs_edges_and_fallback(desk):
    graph, _ = analyse(desk, registry())

    assert set(graph.nodes) == {n["id"] for n in desk["nodes"]}
    assert graph.nodes["vip"].edges == {"true": "vip_msg", "false": "std_msg"}
    assert graph.nodes["ask_topic"].edges == {"choice:billing": "ask_email", "choice:bug": "ask_when"}
    assert graph.nodes["bye"].edges == {}
    assert graph.nodes["ask_email"].config.input_type == "email"
    assert graph.fallback_text == "Our support bot is having trouble. Please email help@acme.example."


def test_the_fallback_has_a_default_and_must_not_be_blank(desk):
    del desk["settings"]
    assert analyse(desk, registry())[0].fallback_text == DEFAULT_FALLBACK

    desk["settings"] = {"fallback_text": "  "}
    problem = only_error(desk)
    assert (problem.field, problem.message) == (
        "settings.fallback_text",
        "The fallback message must be a non-empty text",
    )


def test_a_missing_source_handle_means_next(desk):
    for e in desk["edges"]:
        if e["sourceHandle"] == "next":
            del e["sourceHandle"]

    graph, problems = analyse(desk, registry())
    assert problems == [] and graph.nodes["greet"].edges == {"next": "ask_topic"}


def test_a_fixture_with_many_problems_reports_them_all_at_once():
    graph, problems = analyse(load_doc("many_problems"), registry())

    assert graph is None
    reported = [(p.node_id, p.edge_id, p.field, p.severity) for p in problems]
    assert reported == [
        ("hello", None, "text", "error"),
        ("ask", None, "variable", "error"),
        ("weather", None, "type", "error"),
        ("save", None, "colour", "error"),
        ("hello", "e2", None, "error"),
        ("hello", "e3", "sourceHandle", "error"),
        ("orphan", None, None, "warning"),
    ]
    messages = [p.message for p in problems]
    assert messages[0].startswith("template error:")
    assert messages[2:] == [
        "Unknown node type 'weather_forecast'",
        "Unknown setting",
        "Connection ends at a node that does not exist: 'ghost'",
        "Message has no output 'true'",
        "Nothing leads to this node",
    ]


def test_problems_serialise_for_the_api():
    problem = problems_of(load_doc("many_problems"))[-1]

    assert problem.as_dict() == {
        "node_id": "orphan",
        "edge_id": None,
        "field": None,
        "message": "Nothing leads to this node",
        "severity": "warning",
    }


# --- start nodes ---------------------------------------------------------------------------------------------------


def test_a_flow_without_a_start_node(desk):
    desk["nodes"] = [n for n in desk["nodes"] if n["id"] != "start"]
    desk["edges"] = [e for e in desk["edges"] if e["source"] != "start"]

    problem = only_error(desk)
    assert (problem.node_id, problem.message) == (None, "The flow needs a start node")


def test_an_empty_flow_needs_a_start_node():
    assert found({"nodes": [], "edges": []}) == [(None, None, "The flow needs a start node")]
    assert found({}) == [(None, None, "The flow needs a start node")]


def test_a_second_start_node(desk):
    desk["nodes"].append(node("start2", "start"))

    problem = only_error(desk)
    assert (problem.node_id, problem.message) == ("start2", "A flow has exactly one start node; remove this one")


def test_an_edge_into_the_start_node(desk):
    desk["edges"].append(edge("bug_msg", "start", edge_id="loop_back"))
    desk["edges"] = [e for e in desk["edges"] if e["id"] != "e12"]

    problem = only_error(desk)
    assert (problem.node_id, problem.edge_id, problem.message) == (
        "start",
        "loop_back",
        "Nothing can connect into a Start node",
    )


# --- nodes ---------------------------------------------------------------------------------------------------------


def test_an_unknown_node_type(desk):
    get(desk, "ticket")["type"] = "ticketing"

    problem = only_error(desk)
    assert (problem.node_id, problem.field, problem.message) == ("ticket", "type", "Unknown node type 'ticketing'")


def test_duplicate_node_ids(desk):
    desk["nodes"].append(node("greet", "message", text="Hello again"))

    problem = only_error(desk)
    assert (problem.node_id, problem.message) == ("greet", "Two nodes share the id 'greet'")


@pytest.mark.parametrize("bad_id", [None, "", 7, ["x"], {"id": "x"}])
def test_a_node_without_a_text_id(desk, bad_id):
    desk["nodes"].append({"id": bad_id, "type": "message", "data": {"text": "hi"}})

    problem = only_error(desk)
    assert (problem.node_id, problem.message) == (None, "Every node needs a text id")


def test_node_data_must_be_an_object(desk):
    get(desk, "greet")["data"] = ["Hi"]

    problem = only_error(desk)
    assert (problem.node_id, problem.field, problem.message) == ("greet", "data", "Node settings must be an object")


def test_missing_node_data_is_an_empty_config(desk):
    get(desk, "start").pop("data")
    assert problems_of(desk) == []

    get(desk, "greet")["data"] = None
    assert found(desk) == [("greet", "text", "Required")]


def test_a_missing_required_setting(desk):
    del get(desk, "ask_email")["data"]["text"]

    assert found(desk) == [("ask_email", "text", "Required")]


def test_an_unknown_setting(desk):
    get(desk, "ticket")["data"]["valeu"] = "typo"

    assert found(desk) == [("ticket", "valeu", "Unknown setting")]


@pytest.mark.parametrize(("node_id", "field"), [("ticket", "variable"), ("ask_email", "variable")])
def test_a_bad_variable_name(desk, node_id, field):
    get(desk, node_id)["data"]["variable"] = "e-mail address"

    problem = only_error(desk)
    assert (problem.node_id, problem.field) == (node_id, field)
    assert "pattern" in problem.message


def test_an_invalid_setting_value(desk):
    get(desk, "ask_email")["data"]["input_type"] = "colour"
    get(desk, "vip")["data"]["rules"][1]["operator"] = "sounds_like"
    get(desk, "vip")["data"]["match"] = "most"

    assert [(n, f) for n, f, _ in found(desk)] == [
        ("ask_email", "input_type"),
        ("vip", "match"),
        ("vip", "rules.1.operator"),
    ]


def test_a_template_that_does_not_compile(desk):
    get(desk, "std_msg")["data"]["text"] = "We'll reply to {{ email }"

    problem = only_error(desk)
    assert (problem.node_id, problem.field) == ("std_msg", "text")
    assert problem.message.startswith("template error:")


def test_a_template_that_does_not_compile_inside_a_rule(desk):
    get(desk, "vip")["data"]["rules"][1]["value"] = "{% if %}"

    problem = only_error(desk)
    assert (problem.node_id, problem.field) == ("vip", "rules.1.value")
    assert problem.message.startswith("template error:")


@pytest.mark.parametrize(
    "template",
    ["{% for a in b %}" * 25 + "deep" + "{% endfor %}" * 25, "{{ " + "(" * 1500 + "1" + ")" * 1500 + " }}"],
    ids=["nested-blocks", "nested-parentheses"],
)
def test_a_template_nested_too_deeply_to_compile_is_a_problem_not_a_crash(desk, template):
    get(desk, "greet")["data"]["text"] = template

    problem = only_error(desk)
    assert (problem.node_id, problem.field) == ("greet", "text")
    assert problem.message.startswith("template error: too deeply nested")


def test_a_choice_question_without_choices(desk):
    get(desk, "ask_topic")["data"]["choices"] = []
    desk["edges"] = [e for e in desk["edges"] if e["source"] != "ask_topic"]

    assert found(desk) == [("ask_topic", "choices", "Add at least one choice.")]


def test_choices_need_their_own_ids(desk):
    get(desk, "ask_topic")["data"]["choices"].append({"id": "bug", "label": "Another bug"})

    assert found(desk) == [("ask_topic", "choices", "Each choice needs its own id.")]


def test_an_invalid_regular_expression_in_a_matches_rule(desk):
    get(desk, "vip")["data"]["rules"][0]["value"] = "@acme(\\.example$"

    problem = only_error(desk)
    assert (problem.node_id, problem.field) == ("vip", "rules.0.value")
    assert problem.message.startswith("Not a valid regular expression:")


def test_a_matches_rule_whose_pattern_is_a_template_is_checked_when_it_runs(desk):
    get(desk, "vip")["data"]["rules"][0]["value"] = "{{ vip_pattern }}"

    assert problems_of(desk) == []


# --- edges ---------------------------------------------------------------------------------------------------------


def test_an_edge_to_a_missing_node(desk):
    next(e for e in desk["edges"] if e["id"] == "e9")["target"] = "farewell"

    problem = only_error(desk)
    assert (problem.node_id, problem.edge_id, problem.message) == (
        "std_msg",
        "e9",
        "Connection ends at a node that does not exist: 'farewell'",
    )


def test_an_edge_from_a_missing_node(desk):
    desk["edges"].append(edge("nowhere", "bye", edge_id="e99"))

    problem = only_error(desk)
    assert (problem.node_id, problem.edge_id, problem.message) == (
        None,
        "e99",
        "Connection starts at a node that does not exist: 'nowhere'",
    )


@pytest.mark.parametrize(("end", "value"), [("source", ["greet"]), ("target", {"id": "bye"}), ("source", None)])
def test_an_edge_whose_ends_are_not_node_ids_is_a_problem_not_a_crash(desk, end, value):
    desk["edges"].append({"id": "odd", "source": "bug_msg", "sourceHandle": "next", "target": "bye", end: value})

    problem = only_error(desk)
    assert problem.edge_id == "odd"
    assert problem.message.endswith(f"does not exist: {value!r}")


def test_an_edge_touching_a_broken_node_reports_only_the_node(desk):
    get(desk, "ticket")["type"] = "ticketing"  # e4 and e5 touch it

    assert found(desk) == [("ticket", "type", "Unknown node type 'ticketing'")]


def test_an_undeclared_source_handle(desk):
    next(e for e in desk["edges"] if e["id"] == "e5")["sourceHandle"] = "maybe"

    problem = only_error(desk)
    assert (problem.node_id, problem.edge_id, problem.field, problem.message) == (
        "ticket",
        "e5",
        "sourceHandle",
        "Set variable has no output 'maybe'",
    )


def test_a_choice_handle_must_name_one_of_the_choices(desk):
    next(e for e in desk["edges"] if e["id"] == "e10")["sourceHandle"] = "choice:feature"

    assert found(desk) == [("ask_topic", "sourceHandle", "Question has no output 'choice:feature'")]


def test_a_question_without_choices_has_next_not_choice_handles(desk):
    next(e for e in desk["edges"] if e["id"] == "e4")["sourceHandle"] = "choice:billing"

    assert found(desk) == [("ask_email", "sourceHandle", "Question has no output 'choice:billing'")]


def test_an_output_connected_twice(desk):
    desk["edges"].append(edge("vip", "bye", "true", edge_id="e13"))

    problem = only_error(desk)
    assert (problem.node_id, problem.edge_id, problem.field, problem.message) == (
        "vip",
        "e13",
        "sourceHandle",
        "Output 'true' is already connected; an output leads to one node",
    )


def test_duplicate_edge_ids(desk):
    desk["edges"].append(edge("vip_msg", "std_msg", edge_id="e8"))

    problem = only_error(desk)
    assert (problem.edge_id, problem.message) == ("e8", "Two connections share the id 'e8'")


def test_an_edge_without_an_id(desk):
    desk["edges"].append({"source": "vip_msg", "target": "bye"})

    assert only_error(desk).message == "Every connection needs a text id"


# --- reachability --------------------------------------------------------------------------------------------------


def test_an_unreachable_node_is_a_warning_that_does_not_block_compiling(desk):
    desk["nodes"].append(node("lost", "message", text="Nobody reads this."))
    desk["nodes"].append(node("after_lost", "end"))
    desk["edges"].append(edge("lost", "after_lost"))

    graph, problems = analyse(desk, registry())

    assert [(p.node_id, p.severity, p.message) for p in problems] == [
        ("lost", "warning", "Nothing leads to this node"),
        ("after_lost", "warning", "Nothing leads to this node"),
    ]
    assert graph is not None and "lost" in graph.nodes


def test_cutting_an_edge_makes_everything_behind_it_unreachable(desk):
    desk["edges"] = [e for e in desk["edges"] if e["id"] != "e10"]

    graph, problems = analyse(desk, registry())

    assert graph is not None
    assert [(p.node_id, p.severity) for p in problems] == [("ask_when", "warning"), ("bug_msg", "warning")]


# --- documents that are not graphs ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ([], "graph must be a JSON object with 'nodes' and 'edges' lists"),
        ("graph", "graph must be a JSON object with 'nodes' and 'edges' lists"),
        (None, "graph must be a JSON object with 'nodes' and 'edges' lists"),
        ({"nodes": {"start": {}}, "edges": []}, "graph.nodes must be a list"),
        ({"nodes": [], "edges": "none"}, "graph.edges must be a list"),
        ({"nodes": ["start"], "edges": []}, "graph.nodes[0] must be an object"),
        ({"nodes": [], "edges": [None]}, "graph.edges[0] must be an object"),
        ({"nodes": [], "edges": [], "settings": "x"}, "graph.settings must be an object"),
        ({"nodes": [{}] * 5001, "edges": []}, "graph.nodes has 5001 items; the limit is 5000"),
    ],
)
def test_a_document_that_is_not_a_graph_is_refused(doc, message):
    with pytest.raises(GraphShapeError, match="^" + message.replace("[", r"\[").replace("]", r"\]") + "$"):
        check_shape(doc)
    with pytest.raises(GraphShapeError):
        analyse(doc, registry())
