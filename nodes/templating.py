"""Config strings are Jinja2 templates rendered in a sandbox: `{{ name }}`, never eval."""

from functools import lru_cache
from typing import Any
from urllib.parse import quote

from jinja2 import ChainableUndefined, TemplateError, Undefined, nodes
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

MAX_RENDERED = 20_000
MAX_EXPONENT = 1_000


class _BoundedEnvironment(ImmutableSandboxedEnvironment):
    """The sandbox, plus limits on the operators that can eat a worker's CPU or memory (`'a' * 10**9`)."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(right, int | float) and abs(right) > MAX_EXPONENT:
            raise SecurityError(f"exponent larger than {MAX_EXPONENT}")
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                if isinstance(seq, str | list | tuple) and isinstance(times, int) and len(seq) * times > MAX_RENDERED:
                    raise SecurityError(f"repetition longer than {MAX_RENDERED}")
        return super().call_binop(context, operator, left, right)


_env = _BoundedEnvironment(
    undefined=ChainableUndefined,  # a missing variable renders as empty text, as chat users expect
    autoescape=False,  # chat text, not HTML; HTML-producing nodes escape on their own
    finalize=lambda value: "" if value is None else value,
    keep_trailing_newline=True,
)


# HTML bodies (the email node): every variable is escaped unless the template says `| safe`, so a user's answer
# cannot add markup or links to a message that goes out under the sender's name.
_html_env = _BoundedEnvironment(
    undefined=ChainableUndefined,
    autoescape=True,
    finalize=lambda value: "" if value is None else value,
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


def _rendered(compile: Any, source: str, variables: dict[str, Any]) -> str:
    """compile(source) rendered with the variables; any failure, or output over the cap, as a TemplateProblem."""
    try:
        out = str(compile(source).render(variables))
    except TemplateError as exc:
        raise TemplateProblem(f"template error: {exc}") from None
    except (TypeError, ValueError, ArithmeticError, LookupError, AttributeError, SyntaxError, RecursionError) as exc:
        raise TemplateProblem(f"template error: {type(exc).__name__}: {exc}") from None
    if len(out) > MAX_RENDERED:
        raise TemplateProblem(f"template output is longer than {MAX_RENDERED} characters")
    return out


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
        value = _plain(expression(**variables))
    except TemplateError as exc:
        raise TemplateProblem(f"template error: {exc}") from None
    except (TypeError, ValueError, ArithmeticError, LookupError, AttributeError, SyntaxError, RecursionError) as exc:
        if isinstance(exc, TemplateProblem):
            raise
        raise TemplateProblem(f"template error: {type(exc).__name__}: {exc}") from None
    if isinstance(value, str) and len(value) > MAX_RENDERED:
        raise TemplateProblem(f"template output is longer than {MAX_RENDERED} characters")
    return value


@lru_cache(maxsize=1024)
def _compile_expression(expression: str) -> Any:
    return _env.compile_expression(expression, undefined_to_none=False)


# In a URL every `{{ }}` is percent-encoded as one path segment, so a value with "/", "?" or "#" cannot change
# which resource is called; the fixed text around it is taken as written.
_url_env = _BoundedEnvironment(
    undefined=ChainableUndefined,
    autoescape=False,
    finalize=lambda value: "" if value is None else quote(str(value), safe=""),
)


def render_url(source: str, variables: dict[str, Any]) -> str:
    """Render a URL template, each inserted value percent-encoded."""
    if not is_template(source):
        return source
    return _rendered(_url_env.from_string, source, variables)
