"""Templating: `{{ var }}` in config strings, rendered by a sandboxed, immutable Jinja2 environment."""

import pytest

from flows.engine import State, run_turn
from nodes import templating
from nodes.base import Context, NodeError, render_config
from nodes.core.condition import ConditionConfig
from nodes.core.question import QuestionConfig
from nodes.templating import MAX_RENDERED, TemplateProblem, check, render

from . import compile_doc, flow, node, texts


@pytest.mark.parametrize(
    ("source", "variables", "out"),
    [
        ("Hi {{ name }}!", {"name": "Ada"}, "Hi Ada!"),
        ("Hi {{ name }}!", {}, "Hi !"),  # a missing variable renders as nothing
        ("{{ contact.address.city }}", {}, ""),  # so does a path through a missing one
        ("{{ contact.address.city }}", {"contact": {}}, ""),
        ("{{ contact.address.city }}", {"contact": {"address": {"city": "Oslo"}}}, "Oslo"),
        ("{{ nothing }}", {"nothing": None}, ""),  # None too
        ("{{ n + 1 }} / {{ price * 2 }}", {"n": 1, "price": 2.5}, "2 / 5.0"),
        ("{{ name|upper }} {{ items|join(', ') }}", {"name": "ada", "items": ["a", "b"]}, "ADA a, b"),
        ("{{ missing|default('friend') }}", {}, "friend"),
        ("{% if vip %}VIP{% else %}guest{% endif %}", {"vip": False}, "guest"),
        ("{{ html }}", {"html": "<b>&</b>"}, "<b>&</b>"),  # chat text: nothing is HTML-escaped
        ("line\n", {}, "line\n"),
        ("{# a note #}text", {}, "text"),
    ],
)
def test_render(source, variables, out):
    assert render(source, variables) == out


@pytest.mark.parametrize("source", ["plain text", "a { brace } and }} braces", "{ not a template }", ""])
def test_plain_text_is_returned_as_it_is(source):
    assert render(source, {}) == source
    check(source)


def test_a_variable_holding_template_syntax_is_not_rendered_again():
    assert render("You said: {{ last }}", {"last": "{{ secret }}", "secret": "s3cret"}) == "You said: {{ secret }}"


# --- the sandbox ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ ''.__class__ }}",
        "{{ name.__class__.__base__ }}",
        "{{ cycler.__init__.__globals__ }}",
        "{{ lipsum.__globals__['os'] }}",
        "{{ joiner.__init__.__globals__.__builtins__ }}",
        "{{ name.__doc__ }}",
        "{{ request.__class__ }}",
        "{{ '{0.__class__}'.format(name) }}",
        "{{ '{0.__init__.__globals__}'.format(name) }}",
    ],
)
def test_unsafe_attributes_render_as_nothing(source):
    assert render(source, {"name": "Ada"}) == ""


@pytest.mark.parametrize(
    ("source", "unsafe"),
    [
        ("{{ ''.__class__.__mro__[1].__subclasses__() }}", "__class__"),
        ("{{ ''.__class__() }}", "__class__"),
        ("{{ items.append('x') }}", "append"),  # the environment is immutable too
        ("{{ contact.update({'email': 'evil@example.com'}) }}", "update"),
        ("{{ contact.clear() }}", "clear"),
    ],
)
def test_calling_through_an_unsafe_attribute_is_a_template_problem(source, unsafe):
    variables = {"name": "Ada", "items": ["a"], "contact": {"email": "ada@example.com"}}

    with pytest.raises(TemplateProblem, match=f"template error: .*{unsafe}.*unsafe"):
        render(source, variables)
    assert variables == {"name": "Ada", "items": ["a"], "contact": {"email": "ada@example.com"}}


def test_a_security_error_fails_the_step_and_the_flow_sends_its_fallback():
    doc = flow(node("hi", "message", text="Hi"), node("hack", "message", text="{{ ''.__class__.__mro__[1]() }}"))

    result = run_turn(compile_doc(doc), State(), None)

    assert result.failed
    assert texts(result) == ["Hi", "Sorry, something went wrong on our side. Please try again in a moment."]
    step = result.steps[-1]
    assert (step.node_id, step.status) == ("hack", "failed")
    assert step.error == "template error: access to attribute '__class__' of 'str' object is unsafe."
    assert "object" not in "".join(texts(result))


def test_a_huge_range_is_refused():
    with pytest.raises(TemplateProblem, match="Range too big"):
        render("{% for i in range(10000000) %}x{% endfor %}", {})


# --- run-time errors and limits ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "error"),
    [
        ("{{ 1 / 0 }}", "ZeroDivisionError"),
        ("{{ name + 1 }}", "TypeError"),
        ("{{ missing() }}", "is undefined"),
        ("{{ items[5] }}", None),  # an index out of range is undefined: it renders as nothing
    ],
)
def test_errors_while_rendering_are_template_problems(source, error):
    variables = {"name": "Ada", "items": []}
    if error is None:
        assert render(source, variables) == ""
        return
    with pytest.raises(TemplateProblem, match=error):
        render(source, variables)


def test_the_rendered_output_is_limited():
    assert len(render("{{ 'a' * n }}", {"n": MAX_RENDERED})) == MAX_RENDERED

    with pytest.raises(TemplateProblem, match=f"repetition longer than {MAX_RENDERED}"):
        render("{{ 'a' * n }}", {"n": MAX_RENDERED + 1})
    with pytest.raises(TemplateProblem, match=f"template output is longer than {MAX_RENDERED} characters"):
        render("{{ a }}{{ a }}", {"a": "x" * (MAX_RENDERED // 2 + 1)})
    with pytest.raises(TemplateProblem, match="longer than"):
        render("You said: {{ last }}", {"last": "x" * MAX_RENDERED})


def test_a_message_over_the_limit_fails_its_step():
    doc = flow(node("echo", "message", text="{% for i in range(300) %}{{ line }}{% endfor %}"))

    result = run_turn(compile_doc(doc), State(variables={"line": "x" * 100}), None)

    assert result.failed and "longer than" in result.steps[-1].error


# --- checking when a flow is saved ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        "{{ name }",
        "{{ }}",
        "{% if x %}no end",
        "{% endfor %}",
        "{{ name | no_such_filter }}",
        "{% for a in b %}" * 25 + "{% endfor %}" * 25,
        "{{ " + "(" * 1500 + ")" * 1500 + " }}",
    ],
)
def test_check_reports_templates_that_do_not_compile(source):
    with pytest.raises(TemplateProblem, match="^template error: "):
        check(source)
    with pytest.raises(TemplateProblem):
        render(source, {})


def test_check_accepts_templates_that_compile_even_if_variables_are_missing():
    check("Hi {{ name }}, {% for x in items %}{{ x }}{% endfor %}")


def test_is_template():
    assert templating.is_template("{{ a }}") and templating.is_template("{% if a %}{% endif %}")
    assert templating.is_template("{# note #}")
    assert not templating.is_template("{a}") and not templating.is_template("no braces")


# --- in nodes ------------------------------------------------------------------------------------------------------


def test_context_render_turns_a_template_problem_into_a_node_error():
    ctx = Context({"name": "Ada"})

    assert ctx.render("Hi {{ name }}") == "Hi Ada"
    with pytest.raises(NodeError, match="unsafe"):
        ctx.render("{{ name.__class__() }}")


def test_render_config_renders_only_template_fields_and_reports_what_they_became():
    config = QuestionConfig(text="{{ name }}, your email?", input_type="email", variable="email", retry_text="{{ x }}")

    rendered, shown = render_config(config, Context({"name": "Ada", "x": "Again?"}))

    assert (rendered.text, rendered.retry_text, rendered.variable) == ("Ada, your email?", "Again?", "email")
    assert shown == {"text": "Ada, your email?", "retry_text": "Again?"}
    assert config.text == "{{ name }}, your email?"  # the compiled graph's config is untouched


def test_render_config_renders_templates_inside_lists_of_settings():
    config = ConditionConfig(rules=[{"variable": "a", "operator": "equals", "value": "{{ b }}"}])

    rendered, shown = render_config(config, Context({"b": "7"}))

    assert rendered.rules[0].value == "7"
    assert shown == {"rules": [{"variable": "a", "operator": "equals", "value": "7"}]}
    assert config.rules[0].value == "{{ b }}"


@pytest.mark.parametrize(
    "source",
    ["{{ 'a' * 10**9 }}", "{{ [0] * 10**8 }}", "{{ 10 ** 100000 }}", "{{ n * 'ab' }}"],
)
def test_operators_that_would_eat_the_worker_are_refused(source):
    with pytest.raises(TemplateProblem, match="repetition longer than|exponent larger than"):
        render(source, {"n": 10**7})


def test_small_repetition_and_powers_still_work():
    assert render("{{ '-' * 3 }} {{ 2 ** 10 }}", {}) == "--- 1024"
