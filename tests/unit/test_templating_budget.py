"""The render budget: a template that would hold a worker (a long loop, a huge string built by padding, formatting,
replace, join or repetition) stops within a second with a sentence that says why, and ordinary templates still work."""

import time

import pytest

from flows.engine import State, run_turn
from nodes import render_budget
from nodes.base import Context, render_config
from nodes.core.condition import ConditionConfig
from nodes.templating import TemplateProblem, render, render_url, render_value

from . import compile_doc, flow, node

TEXT = {"s": "x" * 20_000, "data": {"items": list(range(50))}}
SLOW = "the template took longer than 0.5 s to render, so it was stopped"
LONG = "would be longer than 1000000 characters"

HOSTILE = [
    # the audit's payloads: a nested loop (134 s), and strings of 200 million characters
    ("{% for a in range(99999) %}{% for b in range(99999) %}{% endfor %}{% endfor %}", SLOW),
    ("{% for a in range(99999) %}{% for b in range(99999) %}{{ b }}{% endfor %}{% endfor %}", "output is longer"),
    ("{{ 'x'.center(200000000) }}", LONG),
    ("{{ 'x' | center(200000000) }}", LONG),
    ("{{ 'x'.ljust(200000000) }}", LONG),
    ("{{ 'x'.rjust(200000000, '-') }}", LONG),
    ("{{ '1'.zfill(200000000) }}", LONG),
    ("{{ '%200000000d' % 1 }}", LONG),
    ("{{ '%.200000000f' % 1.5 }}", LONG),
    ("{{ '%*d' % (200000000, 1) }}", "a * width or precision is not allowed"),
    ("{{ '%200000000d' | format(1) }}", LONG),
    ("{{ '{:>200000000}'.format(1) }}", LONG),
    ("{{ '{0:{1}}'.format(1, 200000000) }}", LONG),
    ("{{ '{x:>200000000}'.format_map({'x': 1}) }}", LONG),
    ("{{ ('{0}' * 6000).format(s) }}", "format() " + LONG),
    ("{{ s.replace('', s) }}", LONG),
    ("{{ s | replace('x', s) }}", LONG),
    ("{{ s.join(['a'] * 60) }}", LONG),
    ("{{ range(99999) | join(s) }}", LONG),
    ("{{ s.translate({120: s}) }}", LONG),
    ("{{ ('\t' * 1000).expandtabs(200000000) }}", LONG),
    ("{{ 'x' | indent(200000000, true) }}", LONG),
    ("{{ s | wordwrap(1, wrapstring=s) }}", LONG),
    ("{{ lipsum(100000) }}", LONG),
    ("{{ data | tojson(200000000) }}", "a JSON indent larger than 16"),
    ("{{ range(10) | slice(200000000) | list | length }}", LONG),
    ("{{ [1] | batch(200000000, 0) | list }}", LONG),
    ("{{ [[0] * 20000] * 20000 }}", "repetition longer than 20000"),
    ("{{ s.encode() * 100000 }}", "repetition longer than 20000"),
    ("{{ (9 ** 999) ** 999 }}", "a number with more than 100000 bits"),
    # doubling in a loop, by each way of joining
    ("{% set ns = namespace(s='x') %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}", LONG),
    ("{% set ns = namespace(s='x') %}{% for i in range(40) %}{% set ns.s = ns.s + ns.s %}{% endfor %}", LONG),
    ("{% set ns = namespace(n=9 ** 99) %}{% for i in range(40) %}{% set ns.n = ns.n * ns.n %}{% endfor %}", "bits"),
    # the same object many times over turns into a huge text
    (
        "{% set a = [s, s, s, s, s, s, s, s, s, s] %}{% set b = [a, a, a, a, a, a, a, a, a, a] %}"
        "{% set c = [b, b, b, b, b, b, b, b, b, b] %}{{ c | string | length }}",
        LONG,
    ),
    ("{% set a = [s, s, s, s, s, s, s, s, s, s] %}{% set b = [a, a, a, a, a, a, a, a, a, a] %}{{ b }}", LONG),
    (
        "{% set ns = namespace(d={}) %}{% for i in range(60) %}{% set ns.d = {'a': ns.d, 'b': ns.d} %}{% endfor %}"
        "{{ ns.d | format }}{{ ns.d }}",
        LONG,
    ),
    (
        "{% set ns = namespace(d={}) %}{% for i in range(60) %}{% set ns.d = {'a': ns.d, 'b': ns.d} %}{% endfor %}"
        "{{ ns.d | tojson | length }}",
        "the JSON " + LONG,
    ),
    # writes into a captured block or a macro are counted too, not only the final output
    ("{% set x %}{% for i in range(99999) %}{{ s }}{% endfor %}{% endset %}{{ x | length }}", "wrote more than"),
    ("{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(40) | length }}", SLOW),
]


@pytest.mark.parametrize(("source", "error"), HOSTILE)
def test_a_template_that_would_hold_the_worker_stops_within_a_second(source, error):
    started = time.monotonic()

    with pytest.raises(TemplateProblem) as caught:
        render(source, TEXT)

    assert time.monotonic() - started < 1.0
    assert error in str(caught.value)


@pytest.mark.parametrize(
    ("source", "out"),
    [
        ("[{{ 'ab'.center(6) }}] [{{ 'ab' | center(6) }}] {{ '7'.zfill(3) }}", "[  ab  ] [  ab  ] 007"),
        ("{{ '%5.1f|%-3s|' % (2.25, 'x') }}", "  2.2|x  |"),
        ("{{ '%(name)s is %(age)d' % {'name': 'Ada', 'age': 36} }}", "Ada is 36"),
        ("{{ '{:>4}|{name}'.format(1, name='Ada') }} {{ '%03d' | format(7) }}", "   1|Ada 007"),
        ("{{ 'a-b-c'.replace('-', ' + ') }} {{ 'a-b' | replace('-', '/') }}", "a + b + c a/b"),
        ("{{ ', '.join(['a', 'b']) }} {{ data['items'][:3] | join(', ') }}", "a, b 0, 1, 2"),
        ("{{ {'a': [1]} | tojson(2) }}", '{\n  "a": [\n    1\n  ]\n}'),
        ("{{ 'x\ny' | indent(2, true) }} {{ 'ab' ~ 'cd' ~ 1 }} {{ [1] + [2] }}", "  x\n  y abcd1 [1, 2]"),
        (
            "{% for row in data['items'] | batch(20) %}{{ loop.index }}{% endfor %} {{ 2 ** 64 }}",
            "123 18446744073709551616",
        ),
        (
            "{{ ('a' * 20000) | length }} {{ ([0] * 20000) | length }} {{ [[0] * 3] * 3 }}",
            "20000 20000 [[0, 0, 0], [0, 0, 0], [0, 0, 0]]",
        ),
        ("{% for i in range(3) %}{% for j in range(2) %}{{ i }}{{ j }} {% endfor %}{% endfor %}", "00 01 10 11 20 21 "),
    ],
)
def test_ordinary_templates_render_as_before(source, out):
    assert render(source, TEXT) == out


def test_the_budget_holds_for_html_urls_and_values():
    loop = "{% for a in range(99999) %}{% for b in range(99999) %}{% endfor %}{% endfor %}"
    for renders in (lambda: render(loop, {}, html=True), lambda: render_url("http://h/{{ x }}" + loop, {"x": 1})):
        started = time.monotonic()
        with pytest.raises(TemplateProblem, match=SLOW):
            renders()
        assert time.monotonic() - started < 1.0
    with pytest.raises(TemplateProblem, match=LONG):
        render_value("{{ 'x'.center(200000000) }}", {})


def test_a_nodes_fields_share_one_deadline(monkeypatch):
    """Each field alone would stop at the deadline; together they still hold the worker for one deadline only."""
    monkeypatch.setattr(render_budget, "RENDER_SECONDS", 0.3)
    spin = "{% for a in range(99999) %}{% for b in range(99999) %}{% endfor %}{% endfor %}"
    rules = [{"variable": "a", "operator": "equals", "value": spin} for _ in range(10)]
    config = ConditionConfig.model_validate({"rules": rules})

    started = time.monotonic()
    with pytest.raises(Exception, match="longer than 0.3 s"):
        render_config(config, Context({}))

    assert time.monotonic() - started < 1.0


def test_a_stalling_message_fails_its_step_with_the_sentence_and_the_flow_sends_its_fallback():
    doc = flow(
        node("spin", "message", text="{% for a in range(99999) %}{% for b in range(99999) %}{% endfor %}{% endfor %}")
    )

    result = run_turn(compile_doc(doc), State(), None)

    assert result.failed
    assert result.steps[-1].error == f"template error: {SLOW}"
    assert result.steps[-1].duration_ms < 1000
