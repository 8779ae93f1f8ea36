"""The budget of a render: a deadline and size caps, enforced while a template runs rather than after it.

The sandbox keeps a template from reaching Python's internals; this keeps it from holding a worker. Every loop step,
call and write checks the deadline, and every operation that can make a string much longer than its inputs (padding
to a width, `%` and `.format`, replace, join, repetition, nested containers turned into text) checks the size of its
result before building it.
"""

from __future__ import annotations

import json
import re
import string
import time
import types
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from jinja2 import filters as jinja_filters
from jinja2 import nodes, pass_environment, pass_eval_context
from jinja2.compiler import CodeGenerator, Frame, optimizeconst
from jinja2.exceptions import SecurityError
from jinja2.utils import _PassArg, generate_lorem_ipsum
from markupsafe import Markup

RENDER_SECONDS = 0.5  # legitimate templates render in well under a millisecond
MAX_BUILT = 1_000_000  # the longest text (or logical size of a container turned into text) built on the way
MAX_INT_BITS = 100_000  # about 30,000 digits
MAX_JSON_INDENT = 16


class BudgetExceeded(SecurityError):
    """The template ran past its deadline or would build something too large."""


@dataclass(slots=True)
class Budget:
    seconds: float
    deadline: float
    written: int = 0

    def tick(self) -> None:
        if time.monotonic() > self.deadline:
            raise BudgetExceeded(f"the template took longer than {self.seconds:g} s to render, so it was stopped")


_current: ContextVar[Budget | None] = ContextVar("render_budget", default=None)


@contextmanager
def budget(seconds: float | None = None) -> Iterator[Budget]:
    """A render budget for the block; a block inside another shares the outer one (a node's fields share a deadline)."""
    active = _current.get()
    if active is not None:
        yield active
        return
    limit = RENDER_SECONDS if seconds is None else seconds
    fresh = Budget(limit, time.monotonic() + limit)
    token = _current.set(fresh)
    try:
        yield fresh
    finally:
        _current.reset(token)


def tick() -> None:
    active = _current.get()
    if active is not None:
        active.tick()


def check_size(size: int, what: str = "the text") -> None:
    if size > MAX_BUILT:
        raise BudgetExceeded(f"{what} would be longer than {MAX_BUILT} characters")


def deep_size(value: Any, limit: int = MAX_BUILT) -> int:
    """About how long the value is as text; containers that hold one object many times count it each time.

    Sizes are memoized per object, so `[[x] * 100] * 100` costs two steps, not ten thousand; counting stops early
    once over the limit.
    """
    memo: dict[int, int] = {}

    def size(item: Any, depth: int) -> int:
        if isinstance(item, str | bytes | bytearray):
            return len(item)
        if item is None or isinstance(item, bool | float):
            return 5
        if isinstance(item, int):
            return item.bit_length() // 3 + 1
        key = id(item)
        if key in memo:
            return memo[key]
        memo[key] = 0  # a container inside itself counts once
        if depth > 100:
            total = limit + 1
        elif isinstance(item, Mapping):
            total = 2
            for k, v in item.items():
                total += size(k, depth + 1) + size(v, depth + 1) + 4
                if total > limit:
                    break
        elif isinstance(item, list | tuple | set | frozenset):
            total = 2
            for v in item:
                total += size(v, depth + 1) + 2
                if total > limit:
                    break
        else:
            total = 32
        memo[key] = total
        return total

    return size(value, 0)


def check_deep(value: Any, what: str = "the value as text") -> None:
    if not isinstance(value, str | int | float | bool | None):  # text is bounded where it is built; numbers are short
        check_size(deep_size(value), what)


def check_int_bits(bits: int) -> None:
    if bits > MAX_INT_BITS:
        raise BudgetExceeded(f"a number with more than {MAX_INT_BITS} bits would be built")


# -- bounded string methods ----------------------------------------------------------------------------------------


def _width(value: Any) -> int:
    return value if isinstance(value, int) else 0


def _padded(method: Callable[..., Any]) -> Callable[..., Any]:
    def bounded(width: Any, *args: Any) -> Any:
        check_size(_width(width), f"{method.__name__}() to a width of {width}")
        return method(width, *args)

    return bounded


def _expandtabs(method: Callable[..., Any]) -> Callable[..., Any]:
    def bounded(tabsize: Any = 8) -> Any:
        owner = method.__self__  # type: ignore[attr-defined]
        tab = "\t" if isinstance(owner, str) else b"\t"
        check_size(len(owner) + owner.count(tab) * max(_width(tabsize), 0), "expandtabs()")
        return method(tabsize)

    return bounded


def _replace(method: Callable[..., Any]) -> Callable[..., Any]:
    def bounded(old: Any, new: Any, count: Any = -1) -> Any:
        owner = method.__self__  # type: ignore[attr-defined]
        if isinstance(old, str | bytes | bytearray) and isinstance(new, str | bytes | bytearray):
            found = owner.count(old)
            if isinstance(count, int) and count >= 0:
                found = min(found, count)
            check_size(len(owner) + found * max(len(new) - len(old), 0), "replace()")
        return method(old, new, count)

    return bounded


def _join(method: Callable[..., Any]) -> Callable[..., Any]:
    def bounded(iterable: Any) -> Any:
        owner = method.__self__  # type: ignore[attr-defined]
        items = list(iterable)
        tick()
        total = len(owner) * max(len(items) - 1, 0)
        for item in items:
            total += len(item) if isinstance(item, str | bytes | bytearray) else 0
            check_size(total, "join()")
        return method(items)

    return bounded


def _translate(method: Callable[..., Any]) -> Callable[..., Any]:
    def bounded(table: Any, *args: Any) -> Any:
        owner = method.__self__  # type: ignore[attr-defined]
        if isinstance(table, Mapping):
            longest = max((len(v) for v in table.values() if isinstance(v, str | bytes)), default=1)
            check_size(len(owner) * max(longest, 1), "translate()")
        return method(table, *args)

    return bounded


_STRING_METHODS: dict[str, Callable[[Callable[..., Any]], Callable[..., Any]]] = {
    "center": _padded,
    "ljust": _padded,
    "rjust": _padded,
    "zfill": _padded,
    "expandtabs": _expandtabs,
    "replace": _replace,
    "join": _join,
    "translate": _translate,
}


def bounded_method(value: Any) -> Callable[..., Any] | None:
    """A size-checking stand-in for a str/bytes method that can build a long result, else None."""
    if not isinstance(value, types.BuiltinMethodType | types.MethodType):
        return None
    owner = getattr(value, "__self__", None)
    guard = _STRING_METHODS.get(value.__name__)
    if guard is None or not isinstance(owner, str | bytes | bytearray):
        return None
    return guard(value)


class BoundedFormatting(string.Formatter):
    """Mixed into the sandbox's formatter: each field's width and value checked, the running length capped."""

    _total = 0

    def vformat(self, format_string: str, args: Any, kwargs: Any) -> str:
        self._total = len(format_string)
        return super().vformat(format_string, args, kwargs)

    def format_field(self, value: Any, format_spec: str) -> Any:
        for number in re.findall(r"\d+", format_spec):
            check_size(int(number), f"a format field of width {number}")
        check_deep(value)
        tick()
        out = super().format_field(value, format_spec)
        self._total += len(out)
        check_size(self._total, "format()")
        return out


_PERCENT = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?[hlL]?(.)", re.DOTALL)


def check_percent(fmt: str, args: Any) -> None:
    """`fmt % args` would stay within the size cap: widths, precisions and the values' lengths added up."""
    specs = [m for m in _PERCENT.finditer(fmt) if m.group(3) != "%"]
    if not specs:
        return
    if any("*" in (m.group(1) or "") + (m.group(2) or "") for m in specs):
        raise BudgetExceeded("a * width or precision is not allowed in % formatting")
    widths = sum(int(m.group(1) or 0) + int(m.group(2) or 0) for m in specs)
    check_size(widths, "% formatting")
    if isinstance(args, Mapping):
        values = list(args.values())
    elif isinstance(args, tuple):
        values = list(args)
    else:
        values = [args]
    longest = max((deep_size(v) for v in values), default=0) * (6 if isinstance(fmt, Markup) else 1)
    check_size(len(fmt) + widths + len(specs) * longest, "% formatting")


# -- bounded filters and globals -----------------------------------------------------------------------------------


def _count_chunks(chunks: Iterable[str]) -> str:
    out: list[str] = []
    total = 0
    for chunk in chunks:
        tick()
        total += len(chunk)
        check_size(total, "the JSON")
        out.append(chunk)
    return "".join(out)


def bounded_dumps(obj: Any, **kwargs: Any) -> str:
    """json.dumps, stopped as soon as the text passes the cap (an indent multiplies nested data's size)."""
    indent = kwargs.get("indent")
    if isinstance(indent, int) and indent > MAX_JSON_INDENT:
        raise BudgetExceeded(f"a JSON indent larger than {MAX_JSON_INDENT}")
    if isinstance(indent, str) and len(indent) > MAX_JSON_INDENT:
        raise BudgetExceeded(f"a JSON indent longer than {MAX_JSON_INDENT}")
    check_size(deep_size(obj), "the JSON")  # measured first: encoding deeply nested data chunk by chunk is slow
    return _count_chunks(json.JSONEncoder(**kwargs).iterencode(obj))


def _checked(original: Callable[..., Any], what: str) -> Callable[..., Any]:
    """A filter that turns its value into text: the value's size checked first (context arguments passed on)."""
    passes = _PassArg.from_obj(original)

    def bounded(*args: Any, **kwargs: Any) -> Any:
        value = args[1 if passes else 0] if len(args) > (1 if passes else 0) else None
        check_deep(value, f"the value given to {what}")
        tick()
        return original(*args, **kwargs)

    if passes is not None:
        bounded.jinja_pass_arg = passes  # type: ignore[attr-defined]
    return bounded


def _center(value: Any, width: int = 80) -> str:
    check_deep(value)
    check_size(_width(width), f"center to a width of {width}")
    return jinja_filters.do_center(value, width)


def _indent(s: Any, width: int | str = 4, first: bool = False, blank: bool = False) -> str:
    check_deep(s)
    text = str(s)
    step = len(width) if isinstance(width, str) else _width(width)
    check_size(len(text) + (text.count("\n") + 1) * step, "indent")
    return jinja_filters.do_indent(text, width, first, blank)


def _format(value: Any, *args: Any, **kwargs: Any) -> str:
    if args and kwargs:
        raise jinja_filters.FilterArgumentError("can't handle positional and keyword arguments at the same time")
    check_deep(value)
    check_percent(str(value), kwargs or args)
    return jinja_filters.do_format(value, *args, **kwargs)


@pass_eval_context
def _join_filter(eval_ctx: Any, value: Any, d: str = "", attribute: Any = None) -> str:
    items = list(value)
    if attribute is not None:
        items = list(map(jinja_filters.make_attrgetter(eval_ctx.environment, attribute), items))
    tick()
    total = deep_size(d) * max(len(items) - 1, 0)
    check_size(total, "join")
    for item in items:
        total += deep_size(item, MAX_BUILT - total)
        check_size(total, "join")
    return jinja_filters.sync_do_join(eval_ctx, items, d)


@pass_eval_context
def _replace_filter(eval_ctx: Any, s: Any, old: Any, new: Any, count: int | None = None) -> str:
    check_deep(s)
    text, old_text, new_text = str(s), str(old), str(new)
    found = text.count(old_text) if count is None or count < 0 else min(text.count(old_text), count)
    check_size(len(text) + found * max(len(new_text) - len(old_text), 0), "replace")
    return jinja_filters.do_replace(eval_ctx, s, old, new, count)


@pass_environment
def _wordwrap(environment: Any, s: Any, width: int = 79, break_long_words: bool = True, wrapstring: Any = None,
              break_on_hyphens: bool = True) -> str:  # fmt: skip
    check_deep(s)
    text = str(s)
    joint = len(str(wrapstring)) if wrapstring is not None else len(environment.newline_sequence)
    lines = len(text) // max(_width(width), 1) + len(text.split()) + text.count("\n") + 1  # long words are broken too
    check_size(len(text) + lines * joint, "wordwrap")
    return jinja_filters.do_wordwrap(environment, text, width, break_long_words, wrapstring, break_on_hyphens)


def _sum(environment: Any, iterable: Any, attribute: Any = None, start: Any = 0) -> Any:
    items = list(iterable)
    if isinstance(start, str | bytes | list | tuple):
        check_size(deep_size(start) + sum(deep_size(item) for item in items), "sum")
    return jinja_filters.sync_do_sum(environment, items, attribute, start)


def _slice(value: Any, slices: int, fill_with: Any = None) -> Any:
    check_size(_width(slices), f"slice into {slices}")
    return jinja_filters.sync_do_slice(value, slices, fill_with)


def _batch(value: Any, linecount: int, fill_with: Any = None) -> Any:
    check_size(_width(linecount), f"batch by {linecount}")
    return jinja_filters.do_batch(value, linecount, fill_with)


def _lipsum(n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> str:  # noqa: A002 - Jinja's names
    check_size(_width(n) * _width(max) * 12, "lipsum")
    return generate_lorem_ipsum(n, html, min, max)


_TEXT_FILTERS = ("string", "pprint", "upper", "lower", "capitalize", "title", "trim", "striptags", "escape", "e",
                 "forceescape", "urlencode", "urlize", "wordcount", "truncate", "safe", "xmlattr")  # fmt: skip


def install(environment: Any) -> None:
    """Put the bounded filters, globals and JSON dumper in place of Jinja's own."""
    found = environment.filters
    for name in _TEXT_FILTERS:
        found[name] = _checked(found[name], name)
    found.update(
        center=_center,
        indent=_indent,
        format=_format,
        join=_join_filter,
        replace=_replace_filter,
        wordwrap=_wordwrap,
        sum=pass_environment(_sum),
        slice=_slice,
        batch=_batch,
    )
    environment.globals["lipsum"] = _lipsum
    environment.policies["json.dumps_function"] = bounded_dumps


# -- compiled checks -----------------------------------------------------------------------------------------------


class BudgetedCodeGenerator(CodeGenerator):
    """Compiles the checks into the template: each loop step ticks the deadline, each write is counted, and `~`
    checks the joined length first."""

    def visit_For(self, node: nodes.For, frame: Frame) -> None:
        if not _is_budgeted(node.iter):
            node.iter = nodes.Call(nodes.EnvironmentAttribute("budget_iter"), [node.iter], [], None, None)
        super().visit_For(node, frame)

    def _output_child_pre(self, node: nodes.Expr, frame: Frame, finalize: Any) -> None:
        self.write("environment.budget_out(")
        super()._output_child_pre(node, frame, finalize)

    def _output_child_post(self, node: nodes.Expr, frame: Frame, finalize: Any) -> None:
        super()._output_child_post(node, frame, finalize)
        self.write(")")

    def _output_const_repr(self, group: Iterable[Any]) -> str:
        return f"environment.budget_out({super()._output_const_repr(group)})"

    @optimizeconst
    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        if frame.eval_ctx.volatile:
            join = "(markup_join if context.eval_ctx.volatile else str_join)"
        elif frame.eval_ctx.autoescape:
            join = "markup_join"
        else:
            join = "str_join"
        self.write(f"environment.budget_concat({join}, (")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")


def _is_budgeted(node: nodes.Node) -> bool:
    return (
        isinstance(node, nodes.Call)
        and isinstance(node.node, nodes.EnvironmentAttribute)
        and node.node.name == "budget_iter"
    )


def budget_iter(iterable: Any) -> Iterator[Any]:
    """A loop's items, the deadline checked before each."""
    active = _current.get()
    if active is None:
        yield from iterable
        return
    for item in iterable:
        if time.monotonic() > active.deadline:
            active.tick()
        yield item


def budget_out(text: str) -> str:
    """A write (to the output or to a captured block): counted, and the deadline checked."""
    active = _current.get()
    if active is not None:
        active.written += len(text)
        if active.written > MAX_BUILT:
            raise BudgetExceeded(f"the template wrote more than {MAX_BUILT} characters while rendering")
        if time.monotonic() > active.deadline:
            active.tick()
    return text


def budget_concat(join: Callable[[Iterable[Any]], str], parts: tuple[Any, ...]) -> str:
    total = 0
    for part in parts:
        total += deep_size(part, MAX_BUILT - total)
        check_size(total, "joining with ~")
    return join(parts)
