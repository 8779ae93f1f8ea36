"""Config strings are Jinja2 templates rendered in a sandbox: `{{ name }}`, never eval."""

from functools import lru_cache
from typing import Any

from jinja2 import ChainableUndefined, TemplateError
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

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
    try:
        out = (_compile_html if html else _compile)(source).render(variables)
    except TemplateError as exc:
        raise TemplateProblem(f"template error: {exc}") from None
    except (TypeError, ValueError, ArithmeticError, LookupError, AttributeError, SyntaxError, RecursionError) as exc:
        raise TemplateProblem(f"template error: {type(exc).__name__}: {exc}") from None
    if len(out) > MAX_RENDERED:
        raise TemplateProblem(f"template output is longer than {MAX_RENDERED} characters")
    return out
