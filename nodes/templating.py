"""Config strings are Jinja2 templates rendered in a sandbox: `{{ name }}`, never eval."""

import re
from functools import lru_cache
from typing import Any
from urllib.parse import quote, unquote

from jinja2 import ChainableUndefined, TemplateError, Undefined, nodes
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment, SandboxedEscapeFormatter, SandboxedFormatter
from markupsafe import Markup

from integrations.urls import steps_away

from . import render_budget

MAX_RENDERED = 20_000
MAX_EXPONENT = 1_000


class _BoundedEnvironment(ImmutableSandboxedEnvironment):
    """The sandbox, plus a render budget (nodes/render_budget.py) and limits on the operators that can eat a worker's
    CPU or memory (`'a' * 10**9`, `9 ** 999 ** 999`)."""

    intercepted_binops = frozenset({"*", "**", "+", "%"})
    code_generator_class = render_budget.BudgetedCodeGenerator
    budget_iter = staticmethod(render_budget.budget_iter)
    budget_out = staticmethod(render_budget.budget_out)
    budget_concat = staticmethod(render_budget.budget_concat)

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        render_budget.install(self)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(right, int | float) and abs(right) > MAX_EXPONENT:
            raise SecurityError(f"exponent larger than {MAX_EXPONENT}")
        if operator == "**" and isinstance(left, int) and isinstance(right, int) and right > 0:
            render_budget.check_int_bits(left.bit_length() * right)
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                if isinstance(seq, _SEQUENCES) and isinstance(times, int) and _repeated(seq, times) > MAX_RENDERED:
                    raise SecurityError(f"repetition longer than {MAX_RENDERED}")
            if isinstance(left, int) and isinstance(right, int):
                render_budget.check_int_bits(left.bit_length() + right.bit_length())
        if operator == "+" and isinstance(left, _SEQUENCES) and isinstance(right, _SEQUENCES):
            render_budget.check_size(render_budget.deep_size(left) + render_budget.deep_size(right), "adding these")
        if operator == "%" and isinstance(left, str):
            render_budget.check_percent(left, right)
        return super().call_binop(context, operator, left, right)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 - Jinja's names
        render_budget.tick()
        return super().call(__context, __obj, *args, **kwargs)

    def wrap_str_format(self, value: Any) -> Any:
        """str.format (and format_map) through a size-checking formatter; other long-result methods size-checked."""
        wrapped = super().wrap_str_format(value)
        if wrapped is None:
            return render_budget.bounded_method(value)
        owner = value.__self__
        formatter: SandboxedFormatter = (
            _BoundedEscapeFormatter(self, escape=owner.escape) if isinstance(owner, Markup) else _BoundedFormatter(self)
        )
        is_map = value.__name__ == "format_map"

        def bounded(*args: Any, **kwargs: Any) -> str:
            if is_map:
                if kwargs or len(args) != 1:
                    raise TypeError("format_map() takes exactly one argument")
                return type(owner)(formatter.vformat(owner, (), args[0]))
            return type(owner)(formatter.vformat(owner, args, kwargs))

        return bounded


class _BoundedFormatter(render_budget.BoundedFormatting, SandboxedFormatter):
    pass


class _BoundedEscapeFormatter(render_budget.BoundedFormatting, SandboxedEscapeFormatter):
    pass


_SEQUENCES = (str, bytes, bytearray, list, tuple)


def _repeated(seq: Any, times: int) -> int:
    """How long `seq * times` is; nested containers count in full (`[[0] * 9000] * 9000` is 81 million zeros)."""
    nested = not isinstance(seq, str | bytes | bytearray) and any(isinstance(i, list | tuple | dict | set) for i in seq)
    return (render_budget.deep_size(seq) if nested else len(seq)) * times


def _finalize(value: Any) -> Any:
    """What `{{ }}` writes: None as nothing; a container's size is checked before it is turned into text."""
    if value is None:
        return ""
    render_budget.check_deep(value)
    return value


_env = _BoundedEnvironment(
    undefined=ChainableUndefined,  # a missing variable renders as empty text, as chat users expect
    autoescape=False,  # chat text, not HTML; HTML-producing nodes escape on their own
    finalize=_finalize,
    keep_trailing_newline=True,
)


# HTML bodies (the email node): every variable is escaped unless the template says `| safe`, so a user's answer
# cannot add markup or links to a message that goes out under the sender's name.
_html_env = _BoundedEnvironment(
    undefined=ChainableUndefined,
    autoescape=True,
    finalize=_finalize,
    keep_trailing_newline=True,
)


class TemplateProblem(ValueError):
    """A template that does not compile or fails while rendering."""


@lru_cache(maxsize=4096)
def _compile(source: str) -> Any:
    return _env.from_string(source)


@lru_cache(maxsize=256)
def _compile_html(source: str) -> Any:
    return _html_env.from_string(source)


def is_template(value: str) -> bool:
    """Cheap test: plain text skips Jinja entirely (most config strings)."""
    return "{" in value and ("{{" in value or "{%" in value or "{#" in value)


def check(source: str) -> None:
    """Raise TemplateProblem if the source does not compile."""
    if not is_template(source):
        return
    try:
        _compile(source)
    except TemplateError as exc:
        raise TemplateProblem(f"template error: {exc}") from None
    except (SyntaxError, RecursionError) as exc:  # nested too deep for Jinja's parser or Python's compiler
        raise TemplateProblem(f"template error: too deeply nested ({exc})") from None


def render(source: str, variables: dict[str, Any], *, html: bool = False) -> str:
    """Render one template string against the conversation's variables (html: values escaped)."""
    if not is_template(source):
        return source
    return _rendered(_compile_html if html else _compile, source, variables)


_FAILURES = (TypeError, ValueError, ArithmeticError, LookupError, AttributeError, SyntaxError, RecursionError,
             MemoryError)  # fmt: skip


def _rendered(compile: Any, source: str, variables: dict[str, Any]) -> str:
    """compile(source) rendered with the variables within the render budget; any failure, or output over the cap, as
    a TemplateProblem. The output is counted as it is written, so a runaway loop stops at the cap, not after it."""
    try:
        with render_budget.budget():
            chunks: list[str] = []
            total = 0
            for chunk in compile(source).generate(variables):
                total += len(chunk)
                if total > MAX_RENDERED:
                    raise TemplateProblem(f"template output is longer than {MAX_RENDERED} characters")
                chunks.append(chunk)
            return "".join(chunks)
    except TemplateError as exc:
        raise TemplateProblem(f"template error: {exc}") from None
    except _FAILURES as exc:
        if isinstance(exc, TemplateProblem):
            raise
        raise TemplateProblem(f"template error: {type(exc).__name__}: {exc}") from None


@lru_cache(maxsize=1024)
def _single_expression(source: str) -> str | None:
    """The expression of a template that is exactly one `{{ expression }}` (Jinja's parser decides), else None."""
    text = source.strip()
    if not (text.startswith("{{") and text.endswith("}}")):
        return None
    try:
        body = _env.parse(text).body
    except TemplateError:
        return None
    if len(body) != 1 or not isinstance(body[0], nodes.Output) or len(body[0].nodes) != 1:
        return None
    if isinstance(body[0].nodes[0], nodes.TemplateData):
        return None
    return text[2:-2]


def _plain(value: Any, depth: int = 0) -> Any:
    """A rendered value as JSON data: undefined becomes None; anything that is not JSON is refused."""
    if depth > 20:
        raise TemplateProblem("template error: the value is nested too deeply")
    if isinstance(value, Undefined) or value is None:
        return None
    if isinstance(value, bool | int | str):
        return str(value) if isinstance(value, Markup) else value
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise TemplateProblem("template error: the value is not a finite number")
        return value
    if isinstance(value, dict):
        return {str(k): _plain(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v, depth + 1) for v in value]
    raise TemplateProblem(f"template error: a {type(value).__name__} cannot be sent as data")


def render_value(source: str, variables: dict[str, Any]) -> Any:
    """A template that is one `{{ expression }}` gives the expression's value as data (a number stays a number, a
    list a list, a missing variable None); any other template renders to text."""
    inner = _single_expression(source) if is_template(source) else None
    if inner is None:
        return render(source, variables)
    try:
        expression = _compile_expression(inner)
        with render_budget.budget():
            found = expression(**variables)
            render_budget.check_deep(found, "the value")
        value = _plain(found)
    except TemplateError as exc:
        raise TemplateProblem(f"template error: {exc}") from None
    except _FAILURES as exc:
        if isinstance(exc, TemplateProblem):
            raise
        raise TemplateProblem(f"template error: {type(exc).__name__}: {exc}") from None
    if isinstance(value, str) and len(value) > MAX_RENDERED:
        raise TemplateProblem(f"template output is longer than {MAX_RENDERED} characters")
    return value


@lru_cache(maxsize=1024)
def _compile_expression(expression: str) -> Any:
    return _env.compile_expression(expression, undefined_to_none=False)


# In a URL every `{{ }}` is percent-encoded as one path segment (or one query value), so a value with "/", "?", "#",
# "&" or "@" cannot change which resource is called; the fixed text around it is taken as written. `| safe` inserts a
# value as URL text the editor vouches for (RFC 6570's `{+var}`). Each encoded value is put between two private-use
# marks while rendering, so the path segments a value made can be found afterwards: one that is empty, "." or ".."
# (also as "%2E" or fullwidth dots) would step to another resource, and is refused.
_OPEN, _CLOSE = "\ue000", "\ue001"
_ORIGIN = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://[^/]*")
_WHOLE_URL = re.compile(_OPEN + r"https?%3A%2F%2F", re.IGNORECASE)


def _url_finalize(value: Any) -> str:
    if isinstance(value, Markup):
        return str(value)
    render_budget.check_deep(value)
    return _OPEN + quote("" if value is None else str(value), safe="") + _CLOSE


_url_env = _BoundedEnvironment(
    undefined=ChainableUndefined,
    autoescape=False,
    finalize=_url_finalize,
)


@lru_cache(maxsize=1024)
def _compile_url(source: str) -> Any:
    return _url_env.from_string(source)


def render_url(source: str, variables: dict[str, Any]) -> str:
    """Render a URL template, each inserted value percent-encoded as one path segment or query value."""
    if not is_template(source):
        return source
    marked = _rendered(_compile_url, source, variables)
    if _WHOLE_URL.match(marked):
        raise TemplateProblem(
            "template error: the URL starts with a variable that holds a whole URL; values are encoded as one path "
            "segment, so write {{ name | safe }} to use a URL you trust as it is"
        )
    cut = min([i for i in (marked.find("?"), marked.find("#")) if i >= 0] or [len(marked)])
    path = marked[:cut]
    origin = _ORIGIN.match(path)
    for segment in path[origin.end() if origin else 0 :].split("/"):
        if _OPEN not in segment:
            continue
        plain = unquote(segment.replace(_OPEN, "").replace(_CLOSE, ""))
        if plain == "":
            raise TemplateProblem("template error: a variable in the URL path is empty, so the path would lose a part")
        if steps_away(plain):
            raise TemplateProblem(
                f"template error: a variable in the URL path makes the segment {plain!r}, which would step to another "
                "resource"
            )
    return marked.replace(_OPEN, "").replace(_CLOSE, "")
