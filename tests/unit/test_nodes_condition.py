"""`condition`: rules on variables, all or any of which must hold, choose between the `true` and `false` handles."""

import time

import pytest

from flows.engine import State, run_turn

from . import compile_doc, edge, flow, node, texts


def decide(variables: dict, *rules: tuple, match: str = "all") -> str:
    """What the bot says: "yes" when the condition holds for these variables, else "no"."""
    fields = ("variable", "operator", "value")
    doc = flow(
        node("check", "condition", match=match, rules=[dict(zip(fields, rule, strict=True)) for rule in rules]),
        node("yes", "message", text="yes"),
        node("no", "message", text="no"),
        chain=False,
    )
    doc["edges"] = [edge("start", "check"), edge("check", "yes", "true"), edge("check", "no", "false")]
    result = run_turn(compile_doc(doc), State(variables=variables), None)
    assert not result.failed, result.error
    (said,) = texts(result)
    return said


@pytest.mark.parametrize(
    ("actual", "expected", "said"),
    [
        ("Ada", "Ada", "yes"),
        ("  ada ", "ADA", "yes"),  # text ignores case and surrounding spaces
        ("Ada", "Bob", "no"),
        (42, "42", "yes"),  # numbers compare as numbers
        ("42.0", "42", "yes"),
        ("3,5", "3.5", "yes"),
        (True, "true", "yes"),
        (None, "", "yes"),
        ("Nan", "Nan", "yes"),  # a word, not a float that never equals itself
        ("NaN", "nan", "yes"),
        ("inf", "infinity", "no"),
    ],
)
def test_equals_and_not_equals(actual, expected, said):
    assert decide({"v": actual}, ("v", "equals", expected)) == said
    assert decide({"v": actual}, ("v", "not_equals", expected)) == {"yes": "no", "no": "yes"}[said]


def test_a_missing_variable_equals_the_empty_text_only():
    assert decide({}, ("nobody", "equals", "")) == "yes"
    assert decide({}, ("nobody", "equals", "0")) == "no"
    assert decide({}, ("nobody", "not_equals", "x")) == "yes"


@pytest.mark.parametrize(
    ("actual", "expected", "said"),
    [
        ("I want a REFUND now", "refund", "yes"),
        ("hello", "bye", "no"),
        (["Pizza", "Pasta"], "pasta", "yes"),  # a list contains an item equal to the value
        (["Pizza", "Pasta"], "Past", "no"),  # not a substring of an item
        ([], "x", "no"),
        (None, "x", "no"),
        (12345, "234", "yes"),
    ],
)
def test_contains(actual, expected, said):
    assert decide({"v": actual}, ("v", "contains", expected)) == said


@pytest.mark.parametrize(
    ("actual", "expected", "said"),
    [("+44 20 7946", "+44", "yes"), ("Hello", "HE", "yes"), ("Hello", "lo", "no"), (None, "a", "no")],
)
def test_starts_with(actual, expected, said):
    assert decide({"v": actual}, ("v", "starts_with", expected)) == said


@pytest.mark.parametrize(
    ("actual", "expected", "greater", "less"),
    [
        (18, "17", "yes", "no"),
        ("18", "18", "no", "no"),
        ("9", "10", "no", "yes"),  # as numbers, not as text ("9" > "10" as text)
        ("2,5", "2.4", "yes", "no"),
        (-3, "0", "no", "yes"),
        ("abc", "10", "no", "no"),  # not a number: neither greater nor less
        ("10", "abc", "no", "no"),
        (None, "0", "no", "no"),
        (True, "0", "no", "no"),  # a yes/no is not a number
        ("inf", "10", "no", "no"),
    ],
)
def test_greater_than_and_less_than(actual, expected, greater, less):
    assert decide({"v": actual}, ("v", "greater_than", expected)) == greater
    assert decide({"v": actual}, ("v", "less_than", expected)) == less


@pytest.mark.parametrize(
    ("actual", "empty"),
    [
        (None, True),
        ("", True),
        ("   ", True),
        ([], True),
        ({}, True),
        ("x", False),
        (0, False),
        (False, False),
        ([0], False),
    ],
)
def test_is_empty_and_is_set(actual, empty):
    assert decide({"v": actual}, ("v", "is_empty", "")) == ("yes" if empty else "no")
    assert decide({"v": actual}, ("v", "is_set", "")) == ("no" if empty else "yes")
    assert decide({}, ("v", "is_empty", "")) == "yes"


@pytest.mark.parametrize(
    ("actual", "pattern", "said"),
    [
        ("AB-1234", r"^[A-Z]{2}-\d{4}$", "yes"),
        ("ab-1234", r"^[A-Z]{2}-\d{4}$", "no"),  # a pattern is case-sensitive unless it says otherwise
        ("ab-1234", r"(?i)^[A-Z]{2}-\d{4}$", "yes"),
        ("order 66 please", r"\d+", "yes"),  # search, not a full match
        (None, r"^$", "yes"),
        (1234, r"^\d+$", "yes"),
    ],
)
def test_matches(actual, pattern, said):
    assert decide({"v": actual}, ("v", "matches", pattern)) == said


def test_a_catastrophic_pattern_fails_the_step_quickly_instead_of_hanging():
    doc = flow(node("check", "condition", rules=[{"variable": "v", "operator": "matches", "value": "(a+)+$"}]))
    began = time.perf_counter()

    result = run_turn(compile_doc(doc), State(variables={"v": "a" * 5000 + "!"}), None)

    assert time.perf_counter() - began < 2
    assert result.failed
    check = result.steps[-1]
    assert check.node_id == "check" and check.status == "failed"
    assert check.error == "rule on v: the pattern took too long on this input"
    assert texts(result) == ["Sorry, something went wrong on our side. Please try again in a moment."]


def test_a_pattern_that_becomes_invalid_once_rendered_fails_the_step():
    doc = flow(node("check", "condition", rules=[{"variable": "v", "operator": "matches", "value": "{{ pattern }}"}]))

    result = run_turn(compile_doc(doc), State(variables={"v": "x", "pattern": "(unclosed"}), None)

    assert result.failed
    assert result.steps[-1].error.startswith("rule on v: the pattern is not a valid regular expression")


def test_match_all_needs_every_rule_and_any_needs_one():
    adult_in_uk = (("age", "greater_than", "17"), ("country", "equals", "UK"))

    assert decide({"age": 30, "country": "uk"}, *adult_in_uk) == "yes"
    assert decide({"age": 30, "country": "FR"}, *adult_in_uk) == "no"
    assert decide({"age": 30, "country": "FR"}, *adult_in_uk, match="any") == "yes"
    assert decide({"age": 12, "country": "FR"}, *adult_in_uk, match="any") == "no"
    assert decide({"age": 12, "country": "UK"}, *adult_in_uk, match="any") == "yes"


@pytest.mark.parametrize(
    ("path", "said"),
    [
        ("contact.email", "yes"),
        ("contact.address.city", "yes"),
        ("orders.1.id", "yes"),
        ("orders.9.id", "no"),  # out of range: missing, so empty
        ("contact.phone", "no"),
        ("contact.email.domain", "no"),  # inside a text: missing
    ],
)
def test_dotted_variable_paths_reach_inside_objects_and_lists(path, said):
    variables = {
        "contact": {"email": "ada@example.com", "address": {"city": "London"}},
        "orders": [{"id": "A1"}, {"id": "B2"}],
    }
    assert decide(variables, (path, "is_set", "")) == said


def test_dotted_path_values_compare_like_any_other():
    variables = {"contact": {"address": {"city": "London"}}, "orders": [{"total": "19.99"}]}

    assert decide(variables, ("contact.address.city", "equals", "london")) == "yes"
    assert decide(variables, ("orders.0.total", "greater_than", "10")) == "yes"


def test_the_value_is_a_template_rendered_against_the_variables():
    variables = {"guess": "7", "secret": 7, "limit": "5", "name": "Ada", "greeting": "Hello Ada!"}

    assert decide(variables, ("guess", "equals", "{{ secret }}")) == "yes"
    assert decide(variables, ("guess", "greater_than", "{{ limit }}")) == "yes"
    assert decide(variables, ("greeting", "contains", "{{ name }}")) == "yes"
    assert decide(variables, ("guess", "equals", "{{ missing }}")) == "no"


def test_the_rendered_rules_and_their_results_are_on_the_step():
    doc = flow(
        node(
            "check",
            "condition",
            match="any",
            rules=[
                {"variable": "guess", "operator": "equals", "value": "{{ secret }}"},
                {"variable": "guess", "operator": "less_than", "value": "10"},
            ],
        )
    )

    result = run_turn(compile_doc(doc), State(variables={"guess": "3", "secret": 7}), None)

    step = result.steps[-1]
    assert step.input["rules"][0] == {"variable": "guess", "operator": "equals", "value": "7"}
    assert step.output["rules"] == [False, True]
    assert step.output["result"] is True
    assert step.handle == "true"
